/*
 * msg - split a whole message in memory into header fields and body
 */
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/msg.h"

#define MSG_FIELD_MAX	(256 * 1024)	/* one header field, folded */

/* line_end - offset just past the end of the line starting at i */
static size_t
line_end(const char *data, size_t len, size_t i, size_t *content_end)
{
	const char	*nl;

	nl = memchr(data + i, '\n', len - i);
	if (nl == NULL) {
		*content_end = len;
		return len;
	}
	*content_end = (size_t)(nl - data);
	if (*content_end > i && data[*content_end - 1] == '\r')
		(*content_end)--;
	return (size_t)(nl - data) + 1;
}

/* msg_split - hand each header field to hdr, find the body */
int
msg_split(const char *data, size_t len, msg_header_fn *hdr, void *arg,
    size_t *body_off, struct errbuf *err)
{
	struct buf	 name, value;
	size_t		 i = 0, next, cend, lineno = 0, colon;
	int		 have = 0, rc = -1;
	const char	*c;

	buf_init(&name, 1024);
	buf_init(&value, MSG_FIELD_MAX);
	*body_off = len;
	/* an mbox "From " separator line is not a header field */
	for (i = 5; i < len && (data[i] == ' ' || data[i] == '\t'); i++)
		continue;
	if (len > 5 && memcmp(data, "From ", 5) == 0 &&
	    (i == len || data[i] != ':')) {
		next = line_end(data, len, 0, &cend);
		i = next;
		lineno++;
	} else
		i = 0;
	while (i < len) {
		next = line_end(data, len, i, &cend);
		lineno++;
		if (cend == i) {
			/* the empty line: the body follows */
			*body_off = next;
			break;
		}
		if (data[i] == ' ' || data[i] == '\t') {
			if (!have) {
				errbuf_set(err, "line %zu: continuation line "
				    "before any header field", lineno);
				goto fail;
			}
			if (buf_append(&value, "\r\n", 2) == -1 ||
			    buf_append(&value, data + i, cend - i) == -1) {
				errbuf_set(err, "line %zu: header field "
				    "longer than %d bytes", lineno,
				    MSG_FIELD_MAX);
				goto fail;
			}
			i = next;
			continue;
		}
		if (have && hdr(arg, name.data, value.data, err) == -1)
			goto fail;
		have = 0;
		c = memchr(data + i, ':', cend - i);
		if (c == NULL) {
			errbuf_set(err, "line %zu: not a header field (no "
			    "colon) and no empty line before it", lineno);
			goto fail;
		}
		colon = (size_t)(c - data);
		buf_reset(&name);
		buf_reset(&value);
		if (colon == i || buf_append(&name, data + i, colon - i) == -1 ||
		    buf_append(&value, data + colon + 1, cend - colon - 1) ==
		    -1) {
			errbuf_set(err, "line %zu: bad header field name",
			    lineno);
			goto fail;
		}
		have = 1;
		i = next;
	}
	if (have && hdr(arg, name.data, value.data, err) == -1)
		goto fail;
	rc = 0;
fail:
	buf_free(&name);
	buf_free(&value);
	return rc;
}
