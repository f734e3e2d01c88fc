/*
 * buf - a growable byte buffer with a cap
 *
 * Every buffer that grows with input has a cap; hitting it makes the
 * append fail (-1) rather than grow.  The data is always NUL-terminated
 * (the NUL is not counted in len) so text can be used as a C string.
 */
#ifndef DKIMLENS_BUF_H
#define DKIMLENS_BUF_H

#include <stddef.h>

struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;	/* allocated */
	size_t	 max;	/* cap on len; 0 means BUF_DEFAULT_MAX */
};

#define BUF_DEFAULT_MAX	(16 * 1024 * 1024)

/* buf_init - an empty buffer that may grow to max bytes (0: default) */
void	buf_init(struct buf *b, size_t max);

/* buf_append - append len bytes; 0, or -1 on memory failure or cap */
int	buf_append(struct buf *b, const void *data, size_t len)
	    __attribute__((warn_unused_result));

/* buf_puts - append a C string */
int	buf_puts(struct buf *b, const char *s)
	    __attribute__((warn_unused_result));

/* buf_printf - append formatted text */
int	buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), warn_unused_result));

/* buf_reset - make empty, keep the memory */
void	buf_reset(struct buf *b);

/* buf_free - release memory; the buffer is empty and reusable after */
void	buf_free(struct buf *b);

/* buf_release - hand the data over to the caller (free it); b is reset */
char	*buf_release(struct buf *b);

/*
 * buf_copy - the checked copy into a fixed array: src with its NUL into
 * dst[dstlen].  Returns 0, or -1 with dst "" when it does not fit: never
 * a shortened copy (a cut name is a different name).
 */
int	buf_copy(char *dst, size_t dstlen, const char *src)
	    __attribute__((warn_unused_result));

#endif
