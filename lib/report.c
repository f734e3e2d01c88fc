/*
 * report - the verdict line: one line per message for the mail log
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/reason.h"
#include "lib/report.h"
#include "lib/role.h"
#include "lib/verdict.h"
#include "lib/verify.h"

/* bare_ok - a byte that needs no quoting in a field value */
static int
bare_ok(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("._-+/@:,=", c) != NULL;
}

/* part_ok - a byte kept as is inside sigN/signedN parts */
static int
part_ok(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("._-+/=", c) != NULL;
}

/* report_value - bare when safe, else quoted and escaped */
int
report_value(struct buf *b, const char *v)
{
	const unsigned char	*p;
	int			 bare = v[0] != '\0';

	for (p = (const unsigned char *)v; *p != '\0' && bare; p++)
		bare = bare_ok(*p);
	if (bare)
		return buf_puts(b, v);
	if (buf_puts(b, "\"") == -1)
		return -1;
	for (p = (const unsigned char *)v; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			if (buf_printf(b, "\\%c", *p) == -1)
				return -1;
		} else if (*p < 0x20 || *p > 0x7e) {
			if (buf_printf(b, "\\x%02x", *p) == -1)
				return -1;
		} else if (buf_append(b, p, 1) == -1)
			return -1;
	}
	return buf_puts(b, "\"");
}

/* part - one d/s/a part, unsafe bytes as \xNN */
static int
part(struct buf *b, const char *v)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)v; *p != '\0'; p++) {
		if (part_ok(*p)) {
			if (buf_append(b, p, 1) == -1)
				return -1;
		} else if (buf_printf(b, "\\x%02x", *p) == -1)
			return -1;
	}
	return 0;
}

/* field - " key=value" unless value is NULL or empty */
static int
field(struct buf *b, const char *key, const char *value)
{
	if (value == NULL || value[0] == '\0')
		return 0;
	if (buf_printf(b, " %s=", key) == -1)
		return -1;
	return report_value(b, value);
}

/* dsa - "d:D,s:S,a:A" */
static int
dsa(struct buf *b, const char *d, const char *s, const char *a)
{
	if (buf_puts(b, "d:") == -1 || part(b, d) == -1 ||
	    buf_puts(b, ",s:") == -1 || part(b, s) == -1 ||
	    buf_puts(b, ",a:") == -1 || part(b, a) == -1)
		return -1;
	return 0;
}

/* sig - "sigN=..." and, when it did not pass, "sigN_detail=..." */
static int
sig(struct buf *b, size_t n, const struct verify_sig *vs)
{
	char	 key[32];

	if (buf_printf(b, " sig%zu=", n) == -1 ||
	    dsa(b, vs->d, vs->s, vs->a) == -1 ||
	    buf_printf(b, ",role:%s,result:%s", role_name(vs->role),
	    verdict_name(vs->result.verdict)) == -1)
		return -1;
	if (vs->result.verdict == VERDICT_PASS)
		return 0;
	if (buf_printf(b, ",reason:%s", reason_code(vs->result.reason)) == -1)
		return -1;
	snprintf(key, sizeof(key), "sig%zu_detail", n);
	return field(b, key, vs->result.detail);
}

/* report_format - the whole line */
char *
report_format(const struct report *r)
{
	struct buf	 b;
	size_t		 i, n = 0, ignored = 0;

	buf_init(&b, REPORT_MAX);
	if (report_value(&b, r->queue_id != NULL && r->queue_id[0] != '\0' ?
	    r->queue_id : "NOQUEUE") == -1 ||
	    buf_printf(&b, ": verdict=") == -1 ||
	    report_value(&b, r->verdict) == -1 ||
	    buf_puts(&b, " from=") == -1 ||
	    report_value(&b, r->from_domain != NULL ? r->from_domain : "")
	    == -1 || field(&b, "reason", r->reason) == -1)
		goto fail;
	for (i = 0; i < r->nsigs; i++) {
		if (r->sigs[i]->result.reason == REASON_SIG_TOO_MANY) {
			ignored++;
			continue;
		}
		if (sig(&b, ++n, r->sigs[i]) == -1)
			goto fail;
	}
	if (ignored > 0 && buf_printf(&b, " ignored=%zu", ignored) == -1)
		goto fail;
	for (i = 0; i < r->nmade; i++)
		if (buf_printf(&b, " signed%zu=", i + 1) == -1 ||
		    dsa(&b, r->made[i].d, r->made[i].s, r->made[i].a) == -1 ||
		    (r->made[i].key != NULL && (buf_puts(&b, ",key:") == -1 ||
		    part(&b, r->made[i].key) == -1)))
			goto fail;
	for (i = 0; i < r->nremoved; i++)
		if (buf_printf(&b, " removed%zu=", i + 1) == -1 ||
		    dsa(&b, r->removed[i].d, r->removed[i].s,
		    r->removed[i].a) == -1)
			goto fail;
	if (field(&b, "hint", r->hint) == -1 ||
	    field(&b, "note", r->note) == -1 ||
	    buf_puts(&b, " action=") == -1 ||
	    report_value(&b, r->action != NULL ? r->action : "accept") == -1)
		goto fail;
	return buf_release(&b);
fail:
	buf_free(&b);
	return NULL;
}

