/*
 * diagdeleg - the delegation of a domain's zone and its servers, for
 * diag_run (see lib/diagint.h)
 *
 * It owns steps 1 and 2 of the diagnosis: the zone holding the domain (a
 * resolver that fails on it is asked once more, then the parent zone's
 * servers directly), the parent's referral asked without recursion, the
 * addresses of the delegated servers, and every delegated server asked
 * for the zone's SOA (ns-unreachable, a lame server).  It fills the run's
 * server list; it never looks at a selector and never prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/diag.h"
#include "lib/diagint.h"
#include "lib/dns.h"
#include "lib/errbuf.h"

#define PARENT_TRIES	3	/* parent servers asked for the referral */

/* parent_of - the name without its first label, "" for a TLD */
static const char *
parent_of(const char *name)
{
	const char	*p = strchr(name, '.');

	return p == NULL ? "" : p + 1;
}

/* diag_is_fail - a lookup that failed, as opposed to "no such data" */
int
diag_is_fail(enum dns_status st)
{
	return st != DNS_OK && st != DNS_NXDOMAIN && st != DNS_NODATA;
}

/* diag_is_silent - the server did not answer at all */
int
diag_is_silent(enum dns_status st)
{
	return st == DNS_TIMEOUT || st == DNS_NETERROR;
}

/*
 * diag_resolve - dns_query through the recursive resolver, asked once more when
 * it fails (timeout, SERVFAIL): a resolver that tried a silent server
 * first has moved on to the others by then, and the diagnosis must not
 * depend on which server it tried first.
 */
int
diag_resolve(struct diagctx *c, const char *name, enum dns_type type,
    struct dns_answer **a_out)
{
	if (dns_query(c->res, name, type, a_out, c->err) == -1)
		return -1;
	if (!diag_is_fail((*a_out)->status))
		return 0;
	dns_answer_free(*a_out);
	*a_out = NULL;
	return dns_query(c->res, name, type, a_out, c->err);
}


/* ---- delegation ------------------------------------------------------- */

