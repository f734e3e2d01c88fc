/*
 * ares - Authentication-Results header field (RFC 8601)
 *
 * Formats the field value for one message: authserv-id, then one dkim=
 * resinfo per signature with its reason as a comment and the properties
 * header.d, header.s, header.a, header.b (first 8 characters; RFC 6008),
 * each a token or, when it holds a tspecial such as "/", a quoted-string;
 * a value holding a control, DEL or 8-bit byte (an unparsed d= or s=) has
 * no RFC 8601 form and is left out.  The comment has such bytes replaced.
 * Only valid RFC 8601 syntax reaches the header.  Also recognizes an
 * existing Authentication-Results field carrying our authserv-id (a
 * forgery to be removed, RFC 8601 5).
 */
#ifndef DKIMLENS_ARES_H
#define DKIMLENS_ARES_H

#include <stddef.h>

#include "lib/verify.h"

/*
 * ares_format - the field value (leading space, folded with CRLF TAB) for
 * the verifier's results; "none" when no signature.  Owned string or NULL.
 */
char	*ares_format(const char *authserv_id, const struct verifier *v);

/*
 * ares_resinfo - one signature as a single-line resinfo:
 * "dkim=pass (reason) header.d=D header.s=S header.a=A header.b=B8"
 * written into out (always NUL-terminated).  Returns 0, or -1 when it
 * does not fit outlen: out then holds only "dkim=RESULT" (or ""), never
 * a cut value.  1300 bytes always fit.
 */
int	ares_resinfo(const struct verify_sig *vs, char *out, size_t outlen);

/*
 * ares_is_ours - 1 when value (an Authentication-Results field value) has
 * authserv_id as its authserv-id (case-insensitive, RFC 8601 2.5).
 */
int	ares_is_ours(const char *value, const char *authserv_id);

#endif
