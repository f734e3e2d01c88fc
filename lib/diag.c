/*
 * diag - the DNS diagnosis of a domain's DKIM records (see lib/diag.h):
 * the run, and each selector as the delegated servers publish it
 *
 * The order of work, for one domain:
 *   1. delegation: the zone holding the domain, a server of its parent
 *      zone asked without recursion for the referral (NS + glue), the
 *      addresses of the delegated servers;
 *   2. every delegated server asked directly for the zone's SOA: one that
 *      does not answer is unreachable and asked nothing more (so a silent
 *      server costs one timeout), one that answers without authority is
 *      lame;
 *   3. per selector: each delegated server asked directly for TXT at
 *      S._domainkey.D (a CNAME comes back as itself), the answers
 *      compared; the probe servers (the DNS provider's, given by the
 *      user) compared with them; then the recursive view (what SES and
 *      receivers see): CNAME and TXT at the name, the CNAME target, the
 *      key records; and the misplaced names (S._domainkey.D.D,
 *      S.domainkey.D).
 * The records judged are those the delegated servers publish, so that a
 * resolver that happened to ask the one broken server does not change the
 * diagnosis: that server is named by ns-consistency instead.  For the same
 * reason a resolver's failure (timeout, SERVFAIL) is asked again once, and
 * a zone the resolver still cannot find is looked up at the parent zone's
 * servers directly (its own NS records at the delegated servers): a silent
 * server is named by ns-unreachable, never taken for a broken delegation.
 *
 * This file owns steps 3 (per selector: the delegated servers compared,
 * the probe servers, the recursive view, the CNAME) and the run; the
 * delegation walk and the SOA check (1, 2) are diagdeleg.c's, one TXT
 * value's checks diagkey.c's, the misplaced names diagname.c's, findings
 * and evidence text diagfind.c's (see lib/diagint.h).  It never prints.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/buf.h"
#include "lib/diag.h"
#include "lib/diagint.h"
#include "lib/dns.h"
#include "lib/errbuf.h"

/* What the delegated servers say about one selector's name. */
struct selview {
	char			 name[DNS_NAME_MAX];
	struct dns_answer	*ans[NS_MAX];	/* NULL: not asked */
	char			*text[NS_MAX];	/* records as text */
	int			 pub;		/* chosen server or -1 */
};

static const char *const check_names[DIAG_CHECK_LAST] = {
	"delegation", "ns-consistency", "ns-unreachable", "not-delegated",
	"selector-missing", "duplicated-apex", "no-underscore",
	"cname-target", "stray-characters", "txt-via-cname",
	"multiple-records", "key-record", "key-revoked", "key-testing",
	"key-weak", "key-mismatch"
};

/* diag_check_name - the stable id of a check */
const char *
diag_check_name(enum diag_check check)
{
	if ((unsigned int)check >= DIAG_CHECK_LAST)
		return "unknown";
	return check_names[check];
}

/* diag_status_name - "ok", "warn", "fail" */
const char *
diag_status_name(enum diag_status status)
{
	switch (status) {
	case DIAG_OK:
		return "ok";
	case DIAG_WARN:
		return "warn";
	case DIAG_FAIL:
		return "fail";
	}
	return "unknown";
}

/* diag_report_new - an empty report */
struct diag_report *
diag_report_new(const char *domain)
{
	struct diag_report	*r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	snprintf(r->domain, sizeof(r->domain), "%s",
	    domain != NULL ? domain : "");
	return r;
}

/* diag_report_free - free */
void
diag_report_free(struct diag_report *report)
{
	if (report == NULL)
		return;
	free(report->findings);
	free(report);
}

/* selview_free - the answers kept for one name */
static void
selview_free(struct selview *v)
{
	size_t	 i;

	for (i = 0; i < NS_MAX; i++) {
		dns_answer_free(v->ans[i]);
		free(v->text[i]);
		v->ans[i] = NULL;
		v->text[i] = NULL;
	}
}


/* seen_before - whether server i gave the same answer as an earlier one */
static int
seen_before(const struct selview *v, size_t i)
{
	size_t	 j;

	for (j = 0; j < i; j++)
		if (v->text[j] != NULL && strcmp(v->text[j], v->text[i]) == 0)
			return 1;
	return 0;
}

