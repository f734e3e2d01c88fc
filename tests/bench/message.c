/*
 * message - the one message milterload sends, over and over
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libmilter/mfdef.h>

#include "lib/buf.h"
#include "lib/errbuf.h"

#include "tests/bench/message.h"

static const char *const generated_fields[][2] = {
	{ "From", " Bench Sender <sender@example.com>" },
	{ "To", " Bench Receiver <rcpt@example.net>" },
	{ "Subject", " dkimlens benchmark message" },
	{ "Date", " Mon, 01 Jan 2024 00:00:00 +0000" },
	{ "Message-ID", " <bench.1@example.com>" },
	{ "MIME-Version", " 1.0" },
	{ "Content-Type", " text/plain; charset=us-ascii" },
};

/* One output field of message_save(). */
struct out_field {
	const char	*name;
	const char	*value;
	int		 space;		/* write " " after the colon */
};

/* add_field - append a copy of name and value to m; 0 or -1 */
static int
add_field(struct message *m, const char *name, size_t namelen,
    const char *value, size_t valuelen)
{
	struct message_field	*f;

	f = reallocarray(m->fields, m->nfields + 1, sizeof(*f));
	if (f == NULL)
		return -1;
	m->fields = f;
	f = &m->fields[m->nfields];
	if ((f->name = strndup(name, namelen)) == NULL)
		return -1;
	if ((f->value = strndup(value, valuelen)) == NULL) {
		free(f->name);
		return -1;
	}
	m->nfields++;
	return 0;
}

/* message_generate - a text message with a body of body_size bytes */
struct message *
message_generate(size_t body_size)
{
	static const char	 text[] = "the quick brown fox jumps over "
	    "the lazy dog 0123456789 abcdefghijklmnopqrstuvwxyz";
	struct message		*m;
	size_t			 i, off, n, line;
	char			*p;

	if (body_size > MESSAGE_MAX_SIZE)
		return NULL;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	for (i = 0; i < sizeof(generated_fields) / sizeof(generated_fields[0]);
	    i++) {
		if (add_field(m, generated_fields[i][0],
		    strlen(generated_fields[i][0]), generated_fields[i][1],
		    strlen(generated_fields[i][1])) == -1)
			goto fail;
	}
	if ((m->body = malloc(body_size + 2)) == NULL)
		goto fail;
	/* Lines of 76 characters plus CRLF; the last one is shorter. */
	off = 0;
	line = 0;
	while (off < body_size) {
		p = m->body + off;
		n = body_size - off;
		if (n > 78)
			n = 78;
		if (n < 3)
			n = 2;
		snprintf(p, n - 1, "%06zu %s%s", line++, text, text);
		p[n - 2] = '\r';
		p[n - 1] = '\n';
		off += n;
	}
	m->body_len = off;
	return m;
fail:
	message_free(m);
	return NULL;
}

/* read_file - the whole file into an owned buffer; NULL with err */
static char *
read_file(const char *path, size_t *len_out, struct errbuf *err)
{
	FILE	*fp;
	char	*data = NULL, *p;
	size_t	 len = 0, cap = 0, n;

	if ((fp = fopen(path, "rb")) == NULL) {
		errbuf_set(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - len < 65536) {
			if (cap > MESSAGE_MAX_SIZE) {
				errbuf_set(err, "%s: larger than %zu bytes",
				    path, MESSAGE_MAX_SIZE);
				goto fail;
			}
			cap = cap ? cap * 2 : 1 << 20;
			if ((p = realloc(data, cap)) == NULL) {
				errbuf_set(err, "%s: out of memory", path);
				goto fail;
			}
			data = p;
		}
		n = fread(data + len, 1, cap - len, fp);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(fp)) {
		errbuf_set(err, "%s: read error", path);
		goto fail;
	}
	fclose(fp);
	*len_out = len;
	return data;
fail:
	free(data);
	fclose(fp);
	return NULL;
}

