/*
 * diag - the DNS diagnosis of a domain's DKIM records (see lib/diag.h)
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
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "lib/b64.h"
#include "lib/buf.h"
#include "lib/diag.h"
#include "lib/dns.h"
#include "lib/errbuf.h"
#include "lib/keyrec.h"
#include "lib/reason.h"
#include "lib/verdict.h"

#define NS_MAX		13	/* delegated servers examined */
#define PARENT_TRIES	3	/* parent servers asked for the referral */
#define SHOW_MAX	72	/* record text shown in evidence */
#define TEXT_MAX	4096	/* cap on one server's records as text */

struct nsinfo {
	char	 name[DNS_NAME_MAX];	/* ns1.example.net */
	char	 addr[64];		/* "192.0.2.1", "" when none */
	char	 label[DNS_NAME_MAX + 72];	/* "ns1.example.net (a)" */
	int	 dead;			/* timed out or no address */
	int	 lame;			/* answers, not for the zone */
};

struct probe {
	const char	*server;
	int		 dead;
};

struct ctx {
	struct dns_resolver		*res;
	const struct diag_settings	*s;
	struct diag_report		*rep;
	struct errbuf			*err;
	char				 domain[DNS_NAME_MAX];
	char				 zone[DNS_NAME_MAX];
	size_t				 nns;
	struct nsinfo			 ns[NS_MAX];
	size_t				 nprobe;
	struct probe			 probe[DIAG_PROBE_MAX];
	int				 inconsistent;
	unsigned int			 min_bits;
};

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

/*
 * note - append a finding with its evidence formatted; the caller fills
 * the fix.  NULL with err set when the report is full or on ENOMEM.
 */
