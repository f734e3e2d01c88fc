/*
 * dns - the one way dkimlens asks DNS anything
 *
 * A resolver is built from settings: the nameservers to ask ("host[:port]"
 * entries separated by commas or spaces; IPv6 as [addr]:port; none means
 * the system's /etc/resolv.conf), a timeout per query and an in-process
 * cache that honours TTLs and caches negative answers (RFC 2308, SOA
 * minimum) for at most DNS_NEG_TTL_MAX seconds.  Every lookup of the
 * project (verification, diagnosis, keytool) goes through here, so tests
 * aim it at a server on loopback.  ldns is used inside the dns*.c files
 * only (lib/dnsint.h says which).
 *
 * A resolver is safe to use from several threads at once: the cache is
 * locked, queries run unlocked.
 *
 * dns_query() follows a CNAME chain within the answer (and re-queries a
 * target the server did not resolve, up to DNS_MAX_CNAME links) and
 * records each link, so that a diagnosis can show which names were
 * involved.  dns_query_at() asks one given server once, optionally without
 * recursion, bypassing the cache: that is what a delegation check needs.
 *
 * Errors: a failed lookup is a status in the answer (NXDOMAIN, SERVFAIL,
 * timeout, ...), never a -1; -1 is for local failures (memory, bad name).
 */
#ifndef DKIMLENS_DNS_H
#define DKIMLENS_DNS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/errbuf.h"

#define DNS_MAX_CNAME		8	/* CNAME links followed */
#define DNS_NAME_MAX		256	/* presentation form, with NUL */
#define DNS_NEG_TTL_MAX		300	/* cap on negative caching, seconds */
#define DNS_CACHE_MAX		4096	/* entries before the oldest go */
#define DNS_SERVER_MAX		8	/* nameservers in the settings */

enum dns_status {
	DNS_OK,			/* NOERROR with records of the asked type */
	DNS_NXDOMAIN,		/* the name does not exist */
	DNS_NODATA,		/* the name exists, no records of the type */
	DNS_SERVFAIL,		/* the server said SERVFAIL */
	DNS_REFUSED,		/* the server said REFUSED */
	DNS_TIMEOUT,		/* no answer within the timeout */
	DNS_BADRESPONSE,	/* FORMERR, truncated or unparseable answer */
	DNS_NETERROR		/* could not send (no route, bad address) */
};

enum dns_type {
	DNS_T_A = 1, DNS_T_NS = 2, DNS_T_CNAME = 5, DNS_T_SOA = 6,
	DNS_T_TXT = 16, DNS_T_AAAA = 28
};

struct dns_settings {
	const char	*nameservers;	/* NULL or "": /etc/resolv.conf */
	unsigned int	 timeout_ms;	/* per query try; 0 means 5000 */
	unsigned int	 retries;	/* extra tries after a timeout */
	int		 no_cache;	/* 1: do not cache (keytool dns) */
};

/* One resource record, in presentation form. */
struct dns_rr {
	char		 name[DNS_NAME_MAX];	/* owner, no trailing dot */
	enum dns_type	 type;
	uint32_t	 ttl;
	/*
	 * TXT: the character-strings joined with nothing between them
	 * (RFC 6376 3.6.2.2); CNAME, NS: the target without trailing dot;
	 * A, AAAA: the address; SOA: "mname rname serial ...".
	 */
	char		*data;
	size_t		 data_len;
	size_t		 nstrings;	/* TXT: how many character-strings */
};

struct dns_answer {
	enum dns_status	 status;
	int		 rcode;		/* as received; -1 if none */
	int		 aa;		/* authoritative answer flag */
	char		 qname[DNS_NAME_MAX];
	enum dns_type	 qtype;
	char		 server[64];	/* "127.0.0.1:5353" that answered */
	/* CNAME chain: qname -> cname[0] -> ... -> cname[ncname - 1] */
	size_t		 ncname;
	char		 cname[DNS_MAX_CNAME][DNS_NAME_MAX];
	/* records of qtype at the end of the chain */
	size_t		 nrr;
	struct dns_rr	*rr;
	/* authority and additional sections (referrals, glue, SOA) */
	size_t		 nauth;
	struct dns_rr	*auth;
	size_t		 naddl;
	struct dns_rr	*addl;
	int		 from_cache;
	/*
	 * How many more seconds this answer may be kept (what the cache
	 * keeps it for, counted down on hits); 0 when it is not cacheable
	 * (a failure, a negative answer without SOA, no_cache).
	 */
	uint32_t	 ttl;
};

struct dns_resolver;

/* dns_resolver_new - build a resolver; NULL with err set on bad settings */
struct dns_resolver *dns_resolver_new(const struct dns_settings *settings,
	    struct errbuf *err);

/*
 * dns_resolver_free - let go of the resolver: the last holder (the one
 * that built it, then each dns_resolver_hold) frees it and its cache.
 * NULL is allowed.
 */
void	dns_resolver_free(struct dns_resolver *res);

/*
 * dns_resolver_hold - hold the resolver for a lookup that may outlive its
 * builder's reference (one running in the background after its message
 * ended); returns res.  Each hold is ended by one dns_resolver_free.
 */
struct dns_resolver *dns_resolver_hold(struct dns_resolver *res);

/*
 * dns_query - look name up (no trailing dot needed), through the cache.
 * Returns 0 and an owned answer in *answer_out (free with dns_answer_free)
 * whatever the DNS status; -1 with err set only on local failure.
 */
int	dns_query(struct dns_resolver *res, const char *name,
	    enum dns_type type, struct dns_answer **answer_out,
	    struct errbuf *err) __attribute__((warn_unused_result));

/*
 * dns_query_at - ask one server ("host[:port]") once, with the RD bit set
 * when recurse is 1, without the cache and without following CNAMEs.
 * Returns like dns_query().
 */
int	dns_query_at(struct dns_resolver *res, const char *server,
	    const char *name, enum dns_type type, int recurse,
	    struct dns_answer **answer_out, struct errbuf *err)
	    __attribute__((warn_unused_result));

/* dns_answer_free - free an answer; NULL is allowed */
void	dns_answer_free(struct dns_answer *answer);

/*
 * dns_resolver_keycache - the resolver's cache of what key lookups
 * concluded (lib/keycache.h), kept beside its answer cache and freed with
 * it; NULL when the resolver does not cache (no_cache).  Whoever puts a
 * value there gives it at most the answer's ttl.
 */
struct keycache *dns_resolver_keycache(struct dns_resolver *res);

/* dns_status_name - "NOERROR", "NXDOMAIN", "NODATA", "SERVFAIL", ... */
const char *dns_status_name(enum dns_status status);

/* dns_ldns_version - the version of the ldns library in use, "1.8.3" */
const char *dns_ldns_version(void);

/* dns_type_name - "TXT", "CNAME", ... */
const char *dns_type_name(enum dns_type type);

/* dns_servers - the nameservers in use, "a:53,b:53", for messages */
const char *dns_servers(const struct dns_resolver *res);

#endif
