/*
 * dnspkt - packet reading for lib/dns.h (lib/dnsint.h says how the
 * dns*.c files divide the work)
 *
 * It owns what a reply means: names checked and put in wire form, each
 * record turned into a struct dns_rr (addresses, names, TXT strings
 * joined, SOA fields), whether a reply is the one to our query, the CNAME
 * chain walked within a reply, and how long an answer may be kept (RFC
 * 2181 5.2: the smallest TTL of its records and CNAME links; RFC 2308 5:
 * NXDOMAIN and NODATA for min(SOA TTL, SOA minimum) from the authority
 * section, capped at DNS_NEG_TTL_MAX, and not at all without a SOA;
 * other statuses are not kept).  Records of types outside enum dns_type
 * (RRSIG, DS, OPT...) are left out of every section.  It never sends a
 * packet and never touches the cache.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "lib/dns.h"
#include "lib/dnsint.h"
#include "lib/errbuf.h"

/*
 * dnspkt_norm_name - check a name given by the caller and build its wire
 * form.  text_out gets the name without its trailing dot ("." for the root).
 */
int
dnspkt_norm_name(const char *name, char *text_out, size_t size,
    ldns_rdf **rdf_out, struct errbuf *err)
{
	ldns_status	 st;
	char		 buf[DNS_NAME_MAX + 1];
	size_t		 len;

	*rdf_out = NULL;
	if (name == NULL || *name == '\0')
		return errbuf_set(err, "DNS name is empty");
	len = strlen(name);
	if (len > 1 && name[len - 1] == '.' &&
	    (len < 2 || name[len - 2] != '\\'))
		len--;
	if (len >= size)
		return errbuf_set(err, "DNS name \"%.40s...\": too long", name);
	memcpy(text_out, name, len);
	text_out[len] = '\0';
	if (strcmp(text_out, ".") == 0)
		snprintf(buf, sizeof(buf), ".");
	else
		snprintf(buf, sizeof(buf), "%s.", text_out);
	if (strstr(buf, "..") != NULL || (buf[0] == '.' && buf[1] != '\0'))
		return errbuf_set(err, "DNS name \"%s\": empty label",
		    text_out);
	if ((st = ldns_str2rdf_dname(rdf_out, buf)) != LDNS_STATUS_OK) {
		*rdf_out = NULL;
		return errbuf_set(err, "DNS name \"%s\": %s", text_out,
		    ldns_get_errorstr_by_id(st));
	}
	return 0;
}

/* dname_text - presentation form of a name, without trailing dot */
static int
dname_text(const ldns_rdf *rdf, char *out, size_t size)
{
	char	*s;
	size_t	 len;

	if (rdf == NULL || (s = ldns_rdf2str(rdf)) == NULL)
		return -1;
	len = strlen(s);
	if (len > 1 && s[len - 1] == '.')
		s[--len] = '\0';
	if (len >= size) {
		free(s);
		return -1;
	}
	memcpy(out, s, len + 1);
	free(s);
	return 0;
}

/* known_type - whether the record type is one of enum dns_type */
static int
known_type(ldns_rr_type t)
{
	switch (t) {
	case LDNS_RR_TYPE_A:
	case LDNS_RR_TYPE_NS:
	case LDNS_RR_TYPE_CNAME:
	case LDNS_RR_TYPE_SOA:
	case LDNS_RR_TYPE_TXT:
	case LDNS_RR_TYPE_AAAA:
		return 1;
	default:
		return 0;
	}
}