/* votes - how many servers gave server i's answer */
static size_t
votes(const struct diagctx *c, const struct selview *v, size_t i)
{
	size_t	 j, n = 0;

	for (j = 0; j < c->nns; j++)
		n += v->text[j] != NULL && strcmp(v->text[j], v->text[i]) == 0;
	return n;
}

/*
 * disagreement - the ns-consistency finding: each distinct answer with
 * the servers that gave it; the finding's server names those that lack
 * what the chosen answer has.  0 or -1.
 */
static int
disagreement(struct diagctx *c, const struct selview *v)
{
	struct diag_finding	*f;
	struct buf		 ev;
	char			 shown[SHOW_MAX + 8];
	size_t			 i, j, len;
	int			 ok = 1;

	buf_init(&ev, DIAG_EVIDENCE_MAX);
	for (i = 0; i < c->nns && ok; i++) {
		if (v->text[i] == NULL || seen_before(v, i))
			continue;
		if (ev.len > 0)
			ok = buf_puts(&ev, "; but ") == 0;
		for (j = i; j < c->nns && ok; j++)
			if (v->text[j] != NULL &&
			    strcmp(v->text[j], v->text[i]) == 0)
				ok = buf_printf(&ev, "%s%s", j > i ? ", " : "",
				    c->ns[j].label) == 0;
		diag_shorten(v->text[i], shown, sizeof(shown));
		if (ok)
			ok = buf_printf(&ev, " %s %s", votes(c, v, i) > 1 ?
			    "answer" : "answers", shown) == 0;
	}
	f = diag_note(c->rep, c->err, DIAG_NS_CONSISTENCY, DIAG_FAIL, v->name,
	    "", "%s", ev.data != NULL ? ev.data : "servers disagree");
	buf_free(&ev);
	if (f == NULL)
		return -1;
	for (len = 0, i = 0; i < c->nns && len < sizeof(f->server); i++)
		if (v->text[i] != NULL && v->pub >= 0 &&
		    strcmp(v->text[i], v->text[v->pub]) != 0)
			len += (size_t)snprintf(f->server + len,
			    sizeof(f->server) - len, "%s%s", len > 0 ? ", " :
			    "", c->ns[i].label);
	if (v->pub >= 0)
		diag_setfix(f,
		    "Publish the same records on every delegated server"
		    " (fix %s, or its zone transfers from the primary): SES "
		    "asks them all.", f->server[0] != '\0' ? f->server :
		    "the odd one");
	else
		diag_setfix(f,
		    "Make every delegated server serve the same zone "
		    "contents (check zone transfers from the primary).");
	return 0;
}

/*
 * ask_delegated - each live delegated server, directly, for TXT at the
 * name; compare (ns-consistency) and choose the answer to judge: the one
 * most servers with records gave.  0 or -1.
 */
static int
ask_delegated(struct diagctx *c, struct selview *v)
{
	struct diag_finding	*f;
	size_t			 i, n, best = 0, ndistinct = 0;
	int			 has;

	v->pub = -1;
	for (i = 0; i < c->nns; i++) {
		if (c->ns[i].dead || c->ns[i].lame)
			continue;
		if (dns_query_at(c->res, c->ns[i].addr, v->name, DNS_T_TXT, 0,
		    &v->ans[i], c->err) == -1)
			return -1;
		if (diag_is_silent(v->ans[i]->status)) {
			/* It answered the SOA; now it is gone. */
			c->ns[i].dead = 1;
			f = diag_note(c->rep, c->err, DIAG_NS_UNREACHABLE,
			    DIAG_FAIL, v->name, c->ns[i].label, "TXT %s: %s",
			    v->name, dns_status_name(v->ans[i]->status));
			if (f == NULL)
				return -1;
			diag_setfix(f,
			    "Make %s answer reliably, or remove it from "
			    "the delegation.", c->ns[i].label);
			dns_answer_free(v->ans[i]);
			v->ans[i] = NULL;
			continue;
		}
		if ((v->text[i] = diag_records_text(v->ans[i], v->name,
		    &has)) ==
		    NULL)
			return errbuf_set(c->err, "diag: out of memory");
	}
	/* Count distinct answers; pick the most common one with records. */
	for (i = 0; i < c->nns; i++) {
		if (v->text[i] == NULL || seen_before(v, i))
			continue;
		ndistinct++;
		n = votes(c, v, i);
		if (diag_has_records(v->ans[i], v->name) && n > best) {
			best = n;
			v->pub = (int)i;
		}
	}
	if (ndistinct <= 1)
		return 0;
	c->inconsistent = 1;
	return disagreement(c, v);
}

