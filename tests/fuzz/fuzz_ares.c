/*
 * fuzz_ares - ares_resinfo on arbitrary signature results
 *
 * Input: d, s, a, b8 and detail separated by NUL bytes (each cut to its
 * field), the first byte picking verdict and reason.  Invariants: the
 * output is printable US-ASCII only (no control, DEL or 8-bit byte), its
 * quotes and comment parentheses balance, every property value is a
 * token or a complete quoted-string, and a buffer too small gets whole
 * parts only.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ares.h"
#include "lib/reason.h"
#include "lib/verdict.h"
#include "lib/verify.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* take - the next NUL-separated part of the input into dst, cut to fit */
static void
take(const uint8_t **p, const uint8_t *end, char *dst, size_t dstlen)
{
	size_t	 n = 0;

	while (*p < end && **p != '\0') {
		if (n + 1 < dstlen)
			dst[n++] = (char)**p;
		(*p)++;
	}
	if (*p < end)
		(*p)++;
	dst[n] = '\0';
}

/* check - the invariants on one resinfo */
static void
check(const char *out)
{
	const unsigned char	*p;
	int			 quoted = 0, depth = 0;

	for (p = (const unsigned char *)out; *p != '\0'; p++) {
		if (*p < 0x20 || *p >= 0x7f)
			abort();
		if (quoted) {
			if (*p == '\\') {
				if (p[1] == '\0')
					abort();
				p++;
			} else if (*p == '"')
				quoted = 0;
		} else if (depth > 0) {
			if (*p == '(')
				abort();	/* ctext has none */
			if (*p == ')')
				depth--;
		} else if (*p == '(')
			depth++;
		else if (*p == '"')
			quoted = 1;
		else if (*p == ')' || *p == '\\')
			abort();
	}
	if (quoted || depth != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct verify_sig	 vs;
	const uint8_t		*p = data, *end = data + size;
	char			 out[1300], small[64];

	memset(&vs, 0, sizeof(vs));
	if (p < end) {
		vs.result.verdict = (enum verdict)(*p % 7);
		vs.result.reason = (enum reason)((*p >> 3) % REASON_LAST);
		p++;
	}
	take(&p, end, vs.d, sizeof(vs.d));
	take(&p, end, vs.s, sizeof(vs.s));
	take(&p, end, vs.a, sizeof(vs.a));
	take(&p, end, vs.b8, sizeof(vs.b8));
	take(&p, end, vs.result.detail, sizeof(vs.result.detail));
	/* every field at its largest fits 1300 bytes */
	if (ares_resinfo(&vs, out, sizeof(out)) != 0)
		abort();
	check(out);
	if (strncmp(out, "dkim=", 5) != 0)
		abort();
	if (ares_resinfo(&vs, small, sizeof(small)) == 0) {
		if (strcmp(small, out) != 0)
			abort();
	} else if (small[0] != '\0' && (strncmp(small, "dkim=", 5) != 0 ||
	    strchr(small, ' ') != NULL))
		abort();
	check(small);
	return 0;
}