/* message_load - split a message file into fields and a CRLF body */
struct message *
message_load(const char *path, struct errbuf *err)
{
	struct message		*m;
	struct message_field	*f;
	struct buf		 body;
	char			*data, *line, *end, *colon, *v;
	size_t			 len, off, llen, lineno = 0, nlen;
	int			 in_header = 1;

	if ((data = read_file(path, &len, err)) == NULL)
		return NULL;
	buf_init(&body, MESSAGE_MAX_SIZE);
	if ((m = calloc(1, sizeof(*m))) == NULL)
		goto nomem;
	for (off = 0; off < len; off += llen + 1) {
		line = data + off;
		if ((end = memchr(line, '\n', len - off)) == NULL)
			end = data + len;
		llen = (size_t)(end - line);
		lineno++;
		nlen = llen;
		if (nlen > 0 && line[nlen - 1] == '\r')
			nlen--;
		if (!in_header) {
			if (buf_append(&body, line, nlen) == -1 ||
			    buf_append(&body, "\r\n", 2) == -1)
				goto nomem;
			continue;
		}
		if (nlen == 0) {
			in_header = 0;
			continue;
		}
		if (line[0] == ' ' || line[0] == '\t') {
			if (m->nfields == 0) {
				errbuf_set(err, "%s line %zu: continuation "
				    "before the first header field", path,
				    lineno);
				goto fail;
			}
			/* RFC 5322 2.2.3 fold; the milter protocol uses LF */
			f = &m->fields[m->nfields - 1];
			if ((v = malloc(strlen(f->value) + nlen + 2)) == NULL)
				goto nomem;
			snprintf(v, strlen(f->value) + nlen + 2, "%s\n%.*s",
			    f->value, (int)nlen, line);
			free(f->value);
			f->value = v;
			continue;
		}
		if ((colon = memchr(line, ':', nlen)) == NULL) {
			errbuf_set(err, "%s line %zu: header line without a "
			    "colon", path, lineno);
			goto fail;
		}
		if (add_field(m, line, (size_t)(colon - line), colon + 1,
		    nlen - (size_t)(colon - line) - 1) == -1)
			goto nomem;
	}
	m->body_len = body.len;
	if ((m->body = buf_release(&body)) == NULL &&
	    (m->body = strdup("")) == NULL)
		goto nomem;
	free(data);
	return m;
nomem:
	errbuf_set(err, "%s: out of memory", path);
fail:
	buf_free(&body);
	message_free(m);
	free(data);
	return NULL;
}

/* message_free - NULL allowed */
void
message_free(struct message *m)
{
	size_t	 i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nfields; i++) {
		free(m->fields[i].name);
		free(m->fields[i].value);
	}
	free(m->fields);
	free(m->body);
	free(m);
}

/* write_crlf - write s with each bare LF turned into CRLF */
static void
write_crlf(FILE *fp, const char *s)
{
	char	 prev = '\0';

	for (; *s != '\0'; s++) {
		if (*s == '\n' && prev != '\r')
			fputc('\r', fp);
		fputc(*s, fp);
		prev = *s;
	}
}

/* apply_edit - apply one header edit to the output list of *n fields */
static void
apply_edit(struct out_field *out, size_t *n, const struct message_edit *e,
    int space)
{
	size_t	 i, pos, seen;
	long	 want;

	switch (e->kind) {
	case SMFIR_ADDHEADER:
		out[*n].name = e->name;
		out[*n].value = e->value;
		out[*n].space = space;
		(*n)++;
		break;
	case SMFIR_INSHEADER:
		/* Sendmail 8: index 0 is the top-most field. */
		pos = e->index < 0 || (size_t)e->index > *n ?
		    *n : (size_t)e->index;
		memmove(&out[pos + 1], &out[pos], (*n - pos) * sizeof(*out));
		out[pos].name = e->name;
		out[pos].value = e->value;
		out[pos].space = space;
		(*n)++;
		break;
	case SMFIR_CHGHEADER:
		/* Index 1 (or 0) is the first field of that name. */
		want = e->index < 1 ? 1 : e->index;
		for (i = 0, seen = 0; i < *n; i++) {
			if (strcasecmp(out[i].name, e->name) != 0 ||
			    (long)++seen != want)
				continue;
			if (e->value[0] == '\0') {
				memmove(&out[i], &out[i + 1],
				    (*n - i - 1) * sizeof(*out));
				(*n)--;
			} else {
				out[i].value = e->value;
				out[i].space = space;
			}
			break;
		}
		break;
	default:
		break;
	}
}

/* message_save - write m as delivered after the milter's header edits */
int
message_save(const struct message *m, const struct message_edit *edits,
    size_t nedits, int leadspc, const char *path, struct errbuf *err)
{
	struct out_field	*out;
	FILE			*fp;
	size_t			 i, n;

	out = reallocarray(NULL, m->nfields + nedits + 1, sizeof(*out));
	if (out == NULL)
		return errbuf_set(err, "%s: out of memory", path);
	for (n = 0; n < m->nfields; n++) {
		out[n].name = m->fields[n].name;
		out[n].value = m->fields[n].value;
		out[n].space = 0;
	}
	for (i = 0; i < nedits; i++)
		apply_edit(out, &n, &edits[i], !leadspc);
	if ((fp = fopen(path, "wb")) == NULL) {
		free(out);
		return errbuf_set(err, "%s: %s", path, strerror(errno));
	}
	for (i = 0; i < n; i++) {
		fprintf(fp, "%s:%s", out[i].name, out[i].space ? " " : "");
		write_crlf(fp, out[i].value);
		fputs("\r\n", fp);
	}
	fputs("\r\n", fp);
	fwrite(m->body, 1, m->body_len, fp);
	free(out);
	if (fclose(fp) != 0)
		return errbuf_set(err, "%s: write error", path);
	return 0;
}

/* message_edits_free - free n edits and the array */
void
message_edits_free(struct message_edit *edits, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(edits[i].name);
		free(edits[i].value);
	}
	free(edits);
}