/*
 * ask_probes - the servers the user named (the DNS provider's): one that
 * answers with authority but is not delegated, and has records the
 * delegated servers lack, is the fault (not-delegated).  1 when that was
 * reported, 0 otherwise, -1 on local failure.
 */
static int
ask_probes(struct diagctx *c, struct selview *v)
{
	struct dns_answer	*a = NULL;
	struct diag_finding	*f;
	struct buf		 who;
	char			*text = NULL, *t, shown[SHOW_MAX + 8];
	char			 labels[DIAG_EVIDENCE_MAX / 2];
	char			 addr[72];
	size_t			 i, j;
	int			 has, delegated, reported = 0, rc = -1;

	buf_init(&who, DIAG_SERVER_MAX);
	shown[0] = '\0';
	for (i = 0; i < c->nprobe; i++) {
		if (c->probe[i].dead)
			continue;
		for (delegated = 0, j = 0; j < c->nns && !delegated; j++) {
			snprintf(addr, sizeof(addr), "%s:53", c->ns[j].addr);
			delegated = strcmp(c->probe[i].server,
			    c->ns[j].addr) == 0 || strcmp(c->probe[i].server,
			    addr) == 0;
		}
		if (delegated)
			continue;
		if (dns_query_at(c->res, c->probe[i].server, v->name,
		    DNS_T_TXT, 0, &a, c->err) == -1)
			goto fail;
		if (diag_is_silent(a->status))
			c->probe[i].dead = 1;
		if (a->aa && diag_has_records(a, v->name)) {
			if ((t = diag_records_text(a, v->name, &has)) == NULL) {
				errbuf_set(c->err, "diag: out of memory");
				goto fail;
			}
			/* The same records as the delegated servers: a
			 * secondary, harmless. */
			if (v->pub < 0 || strcmp(t, v->text[v->pub]) != 0) {
				if (buf_printf(&who, "%s%s", who.len > 0 ?
				    ", " : "", a->server) != 0) {
					free(t);
					break;
				}
				if (text == NULL) {
					text = t;
					t = NULL;
				}
			}
			free(t);
		}
		dns_answer_free(a);
		a = NULL;
	}
	if (who.len > 0 && text != NULL) {
		diag_shorten(text, shown, sizeof(shown));
		diag_ns_labels(c, labels, sizeof(labels));
		f = diag_note(c->rep, c->err, DIAG_NOT_DELEGATED,
		    v->pub >= 0 ? DIAG_WARN : DIAG_FAIL, v->name, who.data,
		    "%s (not delegated) answers %s; the delegated servers %s "
		    "%s", who.data, shown, labels[0] != '\0' ? labels :
		    "of the zone", v->pub >= 0 ? "publish other records" :
		    "do not have it");
		if (f == NULL)
			goto fail;
		diag_setfix(f,
		    "Add the record at the DNS host %s is delegated to "
		    "(%s), or make %s the delegated servers at your "
		    "registrar.", c->zone, labels[0] != '\0' ? labels : "see "
		    "NS", who.data);
		reported = v->pub < 0;
	}
	rc = reported;
fail:
	free(text);
	dns_answer_free(a);
	buf_free(&who);
	return rc;
}

/* ---- one selector ------------------------------------------------------- */

/* looks_dkim - a TXT value meant as a DKIM key record */
static int
looks_dkim(const char *v)
{
	v += strspn(v, " \t\"'");
	return strncmp(v, "v=DKIM1", 7) == 0 || strstr(v, "p=") != NULL ||
	    strstr(v, "k=rsa") != NULL || strstr(v, "k=ed25519") != NULL;
}

/*
 * judge_txt - the TXT records at the end of name's chain: several DKIM
 * records (multiple-records), then each one's value.  0 or -1.
 */
