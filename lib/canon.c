/*
 * canon - header and body canonicalization (RFC 6376 section 3.4)
 *
 * The body canonicalizer is a byte-at-a-time state machine so that memory
 * does not grow with line length or body size: trailing whitespace (relaxed)
 * and empty lines are counted, not stored, and emitted only once later
 * content proves they are not at the end.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/canon.h"

#define OUTBUF_SIZE	4096

struct canon_body {
	enum canon	 c;
	canon_out_fn	*out;
	void		*arg;
	size_t		 held_crlf;	/* empty lines not yet emitted */
	int		 held_wsp;	/* relaxed: WSP run not yet emitted */
	int		 held_cr;	/* a CR waiting for its LF */
	int		 line_content;	/* current line has emitted bytes */
	int		 any_output;
	size_t		 n;
	unsigned char	 buf[OUTBUF_SIZE];
};

static const char crlf[] = "\r\n";

/* canon_parse - parse c= into header and body canonicalization */
int
canon_parse(const char *s, enum canon *h_out, enum canon *b_out)
{
	const char	*slash;
	size_t		 hlen;

	slash = strchr(s, '/');
	hlen = slash == NULL ? strlen(s) : (size_t)(slash - s);
	if (hlen == 6 && strncmp(s, "simple", 6) == 0)
		*h_out = CANON_SIMPLE;
	else if (hlen == 7 && strncmp(s, "relaxed", 7) == 0)
		*h_out = CANON_RELAXED;
	else
		return -1;
	/* RFC 6376 3.5 c=: a lone header algorithm means body "simple" */
	if (slash == NULL)
		*b_out = CANON_SIMPLE;
	else if (strcmp(slash + 1, "simple") == 0)
		*b_out = CANON_SIMPLE;
	else if (strcmp(slash + 1, "relaxed") == 0)
		*b_out = CANON_RELAXED;
	else
		return -1;
	return 0;
}

/* canon_name - the c= word */
const char *
canon_name(enum canon c)
{
	return c == CANON_SIMPLE ? "simple" : "relaxed";
}

static int
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * b_value_span - find the value of the "b" tag in a DKIM-Signature value:
 * set *start and *end to the bytes to remove (RFC 6376 3.7: the b= value
 * is treated as empty).  Returns 0 when found.
 */
static int
b_value_span(const char *v, size_t *start, size_t *end)
{
	size_t	 i = 0, j;

	for (;;) {
		while (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' ||
		    v[i] == '\n')
			i++;
		j = i;
		while (v[j] != '\0' && v[j] != '=' && v[j] != ';' &&
		    v[j] != ' ' && v[j] != '\t' && v[j] != '\r' && v[j] != '\n')
			j++;
		if (j - i == 1 && v[i] == 'b') {
			while (v[j] == ' ' || v[j] == '\t' || v[j] == '\r' ||
			    v[j] == '\n')
				j++;
			if (v[j] == '=') {
				*start = j + 1;
				*end = *start;
				while (v[*end] != '\0' && v[*end] != ';')
					(*end)++;
				return 0;
			}
		}
		while (v[j] != '\0' && v[j] != ';')
			j++;
		if (v[j] == '\0')
			return -1;
		i = j + 1;
	}
}

/* canon_header - append one canonical header field to out */
int
canon_header(enum canon c, const char *name, const char *value, int strip_b,
    struct buf *out)
{
	size_t		 i, len, skip_from = (size_t)-1, skip_to = 0;
	int		 wsp = 0, started = 0;
	char		 ch;

	len = strlen(value);
	if (strip_b && b_value_span(value, &skip_from, &skip_to) == -1)
		skip_from = (size_t)-1;
	if (c == CANON_SIMPLE) {
		if (buf_puts(out, name) == -1 || buf_append(out, ":", 1) == -1)
			return -1;
		for (i = 0; i < len; i++) {
			if (i >= skip_from && i < skip_to)
				continue;
			/* a bare LF fold becomes CRLF */
			if (value[i] == '\n' && (i == 0 || value[i - 1] != '\r')) {
				if (buf_append(out, crlf, 2) == -1)
					return -1;
			} else if (buf_append(out, value + i, 1) == -1)
				return -1;
		}
	} else {
		/* RFC 6376 3.4.2: lowercase name, no WSP around the colon */
		len = strlen(name);
		while (len > 0 && is_wsp(name[len - 1]))
			len--;
		for (i = 0; i < len; i++) {
			ch = name[i];
			if (ch >= 'A' && ch <= 'Z')
				ch = (char)(ch - 'A' + 'a');
			if (buf_append(out, &ch, 1) == -1)
				return -1;
		}
		if (buf_append(out, ":", 1) == -1)
			return -1;
		len = strlen(value);
		for (i = 0; i < len; i++) {
			if (i >= skip_from && i < skip_to)
				continue;
			ch = value[i];
			/*
			 * Unfold (3.4.2): drop the CRLF (or bare LF, as MTAs
			 * hand folds to milters) of a fold; a lone CR is
			 * text.  Then reduce WSP runs to one SP.
			 */
			if (ch == '\n' || (ch == '\r' && value[i + 1] == '\n'))
				continue;
			if (is_wsp(ch)) {
				wsp = 1;
				continue;
			}
			if (wsp && started && buf_append(out, " ", 1) == -1)
				return -1;
			wsp = 0;
			started = 1;
			if (buf_append(out, &ch, 1) == -1)
				return -1;
		}
	}
	if (!strip_b && buf_append(out, crlf, 2) == -1)
		return -1;
	return 0;
}

