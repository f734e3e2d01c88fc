/*
 * b64 - base64 (RFC 4648 section 4) for signatures, keys and records
 *
 * The one base64 codec of dkimlens: b64_decode() for DKIM tags (strict),
 * b64_decode_pieces() for key files (lenient, with the offset of a bad
 * character), one encoder.  One alphabet (b64_value()) serves both decoders.
 */
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>

#include "lib/b64.h"
#include "lib/text.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* b64_value - the 6-bit value of a base64 character, -1 for others */
int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* b64_decode - decode, skipping whitespace; strict about padding */
enum b64_status
b64_decode(const char *in, size_t inlen, unsigned char *out, size_t outcap,
    size_t *len_out)
{
	unsigned long	 acc = 0;
	size_t		 i, n = 0, nchars = 0, npad = 0;
	int		 v;

	*len_out = 0;
	for (i = 0; i < inlen; i++) {
		unsigned char c = (unsigned char)in[i];

		if (text_is_fws(c))
			continue;
		if (c == '=') {
			npad++;
			continue;
		}
		if ((v = b64_value(c)) < 0)
			return B64_BAD_CHAR;
		/* RFC 4648 3.3: no data after padding */
		if (npad > 0)
			return B64_BAD_PADDING;
		acc = (acc << 6) | (unsigned long)v;
		nchars++;
		if (nchars % 4 == 0) {
			if (n + 3 > outcap)
				return B64_TOO_LONG;
			out[n++] = (unsigned char)(acc >> 16);
			out[n++] = (unsigned char)(acc >> 8);
			out[n++] = (unsigned char)acc;
			acc = 0;
		}
	}
	switch (nchars % 4) {
	case 0:
		if (npad != 0)
			return B64_BAD_PADDING;
		break;
	case 1:
		return B64_BAD_LENGTH;
	case 2:
		if (npad != 2)
			return B64_BAD_PADDING;
		if (n + 1 > outcap)
			return B64_TOO_LONG;
		out[n++] = (unsigned char)(acc >> 4);
		break;
	case 3:
		if (npad != 1)
			return B64_BAD_PADDING;
		if (n + 2 > outcap)
			return B64_TOO_LONG;
		out[n++] = (unsigned char)(acc >> 10);
		out[n++] = (unsigned char)(acc >> 2);
		break;
	}
	*len_out = n;
	return B64_OK;
}

/* b64_encode - encode with padding; returns the length written */
size_t
b64_encode(const unsigned char *in, size_t len, char *out)
{
	size_t		 i, n = 0;
	unsigned long	 acc;

	for (i = 0; i + 2 < len; i += 3) {
		acc = ((unsigned long)in[i] << 16) |
		    ((unsigned long)in[i + 1] << 8) | in[i + 2];
		out[n++] = alphabet[(acc >> 18) & 63];
		out[n++] = alphabet[(acc >> 12) & 63];
		out[n++] = alphabet[(acc >> 6) & 63];
		out[n++] = alphabet[acc & 63];
	}
	if (len - i == 1) {
		acc = (unsigned long)in[i] << 16;
		out[n++] = alphabet[(acc >> 18) & 63];
		out[n++] = alphabet[(acc >> 12) & 63];
		out[n++] = '=';
		out[n++] = '=';
	} else if (len - i == 2) {
		acc = ((unsigned long)in[i] << 16) |
		    ((unsigned long)in[i + 1] << 8);
		out[n++] = alphabet[(acc >> 18) & 63];
		out[n++] = alphabet[(acc >> 12) & 63];
		out[n++] = alphabet[(acc >> 6) & 63];
		out[n++] = '=';
	}
	out[n] = '\0';
	return n;
}

/* b64_decode_pieces - the lenient decoder of key files (see b64.h) */
int
b64_decode_pieces(const unsigned char *in, size_t inlen, unsigned char *out,
    size_t *outlen, size_t *bad_out, int *nopad_out)
{
	unsigned int	 q = 0;
	size_t		 i, n = 0, o = 0;
	int		 v, need = 0;

	*nopad_out = 0;
	for (i = 0; i < inlen; i++) {
		if (text_is_fws(in[i]))
			continue;
		if (in[i] == '=') {
			if (need > 0) {
				need--;
				continue;
			}
			if (n < 2) {
				*bad_out = i;
				return -1;
			}
			if (n == 2)
				out[o++] = (unsigned char)(q >> 4);
			else {
				out[o++] = (unsigned char)(q >> 10);
				out[o++] = (unsigned char)(q >> 2);
			}
			need = n == 2 ? 1 : 0;
			n = 0;
			q = 0;
			continue;
		}
		if ((v = b64_value(in[i])) == -1 || need > 0) {
			*bad_out = i;
			return -1;
		}
		q = q << 6 | (unsigned int)v;
		if (++n == 4) {
			out[o++] = (unsigned char)(q >> 16);
			out[o++] = (unsigned char)(q >> 8);
			out[o++] = (unsigned char)q;
			n = 0;
			q = 0;
		}
	}
	if (need > 0)
		*nopad_out = 1;
	if (n == 2) {
		out[o++] = (unsigned char)(q >> 4);
		*nopad_out = 1;
	} else if (n == 3) {
		out[o++] = (unsigned char)(q >> 10);
		out[o++] = (unsigned char)(q >> 2);
		*nopad_out = 1;
	} else if (n == 1)
		*nopad_out = 1;
	*outlen = o;
	return 0;
}

/* b64_encode_alloc - the padded encoding as an owned string, or NULL */
char *
b64_encode_alloc(const unsigned char *in, size_t len)
{
	char	*out;

	if (len > INT_MAX / 2)
		return NULL;
	if ((out = malloc(4 * ((len + 2) / 3) + 1)) == NULL)
		return NULL;
	b64_encode(in, len, out);
	return out;
}

/* b64_status_text - describe a decoding failure */
const char *
b64_status_text(enum b64_status st)
{
	switch (st) {
	case B64_OK:		return "ok";
	case B64_BAD_CHAR:	return "invalid character";
	case B64_BAD_PADDING:	return "bad or missing '=' padding";
	case B64_BAD_LENGTH:	return "truncated (length not a multiple of 4)";
	case B64_TOO_LONG:	return "too long";
	}
	return "invalid";
}