static int
judge_txt(struct diagctx *c, const char *name, const char *server,
    const struct dns_rr *rr, size_t n)
{
	struct diag_finding	*f;
	size_t			 i, ndkim = 0;

	for (i = 0; i < n; i++)
		ndkim += rr[i].type == DNS_T_TXT && looks_dkim(rr[i].data);
	if (ndkim > 1) {
		f = diag_note(c->rep, c->err, DIAG_MULTIPLE_RECORDS, DIAG_FAIL,
		    name, server, "%zu DKIM key records at one name; "
		    "verifiers pick one at random or fail (RFC 6376 3.6.2.2)",
		    ndkim);
		if (f == NULL)
			return -1;
		diag_setfix(f,
		    "Delete all but the current key record at %s (use a "
		    "new selector for a new key).", name);
	}
	for (i = 0; i < n; i++) {
		if (rr[i].type != DNS_T_TXT ||
		    (ndkim > 0 && !looks_dkim(rr[i].data)))
			continue;
		if (diag_key_value(c->rep, name, server, rr[i].data,
		    c->s->key, c->min_bits, c->err) == -1)
			return -1;
	}
	return 0;
}

/*
 * clean_target - a CNAME target without what does not belong in a host
 * name (escaped quotes and spaces, "\DDD" and "\X" sequences).  1 when
 * something was removed.
 */
static int
clean_target(const char *t, char *out, size_t size)
{
	size_t	 n = 0;
	int	 bad = 0;

	for (; *t != '\0' && n + 1 < size; t++) {
		if (*t == '\\') {
			bad = 1;
			if (isdigit((unsigned char)t[1]) &&
			    isdigit((unsigned char)t[2]) &&
			    isdigit((unsigned char)t[3]))
				t += 3;
			else if (t[1] != '\0')
				t++;
			continue;
		}
		if (!isalnum((unsigned char)*t) && *t != '.' && *t != '-' &&
		    *t != '_') {
			bad = 1;
			continue;
		}
		out[n++] = (char)tolower((unsigned char)*t);
	}
	out[n] = '\0';
	/* A label emptied by the cleaning leaves "..": squeeze it. */
	while (n > 0 && out[0] == '.')
		memmove(out, out + 1, n--);
	return bad;
}

/*
 * judge_cname - the CNAME target against the expected one, stray
 * characters in it, and TXT through it.  0 or -1.
 */
static int
judge_cname(struct diagctx *c, const char *name, const char *server,
    const char *target, const char *expect, int *explained_out)
{
	struct diag_finding	*f;
	char			 clean[DNS_NAME_MAX], low[DNS_NAME_MAX];
	char			 appended[DNS_NAME_MAX * 2];

	*explained_out = 0;
	diag_lower_name(target, low, sizeof(low));
	if (clean_target(target, clean, sizeof(clean))) {
		f = diag_note(c->rep, c->err, DIAG_STRAY_CHARACTERS, DIAG_FAIL,
		    name, server, "CNAME target %s has characters that do "
		    "not belong in a host name (quotes, spaces)", target);
		if (f == NULL)
			return -1;
		diag_setfix(f,
		    "Re-enter the CNAME value without quotes or spaces: "
		    "%s", expect != NULL ? expect : clean);
		*explained_out = 1;
	}
	if (expect == NULL)
		return 0;
	snprintf(appended, sizeof(appended), "%s.%s", expect, c->domain);
	if (strcmp(low, expect) == 0) {
		if (diag_note(c->rep, c->err, DIAG_CNAME_TARGET, DIAG_OK, name,
		    server, "CNAME %s as expected", target) == NULL)
			return -1;
	} else if (*explained_out && strcmp(clean, expect) == 0) {
		/* Only the stray characters are wrong; said above. */
	} else if (strcmp(low, appended) == 0) {
		f = diag_note(c->rep, c->err, DIAG_CNAME_TARGET, DIAG_FAIL,
		    name,
		    server, "CNAME %s: the DNS provider appended %s to the "
		    "value %s", target, c->domain, expect);
		if (f == NULL)
			return -1;
		diag_setfix(f,
		    "Enter the value with a trailing dot (%s.) so that "
		    "the provider does not append the domain.", expect);
		*explained_out = 1;
	} else {
		f = diag_note(c->rep, c->err, DIAG_CNAME_TARGET, DIAG_FAIL,
		    name,
		    server, "CNAME %s, expected %s", target, expect);
		if (f == NULL)
			return -1;
		diag_setfix(f,
		    "Change the CNAME value to %s (copy it from the SES "
		    "console; a trailing dot does not matter).", expect);
		*explained_out = 1;
	}
	return 0;
}

