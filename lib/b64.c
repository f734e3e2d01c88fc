/*
 * b64 - base64 (RFC 4648 section 4) for signatures, keys and records
 */
#include <stddef.h>

#include "lib/b64.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int
value(unsigned char c)
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

static int
is_fws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
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

		if (is_fws(c))
			continue;
		if (c == '=') {
			npad++;
			continue;
		}
		if ((v = value(c)) < 0)
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
