/*
 * b64 - base64 (RFC 4648 section 4) for signatures, keys and records
 *
 * The decoder skips whitespace (RFC 6376 allows FWS inside b=, bh=, p=)
 * and rejects anything else that is not in the alphabet, bad padding or
 * a wrong length, saying which.
 */
#ifndef DKIMLENS_B64_H
#define DKIMLENS_B64_H

#include <stddef.h>

enum b64_status { B64_OK, B64_BAD_CHAR, B64_BAD_PADDING, B64_BAD_LENGTH,
	B64_TOO_LONG };

/* b64_decode - decode into out (capacity outcap), length in *len_out */
enum b64_status b64_decode(const char *in, size_t inlen, unsigned char *out,
	    size_t outcap, size_t *len_out);

/* b64_encode - encode into out (capacity >= 4 * ((len + 2) / 3) + 1) */
size_t	b64_encode(const unsigned char *in, size_t len, char *out);

/* b64_status_text - "invalid character", "bad padding", ... */
const char *b64_status_text(enum b64_status st);

#endif