/* rr_data - the record's data as lib/dns.h describes it; 1 if unusable */
static int
rr_data(const ldns_rr *rr, struct dns_rr *out)
{
	const ldns_rdf	*f;
	char		 name[DNS_NAME_MAX], *s, *p;
	size_t		 i, len, cap, n;

	out->data = NULL;
	out->data_len = 0;
	out->nstrings = 0;
	switch (ldns_rr_get_type(rr)) {
	case LDNS_RR_TYPE_A:
	case LDNS_RR_TYPE_AAAA:
		f = ldns_rr_rdf(rr, 0);
		if (f == NULL || (ldns_rdf_size(f) != 4 &&
		    ldns_rdf_size(f) != 16))
			return 1;
		if ((out->data = malloc(INET6_ADDRSTRLEN)) == NULL)
			return -1;
		if (inet_ntop(ldns_rdf_size(f) == 4 ? AF_INET : AF_INET6,
		    ldns_rdf_data(f), out->data, INET6_ADDRSTRLEN) == NULL) {
			free(out->data);
			out->data = NULL;
			return 1;
		}
		break;
	case LDNS_RR_TYPE_NS:
	case LDNS_RR_TYPE_CNAME:
		if (dname_text(ldns_rr_rdf(rr, 0), name, sizeof(name)) == -1)
			return 1;
		if ((out->data = strdup(name)) == NULL)
			return -1;
		break;
	case LDNS_RR_TYPE_TXT:
		/* RFC 6376 3.6.2.2: strings are joined with nothing. */
		cap = 1;
		for (i = 0; i < ldns_rr_rd_count(rr); i++)
			cap += ldns_rdf_size(ldns_rr_rdf(rr, i));
		if ((out->data = malloc(cap)) == NULL)
			return -1;
		len = 0;
		for (i = 0; i < ldns_rr_rd_count(rr); i++) {
			f = ldns_rr_rdf(rr, i);
			if (ldns_rdf_size(f) == 0)
				continue;
			n = ldns_rdf_data(f)[0];
			if (n + 1 > ldns_rdf_size(f))
				n = ldns_rdf_size(f) - 1;
			memcpy(out->data + len, ldns_rdf_data(f) + 1, n);
			len += n;
			out->nstrings++;
		}
		out->data[len] = '\0';
		out->data_len = len;
		return 0;
	case LDNS_RR_TYPE_SOA:
		cap = 1;
		if ((out->data = malloc(cap)) == NULL)
			return -1;
		out->data[0] = '\0';
		for (i = 0; i < ldns_rr_rd_count(rr); i++) {
			if ((s = ldns_rdf2str(ldns_rr_rdf(rr, i))) == NULL)
				return -1;
			n = strlen(s);
			if (i < 2 && n > 1 && s[n - 1] == '.')
				s[--n] = '\0';
			len = strlen(out->data);
			if ((p = realloc(out->data, len + n + 2)) == NULL) {
				free(s);
				return -1;
			}
			out->data = p;
			snprintf(p + len, n + 2, "%s%s", i > 0 ? " " : "", s);
			free(s);
		}
		break;
	default:
		return 1;
	}
	out->data_len = strlen(out->data);
	return 0;
}

/* add_rr - append a record of a known type to an array; -1 on ENOMEM */
static int
add_rr(const ldns_rr *rr, struct dns_rr **arr, size_t *n)
{
	struct dns_rr	 one, *na;
	int		 rc;

	if (!known_type(ldns_rr_get_type(rr)))
		return 0;
	memset(&one, 0, sizeof(one));
	if (dname_text(ldns_rr_owner(rr), one.name, sizeof(one.name)) == -1)
		return 0;
	one.type = (enum dns_type)ldns_rr_get_type(rr);
	one.ttl = ldns_rr_ttl(rr);
	if ((rc = rr_data(rr, &one)) != 0) {
		free(one.data);
		return rc == -1 ? -1 : 0;
	}
	if ((na = reallocarray(*arr, *n + 1, sizeof(**arr))) == NULL) {
		free(one.data);
		return -1;
	}
	na[*n] = one;
	*arr = na;
	(*n)++;
	return 0;
}

/* add_section - append every usable record of a section */
static int
add_section(const ldns_rr_list *list, struct dns_rr **arr, size_t *n)
{
	size_t	 i;

	for (i = 0; i < ldns_rr_list_rr_count(list); i++)
		if (add_rr(ldns_rr_list_rr(list, i), arr, n) == -1)
			return -1;
	return 0;
}

/*
 * dnspkt_check_reply - whether buf is the reply to our query: our ID, QR
 * set and our question (or none, as some servers send with an error
 * rcode).
 * 1: yes, *pkt_out set; 0: not ours, ignore; -1: ours but unparseable.
 */
