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

/*
 * b64_decode_pieces - the lenient decoder of key files: white space is
 * skipped; '=' padding may end a piece and another piece follow (a key
 * pasted in several padded parts); missing final padding is tolerated and
 * said in *nopad_out.  out needs inlen * 3 / 4 + 3 bytes.  0 with the
 * length in *outlen, or -1 with *bad_out the offset of the first character
 * that cannot be there (outside the alphabet, data after a lone '=', or
 * '=' after fewer than two characters of a group).
 */
int	b64_decode_pieces(const unsigned char *in, size_t inlen,
	    unsigned char *out, size_t *outlen, size_t *bad_out,
	    int *nopad_out) __attribute__((warn_unused_result));

/*
 * b64_encode_alloc - the padded encoding, one line, as an owned string
 * (free it); NULL on ENOMEM or an input over INT_MAX / 2 bytes
 */
char	*b64_encode_alloc(const unsigned char *in, size_t len);

/* b64_value - the value (0 to 63) of a base64 character, -1 for others */
int	b64_value(unsigned char c);

/* b64_status_text - "invalid character", "bad padding", ... */
const char *b64_status_text(enum b64_status st);

#endif
