/*
 * dns - the one way dkimlens asks DNS anything (interface in lib/dns.h):
 * a lookup through the cache and the servers, following CNAMEs
 *
 * The work is divided (lib/dnsint.h): the transport in dnsio.c, packet
 * reading in dnspkt.c, the cache in dnscache.c.  This file holds a lookup
 * together: the cache, then the servers, then the CNAME chain's target
 * when the reply stops short.  It never touches a socket or a cache entry
 * itself.
 *
 * CNAMEs (dns_query only): the chain is walked within the reply; when it
 * ends at a name the reply neither answers nor denies with a SOA (a CNAME
 * into a zone the server does not serve), the target is looked up again,
 * through the cache, until DNS_MAX_CNAME links in all; a longer chain or
 * a loop is DNS_BADRESPONSE.  dns_query_at keeps the whole answer
 * section as received in rr[], CNAMEs included, and sets status from the
 * rcode (NOERROR with an empty answer, a referral for one, is NODATA).
 */
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "lib/dns.h"
#include "lib/dnsint.h"
#include "lib/errbuf.h"

/* lower_key - the cache key of a name: ASCII lower case */
static void
lower_key(const char *name, char *key)
{
	size_t	 i;

	for (i = 0; name[i] != '\0'; i++)
		key[i] = (name[i] >= 'A' && name[i] <= 'Z') ?
		    name[i] - 'A' + 'a' : name[i];
	key[i] = '\0';
}

/*
 * lookup - dns_query with a budget of CNAME links left, so that a loop of
 * CNAMEs across zones ends.
 */
static int
lookup(struct dns_resolver *res, const char *name, enum dns_type type,
    size_t budget, struct dns_answer **answer_out, struct lookup_ttl *lt,
    struct errbuf *err)
{
	const struct server	*srv;
	struct dns_answer	*a = NULL, *b = NULL;
	struct lookup_ttl	 blt;
	enum dns_status		 st;
	ldns_pkt		*pkt = NULL;
	ldns_rdf		*qname = NULL;
	char			 key[DNS_NAME_MAX];
	int			 requery;

	*answer_out = NULL;
	lt->cacheable = 0;
	lt->ttl = 0;
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		errbuf_set(err, "dns: out of memory");
		goto fail;
	}
	a->rcode = -1;
	a->qtype = type;
	if (dnspkt_norm_name(name, a->qname, sizeof(a->qname), &qname,
	    err) == -1)
		goto fail;
	lower_key(a->qname, key);
	if (!res->no_cache) {
		if (dnscache_get(res, key, type, &b, lt) == -1) {
			errbuf_set(err, "dns: out of memory");
			goto fail;
		}
		if (b != NULL) {
			/* The name as this caller asked, not as cached. */
			memcpy(b->qname, a->qname, sizeof(b->qname));
			dns_answer_free(a);
			ldns_rdf_deep_free(qname);
			*answer_out = b;
			return 0;
		}
	}

	if (dnsio_ask(res, res->servers, res->nservers, qname,
	    (ldns_rr_type)type, 1, &st, &pkt, &srv, err) == -1)
		goto fail;
	if (pkt == NULL) {
		a->status = st;
		*answer_out = a;
		ldns_rdf_deep_free(qname);
		return 0;
	}
	memcpy(a->server, srv->text, sizeof(a->server));
	if (dnspkt_fill(pkt, qname, (ldns_rr_type)type, 1, a, lt, &requery,
	    err) == -1)
		goto fail;
	ldns_pkt_free(pkt);
	pkt = NULL;
	ldns_rdf_deep_free(qname);
	qname = NULL;

	if (requery) {
		if (a->ncname >= budget) {
			a->status = DNS_BADRESPONSE;
			lt->cacheable = 0;
		} else {
			if (lookup(res, a->cname[a->ncname - 1], type,
			    budget - a->ncname, &b, &blt, err) == -1)
				goto fail;
			dnspkt_merge(a, b, lt, &blt);
			dns_answer_free(b);
			b = NULL;
		}
	}
	if (lt->cacheable && !res->no_cache) {
		dnscache_put(res, key, type, a, lt->ttl);
		a->ttl = lt->ttl;
	}
	*answer_out = a;
	return 0;

fail:
	ldns_pkt_free(pkt);
	ldns_rdf_deep_free(qname);
	dns_answer_free(a);
	return -1;
}

/* dns_query - look name up through the cache, following CNAMEs */
int
dns_query(struct dns_resolver *res, const char *name, enum dns_type type,
    struct dns_answer **answer_out, struct errbuf *err)
{
	struct lookup_ttl	 lt;

	return lookup(res, name, type, DNS_MAX_CNAME, answer_out, &lt, err);
}

/* dns_query_at - ask one server, without cache or CNAME following */
int
dns_query_at(struct dns_resolver *res, const char *server, const char *name,
    enum dns_type type, int recurse, struct dns_answer **answer_out,
    struct errbuf *err)
{
	const struct server	*srvp;
	struct server		 srv;
	struct dns_answer	*a = NULL;
	struct lookup_ttl	 lt;
	enum dns_status		 st;
	ldns_pkt		*pkt = NULL;
	ldns_rdf		*qname = NULL;
	int			 requery;

	*answer_out = NULL;
	if (server == NULL || dnsio_parse_server(server, strlen(server), &srv,
	    err) == -1)
		return server == NULL ? errbuf_set(err, "no server given") :
		    -1;
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		errbuf_set(err, "dns: out of memory");
		goto fail;
	}
	a->rcode = -1;
	a->qtype = type;
	memcpy(a->server, srv.text, sizeof(a->server));
	if (dnspkt_norm_name(name, a->qname, sizeof(a->qname), &qname,
	    err) == -1)
		goto fail;
	if (dnsio_ask(res, &srv, 1, qname, (ldns_rr_type)type, recurse, &st,
	    &pkt, &srvp, err) == -1)
		goto fail;
	if (pkt == NULL)
		a->status = st;
	else if (dnspkt_fill(pkt, qname, (ldns_rr_type)type, 0, a, &lt,
	    &requery, err) == -1)
		goto fail;
	ldns_pkt_free(pkt);
	ldns_rdf_deep_free(qname);
	*answer_out = a;
	return 0;

fail:
	ldns_pkt_free(pkt);
	ldns_rdf_deep_free(qname);
	dns_answer_free(a);
	return -1;
}