/*
 * txt_through - a, the answer for TXT at name through the resolver, which
 * follows the CNAME to target: the key records, or txt-via-cname when it
 * failed and nothing else explains why.  0 or -1.
 */
static int
txt_through(struct diagctx *c, const char *name, const struct dns_answer *a,
    const char *target, int explained)
{
	struct dns_answer	*t = NULL;
	struct diag_finding	*f;
	int			 rc = -1;

	if (a->status == DNS_OK && a->nrr > 0)
		return judge_txt(c, name, diag_server_of(a), a->rr, a->nrr);
	if (explained)
		return 0;
	/* The target itself, for the evidence and for the keys. */
	if (diag_resolve(c, target, DNS_T_TXT, &t) == -1)
		return -1;
	if (!diag_is_fail(a->status) && a->ncname == 0 &&
	    t->status == DNS_OK) {
		/*
		 * The resolver asked a server without the CNAME (reported
		 * as ns-consistency); the target's keys are still judged.
		 */
		rc = judge_txt(c, name, diag_server_of(t), t->rr, t->nrr);
		goto fail;
	}
	f = diag_note(c->rep, c->err, DIAG_TXT_VIA_CNAME, DIAG_FAIL, name,
	    diag_server_of(a), "CNAME %s answers, but TXT %s gives %s (TXT at "
	    "the target: %s)", target, name, dns_status_name(a->status),
	    dns_status_name(t->status));
	if (f == NULL)
		goto fail;
	if (t->status == DNS_OK)
		diag_setfix(f, "Your DNS provider must answer TXT queries at a "
		    "CNAME by following it; if it cannot, host the zone "
		    "elsewhere (e.g. Route 53).");
	else
		diag_setfix(f,
		    "Make the CNAME's target %s resolve to the key's TXT"
		    " record (its servers must answer); if only your provider "
		    "fails, host the zone elsewhere.", target);
	rc = 0;
fail:
	dns_answer_free(t);
	return rc;
}

/* first_of - the first record of a type owned by name, or NULL */
static const struct dns_rr *
first_of(const struct dns_answer *a, const char *name, enum dns_type type)
{
	size_t	 i;

	if (a == NULL)
		return NULL;
	for (i = 0; i < a->nrr; i++)
		if (a->rr[i].type == type && strcasecmp(a->rr[i].name,
		    name) == 0)
			return &a->rr[i];
	return NULL;
}

/* the fix for a missing selector */
static void
missing_fix(struct diagctx *c, struct diag_finding *f, const char *sel,
    const char *expect)
{
	char	 labels[DIAG_FIX_MAX / 2];

	diag_ns_labels(c, labels, sizeof(labels));
	if (expect != NULL)
		diag_setfix(f,
		    "Add the record %s._domainkey CNAME %s at the DNS "
		    "host %s is delegated to%s%s.", sel, expect, c->zone,
		    labels[0] != '\0' ? ": " : "", labels);
	else
		diag_setfix(f, "Publish the TXT key record at %s._domainkey.%s "
		    "(dkimlens-keytool record KEYFILE gives the value).", sel,
		    c->domain);
}

/*
 * check_misplaced - the selector's record at S._domainkey.D.D or at
 * S.domainkey.D: the reason (fail) when the selector is missing, a
 * leftover to delete (warn) when it is there.  1 when one was found, 0
 * when not, -1 on local failure.
 */
static int
check_misplaced(struct diagctx *c, const char *selector, const char *name,
    int found)
{
	struct diag_finding	*f, mf;
	int			 apex, hit, any = 0;

	for (apex = 1; apex >= 0; apex--) {
		if ((hit = diag_misplaced(c->res, selector, c->domain, apex,
		    &mf,
		    c->err)) == -1)
			return -1;
		if (hit == 0)
			continue;
		any = 1;
		if ((f = diag_note(c->rep, c->err, mf.check, found ? DIAG_WARN :
		    DIAG_FAIL, mf.name, mf.server, "%s", mf.evidence)) == NULL)
			return -1;
		if (found)
			diag_setfix(f,
			    "Delete the stray record at %s; the right "
			    "one is at %s.", mf.name, name);
		else
			memcpy(f->fix, mf.fix, sizeof(f->fix));
	}
	return any;
}