int
dnspkt_check_reply(const uint8_t *buf, size_t len, uint16_t id,
    const ldns_rdf *qname, ldns_rr_type qtype, ldns_pkt **pkt_out)
{
	ldns_pkt	*pkt = NULL;
	ldns_rr		*q;

	if (len < 12 || buf[0] != (id >> 8) || buf[1] != (id & 0xff) ||
	    (buf[2] & 0x80) == 0)
		return 0;
	if (ldns_wire2pkt(&pkt, buf, len) != LDNS_STATUS_OK)
		return -1;
	if (ldns_rr_list_rr_count(ldns_pkt_question(pkt)) == 0) {
		if (ldns_pkt_get_rcode(pkt) != LDNS_RCODE_NOERROR) {
			*pkt_out = pkt;
			return 1;
		}
		ldns_pkt_free(pkt);
		return -1;
	}
	q = ldns_rr_list_rr(ldns_pkt_question(pkt), 0);
	if (ldns_rr_get_type(q) != qtype ||
	    ldns_dname_compare(ldns_rr_owner(q), qname) != 0) {
		ldns_pkt_free(pkt);
		return 0;
	}
	*pkt_out = pkt;
	return 1;
}

/* find_cname - the CNAME owned by cur in the answer section, or NULL */
static const ldns_rr *
find_cname(const ldns_rr_list *list, const ldns_rdf *cur)
{
	const ldns_rr	*rr;
	size_t		 i;

	for (i = 0; i < ldns_rr_list_rr_count(list); i++) {
		rr = ldns_rr_list_rr(list, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME &&
		    ldns_rr_rd_count(rr) == 1 &&
		    ldns_dname_compare(ldns_rr_owner(rr), cur) == 0)
			return rr;
	}
	return NULL;
}

/* has_type - whether the section has a record of type t owned by cur */
static int
has_type(const ldns_rr_list *list, const ldns_rdf *cur, ldns_rr_type t)
{
	const ldns_rr	*rr;
	size_t		 i;

	for (i = 0; i < ldns_rr_list_rr_count(list); i++) {
		rr = ldns_rr_list_rr(list, i);
		if (ldns_rr_get_type(rr) == t &&
		    (cur == NULL ||
		    ldns_dname_compare(ldns_rr_owner(rr), cur) == 0))
			return 1;
	}
	return 0;
}

