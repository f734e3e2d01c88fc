/*
 * dnsint - what the dns*.c files behind lib/dns.h share; not an
 * interface for callers
 *
 * lib/dns.h is the interface.  Its work is divided among:
 *   dns.c       a lookup: the cache, then the servers, then the CNAME
 *               chain's target when the reply stops short (dns_query,
 *               dns_query_at)
 *   dnsio.c     the transport: the server list (Nameservers or
 *               /etc/resolv.conf), one query over UDP and TCP, the servers
 *               asked in turn
 *   dnspkt.c    packet reading: names, records as lib/dns.h describes
 *               them, whether a reply is ours, the answer made of a reply
 *               (CNAMEs followed, the TTL it may be kept for)
 *   dnscache.c  the answer cache, answers copied and freed, the
 *               resolver's holders and the key cache beside it
 *   dnsname.c   the words for statuses and types in messages
 * ldns builds and parses the packets in dnsio.c and dnspkt.c (and holds
 * a question and its reply in dns.c); dnscache.c and dnsname.c use no
 * ldns type.  This header holds the resolver and the functions those
 * files call in one another.  It never prints and holds no state.
 */
#ifndef DKIMLENS_DNSINT_H
#define DKIMLENS_DNSINT_H

#include <sys/types.h>
#include <sys/socket.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "lib/dns.h"
#include "lib/errbuf.h"

#define CACHE_BUCKETS		1024	/* a power of two */
#define SERVER_TEXT		64
#define SERVERLIST_LEN		(DNS_SERVER_MAX * (SERVER_TEXT + 1))

struct server {
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	char			 text[SERVER_TEXT];	/* "ip:port" */
};

struct centry;			/* one cached answer: lib/dnscache.c */

struct dns_resolver {
	struct server		 servers[DNS_SERVER_MAX];
	size_t			 nservers;
	char			 serverlist[SERVERLIST_LEN];
	unsigned int		 timeout_ms;
	unsigned int		 retries;
	int			 no_cache;
	pthread_mutex_t		 lock;
	struct centry		*buckets[CACHE_BUCKETS];
	struct centry		*oldest, *newest;
	size_t			 ncache;
	unsigned int		 refs;		/* dns_resolver_hold */
	struct keycache		*keys;		/* dns_resolver_keycache */
};

/* What a lookup learned besides the answer: how long it may be kept. */
struct lookup_ttl {
	int			 cacheable;
	uint32_t		 ttl;
};

/* dnsio.c */

/*
 * dnsio_parse_server - "host", "host:port", "[v6]:port" or a bare v6
 * address (len bytes of tok) into *srv; 0, or -1 with err set
 */
int	dnsio_parse_server(const char *tok, size_t len, struct server *srv,
	    struct errbuf *err);

/*
 * dnsio_ask - ask the servers in turn for qname and qtype (the order,
 * the rounds and what moves on to the next server: lib/dnsio.c).  0 with
 * *st_out, and when a server replied *pkt_out (the caller frees it) and
 * *srv_out (the server that answered); -1 only on local failure.
 */
int	dnsio_ask(const struct dns_resolver *res,
	    const struct server *servers, size_t nservers,
	    const ldns_rdf *qname, ldns_rr_type qtype, int recurse,
	    enum dns_status *st_out, ldns_pkt **pkt_out,
	    const struct server **srv_out, struct errbuf *err);

/* dnspkt.c */

/*
 * dnspkt_norm_name - check a name given by the caller and build its wire
 * form in *rdf_out (the caller frees it).  text_out gets the name without
 * its trailing dot ("." for the root).  0, or -1 with err set.
 */
int	dnspkt_norm_name(const char *name, char *text_out, size_t size,
	    ldns_rdf **rdf_out, struct errbuf *err);

/*
 * dnspkt_check_reply - whether buf is the reply to the query with this
 * ID, qname and qtype.  1: yes, *pkt_out set (the caller frees it); 0: not
 * ours, ignore; -1: ours but unparseable.
 */
int	dnspkt_check_reply(const uint8_t *buf, size_t len, uint16_t id,
	    const ldns_rdf *qname, ldns_rr_type qtype, ldns_pkt **pkt_out);

/*
 * dnspkt_fill - turn a reply into the answer a (status, rcode, sections,
 * CNAME chain) and *lt.  With follow, the CNAME chain from qname is walked
 * and *requery_out set when it ends at a name the reply says nothing
 * about.  0, or -1 with err set on ENOMEM.
 */
int	dnspkt_fill(const ldns_pkt *pkt, const ldns_rdf *qname,
	    ldns_rr_type qtype, int follow, struct dns_answer *a,
	    struct lookup_ttl *lt, int *requery_out, struct errbuf *err);

/*
 * dnspkt_merge - append b, the answer for the chain's target, to a; b's
 * records move to a, *lt takes blt into account
 */
void	dnspkt_merge(struct dns_answer *a, struct dns_answer *b,
	    struct lookup_ttl *lt, const struct lookup_ttl *blt);

/* dnscache.c */

/* dnscache_rrs_free - free an array of n records (NULL is fine) */
void	dnscache_rrs_free(struct dns_rr *rr, size_t n);

/*
 * dnscache_get - a copy of the answer cached for key (lower case) and
 * type in *answer_out (the caller frees it), TTLs counted down, or NULL;
 * *lt says for how long more.  0, or -1 on ENOMEM.
 */
int	dnscache_get(struct dns_resolver *res, const char *key,
	    enum dns_type type, struct dns_answer **answer_out,
	    struct lookup_ttl *lt);

/* dnscache_put - keep a copy of answer for ttl seconds; ENOMEM is ignored */
void	dnscache_put(struct dns_resolver *res, const char *key,
	    enum dns_type type, const struct dns_answer *answer,
	    uint32_t ttl);

#endif
