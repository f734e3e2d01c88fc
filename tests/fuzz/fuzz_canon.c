/*
 * fuzz_canon - header and body canonicalization on arbitrary bytes
 *
 * The first byte chooses the algorithm; the rest is a header field
 * (name up to the first ':', the value after it) and, all of it, a body.
 * Checks: the body output does not depend on how the input is chunked
 * (whole versus byte by byte versus chunks sized by the input), ends in
 * CRLF unless empty (simple: never empty), and a relaxed body has no WSP
 * before a CRLF; a relaxed header value has no WSP runs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/canon.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
sink(void *arg, const unsigned char *d, size_t len)
{
	if (buf_append(arg, d, len) == -1)
		abort();
}

/* body - canonical body of data fed in chunks of step (0: varying) */
static void
body(enum canon c, const uint8_t *data, size_t size, size_t step,
    struct buf *out)
{
	struct canon_body	*cb;
	size_t			 off = 0, n;

	buf_reset(out);
	if ((cb = canon_body_new(c, sink, out)) == NULL)
		abort();
	while (off < size) {
		n = step != 0 ? step : (size_t)(data[off] % 17) + 1;
		if (n > size - off)
			n = size - off;
		canon_body_update(cb, data + off, n);
		off += n;
	}
	canon_body_final(cb);
	canon_body_free(cb);
}

static int
same(const struct buf *a, const struct buf *b)
{
	return a->len == b->len && (a->len == 0 ||
	    memcmp(a->data, b->data, a->len) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	 a, b, h;
	enum canon	 c, hc, bc;
	char		*name, *colon, *text;
	size_t		 i;

	if (size == 0)
		return 0;
	c = (data[0] & 1) ? CANON_RELAXED : CANON_SIMPLE;
	data++;
	size--;
	buf_init(&a, 0);
	buf_init(&b, 0);
	buf_init(&h, 0);
	body(c, data, size, size + 1, &a);
	body(c, data, size, 1, &b);
	if (!same(&a, &b))
		abort();
	body(c, data, size, 0, &b);
	if (!same(&a, &b))
		abort();
	if (a.len > 0 && (a.len < 2 || memcmp(a.data + a.len - 2, "\r\n", 2)))
		abort();
	if (c == CANON_SIMPLE && a.len == 0)
		abort();
	for (i = 0; i + 1 < a.len; i++)
		if (a.data[i] == '\r' && a.data[i + 1] == '\n' && i > 0 &&
		    c == CANON_RELAXED &&
		    (a.data[i - 1] == ' ' || a.data[i - 1] == '\t'))
			abort();
	if ((text = malloc(size + 1)) == NULL)
		goto done;
	memcpy(text, data, size);
	text[size] = '\0';
	(void)canon_parse(text, &hc, &bc);
	name = text;
	if ((colon = strchr(text, ':')) != NULL) {
		*colon = '\0';
		if (canon_header(c, name, colon + 1, (data[0] & 2) != 0,
		    &h) == 0 && c == CANON_RELAXED) {
			/* the name ends at the first ':' of the output */
			for (i = strcspn(h.data, ":"); i + 1 < h.len; i++)
				if (h.data[i] == ' ' && h.data[i + 1] == ' ')
					abort();
		}
	}
	free(text);
done:
	buf_free(&a);
	buf_free(&b);
	buf_free(&h);
	return 0;
}