static struct diag_finding *
note(struct diag_report *r, struct errbuf *err, enum diag_check check,
    enum diag_status status, const char *name, const char *server,
    const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static struct diag_finding *
note(struct diag_report *r, struct errbuf *err, enum diag_check check,
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

/* setfix - the fix sentence of a finding */
static void
setfix(struct diag_finding *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
setfix(struct diag_finding *f, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(f->fix, sizeof(f->fix), fmt, ap);
	va_end(ap);
}

/* shorten - s for evidence: the start and the end when it is long */
static void
shorten(const char *s, char *out, size_t size)
{
	size_t	 len = strlen(s);

	if (len <= SHOW_MAX || size < SHOW_MAX + 4)
		snprintf(out, size, "%s", s);
	else
		snprintf(out, size, "%.*s...%s", SHOW_MAX - 16, s,
		    s + len - 13);
}

/* lower_name - copy a name in lower case, without trailing dot */
static void
lower_name(const char *in, char *out, size_t size)
{
	size_t	 i;

	for (i = 0; in[i] != '\0' && i + 1 < size; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
	if (i > 1 && out[i - 1] == '.')
		out[i - 1] = '\0';
}

/* parent_of - the name without its first label, "" for a TLD */
static const char *
parent_of(const char *name)
{
	const char	*p = strchr(name, '.');

	return p == NULL ? "" : p + 1;
}

/* is_fail_status - a lookup that failed, as opposed to "no such data" */
static int
is_fail_status(enum dns_status st)
{
	return st != DNS_OK && st != DNS_NXDOMAIN && st != DNS_NODATA;
}

/* is_silent - the server did not answer at all */
static int
is_silent(enum dns_status st)
{
	return st == DNS_TIMEOUT || st == DNS_NETERROR;
}

/*
 * resolve - dns_query through the recursive resolver, asked once more when
 * it fails (timeout, SERVFAIL): a resolver that tried a silent server
 * first has moved on to the others by then, and the diagnosis must not
 * depend on which server it tried first.
 */
static int
resolve(struct ctx *c, const char *name, enum dns_type type,
    struct dns_answer **a_out)
{
	if (dns_query(c->res, name, type, a_out, c->err) == -1)
		return -1;
	if (!is_fail_status((*a_out)->status))
		return 0;
	dns_answer_free(*a_out);
	*a_out = NULL;
	return dns_query(c->res, name, type, a_out, c->err);
}

/* server_of - who answered, for a finding */
static const char *
server_of(const struct dns_answer *a)
{
	return a != NULL && a->server[0] != '\0' ? a->server : "resolver";
}

/* ---- delegation ------------------------------------------------------- */

/* add_ns - remember a delegated server once; its glue address if known */
static void
add_ns(struct ctx *c, const char *name, const char *addr)
{
	size_t	 i;

	for (i = 0; i < c->nns; i++)
		if (strcasecmp(c->ns[i].name, name) == 0) {
			if (c->ns[i].addr[0] == '\0' && addr != NULL)
				snprintf(c->ns[i].addr, sizeof(c->ns[i].addr),
				    "%s", addr);
			return;
		}
	if (c->nns == NS_MAX)
		return;
	snprintf(c->ns[c->nns].name, sizeof(c->ns[c->nns].name), "%s", name);
	if (addr != NULL)
		snprintf(c->ns[c->nns].addr, sizeof(c->ns[c->nns].addr), "%s",
		    addr);
	c->nns++;
}

/* glue - the A record for name in a referral's additional section */
static const char *
glue(const struct dns_answer *a, const char *name)
{
	size_t	 i;

	for (i = 0; i < a->naddl; i++)
		if (a->addl[i].type == DNS_T_A &&
		    strcasecmp(a->addl[i].name, name) == 0)
			return a->addl[i].data;
	return NULL;
}

/*
 * ask_parent - ask servers of the zone above name, without recursion, for
 * name's NS records: the delegation as the parent publishes it.  1 when a
 * parent server answered (*ref_out owned: a referral, an answer, or an
 * authoritative NXDOMAIN), 0 when none could be asked, -1 on local failure.
 */
static int
ask_parent(struct ctx *c, const char *name, struct dns_answer **ref_out)
{
	struct dns_answer	*pns = NULL, *addr = NULL, *ref = NULL;
	const char		*p = parent_of(name);
	size_t			 i, tries = 0;
	int			 rc = -1;

	*ref_out = NULL;
	/* The parent zone: the closest name above with NS records. */
	while (*p != '\0') {
		if (resolve(c, p, DNS_T_NS, &pns) == -1)
			goto fail;
		if (pns->status == DNS_OK && pns->ncname == 0)
			break;
		dns_answer_free(pns);
		pns = NULL;
		p = parent_of(p);
	}
	if (pns == NULL)
		return 0;
	for (i = 0; i < pns->nrr && tries < PARENT_TRIES; i++) {
		if (pns->rr[i].type != DNS_T_NS)
			continue;
		tries++;
		if (resolve(c, pns->rr[i].data, DNS_T_A, &addr) == -1)
			goto fail;
		if (addr->status != DNS_OK || addr->nrr == 0 ||
		    addr->rr[addr->nrr - 1].type != DNS_T_A) {
			dns_answer_free(addr);
			addr = NULL;
			continue;
		}
		if (dns_query_at(c->res, addr->rr[addr->nrr - 1].data,
		    name, DNS_T_NS, 0, &ref, c->err) == -1)
			goto fail;
		dns_answer_free(addr);
		addr = NULL;
		if (ref->status == DNS_OK || ref->status == DNS_NODATA ||
		    (ref->status == DNS_NXDOMAIN && ref->aa)) {
			*ref_out = ref;
			dns_answer_free(pns);
			return 1;
		}
		dns_answer_free(ref);
		ref = NULL;
	}
	rc = 0;
fail:
	dns_answer_free(ref);
	dns_answer_free(addr);
	dns_answer_free(pns);
	return rc;
}

/* cut_of - the zone a parent's answer for name's NS delegates or holds:
 * name itself (NS in the answer), the owner of the referral's NS records
 * when it is name or above it, or NULL */
static const char *
cut_of(const struct dns_answer *ref, const char *name)
{
	size_t		 i, nl = strlen(name), ol;
	const char	*o;

	for (i = 0; i < ref->nrr; i++)
		if (ref->rr[i].type == DNS_T_NS &&
		    strcasecmp(ref->rr[i].name, name) == 0)
			return ref->rr[i].name;
	for (i = 0; i < ref->nauth; i++) {
		if (ref->auth[i].type != DNS_T_NS)
			continue;
		o = ref->auth[i].name;
		ol = strlen(o);
		if (strcasecmp(o, name) == 0 || (ol < nl &&
		    name[nl - ol - 1] == '.' &&
		    strcasecmp(name + nl - ol, o) == 0))
			return o;
	}
	return NULL;
}

/*
 * find_zone - the closest name at or above the domain that has NS records
 * (the zone apex).  0 with c->zone set and either *nsa_out (the zone's NS
 * records through the resolver) or *ref_out (the parent's referral, read
 * directly) owned; both NULL when no zone was found, with *first_out the
 * domain's own failed answer when there is one.  -1 on local failure.
 *
 * A recursive resolver that times out (or fails) on the domain is not the
 * verdict on the delegation: it may just have tried a silent server
 * first.  It is asked once more (resolve), then the parent zone's servers
 * are asked directly, so that the diagnosis is the same from run to run.
 */
static int
find_zone(struct ctx *c, struct dns_answer **nsa_out,
    struct dns_answer **first_out, struct dns_answer **ref_out)
{
	struct dns_answer	*a = NULL, *ref = NULL;
	const char		*z = c->domain, *cut;
	int			 asked;

	*nsa_out = NULL;
	*first_out = NULL;
	*ref_out = NULL;
	while (*z != '\0') {
		if (resolve(c, z, DNS_T_NS, &a) == -1)
			return -1;
		if (a->status == DNS_OK && a->ncname == 0) {
			snprintf(c->zone, sizeof(c->zone), "%s", z);
			*nsa_out = a;
			return 0;
		}
		if (z == c->domain && is_fail_status(a->status)) {
			if ((asked = ask_parent(c, c->domain, &ref)) == -1) {
				dns_answer_free(a);
				return -1;
			}
			if (asked && ref->status == DNS_NXDOMAIN) {
				dns_answer_free(a);
				*first_out = ref;
				return 0;
			}
			if (asked && (cut = cut_of(ref, c->domain)) != NULL) {
				snprintf(c->zone, sizeof(c->zone), "%s", cut);
				dns_answer_free(a);
				*ref_out = ref;
				return 0;
			}
			dns_answer_free(ref);
			/* The parent could not tell: the resolver's answer
			 * is all there is. */
		}
		if (z == c->domain && (a->status == DNS_NXDOMAIN ||
		    is_fail_status(a->status))) {
			/* Keep the first answer: the domain's own status. */
			*first_out = a;
			return 0;
		}
		dns_answer_free(a);
		a = NULL;
		z = parent_of(z);
	}
	return 0;
}

/*
 * own_ns - the zone's NS records asked of its delegated servers directly,
 * the first authoritative answer; NULL when none gave one.  0 or -1.
 */
static int
own_ns(struct ctx *c, struct dns_answer **nsa_out)
{
	struct dns_answer	*a = NULL;
	size_t			 i;

	*nsa_out = NULL;
	for (i = 0; i < c->nns; i++) {
		if (c->ns[i].addr[0] == '\0')
			continue;
		if (dns_query_at(c->res, c->ns[i].addr, c->zone, DNS_T_NS, 0,
		    &a, c->err) == -1)
			return -1;
		if (a->status == DNS_OK && a->aa) {
			*nsa_out = a;
			return 0;
		}
		dns_answer_free(a);
		a = NULL;
	}
	return 0;
}

/* ns_list - "a, b, c" of the NS records of one owner in a section */
static void
ns_list(const struct dns_rr *rr, size_t n, const char *owner, char *out,
    size_t size)
{
	size_t	 i, len = 0;

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (rr[i].type != DNS_T_NS ||
		    strcasecmp(rr[i].name, owner) != 0 || len >= size)
			continue;
		len += (size_t)snprintf(out + len, size - len, "%s%s",
		    len > 0 ? ", " : "", rr[i].data);
	}
}

/* same_ns_sets - whether two NS lists hold the same names */
static int
same_ns_sets(const struct dns_rr *a, size_t na, const struct dns_rr *b,
    size_t nb, const char *owner)
{
	size_t	 i, j, ca = 0, cb = 0;
	int	 hit;

	for (i = 0; i < na; i++) {
		if (a[i].type != DNS_T_NS || strcasecmp(a[i].name, owner) != 0)
			continue;
		ca++;
		for (hit = 0, j = 0; j < nb && !hit; j++)
			hit = b[j].type == DNS_T_NS &&
			    strcasecmp(b[j].data, a[i].data) == 0;
		if (!hit)
			return 0;
	}
	for (j = 0; j < nb; j++)
		cb += b[j].type == DNS_T_NS && strcasecmp(b[j].name,
		    owner) == 0;
	return ca == cb;
}

/* resolve_ns - the addresses of the delegated servers without glue */
static int
resolve_ns(struct ctx *c)
{
	struct dns_answer	*a = NULL;
	size_t			 i, j;

	for (i = 0; i < c->nns; i++) {
		if (c->ns[i].addr[0] == '\0') {
			if (resolve(c, c->ns[i].name, DNS_T_A, &a) == -1)
				return -1;
			for (j = 0; j < a->nrr; j++)
				if (a->rr[j].type == DNS_T_A) {
					snprintf(c->ns[i].addr,
					    sizeof(c->ns[i].addr), "%s",
					    a->rr[j].data);
					break;
				}
			dns_answer_free(a);
			a = NULL;
		}
		if (c->ns[i].addr[0] != '\0')
			snprintf(c->ns[i].label, sizeof(c->ns[i].label),
			    "%s (%s)", c->ns[i].name, c->ns[i].addr);
		else
			snprintf(c->ns[i].label, sizeof(c->ns[i].label),
			    "%s (no address)", c->ns[i].name);
	}
	return 0;
}

/* ns_labels - "ns1 (addr), ns2 (addr)" of the delegated servers */
static void
ns_labels(const struct ctx *c, char *out, size_t size)
{
	size_t	 i, len = 0;

	out[0] = '\0';
	for (i = 0; i < c->nns && len < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s",
		    len > 0 ? ", " : "", c->ns[i].label);
}

/*
 * check_delegation - find the delegated servers (c->ns) and say how they
 * were found.  0, or -1 on local failure.
 */
static int
check_delegation(struct ctx *c)
{
	struct dns_answer	*nsa = NULL, *first = NULL, *ref = NULL;
	struct diag_finding	*f;
	const struct dns_rr	*set;
	char			 plist[DIAG_EVIDENCE_MAX / 2];
	char			 clist[DIAG_EVIDENCE_MAX / 2];
	char			 labels[DIAG_EVIDENCE_MAX];
	size_t			 i, nset;
	int			 asked, rc = -1;

	if (find_zone(c, &nsa, &first, &ref) == -1)
		goto fail;
	if (nsa == NULL && ref == NULL) {
		f = note(c->rep, c->err, DIAG_DELEGATION, DIAG_FAIL,
		    c->domain, server_of(first), "NS %s: %s", c->domain,
		    first != NULL ? dns_status_name(first->status) :
		    "no zone found above the domain");
		if (f == NULL)
			goto fail;
		if (first != NULL && first->status == DNS_NXDOMAIN)
			setfix(f, "Register %s or correct its spelling: the "
			    "domain does not exist in DNS.", c->domain);
		else
			setfix(f, "Check that the resolver works and that the "
			    "domain's name servers answer.");
		rc = 0;
		goto fail;
	}
	if (ref != NULL)
		asked = 1;	/* read while finding the zone */
	else if ((asked = ask_parent(c, c->zone, &ref)) == -1)
		goto fail;
	if (asked && ref->status == DNS_NXDOMAIN) {
		/* The zone exists for the resolver, not for its parent. */
		dns_answer_free(ref);
		ref = NULL;
		asked = 0;
	}
	set = NULL;
	nset = 0;
	if (asked) {
		/* A referral (authority section) or, when the parent's
		 * server also serves the zone, an answer. */
		if (ref->nrr > 0) {
			set = ref->rr;
			nset = ref->nrr;
		} else {
			set = ref->auth;
			nset = ref->nauth;
		}
		for (i = 0; i < nset; i++)
			if (set[i].type == DNS_T_NS &&
			    strcasecmp(set[i].name, c->zone) == 0)
				add_ns(c, set[i].data, glue(ref, set[i].data));
	}
	if (c->nns == 0 && nsa != NULL) {
		/* The parent could not be asked: take the zone's own. */
		asked = 0;
		set = nsa->rr;
		nset = nsa->nrr;
		for (i = 0; i < nset; i++)
			if (set[i].type == DNS_T_NS)
				add_ns(c, set[i].data, NULL);
	}
	if (resolve_ns(c) == -1)
		goto fail;
	/* The resolver failed on the zone: its own NS records, directly. */
	if (nsa == NULL && own_ns(c, &nsa) == -1)
		goto fail;
	ns_labels(c, labels, sizeof(labels));

	if (!asked) {
		f = note(c->rep, c->err, DIAG_DELEGATION, DIAG_WARN, c->zone,
		    server_of(nsa), "no server of the parent zone of %s "
		    "answered; the zone's own NS records name %s", c->zone,
		    labels);
		if (f == NULL)
			goto fail;
		setfix(f, "Check the delegation of %s at your registrar: the "
		    "parent zone's servers must list the same name servers.",
		    c->zone);
	} else if (nsa != NULL &&
	    !same_ns_sets(set, nset, nsa->rr, nsa->nrr, c->zone)) {
		ns_list(set, nset, c->zone, plist, sizeof(plist));
		ns_list(nsa->rr, nsa->nrr, c->zone, clist, sizeof(clist));
		f = note(c->rep, c->err, DIAG_DELEGATION, DIAG_WARN, c->zone,
		    ref->server, "the parent delegates %s to %s; the zone's "
		    "own NS records name %s", c->zone, plist, clist);
		if (f == NULL)
			goto fail;
		setfix(f, "Make the name servers at your registrar and the NS "
		    "records in the zone the same list.");
	} else {
		f = note(c->rep, c->err, DIAG_DELEGATION, DIAG_OK, c->zone,
		    ref->server, "%s is delegated to %s", c->zone, labels);
		if (f == NULL)
			goto fail;
	}
	rc = 0;
fail:
	dns_answer_free(ref);
	dns_answer_free(first);
	dns_answer_free(nsa);
	return rc;
}

/*
 * check_servers - ask every delegated server for the zone's SOA, directly:
 * who is silent (ns-unreachable), who is lame.  0 or -1.
 */
static int
check_servers(struct ctx *c)
{
	struct dns_answer	*a = NULL;
	struct diag_finding	*f;
	size_t			 i, nbad = 0, nlive = 0;

	for (i = 0; i < c->nns; i++) {
		if (c->ns[i].addr[0] == '\0') {
			c->ns[i].dead = 1;
			nbad++;
			f = note(c->rep, c->err, DIAG_NS_UNREACHABLE,
			    DIAG_FAIL, c->ns[i].name, c->ns[i].label,
			    "delegated server %s has no IPv4 address",
			    c->ns[i].name);
			if (f == NULL)
				return -1;
			setfix(f, "Publish an A record (glue at the registrar "
			    "for a name inside the zone) for %s, or remove it "
			    "from the delegation.", c->ns[i].name);
			continue;
		}
		if (dns_query_at(c->res, c->ns[i].addr, c->zone, DNS_T_SOA, 0,
		    &a, c->err) == -1)
			return -1;
		if (is_silent(a->status)) {
			c->ns[i].dead = 1;
			nbad++;
			f = note(c->rep, c->err, DIAG_NS_UNREACHABLE,
			    DIAG_FAIL, c->zone, c->ns[i].label,
			    "SOA %s: %s, no answer from a delegated server",
			    c->zone, a->status == DNS_TIMEOUT ? "timed out" :
			    "connection refused");
			if (f == NULL)
				goto fail;
			setfix(f, "Bring %s back (or remove it from the "
			    "delegation at your registrar): SES and receivers "
			    "ask every delegated server.", c->ns[i].label);
		} else if (a->status != DNS_OK || !a->aa) {
			c->ns[i].lame = 1;
			nbad++;
			f = note(c->rep, c->err, DIAG_NS_CONSISTENCY,
			    DIAG_FAIL, c->zone, c->ns[i].label,
			    "SOA %s: %s%s: the server does not serve the zone "
			    "(lame delegation)", c->zone,
			    dns_status_name(a->status),
			    a->status == DNS_OK ? " without authority" : "");
			if (f == NULL)
				goto fail;
			setfix(f, "Load the zone %s on %s, or remove the "
			    "server from the delegation at your registrar.",
			    c->zone, c->ns[i].label);
			c->inconsistent = 1;
		} else
			nlive++;
		dns_answer_free(a);
		a = NULL;
	}
	if (c->nns > 0 && nbad == 0 && note(c->rep, c->err,
	    DIAG_NS_UNREACHABLE, DIAG_OK, c->zone, "", "all %zu delegated "
	    "servers answer for %s", nlive, c->zone) == NULL)
		return -1;
	return 0;
fail:
	dns_answer_free(a);
	return -1;
}

/* ---- what each server has at a name ----------------------------------- */

/* cmpstr - qsort order of C strings */
static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * buf_txt - a TXT value in zone-file form: quoted, with quotes and
 * backslashes escaped and other bytes outside printable ASCII as \DDD,
 * at most TEXT_MAX bytes of it.  0 or -1.
 */
static int
buf_txt(struct buf *b, const char *s)
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
 * records_text - the CNAME and TXT records owned by name in an answer as
 * sorted text ("CNAME x", "TXT \"...\"" joined by "; "), or the status
 * when there are none.  Owned string, NULL on ENOMEM.  *has_out says
 * whether there were records.
 */
static char *
records_text(const struct dns_answer *a, const char *name, int *has_out)
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
			ok = buf_txt(&b, rr->data) == 0;
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

/* has_records - whether the answer holds CNAME/TXT records owned by name */
static int
has_records(const struct dns_answer *a, const char *name)
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
votes(const struct ctx *c, const struct selview *v, size_t i)
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
disagreement(struct ctx *c, const struct selview *v)
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
		shorten(v->text[i], shown, sizeof(shown));
		if (ok)
			ok = buf_printf(&ev, " %s %s", votes(c, v, i) > 1 ?
			    "answer" : "answers", shown) == 0;
	}
	f = note(c->rep, c->err, DIAG_NS_CONSISTENCY, DIAG_FAIL, v->name,
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
		setfix(f, "Publish the same records on every delegated server"
		    " (fix %s, or its zone transfers from the primary): SES "
		    "asks them all.", f->server[0] != '\0' ? f->server :
		    "the odd one");
	else
		setfix(f, "Make every delegated server serve the same zone "
		    "contents (check zone transfers from the primary).");
	return 0;
}

/*
 * ask_delegated - each live delegated server, directly, for TXT at the
 * name; compare (ns-consistency) and choose the answer to judge: the one
 * most servers with records gave.  0 or -1.
 */
static int
ask_delegated(struct ctx *c, struct selview *v)
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
		if (is_silent(v->ans[i]->status)) {
			/* It answered the SOA; now it is gone. */
			c->ns[i].dead = 1;
			f = note(c->rep, c->err, DIAG_NS_UNREACHABLE,
			    DIAG_FAIL, v->name, c->ns[i].label, "TXT %s: %s",
			    v->name, dns_status_name(v->ans[i]->status));
			if (f == NULL)
				return -1;
			setfix(f, "Make %s answer reliably, or remove it from "
			    "the delegation.", c->ns[i].label);
			dns_answer_free(v->ans[i]);
			v->ans[i] = NULL;
			continue;
		}
		if ((v->text[i] = records_text(v->ans[i], v->name, &has)) ==
		    NULL)
			return errbuf_set(c->err, "diag: out of memory");
	}
	/* Count distinct answers; pick the most common one with records. */
	for (i = 0; i < c->nns; i++) {
		if (v->text[i] == NULL || seen_before(v, i))
			continue;
		ndistinct++;
		n = votes(c, v, i);
		if (has_records(v->ans[i], v->name) && n > best) {
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
ask_probes(struct ctx *c, struct selview *v)
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
		if (is_silent(a->status))
			c->probe[i].dead = 1;
		if (a->aa && has_records(a, v->name)) {
			if ((t = records_text(a, v->name, &has)) == NULL) {
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
		shorten(text, shown, sizeof(shown));
		ns_labels(c, labels, sizeof(labels));
		f = note(c->rep, c->err, DIAG_NOT_DELEGATED,
		    v->pub >= 0 ? DIAG_WARN : DIAG_FAIL, v->name, who.data,
		    "%s (not delegated) answers %s; the delegated servers %s "
		    "%s", who.data, shown, labels[0] != '\0' ? labels :
		    "of the zone", v->pub >= 0 ? "publish other records" :
		    "do not have it");
		if (f == NULL)
			goto fail;
		setfix(f, "Add the record at the DNS host %s is delegated to "
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

/* ---- misplaced names ---------------------------------------------------- */

/*
 * exists - does name exist as a CNAME or TXT, through the resolver?  1
 * with a description of what is there in out, 0 when not, -1 on local
 * failure.
 */
static int
exists(struct dns_resolver *res, const char *name, char *out, size_t size,
    char *server, size_t ssize, struct errbuf *err)
{
	struct dns_answer	*a = NULL;
	char			*text = NULL;
	int			 has, rc = 0;

	out[0] = '\0';
	if (strlen(name) > 253)
		return 0;
	if (dns_query(res, name, DNS_T_TXT, &a, err) == -1)
		return -1;
	if (a->ncname > 0) {
		/* A CNAME, whatever its target gives. */
		rc = 1;
		snprintf(out, size, "CNAME %s", a->cname[0]);
	} else if (a->status == DNS_OK)
		rc = 2;
	else if (a->status != DNS_NXDOMAIN) {
		/* No TXT, or the lookup failed: a CNAME may be there. */
		dns_answer_free(a);
		if (dns_query(res, name, DNS_T_CNAME, &a, err) == -1)
			return -1;
		rc = a->status == DNS_OK ? 2 : 0;
	}
	if (rc == 2) {
		if ((text = records_text(a, name, &has)) == NULL) {
			dns_answer_free(a);
			return errbuf_set(err, "diag: out of memory");
		}
		shorten(text, out, size < SHOW_MAX + 8 ? size : SHOW_MAX + 8);
		free(text);
		rc = 1;
	}
	snprintf(server, ssize, "%s", server_of(a));
	dns_answer_free(a);
	return rc;
}

/* misplaced - diag_duplicated_apex and diag_no_underscore */
static int
misplaced(struct dns_resolver *res, const char *selector, const char *domain,
    int apex, struct diag_finding *f, struct errbuf *err)
{
	char	 name[DNS_NAME_MAX * 2 + 16], found[DIAG_EVIDENCE_MAX / 2];
	char	 server[DIAG_SERVER_MAX];
	int	 rc;

	if (selector == NULL || domain == NULL || *selector == '\0' ||
	    *domain == '\0')
		return errbuf_set(err, "diag: no selector or domain");
	if (apex)
		snprintf(name, sizeof(name), "%s._domainkey.%s.%s", selector,
		    domain, domain);
	else
		snprintf(name, sizeof(name), "%s.domainkey.%s", selector,
		    domain);
	if (strlen(name) >= DNS_NAME_MAX)
		return 0;
	if ((rc = exists(res, name, found, sizeof(found), server,
	    sizeof(server), err)) != 1)
		return rc;
	memset(f, 0, sizeof(*f));
	f->check = apex ? DIAG_DUPLICATED_APEX : DIAG_NO_UNDERSCORE;
	f->status = DIAG_FAIL;
	snprintf(f->name, sizeof(f->name), "%s", name);
	snprintf(f->server, sizeof(f->server), "%s", server);
	if (apex) {
		snprintf(f->evidence, sizeof(f->evidence), "%s exists (%s): "
		    "the DNS provider appended %s to the name entered",
		    name, found, domain);
		snprintf(f->fix, sizeof(f->fix), "Rename the record to "
		    "%s._domainkey (without the domain), or enter the full "
		    "name with a trailing dot: %s._domainkey.%s.", selector,
		    selector, domain);
	} else {
		snprintf(f->evidence, sizeof(f->evidence), "%s exists (%s): "
		    "the name lacks the underscore of _domainkey", name,
		    found);
		snprintf(f->fix, sizeof(f->fix), "Rename the record to "
		    "%s._domainkey.%s (with the underscore); if your provider"
		    " refuses underscores, ask its support or move the zone.",
		    selector, domain);
	}
	return 1;
}

/* diag_duplicated_apex - is the record at S._domainkey.D.D? */
int
diag_duplicated_apex(struct dns_resolver *res, const char *selector,
    const char *domain, struct diag_finding *finding_out, struct errbuf *err)
{
	return misplaced(res, selector, domain, 1, finding_out, err);
}

/* diag_no_underscore - is the record at S.domainkey.D? */
int
diag_no_underscore(struct dns_resolver *res, const char *selector,
    const char *domain, struct diag_finding *finding_out, struct errbuf *err)
{
	return misplaced(res, selector, domain, 0, finding_out, err);
}

/* ---- one TXT value ------------------------------------------------------ */

/*
 * stray_scan - what does not belong in a key record: quotes, backslashes,
 * control and non-ASCII bytes (a fail), white space around the value (a
 * warning: RFC 6376 allows it, copy-paste is the usual cause).  The value
 * without them goes to clean (same size as value, plus one).
 */
static void
stray_scan(const char *value, char *clean, char *what, size_t wsize,
    int *bad_out, int *edge_out)
{
	const unsigned char	*p;
	size_t			 nq = 0, nb = 0, nc = 0, nh = 0, n = 0;
	size_t			 len;
	int			 lead, trail;

	len = strlen(value);
	lead = len > 0 && isspace((unsigned char)value[0]);
	trail = len > 0 && isspace((unsigned char)value[len - 1]);
	for (p = (const unsigned char *)value; *p != '\0'; p++) {
		if (*p == '"' || *p == '\'' || *p == '`')
			nq++;
		else if (*p == '\\')
			nb++;
		else if (*p >= 0x80)
			nh++;
		else if (*p < 0x20 && *p != '\t' && *p != '\r' && *p != '\n')
			nc++;
		else {
			clean[n++] = (char)*p;
			continue;
		}
	}
	clean[n] = '\0';
	/* Trim white space left at the ends once the quotes are gone. */
	while (n > 0 && isspace((unsigned char)clean[n - 1])) {
		clean[--n] = '\0';
		trail = 1;
	}
	len = strspn(clean, " \t\r\n");
	memmove(clean, clean + len, n - len + 1);
	lead = lead || len > 0;
	*bad_out = nq + nb + nc + nh > 0;
	*edge_out = lead || trail;
	n = 0;
	what[0] = '\0';
	if (nq > 0)
		n += (size_t)snprintf(what + n, wsize - n, "%zu quote%s", nq,
		    nq > 1 ? "s" : "");
	if (nb > 0 && n < wsize)
		n += (size_t)snprintf(what + n, wsize - n, "%s%zu backslash%s",
		    n > 0 ? ", " : "", nb, nb > 1 ? "es" : "");
	if (nc > 0 && n < wsize)
		n += (size_t)snprintf(what + n, wsize - n, "%s%zu control "
		    "character%s", n > 0 ? ", " : "", nc, nc > 1 ? "s" : "");
	if (nh > 0 && n < wsize)
		n += (size_t)snprintf(what + n, wsize - n, "%s%zu non-ASCII "
		    "byte%s", n > 0 ? ", " : "", nh, nh > 1 ? "s" : "");
	if ((lead || trail) && n < wsize)
		snprintf(what + n, wsize - n, "%s%s", n > 0 ? ", " : "",
		    lead && trail ? "spaces around the value" : lead ?
		    "a leading space" : "a trailing space");
}

/* tag_without_eq - the first "tag=value" item of value without '=' */
static int
tag_without_eq(const char *value, char *out, size_t size)
{
	const char	*p = value, *e;
	size_t		 len;

	while (*p != '\0') {
		p += strspn(p, " \t\r\n;");
		if (*p == '\0')
			break;
		e = strchr(p, ';');
		len = e == NULL ? strlen(p) : (size_t)(e - p);
		if (memchr(p, '=', len) == NULL) {
			snprintf(out, size, "%.*s%s", len > 24 ? 24 : (int)len,
			    p, len > 24 ? "..." : "");
			return 1;
		}
		p += len;
	}
	return 0;
}

/*
 * missing_padding - p= is well-formed base64 except that its length is
 * not a multiple of four: the '=' padding was dropped.  The count of
 * characters in *nchars_out.
 */
static int
missing_padding(const char *value, size_t *nchars_out)
{
	const char	*p;
	size_t		 n = 0;

	/* Find p= as a tag: at the start or after ';'. */
	for (p = value; (p = strstr(p, "p=")) != NULL; p += 2) {
		const char *q = p;

		while (q > value && (q[-1] == ' ' || q[-1] == '\t'))
			q--;
		if (q == value || q[-1] == ';')
			break;
	}
	if (p == NULL)
		return 0;
	for (p += 2; *p != '\0' && *p != ';'; p++) {
		if (isspace((unsigned char)*p))
			continue;
		if (!isalnum((unsigned char)*p) && *p != '+' && *p != '/')
			return 0;
		n++;
	}
	*nchars_out = n;
	return n > 0 && n % 4 != 0;
}

/* pub_b64 - the base64 p= form of a key's public half; owned or NULL */
static char *
pub_b64(EVP_PKEY *key)
{
	unsigned char	*der = NULL, raw[64];
	char		*out = NULL;
	size_t		 rawlen = sizeof(raw);
	int		 len;

	if (EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519) {
		/* RFC 8463 4: the raw 32 bytes. */
		if (EVP_PKEY_get_raw_public_key(key, raw, &rawlen) != 1)
			return NULL;
		if ((out = malloc(4 * ((rawlen + 2) / 3) + 1)) != NULL)
			b64_encode(raw, rawlen, out);
		return out;
	}
	if ((len = i2d_PUBKEY(key, &der)) <= 0)
		return NULL;
	if ((out = malloc(4 * (((size_t)len + 2) / 3) + 1)) != NULL)
		b64_encode(der, (size_t)len, out);
	OPENSSL_free(der);
	return out;
}

/* p_value - the p= value without white space, into out */
static void
p_value(const char *value, char *out, size_t size)
{
	const char	*p;
	size_t		 n = 0;

	out[0] = '\0';
	for (p = value; (p = strstr(p, "p=")) != NULL; p += 2)
		if (p == value || p[-1] == ';' || p[-1] == ' ' ||
		    p[-1] == '\t')
			break;
	if (p == NULL)
		return;
	for (p += 2; *p != '\0' && *p != ';' && n + 1 < size; p++)
		if (!isspace((unsigned char)*p))
			out[n++] = *p;
	out[n] = '\0';
}

/* key_mismatch_evidence - where the published p= and the key's differ */
static void
key_mismatch_evidence(const char *value, EVP_PKEY *key, char *out,
    size_t size)
{
	char	*want, have[4096];
	size_t	 i;

	p_value(value, have, sizeof(have));
	if ((want = pub_b64(key)) == NULL) {
		snprintf(out, size, "the published key is not the public "
		    "half of the given key");
		return;
	}
	for (i = 0; have[i] != '\0' && have[i] == want[i]; i++)
		;
	snprintf(out, size, "published p= differs from the given key's "
	    "public half at character %zu: published \"...%.16s...\", "
	    "expected \"...%.16s...\"", i + 1, have + (i > 4 ? i - 4 : 0),
	    want + (i > 4 ? i - 4 : 0));
	free(want);
}

/* One TXT value being judged. */
struct judged {
	struct diag_report	*rep;
	struct errbuf		*err;
	const char		*name;
	const char		*server;
	const char		*clean;		/* stray characters removed */
	char			 shown[SHOW_MAX + 8];	/* for evidence */
};

/*
 * judge_syntax - tags without '=', then keyrec_parse(): the parsed record
 * in *kr_out, or NULL after a key-record finding.  0 or -1.
 */
static int
judge_syntax(struct judged *j, struct keyrec **kr_out)
{
	struct diag_finding	*f;
	struct verdict_result	 vr;
	const char		*hint;
	char			 tag[32];
	size_t			 nchars;

	*kr_out = NULL;
	if (tag_without_eq(j->clean, tag, sizeof(tag))) {
		f = note(j->rep, j->err, DIAG_KEY_RECORD, DIAG_FAIL, j->name,
		    j->server, "TXT %s: the item \"%s\" has no '=' (every "
		    "item is tag=value, RFC 6376 3.2)", j->shown, tag);
		if (f == NULL)
			return -1;
		setfix(f, "Put the missing '=' back: copy the record again, "
		    "e.g. \"v=DKIM1; k=rsa; p=MIIB...\".");
		return 0;
	}
	if (keyrec_parse(j->clean, kr_out, &vr) == 0)
		return 0;
	if (vr.reason == REASON_INTERNAL)
		return errbuf_set(j->err, "diag: %s", vr.detail);
	if (vr.reason == REASON_KEY_BAD_BASE64 &&
	    missing_padding(j->clean, &nchars)) {
		f = note(j->rep, j->err, DIAG_KEY_RECORD, DIAG_FAIL, j->name,
		    j->server, "TXT %s: p= has %zu base64 characters, not a "
		    "multiple of 4: its '=' padding is missing", j->shown,
		    nchars);
		if (f == NULL)
			return -1;
		setfix(f, "Copy the whole key including the %s at its end.",
		    nchars % 4 == 2 ? "\"==\"" : "\"=\"");
		return 0;
	}
	f = note(j->rep, j->err, DIAG_KEY_RECORD, DIAG_FAIL, j->name,
	    j->server, "TXT %s: %s (%s)", j->shown, reason_text(vr.reason),
	    vr.detail);
	if (f == NULL)
		return -1;
	if ((hint = reason_hint(vr.reason)) != NULL)
		setfix(f, "%c%s.", toupper((unsigned char)hint[0]), hint + 1);
	else
		setfix(f, "Publish the record as generated: v=DKIM1; k=rsa; "
		    "p=<base64 public key>.");
	return 0;
}

/* judge_key - a parsed record: revoked, testing, weak, not --key's */
static int
judge_key(struct judged *j, const struct keyrec *kr, EVP_PKEY *key,
    unsigned int min_bits)
{
	struct diag_finding	*f;

	if (kr->revoked) {
		f = note(j->rep, j->err, DIAG_KEY_REVOKED, DIAG_FAIL, j->name,
		    j->server, "TXT %s: p= is empty, the key is revoked "
		    "(RFC 6376 3.6.1)", j->shown);
		if (f == NULL)
			return -1;
		setfix(f, "Publish the current public key in p=, or stop "
		    "signing with this selector.");
		return 0;
	}
	if (note(j->rep, j->err, DIAG_KEY_RECORD, DIAG_OK, j->name,
	    j->server, "%s %u-bit key: %s", kr->type == KEYREC_ED25519 ?
	    "Ed25519" : "RSA", kr->bits, j->shown) == NULL)
		return -1;
	if (kr->testing) {
		f = note(j->rep, j->err, DIAG_KEY_TESTING, DIAG_WARN, j->name,
		    j->server, "t=y: the domain is testing DKIM; receivers "
		    "may treat its signatures as unsigned (RFC 6376 3.6.1)");
		if (f == NULL)
			return -1;
		setfix(f, "Remove t=y from the record once DKIM works.");
	}
	if (kr->type == KEYREC_RSA && kr->bits < min_bits) {
		f = note(j->rep, j->err, DIAG_KEY_WEAK, DIAG_FAIL, j->name,
		    j->server, "RSA key of %u bits; verifiers reject keys "
		    "under %u bits (RFC 8301 3.2)", kr->bits, min_bits);
		if (f == NULL)
			return -1;
		setfix(f, "Generate a 2048-bit RSA key (dkimlens-keytool "
		    "genkey), publish it under a new selector and sign with "
		    "it.");
	}
	if (key == NULL)
		return 0;
	if (EVP_PKEY_eq(kr->pkey, key) == 1)
		return note(j->rep, j->err, DIAG_KEY_MISMATCH, DIAG_OK,
		    j->name, j->server, "the published key is the public half"
		    " of the given key") == NULL ? -1 : 0;
	if ((f = note(j->rep, j->err, DIAG_KEY_MISMATCH, DIAG_FAIL, j->name,
	    j->server, "%s", "")) == NULL)
		return -1;
	key_mismatch_evidence(j->clean, key, f->evidence,
	    sizeof(f->evidence));
	setfix(f, "Publish the public half of the key you sign with "
	    "(dkimlens-keytool record KEYFILE), or sign with the key that "
	    "matches the record.");
	return 0;
}

/* diag_key_value - judge one TXT value */
int
diag_key_value(struct diag_report *report, const char *name,
    const char *server, const char *value, EVP_PKEY *key,
    unsigned int min_rsa_bits, struct errbuf *err)
{
	struct judged		 j;
	struct diag_finding	*f;
	struct keyrec		*kr = NULL;
	struct buf		 qv;
	char			*clean, what[160];
	int			 bad, edge, rc = -1;

	if ((clean = malloc(strlen(value) + 1)) == NULL)
		return errbuf_set(err, "diag: out of memory");
	buf_init(&qv, TEXT_MAX * 2 + 2);
	memset(&j, 0, sizeof(j));
	j.rep = report;
	j.err = err;
	j.name = name;
	j.server = server;
	j.clean = clean;
	stray_scan(value, clean, what, sizeof(what), &bad, &edge);
	if (buf_txt(&qv, value) != 0) {
		errbuf_set(err, "diag: out of memory");
		goto fail;
	}
	shorten(qv.data, j.shown, sizeof(j.shown));
	if (bad || edge) {
		f = note(report, err, DIAG_STRAY_CHARACTERS, bad ? DIAG_FAIL :
		    DIAG_WARN, name, server, "TXT %s contains %s", j.shown,
		    what);
		if (f == NULL)
			goto fail;
		setfix(f, "Re-enter the value exactly as generated, without "
		    "the %s (the DNS provider adds the quotes itself): "
		    "\"%.40s...\"", bad ? "quotes and spaces" : "spaces",
		    clean);
	}
	if (judge_syntax(&j, &kr) == -1 || (kr != NULL && judge_key(&j, kr,
	    key, min_rsa_bits != 0 ? min_rsa_bits : DIAG_MIN_RSA_BITS) == -1))
		goto fail;
	rc = 0;
fail:
	keyrec_free(kr);
	buf_free(&qv);
	free(clean);
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
judge_txt(struct ctx *c, const char *name, const char *server,
    const struct dns_rr *rr, size_t n)
{
	struct diag_finding	*f;
	size_t			 i, ndkim = 0;

	for (i = 0; i < n; i++)
		ndkim += rr[i].type == DNS_T_TXT && looks_dkim(rr[i].data);
	if (ndkim > 1) {
		f = note(c->rep, c->err, DIAG_MULTIPLE_RECORDS, DIAG_FAIL,
		    name, server, "%zu DKIM key records at one name; "
		    "verifiers pick one at random or fail (RFC 6376 3.6.2.2)",
		    ndkim);
		if (f == NULL)
			return -1;
		setfix(f, "Delete all but the current key record at %s (use a "
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
judge_cname(struct ctx *c, const char *name, const char *server,
    const char *target, const char *expect, int *explained_out)
{
	struct diag_finding	*f;
	char			 clean[DNS_NAME_MAX], low[DNS_NAME_MAX];
	char			 appended[DNS_NAME_MAX * 2];

	*explained_out = 0;
	lower_name(target, low, sizeof(low));
	if (clean_target(target, clean, sizeof(clean))) {
		f = note(c->rep, c->err, DIAG_STRAY_CHARACTERS, DIAG_FAIL,
		    name, server, "CNAME target %s has characters that do "
		    "not belong in a host name (quotes, spaces)", target);
		if (f == NULL)
			return -1;
		setfix(f, "Re-enter the CNAME value without quotes or spaces: "
		    "%s", expect != NULL ? expect : clean);
		*explained_out = 1;
	}
	if (expect == NULL)
		return 0;
	snprintf(appended, sizeof(appended), "%s.%s", expect, c->domain);
	if (strcmp(low, expect) == 0) {
		if (note(c->rep, c->err, DIAG_CNAME_TARGET, DIAG_OK, name,
		    server, "CNAME %s as expected", target) == NULL)
			return -1;
	} else if (*explained_out && strcmp(clean, expect) == 0) {
		/* Only the stray characters are wrong; said above. */
	} else if (strcmp(low, appended) == 0) {
		f = note(c->rep, c->err, DIAG_CNAME_TARGET, DIAG_FAIL, name,
		    server, "CNAME %s: the DNS provider appended %s to the "
		    "value %s", target, c->domain, expect);
		if (f == NULL)
			return -1;
		setfix(f, "Enter the value with a trailing dot (%s.) so that "
		    "the provider does not append the domain.", expect);
		*explained_out = 1;
	} else {
		f = note(c->rep, c->err, DIAG_CNAME_TARGET, DIAG_FAIL, name,
		    server, "CNAME %s, expected %s", target, expect);
		if (f == NULL)
			return -1;
		setfix(f, "Change the CNAME value to %s (copy it from the SES "
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
txt_through(struct ctx *c, const char *name, const struct dns_answer *a,
    const char *target, int explained)
{
	struct dns_answer	*t = NULL;
	struct diag_finding	*f;
	int			 rc = -1;

	if (a->status == DNS_OK && a->nrr > 0)
		return judge_txt(c, name, server_of(a), a->rr, a->nrr);
	if (explained)
		return 0;
	/* The target itself, for the evidence and for the keys. */
	if (resolve(c, target, DNS_T_TXT, &t) == -1)
		return -1;
	if (!is_fail_status(a->status) && a->ncname == 0 &&
	    t->status == DNS_OK) {
		/*
		 * The resolver asked a server without the CNAME (reported
		 * as ns-consistency); the target's keys are still judged.
		 */
		rc = judge_txt(c, name, server_of(t), t->rr, t->nrr);
		goto fail;
	}
	f = note(c->rep, c->err, DIAG_TXT_VIA_CNAME, DIAG_FAIL, name,
	    server_of(a), "CNAME %s answers, but TXT %s gives %s (TXT at "
	    "the target: %s)", target, name, dns_status_name(a->status),
	    dns_status_name(t->status));
	if (f == NULL)
		goto fail;
	if (t->status == DNS_OK)
		setfix(f, "Your DNS provider must answer TXT queries at a "
		    "CNAME by following it; if it cannot, host the zone "
		    "elsewhere (e.g. Route 53).");
	else
		setfix(f, "Make the CNAME's target %s resolve to the key's TXT"
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
missing_fix(struct ctx *c, struct diag_finding *f, const char *sel,
    const char *expect)
{
	char	 labels[DIAG_FIX_MAX / 2];

	ns_labels(c, labels, sizeof(labels));
	if (expect != NULL)
		setfix(f, "Add the record %s._domainkey CNAME %s at the DNS "
		    "host %s is delegated to%s%s.", sel, expect, c->zone,
		    labels[0] != '\0' ? ": " : "", labels);
	else
		setfix(f, "Publish the TXT key record at %s._domainkey.%s "
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
check_misplaced(struct ctx *c, const char *selector, const char *name,
    int found)
{
	struct diag_finding	*f, mf;
	int			 apex, hit, any = 0;

	for (apex = 1; apex >= 0; apex--) {
		if ((hit = misplaced(c->res, selector, c->domain, apex, &mf,
		    c->err)) == -1)
			return -1;
		if (hit == 0)
			continue;
		any = 1;
		if ((f = note(c->rep, c->err, mf.check, found ? DIAG_WARN :
		    DIAG_FAIL, mf.name, mf.server, "%s", mf.evidence)) == NULL)
			return -1;
		if (found)
			setfix(f, "Delete the stray record at %s; the right "
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
check_selector(struct ctx *c, const struct diag_selector *sel)
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
		lower_name(sel->expect_cname, expect, sizeof(expect));
		exp = expect;
	}

	if (ask_delegated(c, &v) == -1)
		goto fail;
	if ((elsewhere = ask_probes(c, &v)) == -1)
		goto fail;
	if (resolve(c, v.name, DNS_T_CNAME, &cn) == -1 ||
	    resolve(c, v.name, DNS_T_TXT, &tx) == -1)
		goto fail;

	/* What is published: the delegated servers' answer, else the
	 * resolver's own. */
	if (v.pub >= 0) {
		pub = v.ans[v.pub];
		snprintf(server, sizeof(server), "%s", c->ns[v.pub].label);
	} else if (has_records(cn, v.name)) {
		pub = cn;
		snprintf(server, sizeof(server), "%s", server_of(cn));
	} else if (tx->status == DNS_OK && tx->ncname == 0) {
		pub = tx;
		snprintf(server, sizeof(server), "%s", server_of(tx));
	} else
		pub = NULL;
	found = pub != NULL && has_records(pub, v.name);

	if ((misfound = check_misplaced(c, sel->selector, v.name,
	    found)) == -1)
		goto fail;
	if (!found) {
		if (misfound || elsewhere) {
			rc = 0;
			goto fail;
		}
		f = note(c->rep, c->err, DIAG_SELECTOR_MISSING, DIAG_FAIL,
		    v.name, server_of(tx), "TXT %s: %s%s", v.name,
		    dns_status_name(tx->status), c->nns > 0 ?
		    " (and no delegated server has a record there)" : "");
		if (f == NULL)
			goto fail;
		missing_fix(c, f, sel->selector, exp);
		rc = 0;
		goto fail;
	}
	if ((text = records_text(pub, v.name, &has)) == NULL) {
		errbuf_set(c->err, "diag: out of memory");
		goto fail;
	}
	shorten(text, shown, sizeof(shown));
	if (note(c->rep, c->err, DIAG_SELECTOR_MISSING, DIAG_OK, v.name,
	    server, "%s", shown) == NULL)
		goto fail;

	if ((crr = first_of(pub, v.name, DNS_T_CNAME)) != NULL) {
		if (judge_cname(c, v.name, server, crr->data, exp,
		    &explained) == -1 ||
		    txt_through(c, v.name, tx, crr->data, explained) == -1)
			goto fail;
	} else {
		if (exp != NULL) {
			f = note(c->rep, c->err, DIAG_CNAME_TARGET, DIAG_FAIL,
			    v.name, server, "expected CNAME %s, found %s", exp,
			    shown);
			if (f == NULL)
				goto fail;
			setfix(f, "Replace the record at %s._domainkey with "
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
	struct ctx		*c = NULL;
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
	lower_name(settings->domain, c->domain, sizeof(c->domain));
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

	if (check_delegation(c) == -1 || check_servers(c) == -1)
		goto fail;
	for (i = 0; i < settings->nselectors; i++)
		if (check_selector(c, &settings->selectors[i]) == -1)
			goto fail;
	if (!c->inconsistent && c->nns > 0) {
		ns_labels(c, labels, sizeof(labels));
		f = note(c->rep, err, DIAG_NS_CONSISTENCY, DIAG_OK, c->zone,
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