/* decides - a signature's result fits the message verdict */
static int
decides(enum msg_verdict m, const struct verify_sig *vs)
{
	switch (m) {
	case MSG_FAIL:
		return vs->result.verdict == VERDICT_FAIL;
	case MSG_DNS_ERROR:
		return vs->result.verdict == VERDICT_TEMPERROR;
	case MSG_PERMERROR:
		return vs->result.verdict == VERDICT_PERMERROR ||
		    vs->result.verdict == VERDICT_POLICY;
	default:
		return 0;
	}
}

/* report_reason - the deciding signature's reason and detail */
const char *
report_reason(const struct verifier *v, char *out, size_t outlen)
{
	const struct verify_sig	*vs, *pick = NULL;
	enum msg_verdict	 m = verifier_verdict(v);
	size_t			 i, n = verifier_nsigs(v);
	int			 pass;

	out[0] = '\0';
	/* an author signature first, then any */
	for (pass = 0; pass < 2 && pick == NULL; pass++)
		for (i = 0; i < n && pick == NULL; i++) {
			vs = verifier_sig(v, i);
			if ((pass == 1 || vs->role == ROLE_AUTHOR) &&
			    decides(m, vs))
				pick = vs;
		}
	if (pick == NULL)
		return out;
	if (pick->result.detail[0] != '\0')
		snprintf(out, outlen, "%s: %s",
		    reason_text(pick->result.reason), pick->result.detail);
	else
		snprintf(out, outlen, "%s", reason_text(pick->result.reason));
	return out;
}

/* report_verifier - the line of a verified message */
char *
report_verifier(const char *queue_id, const struct verifier *v,
    const char *note, const char *action)
{
	struct report			 r;
	const struct verify_sig		**sigs = NULL;
	char				 reason[VERDICT_DETAIL_MAX + 100];
	char				*line;
	size_t				 i, n = verifier_nsigs(v);

	if (n > 0 && (sigs = calloc(n, sizeof(*sigs))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		sigs[i] = verifier_sig(v, i);
	memset(&r, 0, sizeof(r));
	r.queue_id = queue_id;
	r.verdict = msg_verdict_name(verifier_verdict(v));
	r.from_domain = verifier_from_domain(v);
	r.reason = report_reason(v, reason, sizeof(reason));
	r.sigs = sigs;
	r.nsigs = n;
	r.hint = verifier_hint(v);
	r.note = note;
	r.action = action;
	line = report_format(&r);
	free(sigs);
	return line;
}

/* report_outgoing - outgoing mail: what was added, what it carried */
char *
report_outgoing(const struct report *r, const struct verifier *v)
{
	struct report			 out = *r;
	const struct verify_sig		**sigs = NULL;
	char				*line;
	size_t				 i, n = v != NULL ? verifier_nsigs(v) : 0;

	if (n > 0 && (sigs = calloc(n, sizeof(*sigs))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		sigs[i] = verifier_sig(v, i);
	out.sigs = sigs;
	out.nsigs = n;
	/* "the From domain is not DKIM-signing this mail" (esp-only,
	 * third-party) is untrue of mail we have just signed for it */
	if (v != NULL && (out.hint == NULL || out.hint[0] == '\0') &&
	    !(r->nmade > 0 && (verifier_verdict(v) == MSG_ESP_ONLY ||
	    verifier_verdict(v) == MSG_THIRD_PARTY)))
		out.hint = verifier_hint(v);
	line = report_format(&out);
	free(sigs);
	return line;
}
