/*
 * output - text and JSON output helpers shared by the keytool subcommands
 */
#ifndef DKIMLENS_KEYTOOL_OUTPUT_H
#define DKIMLENS_KEYTOOL_OUTPUT_H

#include <sys/types.h>

#include <stdio.h>

/* json_str - write s as a JSON string literal, quotes included */
void	json_str(FILE *fp, const char *s);

/*
 * esc_str - write s with every byte outside printable ASCII (controls,
 * DEL, 8-bit) as \xNN, the escaping the milter's log uses: for text from
 * DNS, which could otherwise end a line or forge one
 */
void	esc_str(FILE *fp, const char *s);

/* json_esc_str - json_str of the text esc_str writes */
void	json_esc_str(FILE *fp, const char *s);

/*
 * kt_reader - the user a key is judged for (lib/keyfile.h): --user NAME
 * when given, else the invoking user, else (root) the key's owner.  0, or
 * -1 after a message for an unknown NAME.
 */
int	kt_reader(const char *user, uid_t *reader_out);

/* read_input - read a whole file ("-" or NULL: stdin), capped at max bytes;
 * returns a NUL-terminated malloc'd buffer and its length, or NULL with a
 * message on stderr */
char	*read_input(const char *path, size_t max, size_t *len_out);

/* warnx_ - "dkimlens-keytool: " + message on stderr */
void	kt_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