/* min_ttl - smaller of two TTLs */
static uint32_t
min_ttl(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* neg_ttl - RFC 2308 5: min(SOA TTL, SOA minimum); 0 without a SOA */
static uint32_t
neg_ttl(const ldns_pkt *pkt)
{
	const ldns_rr_list	*list = ldns_pkt_authority(pkt);
	const ldns_rr		*rr;
	uint32_t		 ttl;
	size_t			 i;

	for (i = 0; i < ldns_rr_list_rr_count(list); i++) {
		rr = ldns_rr_list_rr(list, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_SOA ||
		    ldns_rr_rd_count(rr) < 7)
			continue;
		ttl = min_ttl(ldns_rr_ttl(rr),
		    ldns_rdf2native_int32(ldns_rr_rdf(rr, 6)));
		return min_ttl(ttl, DNS_NEG_TTL_MAX);
	}
	return 0;
}

/* rcode_status - the status an rcode gives, data or not */
static enum dns_status
rcode_status(ldns_pkt_rcode rcode, size_t nrr)
{
	switch (rcode) {
	case LDNS_RCODE_NOERROR:
		return nrr > 0 ? DNS_OK : DNS_NODATA;
	case LDNS_RCODE_NXDOMAIN:
		return DNS_NXDOMAIN;
	case LDNS_RCODE_SERVFAIL:
		return DNS_SERVFAIL;
	case LDNS_RCODE_REFUSED:
		return DNS_REFUSED;
	default:
		return DNS_BADRESPONSE;
	}
}

/*
 * dnspkt_fill - turn a reply into an answer.  With follow, walk the CNAME
 * chain from qname and keep the records of qtype at its end; *requery_out is
 * set when the chain ends at a name the reply says nothing about.
 * Without follow, the whole answer section is kept.
 */
int
dnspkt_fill(const ldns_pkt *pkt, const ldns_rdf *qname,
    ldns_rr_type qtype, int follow, struct dns_answer *a, struct lookup_ttl *lt,
    int *requery_out, struct errbuf *err)
{
	const ldns_rr_list	*an = ldns_pkt_answer(pkt);
	const ldns_rdf		*cur = qname;
	const ldns_rr		*rr, *cn;
	uint32_t		 ttl = UINT32_MAX;
	size_t			 i;

	*requery_out = 0;
	a->rcode = ldns_pkt_get_rcode(pkt);
	a->aa = ldns_pkt_aa(pkt);
	if (add_section(ldns_pkt_authority(pkt), &a->auth, &a->nauth) == -1 ||
	    add_section(ldns_pkt_additional(pkt), &a->addl, &a->naddl) == -1)
		goto nomem;
	if (!follow) {
		if (add_section(an, &a->rr, &a->nrr) == -1)
			goto nomem;
		a->status = rcode_status(ldns_pkt_get_rcode(pkt), a->nrr);
		lt->cacheable = 0;
		return 0;
	}

	while (qtype != LDNS_RR_TYPE_CNAME && !has_type(an, cur, qtype) &&
	    (cn = find_cname(an, cur)) != NULL) {
		if (a->ncname == DNS_MAX_CNAME) {
			/* A loop or an overlong chain. */
			a->status = DNS_BADRESPONSE;
			lt->cacheable = 0;
			return 0;
		}
		if (dname_text(ldns_rr_rdf(cn, 0), a->cname[a->ncname],
		    DNS_NAME_MAX) == -1) {
			a->status = DNS_BADRESPONSE;
			lt->cacheable = 0;
			return 0;
		}
		a->ncname++;
		ttl = min_ttl(ttl, ldns_rr_ttl(cn));
		cur = ldns_rr_rdf(cn, 0);
	}
	for (i = 0; i < ldns_rr_list_rr_count(an); i++) {
		rr = ldns_rr_list_rr(an, i);
		if (ldns_rr_get_type(rr) != qtype ||
		    ldns_dname_compare(ldns_rr_owner(rr), cur) != 0)
			continue;
		ttl = min_ttl(ttl, ldns_rr_ttl(rr));
		if (add_rr(rr, &a->rr, &a->nrr) == -1)
			goto nomem;
	}
	a->status = rcode_status(ldns_pkt_get_rcode(pkt), a->nrr);
	switch (a->status) {
	case DNS_OK:
		lt->cacheable = 1;
		lt->ttl = ttl;
		break;
	case DNS_NODATA:
		/*
		 * A chain that ends at a name with neither data nor a SOA
		 * saying there is none: an authoritative server handing
		 * out a CNAME to another zone.  Ask for the target.
		 */
		if (a->ncname > 0 && !has_type(ldns_pkt_authority(pkt), NULL,
		    LDNS_RR_TYPE_SOA)) {
			*requery_out = 1;
			lt->cacheable = 1;
			lt->ttl = ttl;
			break;
		}
		/* FALLTHROUGH */
	case DNS_NXDOMAIN:
		lt->ttl = min_ttl(ttl, neg_ttl(pkt));
		lt->cacheable = lt->ttl > 0;
		break;
	default:
		lt->cacheable = 0;
		break;
	}
	return 0;

nomem:
	return errbuf_set(err, "dns: out of memory reading an answer");
}

/* dnspkt_merge - append the answer for the chain's target to the first */
void
dnspkt_merge(struct dns_answer *a, struct dns_answer *b,
    struct lookup_ttl *lt, const struct lookup_ttl *blt)
{
	size_t	 i;

	if (a->ncname + b->ncname > DNS_MAX_CNAME) {
		a->status = DNS_BADRESPONSE;
		lt->cacheable = 0;
		return;
	}
	for (i = 0; i < b->ncname; i++)
		memcpy(a->cname[a->ncname++], b->cname[i], DNS_NAME_MAX);
	a->status = b->status;
	a->rcode = b->rcode;
	a->aa = b->aa;
	memcpy(a->server, b->server, sizeof(a->server));
	dnscache_rrs_free(a->rr, a->nrr);
	dnscache_rrs_free(a->auth, a->nauth);
	dnscache_rrs_free(a->addl, a->naddl);
	a->rr = b->rr;
	a->nrr = b->nrr;
	a->auth = b->auth;
	a->nauth = b->nauth;
	a->addl = b->addl;
	a->naddl = b->naddl;
	b->rr = b->auth = b->addl = NULL;
	b->nrr = b->nauth = b->naddl = 0;
	lt->cacheable = lt->cacheable && blt->cacheable;
	lt->ttl = min_ttl(lt->ttl, blt->ttl);
}