/* add_ns - remember a delegated server once; its glue address if known */
static void
add_ns(struct diagctx *c, const char *name, const char *addr)
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
ask_parent(struct diagctx *c, const char *name, struct dns_answer **ref_out)
{
	struct dns_answer	*pns = NULL, *addr = NULL, *ref = NULL;
	const char		*p = parent_of(name);
	size_t			 i, tries = 0;
	int			 rc = -1;

	*ref_out = NULL;
	/* The parent zone: the closest name above with NS records. */
	while (*p != '\0') {
		if (diag_resolve(c, p, DNS_T_NS, &pns) == -1)
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
		if (diag_resolve(c, pns->rr[i].data, DNS_T_A, &addr) == -1)
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
find_zone(struct diagctx *c, struct dns_answer **nsa_out,
    struct dns_answer **first_out, struct dns_answer **ref_out)
{
	struct dns_answer	*a = NULL, *ref = NULL;
	const char		*z = c->domain, *cut;
	int			 asked;

	*nsa_out = NULL;
	*first_out = NULL;
	*ref_out = NULL;
	while (*z != '\0') {
		if (diag_resolve(c, z, DNS_T_NS, &a) == -1)
			return -1;
		if (a->status == DNS_OK && a->ncname == 0) {
			snprintf(c->zone, sizeof(c->zone), "%s", z);
			*nsa_out = a;
			return 0;
		}
		if (z == c->domain && diag_is_fail(a->status)) {
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
		    diag_is_fail(a->status))) {
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
own_ns(struct diagctx *c, struct dns_answer **nsa_out)
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
resolve_ns(struct diagctx *c)
{
	struct dns_answer	*a = NULL;
	size_t			 i, j;

	for (i = 0; i < c->nns; i++) {
		if (c->ns[i].addr[0] == '\0') {
			if (diag_resolve(c, c->ns[i].name, DNS_T_A, &a) == -1)
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

/* diag_ns_labels - "ns1 (addr), ns2 (addr)" of the delegated servers */
void
diag_ns_labels(const struct diagctx *c, char *out, size_t size)
{
	size_t	 i, len = 0;

	out[0] = '\0';
	for (i = 0; i < c->nns && len < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s",
		    len > 0 ? ", " : "", c->ns[i].label);
}

/*
 * diag_check_delegation - find the delegated servers (c->ns) and say how they
 * were found.  0, or -1 on local failure.
 */
int
diag_check_delegation(struct diagctx *c)
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
		f = diag_note(c->rep, c->err, DIAG_DELEGATION, DIAG_FAIL,
		    c->domain, diag_server_of(first), "NS %s: %s", c->domain,
		    first != NULL ? dns_status_name(first->status) :
		    "no zone found above the domain");
		if (f == NULL)
			goto fail;
		if (first != NULL && first->status == DNS_NXDOMAIN)
			diag_setfix(f,
			    "Register %s or correct its spelling: the "
			    "domain does not exist in DNS.", c->domain);
		else
			diag_setfix(f,
			    "Check that the resolver works and that the "
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
	diag_ns_labels(c, labels, sizeof(labels));

	if (!asked) {
		f = diag_note(c->rep, c->err, DIAG_DELEGATION, DIAG_WARN,
		    c->zone,
		    diag_server_of(nsa), "no server of the parent zone of %s "
		    "answered; the zone's own NS records name %s", c->zone,
		    labels);
		if (f == NULL)
			goto fail;
		diag_setfix(f,
		    "Check the delegation of %s at your registrar: the "
		    "parent zone's servers must list the same name servers.",
		    c->zone);
	} else if (nsa != NULL &&
	    !same_ns_sets(set, nset, nsa->rr, nsa->nrr, c->zone)) {
		ns_list(set, nset, c->zone, plist, sizeof(plist));
		ns_list(nsa->rr, nsa->nrr, c->zone, clist, sizeof(clist));
		f = diag_note(c->rep, c->err, DIAG_DELEGATION, DIAG_WARN,
		    c->zone,
		    ref->server, "the parent delegates %s to %s; the zone's "
		    "own NS records name %s", c->zone, plist, clist);
		if (f == NULL)
			goto fail;
		diag_setfix(f,
		    "Make the name servers at your registrar and the NS "
		    "records in the zone the same list.");
	} else {
		f = diag_note(c->rep, c->err, DIAG_DELEGATION, DIAG_OK, c->zone,
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
 * diag_check_servers - ask every delegated server for the zone's SOA, directly:
 * who is silent (ns-unreachable), who is lame.  0 or -1.
 */
int
diag_check_servers(struct diagctx *c)
{
	struct dns_answer	*a = NULL;
	struct diag_finding	*f;
	size_t			 i, nbad = 0, nlive = 0;

	for (i = 0; i < c->nns; i++) {
		if (c->ns[i].addr[0] == '\0') {
			c->ns[i].dead = 1;
			nbad++;
			f = diag_note(c->rep, c->err, DIAG_NS_UNREACHABLE,
			    DIAG_FAIL, c->ns[i].name, c->ns[i].label,
			    "delegated server %s has no IPv4 address",
			    c->ns[i].name);
			if (f == NULL)
				return -1;
			diag_setfix(f,
			    "Publish an A record (glue at the registrar "
			    "for a name inside the zone) for %s, or remove it "
			    "from the delegation.", c->ns[i].name);
			continue;
		}
		if (dns_query_at(c->res, c->ns[i].addr, c->zone, DNS_T_SOA, 0,
		    &a, c->err) == -1)
			return -1;
		if (diag_is_silent(a->status)) {
			c->ns[i].dead = 1;
			nbad++;
			f = diag_note(c->rep, c->err, DIAG_NS_UNREACHABLE,
			    DIAG_FAIL, c->zone, c->ns[i].label,
			    "SOA %s: %s, no answer from a delegated server",
			    c->zone, a->status == DNS_TIMEOUT ? "timed out" :
			    "connection refused");
			if (f == NULL)
				goto fail;
			diag_setfix(f, "Bring %s back (or remove it from the "
			    "delegation at your registrar): SES and receivers "
			    "ask every delegated server.", c->ns[i].label);
		} else if (a->status != DNS_OK || !a->aa) {
			c->ns[i].lame = 1;
			nbad++;
			f = diag_note(c->rep, c->err, DIAG_NS_CONSISTENCY,
			    DIAG_FAIL, c->zone, c->ns[i].label,
			    "SOA %s: %s%s: the server does not serve the zone "
			    "(lame delegation)", c->zone,
			    dns_status_name(a->status),
			    a->status == DNS_OK ? " without authority" : "");
			if (f == NULL)
				goto fail;
			diag_setfix(f, "Load the zone %s on %s, or remove the "
			    "server from the delegation at your registrar.",
			    c->zone, c->ns[i].label);
			c->inconsistent = 1;
		} else
			nlive++;
		dns_answer_free(a);
		a = NULL;
	}
	if (c->nns > 0 && nbad == 0 && diag_note(c->rep, c->err,
	    DIAG_NS_UNREACHABLE, DIAG_OK, c->zone, "", "all %zu delegated "
	    "servers answer for %s", nlive, c->zone) == NULL)
		return -1;
	return 0;
fail:
	dns_answer_free(a);
	return -1;
}

