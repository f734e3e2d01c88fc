/*
 * version - the dkimlens version and the libraries it runs with
 *
 * One number for both programs and the Debian package (debian/changelog
 * must say the same; `make deb` checks).  version_line() is what
 * `--version` prints: the program, this version, and the OpenSSL and ldns
 * versions found at run time (not the headers': a library upgraded under
 * the binary shows).
 *
 * Never: printing (the front end prints the line).
 */
#ifndef DKIMLENS_VERSION_H
#define DKIMLENS_VERSION_H

#include <stddef.h>

#define DKIMLENS_VERSION	"0.1"

/*
 * version_line - "PROG 0.1 (OpenSSL 3.0.x DD Mon YYYY, ldns 1.8.3)" into
 * out (always NUL-terminated, cut at outlen); returns out
 */
const char *version_line(const char *prog, char *out, size_t outlen);

#endif