/*
 * check_selector - everything about one selector.  0 or -1.
 */
static int
check_selector(struct diagctx *c, const struct diag_selector *sel)
{
	struct selview		 v;
	struct dns_answer	*cn = NULL, *tx = NULL;
	const struct dns_answer	*pub;
	const struct dns_rr	*crr;
	struct diag_finding	*f;
	char			 expect[DNS_NAME_MAX], shown[SHOW_MAX + 8];
	char			 server[DIAG_SERVER_MAX], *text = NULL;
	const char		*exp = NULL;
	int			 found, misfound, elsewhere, explained;
	int			 has, rc = -1;

	memset(&v, 0, sizeof(v));
	v.pub = -1;
	snprintf(v.name, sizeof(v.name), "%s._domainkey.%s", sel->selector,
	    c->domain);
	if (sel->expect_cname != NULL && sel->expect_cname[0] != '\0') {
		/* A trailing dot is never an error: compare without it. */
		diag_lower_name(sel->expect_cname, expect, sizeof(expect));
		exp = expect;
	}

	if (ask_delegated(c, &v) == -1)
		goto fail;
	if ((elsewhere = ask_probes(c, &v)) == -1)
		goto fail;
	if (diag_resolve(c, v.name, DNS_T_CNAME, &cn) == -1 ||
	    diag_resolve(c, v.name, DNS_T_TXT, &tx) == -1)
		goto fail;

	/* What is published: the delegated servers' answer, else the
	 * resolver's own. */
	if (v.pub >= 0) {
		pub = v.ans[v.pub];
		snprintf(server, sizeof(server), "%s", c->ns[v.pub].label);
	} else if (diag_has_records(cn, v.name)) {
		pub = cn;
		snprintf(server, sizeof(server), "%s", diag_server_of(cn));
	} else if (tx->status == DNS_OK && tx->ncname == 0) {
		pub = tx;
		snprintf(server, sizeof(server), "%s", diag_server_of(tx));
	} else
		pub = NULL;
	found = pub != NULL && diag_has_records(pub, v.name);

	if ((misfound = check_misplaced(c, sel->selector, v.name,
	    found)) == -1)
		goto fail;
	if (!found) {
		if (misfound || elsewhere) {
			rc = 0;
			goto fail;
		}
		f = diag_note(c->rep, c->err, DIAG_SELECTOR_MISSING, DIAG_FAIL,
		    v.name, diag_server_of(tx), "TXT %s: %s%s", v.name,
		    dns_status_name(tx->status), c->nns > 0 ?
		    " (and no delegated server has a record there)" : "");
		if (f == NULL)
			goto fail;
		missing_fix(c, f, sel->selector, exp);
		rc = 0;
		goto fail;
	}
	if ((text = diag_records_text(pub, v.name, &has)) == NULL) {
		errbuf_set(c->err, "diag: out of memory");
		goto fail;
	}
	diag_shorten(text, shown, sizeof(shown));
	if (diag_note(c->rep, c->err, DIAG_SELECTOR_MISSING, DIAG_OK, v.name,
	    server, "%s", shown) == NULL)
		goto fail;

	if ((crr = first_of(pub, v.name, DNS_T_CNAME)) != NULL) {
		if (judge_cname(c, v.name, server, crr->data, exp,
		    &explained) == -1 ||
		    txt_through(c, v.name, tx, crr->data, explained) == -1)
			goto fail;
	} else {
		if (exp != NULL) {
			f = diag_note(c->rep, c->err, DIAG_CNAME_TARGET,
			    DIAG_FAIL,
			    v.name, server, "expected CNAME %s, found %s", exp,
			    shown);
			if (f == NULL)
				goto fail;
			diag_setfix(f,
			    "Replace the record at %s._domainkey with "
			    "CNAME %s (Easy DKIM uses CNAMEs, not TXT).",
			    sel->selector, exp);
		}
		if (judge_txt(c, v.name, server, pub->rr, pub->nrr) == -1)
			goto fail;
	}
	rc = 0;
fail:
	free(text);
	dns_answer_free(tx);
	dns_answer_free(cn);
	selview_free(&v);
	return rc;
}