/* canon_body_new - a body canonicalizer writing to out */
struct canon_body *
canon_body_new(enum canon c, canon_out_fn *out, void *arg)
{
	struct canon_body	*cb;

	if ((cb = calloc(1, sizeof(*cb))) == NULL)
		return NULL;
	cb->c = c;
	cb->out = out;
	cb->arg = arg;
	return cb;
}

static void
flush(struct canon_body *cb)
{
	if (cb->n > 0) {
		cb->out(cb->arg, cb->buf, cb->n);
		cb->n = 0;
	}
}

static void
emit(struct canon_body *cb, const char *p, size_t len)
{
	size_t	 k;

	cb->any_output = 1;
	if (len >= sizeof(cb->buf)) {
		flush(cb);
		cb->out(cb->arg, (const unsigned char *)p, len);
		return;
	}
	while (len > 0) {
		if (cb->n == sizeof(cb->buf))
			flush(cb);
		k = sizeof(cb->buf) - cb->n;
		if (k > len)
			k = len;
		memcpy(cb->buf + cb->n, p, k);
		cb->n += k;
		p += k;
		len -= k;
	}
}

/* content - line content: release what was held back first */
static void
content(struct canon_body *cb, const char *p, size_t len)
{
	for (; cb->held_crlf > 0; cb->held_crlf--)
		emit(cb, crlf, 2);
	if (cb->held_wsp) {
		emit(cb, " ", 1);
		cb->held_wsp = 0;
	}
	cb->line_content = 1;
	emit(cb, p, len);
}

static void
end_line(struct canon_body *cb)
{
	/* relaxed: WSP at the end of a line is dropped (3.4.4) */
	cb->held_wsp = 0;
	if (cb->line_content) {
		emit(cb, crlf, 2);
		cb->line_content = 0;
	} else
		cb->held_crlf++;
}

/*
 * Bytes that end a plain run: CR and LF always (bit 1), SP and HTAB in
 * relaxed mode (bit 2).  A table makes the scan one load per byte.
 */
static const unsigned char stops[256] = {
	['\r'] = 3, ['\n'] = 3, [' '] = 2, ['\t'] = 2
};

/*
 * plain - length of the run at p that needs no state: no CR or LF, and in
 * relaxed mode no WSP but single SPs between two ordinary bytes, which
 * relaxed canonicalization leaves as they are (3.4.4).  p[0] is ordinary.
 */
static size_t
plain(const char *p, size_t len, int relaxed)
{
	const unsigned char	*u = (const unsigned char *)p;
	unsigned char		 mask = relaxed ? 3 : 1;
	size_t			 n;

	for (n = 0; n < len; n++) {
		if ((stops[u[n]] & mask) == 0)
			continue;
		if (relaxed && u[n] == ' ' && n + 1 < len &&
		    stops[u[n + 1]] == 0) {
			n++;
			continue;
		}
		break;
	}
	return n;
}

/* canon_body_update - feed a chunk of body */
void
canon_body_update(struct canon_body *cb, const void *data, size_t len)
{
	const char	*p = data;
	size_t		 i, n;
	char		 ch;

	for (i = 0; i < len; i++) {
		ch = p[i];
		if (cb->held_cr) {
			cb->held_cr = 0;
			if (ch == '\n') {
				end_line(cb);
				continue;
			}
			/* a lone CR is line content */
			content(cb, "\r", 1);
		}
		if (ch == '\r') {
			cb->held_cr = 1;
		} else if (ch == '\n') {
			end_line(cb);
		} else if (cb->c == CANON_RELAXED && is_wsp(ch)) {
			/* a WSP run, leading ones included, becomes one SP */
			cb->held_wsp = 1;
		} else {
			/* copy a whole run of ordinary bytes at once */
			n = plain(p + i, len - i, cb->c == CANON_RELAXED);
			content(cb, p + i, n);
			i += n - 1;
		}
	}
	flush(cb);
}

/* canon_body_final - end of body */
void
canon_body_final(struct canon_body *cb)
{
	if (cb->held_cr) {
		cb->held_cr = 0;
		content(cb, "\r", 1);
	}
	cb->held_wsp = 0;
	/* an unterminated last line gets its CRLF (3.4.3, 3.4.4) */
	if (cb->line_content)
		end_line(cb);
	cb->held_crlf = 0;
	/* 3.4.3: an empty body is one CRLF in simple, nothing in relaxed */
	if (cb->c == CANON_SIMPLE && !cb->any_output)
		emit(cb, crlf, 2);
	flush(cb);
}

/* canon_body_free - free */
void
canon_body_free(struct canon_body *cb)
{
	free(cb);
}
