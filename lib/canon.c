/*
 * canon - header and body canonicalization (RFC 6376 section 3.4)
 *
 * The body canonicalizer is a byte-at-a-time state machine so that memory
 * does not grow with line length or body size: trailing whitespace (relaxed)
 * and empty lines are counted, not stored, and emitted only once later
 * content proves they are not at the end.
 */
#include <stdint.h>
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

/* stop - byte n of u[0..len) ends a plain run (see plain below) */
static int
stop(const unsigned char *u, size_t n, size_t len, unsigned char mask)
{
	if ((stops[u[n]] & mask) == 0)
		return 0;
	/* relaxed: one SP before an ordinary byte stays as it is */
	return !(mask == 3 && u[n] == ' ' && n + 1 < len &&
	    stops[u[n + 1]] == 0);
}

/*
 * Eight bytes at a time: ONES * b is b in every byte; LT(v, b) and EQ(v, b)
 * set the top bit of each byte of v below b or equal to b, and no other bit
 * (exact: no carry crosses a byte).
 */
#define ONES		0x0101010101010101ULL
#define LOW7		(ONES * 0x7f)
#define HIGH		(ONES * 0x80)
#define LT(v, b)	(~((((v) & LOW7) + ONES * (0x80 - (b))) | (v)) & HIGH)
#define EQ(v, b)	LT((v) ^ (ONES * (b)), 1)

/*
 * clean8 - none of the eight bytes at u ends a plain run: no byte below
 * 0x0e (CR, LF and HTAB are among them), and in relaxed mode no SP before a
 * byte below 0x0e or another SP (u[8] is read for the last one).  Other
 * control bytes only send the word to the byte-wise check.
 */
static int
clean8(const unsigned char *u, int relaxed)
{
	uint64_t	 v, w, vs, ws;

	memcpy(&v, u, sizeof(v));
	if (!relaxed)
		return LT(v, 0x0e) == 0;
	memcpy(&w, u + 1, sizeof(w));
	vs = EQ(v, ' ');
	ws = LT(w, 0x0e) | EQ(w, ' ');
	return (LT(v, 0x0e) | (vs & ws)) == 0;
}

/*
 * plain - length of the run at p that needs no state: no CR or LF, and in
 * relaxed mode no WSP but single SPs between two ordinary bytes, which
 * relaxed canonicalization leaves as they are (3.4.4).  p[0] is ordinary.
 * Clean words are skipped eight bytes at a time; the first word that may
 * hold a stop is looked at byte by byte.
 */
static size_t
plain(const char *p, size_t len, int relaxed)
{
	const unsigned char	*u = (const unsigned char *)p;
	unsigned char		 mask = relaxed ? 3 : 1;
	size_t			 n = 0, end;

	for (;;) {
		while (n + 9 <= len && clean8(u + n, relaxed))
			n += 8;
		end = n + 8 < len ? n + 8 : len;
		for (; n < end; n++)
			if (stop(u, n, len, mask))
				return n;
		if (n == len)
			return n;
	}
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
