/*
 * output - text and JSON output helpers shared by the keytool subcommands
 */
#ifndef DKIMLENS_KEYTOOL_OUTPUT_H
#define DKIMLENS_KEYTOOL_OUTPUT_H

#include <stdio.h>

/* json_str - write s as a JSON string literal, quotes included */
void	json_str(FILE *fp, const char *s);

/* read_input - read a whole file ("-" or NULL: stdin), capped at max bytes;
 * returns a NUL-terminated malloc'd buffer and its length, or NULL with a
 * message on stderr */
char	*read_input(const char *path, size_t max, size_t *len_out);

/* warnx_ - "dkimlens-keytool: " + message on stderr */
void	kt_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
