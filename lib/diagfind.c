/*
 * diagfind - the findings of a diagnosis and the evidence they quote (see
 * lib/diagint.h)
 *
 * It owns appending a finding to a report (with its fix sentence) and
 * turning DNS answers into evidence text: records in zone-file form,
 * sorted so that two servers' answers compare as strings, shortened for
 * display.  Every byte from DNS outside printable ASCII is written \DDD.
 * It asks no server and judges nothing; it never prints.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/buf.h"
#include "lib/diag.h"
#include "lib/diagint.h"
#include "lib/dns.h"
#include "lib/errbuf.h"

/*
 * diag_note - append a finding with its evidence formatted; the caller fills
 * the fix.  NULL with err set when the report is full or on ENOMEM.
 */
struct diag_finding *
diag_note(struct diag_report *r, struct errbuf *err, enum diag_check check,
    enum diag_status status, const char *name, const char *server,
    const char *fmt, ...)
{
	struct diag_finding	*f, *nf;
	size_t			 ncap;
	va_list			 ap;

	if (r->nfindings == DIAG_FINDINGS_MAX) {
		errbuf_set(err, "diag: more than %d findings",
		    DIAG_FINDINGS_MAX);
		return NULL;
	}
	/*
	 * The capacity is the next power of two from 16 up: reallocate
	 * when the count reaches it (0, 16, 32, 64, ...).
	 */
	if (r->nfindings % 16 == 0 &&
	    (r->nfindings & (r->nfindings - 1)) == 0) {
		ncap = r->nfindings == 0 ? 16 : r->nfindings * 2;
		if ((nf = reallocarray(r->findings, ncap, sizeof(*nf))) ==
		    NULL) {
			errbuf_set(err, "diag: out of memory");
			return NULL;
		}
		r->findings = nf;
	}
	f = &r->findings[r->nfindings++];
	memset(f, 0, sizeof(*f));
	f->check = check;
	f->status = status;
	snprintf(f->name, sizeof(f->name), "%s", name != NULL ? name : "");
	snprintf(f->server, sizeof(f->server), "%s",
	    server != NULL ? server : "");
	va_start(ap, fmt);
	vsnprintf(f->evidence, sizeof(f->evidence), fmt, ap);
	va_end(ap);
	switch (status) {
	case DIAG_OK:
		r->nok++;
		break;
	case DIAG_WARN:
		r->nwarn++;
		break;
	case DIAG_FAIL:
		r->nfail++;
		break;
	}
	return f;
}

/* diag_setfix - the fix sentence of a finding */
void
diag_setfix(struct diag_finding *f, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(f->fix, sizeof(f->fix), fmt, ap);
	va_end(ap);
}

/* diag_shorten - s for evidence: the start and the end when it is long */
void
diag_shorten(const char *s, char *out, size_t size)
{
	size_t	 len = strlen(s);

	if (len <= SHOW_MAX || size < SHOW_MAX + 4)
		snprintf(out, size, "%s", s);
	else
		snprintf(out, size, "%.*s...%s", SHOW_MAX - 16, s,
		    s + len - 13);
}

/* diag_lower_name - copy a name in lower case, without trailing dot */
void
diag_lower_name(const char *in, char *out, size_t size)
{
	size_t	 i;

	for (i = 0; in[i] != '\0' && i + 1 < size; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
	if (i > 1 && out[i - 1] == '.')
		out[i - 1] = '\0';
}


/* diag_server_of - who answered, for a finding */
const char *
diag_server_of(const struct dns_answer *a)
{
	return a != NULL && a->server[0] != '\0' ? a->server : "resolver";
}

/* ---- what each server has at a name ----------------------------------- */

/* cmpstr - qsort order of C strings */
static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * diag_buf_txt - a TXT value in zone-file form: quoted, with quotes and
 * backslashes escaped and other bytes outside printable ASCII as \DDD,
 * at most TEXT_MAX bytes of it.  0 or -1.
 */
int
diag_buf_txt(struct buf *b, const char *s)
{
	size_t		 i;
	unsigned int	 c;

	if (buf_puts(b, "\"") != 0)
		return -1;
	for (i = 0; s[i] != '\0' && i < TEXT_MAX; i++) {
		c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f) {
			/* Zone-file \DDD: evidence stays printable ASCII. */
			if (buf_printf(b, "\\%03u", c) != 0)
				return -1;
			continue;
		}
		if ((c == '"' || c == '\\') && buf_puts(b, "\\") != 0)
			return -1;
		if (buf_append(b, &s[i], 1) != 0)
			return -1;
	}
	return buf_puts(b, "\"");
}

/*
 * diag_records_text - the CNAME and TXT records owned by name in an answer as
 * sorted text ("CNAME x", "TXT \"...\"" joined by "; "), or the status
 * when there are none.  Owned string, NULL on ENOMEM.  *has_out says
 * whether there were records.
 */
char *
diag_records_text(const struct dns_answer *a, const char *name, int *has_out)
{
	struct buf	 b;
	char		**item = NULL;
	size_t		 i, n = 0;
	int		 ok = 1;

	*has_out = 0;
	buf_init(&b, TEXT_MAX * 4);
	if (a->nrr > 0 && (item = calloc(a->nrr, sizeof(*item))) == NULL)
		return NULL;
	for (i = 0; i < a->nrr; i++) {
		if ((a->rr[i].type != DNS_T_CNAME &&
		    a->rr[i].type != DNS_T_TXT) ||
		    strcasecmp(a->rr[i].name, name) != 0)
			continue;
		if ((item[n] = a->rr[i].data) != NULL)
			n++;
	}
	/* Sort on the data; the type is implied by the shape below. */
	if (n > 1)
		qsort(item, n, sizeof(*item), cmpstr);
	for (i = 0; i < n && ok; i++) {
		const struct dns_rr	*rr = NULL;
		size_t			 j;

		for (j = 0; j < a->nrr; j++)
			if (a->rr[j].data == item[i])
				rr = &a->rr[j];
		if (rr == NULL)
			continue;
		ok = buf_printf(&b, "%s%s ", i > 0 ? "; " : "",
		    dns_type_name(rr->type)) == 0;
		if (ok && rr->type == DNS_T_TXT)
			ok = diag_buf_txt(&b, rr->data) == 0;
		else if (ok)
			ok = buf_puts(&b, rr->data) == 0;
	}
	if (n == 0 && ok)
		ok = buf_puts(&b, dns_status_name(a->status)) == 0;
	free(item);
	if (!ok) {
		buf_free(&b);
		return NULL;
	}
	*has_out = n > 0;
	if (b.data == NULL && buf_puts(&b, "") != 0)
		return NULL;
	return buf_release(&b);
}


/* diag_has_records - whether a holds CNAME/TXT records owned by name */
int
diag_has_records(const struct dns_answer *a, const char *name)
{
	size_t	 i;

	if (a == NULL)
		return 0;
	for (i = 0; i < a->nrr; i++)
		if ((a->rr[i].type == DNS_T_CNAME ||
		    a->rr[i].type == DNS_T_TXT) &&
		    strcasecmp(a->rr[i].name, name) == 0)
			return 1;
	return 0;
}
