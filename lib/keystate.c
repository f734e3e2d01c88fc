/*
 * keystate - is one of our own signing keys published? (see lib/keystate.h)
 *
 * One TXT lookup through the resolver, as a receiver makes it (CNAMEs
 * followed).  What the answer means is decided by lib/diag, so that the
 * milter's log and `dkimlens-keytool dns` give the same cause and fix:
 * diag_key_value() judges the record against our key; on a missing record
 * diag_duplicated_apex() and diag_no_underscore() look for it where a
 * DNS provider's form tends to put it.
 */
#include <stdio.h>
#include <string.h>

#include "lib/diag.h"
#include "lib/dns.h"
#include "lib/errbuf.h"
#include "lib/keyname.h"
#include "lib/keystate.h"
#include "lib/reason.h"
#include "lib/verdict.h"

static const char *const names[] = {
	[KEYSTATE_UNKNOWN] = "unknown",
	[KEYSTATE_PUBLISHED] = "published",
	[KEYSTATE_MISSING] = "missing",
	[KEYSTATE_MISMATCH] = "mismatch",
	[KEYSTATE_REVOKED] = "revoked",
	[KEYSTATE_TESTING] = "testing",
	[KEYSTATE_DNS_ERROR] = "dns-error",
};

const char *
keystate_name(enum keystate state)
{
	if ((size_t)state >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[state];
}

/* clamp - a TTL within KEYSTATE_TTL_MIN..KEYSTATE_TTL_MAX */
static uint32_t
clamp(uint32_t ttl)
{
	if (ttl < KEYSTATE_TTL_MIN)
		return KEYSTATE_TTL_MIN;
	return ttl > KEYSTATE_TTL_MAX ? KEYSTATE_TTL_MAX : ttl;
}

/* answer_ttl - the smallest TTL of the records, or the negative TTL of
 * the SOA in the authority section; 300 when there is neither */
static uint32_t
answer_ttl(const struct dns_answer *a)
{
	uint32_t	 ttl = UINT32_MAX;
	size_t		 i;

	for (i = 0; i < a->nrr; i++)
		if (a->rr[i].ttl < ttl)
			ttl = a->rr[i].ttl;
	for (i = 0; ttl == UINT32_MAX && i < a->nauth; i++)
		if (a->auth[i].type == DNS_T_SOA)
			ttl = a->auth[i].ttl;
	return clamp(ttl == UINT32_MAX ? 300 : ttl);
}

/* set - the state with its cause and fix */
static void
set(struct keystate_result *out, enum keystate st, const char *cause,
    const char *fix)
{
	out->state = st;
	snprintf(out->cause, sizeof(out->cause), "%s", cause);
	snprintf(out->fix, sizeof(out->fix), "%s", fix);
}

/* is_key_record - a TXT value meant as a DKIM key record (v=DKIM1 first,
 * or a p= tag) */
static int
is_key_record(const char *v)
{
	v += strspn(v, " \t\"'");
	return strncmp(v, "v=DKIM1", 7) == 0 || strstr(v, "p=") != NULL;
}

/* missing - no record at the name: is it where a provider's form put it? */
static int
missing(struct dns_resolver *res, const char *d, const char *s,
    struct keystate_result *out, const char *said, struct errbuf *err)
{
	struct diag_finding	 f;
	char			 cause[DIAG_EVIDENCE_MAX];
	int			 hit;

	if ((hit = diag_duplicated_apex(res, s, d, &f, err)) == 0)
		hit = diag_no_underscore(res, s, d, &f, err);
	if (hit == -1)
		return -1;
	if (hit == 1) {
		snprintf(cause, sizeof(cause), "%s; %s", said, f.evidence);
		set(out, KEYSTATE_MISSING, cause, f.fix);
		return 0;
	}
	set(out, KEYSTATE_MISSING, said, "Publish the TXT record that "
	    "`dkimlens-keytool record KEYFILE` prints at this name; check it "
	    "with `dkimlens-keytool dns DOMAIN --selector SELECTOR`.");
	return 0;
}

/* judge - one key record, by lib/diag's checks: the worst finding */
static int
judge(const char *name, const struct dns_answer *a, const char *value,
    EVP_PKEY *key, struct keystate_result *out, struct errbuf *err)
{
	struct diag_report	*rep;
	const struct diag_finding *f, *worst = NULL, *testing = NULL;
	size_t			 i;
	int			 rc = -1;

	if ((rep = diag_report_new(name)) == NULL)
		return errbuf_set(err, "keystate: out of memory");
	if (diag_key_value(rep, name, a->server[0] != '\0' ? a->server :
	    "resolver", value, key, 0, err) == -1)
		goto done;
	for (i = 0; i < rep->nfindings; i++) {
		f = &rep->findings[i];
		if (f->check == DIAG_KEY_TESTING)
			testing = f;
		if (f->status == DIAG_FAIL && worst == NULL)
			worst = f;
	}
	if (worst != NULL)
		set(out, worst->check == DIAG_KEY_REVOKED ? KEYSTATE_REVOKED :
		    KEYSTATE_MISMATCH, worst->evidence, worst->fix);
	else if (testing != NULL)
		set(out, KEYSTATE_TESTING, testing->evidence, testing->fix);
	else
		set(out, KEYSTATE_PUBLISHED, "", "");
	rc = 0;
done:
	diag_report_free(rep);
	return rc;
}

int
keystate_check(struct dns_resolver *res, const char *d, const char *s,
    EVP_PKEY *key, struct keystate_result *out, struct errbuf *err)
{
	struct dns_answer	*a = NULL;
	char			 said[DIAG_EVIDENCE_MAX];
	const char		*value = NULL;
	struct verdict_result	 vr;
	size_t			 i, nkey = 0;
	int			 rc = -1;

	memset(out, 0, sizeof(*out));
	if (keyname_build(s, d, out->name, sizeof(out->name), &vr) == -1)
		return errbuf_set(err, "keystate: selector %s of %s: %s: %s",
		    s, d, reason_text(vr.reason), vr.detail);
	if (dns_query(res, out->name, DNS_T_TXT, &a, err) == -1)
		return -1;
	out->ttl = answer_ttl(a);
	switch (a->status) {
	case DNS_OK:
		break;
	case DNS_NXDOMAIN:
	case DNS_NODATA:
		snprintf(said, sizeof(said), "TXT %s: %s%s%s", out->name,
		    dns_status_name(a->status), a->ncname > 0 ?
		    " at the end of the CNAME to " : "", a->ncname > 0 ?
		    a->cname[a->ncname - 1] : "");
		rc = missing(res, d, s, out, said, err);
		goto done;
	default:
		out->ttl = KEYSTATE_RETRY;
		snprintf(said, sizeof(said), "TXT %s: %s from %s", out->name,
		    dns_status_name(a->status), a->server[0] != '\0' ?
		    a->server : "the resolver");
		set(out, KEYSTATE_DNS_ERROR, said, "Check that the domain's "
		    "name servers answer: `dkimlens-keytool dns DOMAIN "
		    "--selector SELECTOR`.");
		rc = 0;
		goto done;
	}
	for (i = 0; i < a->nrr; i++)
		if (a->rr[i].type == DNS_T_TXT &&
		    is_key_record(a->rr[i].data)) {
			nkey++;
			value = a->rr[i].data;
		}
	if (nkey == 0) {
		snprintf(said, sizeof(said), "TXT %s: %zu record%s, none a DKIM "
		    "key record", out->name, a->nrr, a->nrr == 1 ? "" : "s");
		rc = missing(res, d, s, out, said, err);
	} else if (nkey > 1) {
		snprintf(said, sizeof(said), "TXT %s: %zu DKIM key records; "
		    "receivers cannot tell which one to use", out->name, nkey);
		set(out, KEYSTATE_MISMATCH, said, "Keep exactly one key record "
		    "at this name.");
		rc = 0;
	} else
		rc = judge(out->name, a, value, key, out, err);
done:
	dns_answer_free(a);
	return rc;
}