/* ---- the run ------------------------------------------------------------ */

/* valid_label_chars - a selector or domain of LDH, '_' and '.' only */
static int
valid_name(const char *s, size_t max)
{
	size_t	 len = strlen(s), i, label = 0;

	if (len == 0 || len > max || s[0] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (label == 0 && i + 1 < len)
				return 0;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_')
			return 0;
		if (++label > 63)
			return 0;
	}
	return 1;
}

/* sort_report - worst first; stable, so checks keep their order */
static void
sort_report(struct diag_report *r)
{
	struct diag_finding	 tmp;
	size_t			 i, j;

	for (i = 1; i < r->nfindings; i++) {
		memcpy(&tmp, &r->findings[i], sizeof(tmp));
		for (j = i; j > 0 && r->findings[j - 1].status < tmp.status;
		    j--)
			memcpy(&r->findings[j], &r->findings[j - 1],
			    sizeof(tmp));
		memcpy(&r->findings[j], &tmp, sizeof(tmp));
	}
}

/* diag_run - every check for one domain */
int
diag_run(struct dns_resolver *res, const struct diag_settings *settings,
    struct diag_report **report_out, struct errbuf *err)
{
	struct diagctx		*c = NULL;
	struct diag_finding	*f;
	char			 labels[DIAG_EVIDENCE_MAX];
	size_t			 i;

	*report_out = NULL;
	if (res == NULL || settings == NULL || settings->domain == NULL)
		return errbuf_set(err, "diag: no domain given");
	if (settings->nselectors == 0 || settings->selectors == NULL)
		return errbuf_set(err, "diag: no selector given");
	if (settings->nselectors > DIAG_SELECTOR_MAX)
		return errbuf_set(err, "diag: more than %d selectors",
		    DIAG_SELECTOR_MAX);
	if (settings->nprobe > DIAG_PROBE_MAX)
		return errbuf_set(err, "diag: more than %d servers to probe",
		    DIAG_PROBE_MAX);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return errbuf_set(err, "diag: out of memory");
	diag_lower_name(settings->domain, c->domain, sizeof(c->domain));
	if (!valid_name(c->domain, 253)) {
		errbuf_set(err, "diag: \"%s\" is not a domain name",
		    settings->domain);
		goto fail;
	}
	for (i = 0; i < settings->nselectors; i++)
		if (settings->selectors[i].selector == NULL ||
		    !valid_name(settings->selectors[i].selector, 63) ||
		    strlen(settings->selectors[i].selector) +
		    strlen(c->domain) + 12 > 253) {
			errbuf_set(err, "diag: \"%s\" is not a selector",
			    settings->selectors[i].selector != NULL ?
			    settings->selectors[i].selector : "");
			goto fail;
		}
	c->res = res;
	c->s = settings;
	c->err = err;
	c->min_bits = settings->min_rsa_bits != 0 ? settings->min_rsa_bits :
	    DIAG_MIN_RSA_BITS;
	for (i = 0; i < settings->nprobe; i++)
		c->probe[c->nprobe++].server = settings->probe_servers[i];
	if ((c->rep = diag_report_new(c->domain)) == NULL) {
		errbuf_set(err, "diag: out of memory");
		goto fail;
	}

	if (diag_check_delegation(c) == -1 || diag_check_servers(c) == -1)
		goto fail;
	for (i = 0; i < settings->nselectors; i++)
		if (check_selector(c, &settings->selectors[i]) == -1)
			goto fail;
	if (!c->inconsistent && c->nns > 0) {
		diag_ns_labels(c, labels, sizeof(labels));
		f = diag_note(c->rep, err, DIAG_NS_CONSISTENCY, DIAG_OK,
		    c->zone,
		    labels, "every answering delegated server gives the same "
		    "records for the %zu selector%s", settings->nselectors,
		    settings->nselectors > 1 ? "s" : "");
		if (f == NULL)
			goto fail;
	}
	sort_report(c->rep);
	*report_out = c->rep;
	free(c);
	return 0;
fail:
	if (c != NULL)
		diag_report_free(c->rep);
	free(c);
	return -1;
}
