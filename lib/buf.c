/*
 * buf - a growable byte buffer with a cap
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"

/* buf_init - an empty buffer with a cap */
void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max == 0 ? BUF_DEFAULT_MAX : max;
}

static int
reserve(struct buf *b, size_t extra)
{
	size_t	 ncap;
	char	*p;

	if (extra > b->max || b->len > b->max - extra)
		return -1;
	if (b->len + extra + 1 <= b->cap)
		return 0;
	ncap = b->cap == 0 ? 256 : b->cap;
	while (ncap < b->len + extra + 1)
		ncap *= 2;
	if ((p = realloc(b->data, ncap)) == NULL)
		return -1;
	b->data = p;
	b->cap = ncap;
	return 0;
}

/* buf_append - append bytes */
int
buf_append(struct buf *b, const void *data, size_t len)
{
	if (reserve(b, len) == -1)
		return -1;
	if (len > 0)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

/* buf_puts - append a C string */
int
buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

/* buf_printf - append formatted text */
int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || reserve(b, (size_t)n) == -1)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

/* buf_reset - make empty */
void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* buf_free - release memory */
void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* buf_release - hand the data to the caller */
char *
buf_release(struct buf *b)
{
	char	*p = b->data;

	if (p == NULL)
		p = calloc(1, 1);
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

/* buf_copy - copy a C string into a fixed array, or fail */
int
buf_copy(char *dst, size_t dstlen, const char *src)
{
	size_t	 n = strlen(src);

	if (n >= dstlen) {
		if (dstlen > 0)
			dst[0] = '\0';
		return -1;
	}
	memcpy(dst, src, n + 1);
	return 0;
}
