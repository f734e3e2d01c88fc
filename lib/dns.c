/*
 * dns - the one way dkimlens asks DNS anything (interface in lib/dns.h)
 *
 * ldns builds and parses the packets; the transport is ours: one
 * connected UDP socket per try, so that each server keeps its own port,
 * each try has its own deadline and an ICMP port unreachable is seen at
 * once, and TCP when an answer comes back truncated (RFC 7766).  Queries
 * carry a random ID and EDNS0 (1232 octets), resent without EDNS when the
 * server says FORMERR; a reply counts only with our ID and question.  No
 * ldns_resolver is used, so nothing is shared between threads but the
 * cache, which has its own mutex and is never held across a query.
 *
 * A query tries each server in turn; a timeout moves on to the next
 * server, and only when every server timed out does a new round start,
 * up to 1 + retries rounds: a silent server costs timeout_ms * (retries
 * + 1), n silent servers n times that.  SERVFAIL or REFUSED moves on to
 * the next server too, and so does a referral (a server that does not
 * recurse), each being the answer when no server does better.  A closed
 * port (ICMP port unreachable on UDP, RST on TCP) or an unreachable
 * network is DNS_NETERROR at once, not DNS_TIMEOUT.  dns_query_at() is
 * the same with one server: it too tries 1 + retries times on timeout.
 *
 * CNAMEs (dns_query only): the chain is walked within the reply; when it
 * ends at a name the reply neither answers nor denies with a SOA (a CNAME
 * into a zone the server does not serve), the target is looked up again,
 * through the cache, until DNS_MAX_CNAME links in all; a longer chain or
 * a loop is DNS_BADRESPONSE.  dns_query_at keeps the whole answer
 * section as received in rr[], CNAMEs included, and sets status from the
 * rcode (NOERROR with an empty answer, a referral for one, is NODATA).
 *
 * Caching (RFC 2181 5.2, RFC 2308 5): a positive answer lives for the
 * smallest TTL of its records and CNAME links; NXDOMAIN and NODATA for
 * min(SOA TTL, SOA minimum) from the authority section, capped at
 * DNS_NEG_TTL_MAX, and not at all without a SOA; other statuses are not
 * cached.  Hits come back with from_cache set and TTLs counted down.
 * Past DNS_CACHE_MAX entries the oldest go.
 *
 * Records of types outside enum dns_type (RRSIG, DS, OPT...) are left out
 * of every section.  The file is long because ldns stays inside it
 * (STYLE.md 1) and the transport and packet reading both need it; the
 * cache (cache_*) uses no ldns type and could become a module of its own.
 */
#include <sys/types.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "lib/dns.h"
#include "lib/errbuf.h"
#include "lib/keycache.h"

#define DEFAULT_TIMEOUT_MS	5000
#define EDNS_UDP_SIZE		1232	/* DNS flag day 2020 */
#define MSG_MAX			65535
#define RESOLV_CONF		"/etc/resolv.conf"
#define CACHE_BUCKETS		1024	/* a power of two */
#define SERVER_TEXT		64
#define SERVERLIST_LEN		(DNS_SERVER_MAX * (SERVER_TEXT + 1))

struct server {
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	char			 text[SERVER_TEXT];	/* "ip:port" */
};

struct centry {
	struct centry		*hnext;		/* hash chain */
	struct centry		*older, *newer;	/* by insertion */
	unsigned int		 hash;
	char			 key[DNS_NAME_MAX];	/* lower case */
	enum dns_type		 type;
	time_t			 stored;	/* monotonic seconds */
	time_t			 expires;
	struct dns_answer	*answer;
};

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

/* now_ms - monotonic clock in milliseconds */
static long long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* now_s - monotonic clock in seconds */
static time_t
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* parse_server - "host", "host:port", "[v6]:port" or a bare v6 address */
static int
parse_server(const char *tok, size_t len, struct server *srv,
    struct errbuf *err)
{
	struct addrinfo	 hints, *ai = NULL;
	char		 buf[128], host[NI_MAXHOST], *h, *p = NULL, *end;
	const char	*c;
	unsigned long	 port = 53;
	size_t		 ncolon = 0;
	int		 rc;

	if (len == 0 || len >= sizeof(buf))
		return errbuf_set(err, "nameserver \"%.*s\": bad length",
		    (int)(len > 64 ? 64 : len), tok);
	memcpy(buf, tok, len);
	buf[len] = '\0';
	h = buf;
	for (c = buf; *c != '\0'; c++)
		if (*c == ':')
			ncolon++;
	if (buf[0] == '[') {
		h = buf + 1;
		if ((end = strchr(h, ']')) == NULL)
			return errbuf_set(err, "nameserver \"%s\": missing ]",
			    buf);
		*end++ = '\0';
		if (*end == ':')
			p = end + 1;
		else if (*end != '\0')
			return errbuf_set(err, "nameserver \"%s]%s\": junk "
			    "after ]", buf, end);
	} else if (ncolon == 1) {
		p = strchr(buf, ':');
		*p++ = '\0';
	}
	if (p != NULL) {
		errno = 0;
		port = strtoul(p, &end, 10);
		if (*p < '0' || *p > '9' || *end != '\0' || errno != 0 ||
		    port == 0 || port > 65535)
			return errbuf_set(err, "nameserver \"%s\": bad port "
			    "\"%s\"", h, p);
	}
	if (*h == '\0')
		return errbuf_set(err, "nameserver \"%.*s\": no address",
		    (int)len, tok);

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(host, sizeof(host), "%lu", port);
	if ((rc = getaddrinfo(h, host, &hints, &ai)) != 0)
		return errbuf_set(err, "nameserver \"%s\": %s", h,
		    gai_strerror(rc));
	if (ai->ai_addrlen > sizeof(srv->ss)) {
		freeaddrinfo(ai);
		return errbuf_set(err, "nameserver \"%s\": address too long",
		    h);
	}
	memset(srv, 0, sizeof(*srv));
	memcpy(&srv->ss, ai->ai_addr, ai->ai_addrlen);
	srv->sslen = ai->ai_addrlen;
	freeaddrinfo(ai);
	if (getnameinfo((struct sockaddr *)&srv->ss, srv->sslen, host,
	    sizeof(host), NULL, 0, NI_NUMERICHOST) != 0)
		return errbuf_set(err, "nameserver \"%s\": cannot print "
		    "address", h);
	if (srv->ss.ss_family == AF_INET6)
		rc = snprintf(srv->text, sizeof(srv->text), "[%s]:%lu", host,
		    port);
	else
		rc = snprintf(srv->text, sizeof(srv->text), "%s:%lu", host,
		    port);
	if (rc < 0 || (size_t)rc >= sizeof(srv->text))
		return errbuf_set(err, "nameserver \"%s\": address too long",
		    h);
	return 0;
}

/* add_servers - parse a list separated by commas or white space */
static int
add_servers(struct dns_resolver *res, const char *list, struct errbuf *err)
{
	const char	*sep = ", \t\r\n";
	size_t		 n;

	while (*list != '\0') {
		list += strspn(list, sep);
		if (*list == '\0')
			break;
		n = strcspn(list, sep);
		if (res->nservers == DNS_SERVER_MAX)
			return errbuf_set(err, "more than %d nameservers",
			    DNS_SERVER_MAX);
		if (parse_server(list, n, &res->servers[res->nservers],
		    err) == -1)
			return -1;
		res->nservers++;
		list += n;
	}
	return 0;
}

/* add_resolv_conf - the "nameserver" lines of /etc/resolv.conf */
static int
add_resolv_conf(struct dns_resolver *res, struct errbuf *err)
{
	FILE		*fp;
	char		 line[512], *p;
	size_t		 n;

	if ((fp = fopen(RESOLV_CONF, "re")) != NULL) {
		while (fgets(line, sizeof(line), fp) != NULL) {
			if (strncmp(line, "nameserver", 10) != 0 ||
			    (line[10] != ' ' && line[10] != '\t'))
				continue;
			p = line + 10 + strspn(line + 10, " \t");
			n = strcspn(p, " \t\r\n#;");
			if (n == 0 || res->nservers == DNS_SERVER_MAX)
				continue;
			if (parse_server(p, n, &res->servers[res->nservers],
			    err) == -1) {
				fclose(fp);
				return errbuf_set(err, "%s: %s", RESOLV_CONF,
				    err != NULL ? err->msg : "bad nameserver");
			}
			res->nservers++;
		}
		fclose(fp);
	}
	/* Like the C library: no nameserver line means the local host. */
	if (res->nservers == 0)
		return add_servers(res, "127.0.0.1", err);
	return 0;
}

/* dns_resolver_new - build a resolver from settings */
struct dns_resolver *
dns_resolver_new(const struct dns_settings *settings, struct errbuf *err)
{
	struct dns_resolver	*res;
	size_t			 i, len;

	if ((res = calloc(1, sizeof(*res))) == NULL) {
		errbuf_set(err, "dns: out of memory");
		return NULL;
	}
	if (pthread_mutex_init(&res->lock, NULL) != 0) {
		free(res);
		errbuf_set(err, "dns: cannot create the cache lock");
		return NULL;
	}
	res->refs = 1;
	res->timeout_ms = DEFAULT_TIMEOUT_MS;
	if (settings != NULL) {
		if (settings->timeout_ms != 0)
			res->timeout_ms = settings->timeout_ms;
		res->retries = settings->retries;
		res->no_cache = settings->no_cache;
	}
	if (settings != NULL && settings->nameservers != NULL &&
	    settings->nameservers[strspn(settings->nameservers,
	    ", \t\r\n")] != '\0') {
		if (add_servers(res, settings->nameservers, err) == -1)
			goto fail;
	} else if (add_resolv_conf(res, err) == -1)
		goto fail;

	for (i = 0; i < res->nservers; i++) {
		len = strlen(res->serverlist);
		snprintf(res->serverlist + len, sizeof(res->serverlist) - len,
		    "%s%s", i > 0 ? "," : "", res->servers[i].text);
	}
	if (!res->no_cache && (res->keys = keycache_new(0)) == NULL) {
		errbuf_set(err, "dns: out of memory");
		goto fail;
	}
	return res;

fail:
	pthread_mutex_destroy(&res->lock);
	free(res);
	return NULL;
}

/* dns_servers - the nameservers in use, for messages */
const char *
dns_servers(const struct dns_resolver *res)
{
	return res->serverlist;
}

/* rrs_free - free an array of records */
static void
rrs_free(struct dns_rr *rr, size_t n)
{
	size_t	 i;

	if (rr == NULL)
		return;
	for (i = 0; i < n; i++)
		free(rr[i].data);
	free(rr);
}

/* dns_answer_free - free an answer */
void
dns_answer_free(struct dns_answer *answer)
{
	if (answer == NULL)
		return;
	rrs_free(answer->rr, answer->nrr);
	rrs_free(answer->auth, answer->nauth);
	rrs_free(answer->addl, answer->naddl);
	free(answer);
}

/* rrs_dup - deep copy of an array of records; -1 on ENOMEM */
static int
rrs_dup(const struct dns_rr *from, size_t n, struct dns_rr **to_out)
{
	struct dns_rr	*to;
	size_t		 i;

	*to_out = NULL;
	if (n == 0)
		return 0;
	if ((to = calloc(n, sizeof(*to))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		to[i] = from[i];
		if ((to[i].data = malloc(from[i].data_len + 1)) == NULL) {
			rrs_free(to, i);
			return -1;
		}
		memcpy(to[i].data, from[i].data, from[i].data_len + 1);
	}
	*to_out = to;
	return 0;
}

/* answer_dup - deep copy of an answer; NULL on ENOMEM */
static struct dns_answer *
answer_dup(const struct dns_answer *from)
{
	struct dns_answer	*to;

	if ((to = malloc(sizeof(*to))) == NULL)
		return NULL;
	*to = *from;
	to->rr = to->auth = to->addl = NULL;
	to->nrr = to->nauth = to->naddl = 0;
	if (rrs_dup(from->rr, from->nrr, &to->rr) == -1)
		goto fail;
	to->nrr = from->nrr;
	if (rrs_dup(from->auth, from->nauth, &to->auth) == -1)
		goto fail;
	to->nauth = from->nauth;
	if (rrs_dup(from->addl, from->naddl, &to->addl) == -1)
		goto fail;
	to->naddl = from->naddl;
	return to;

fail:
	dns_answer_free(to);
	return NULL;
}

/* cache_hash - FNV-1a of key and type */
static unsigned int
cache_hash(const char *key, enum dns_type type)
{
	unsigned int	 h = 2166136261u;

	for (; *key != '\0'; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	h = (h ^ (unsigned int)type) * 16777619u;
	return h;
}

/* cache_unlink - take an entry out of its chain and the age list */
static void
cache_unlink(struct dns_resolver *res, struct centry *e)
{
	struct centry	**pp;

	pp = &res->buckets[e->hash & (CACHE_BUCKETS - 1)];
	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	if (e->older != NULL)
		e->older->newer = e->newer;
	else
		res->oldest = e->newer;
	if (e->newer != NULL)
		e->newer->older = e->older;
	else
		res->newest = e->older;
	res->ncache--;
	dns_answer_free(e->answer);
	free(e);
}

/* cache_find - the live entry for key and type; called locked */
static struct centry *
cache_find(struct dns_resolver *res, const char *key, enum dns_type type,
    time_t now)
{
	struct centry	*e;
	unsigned int	 h;

	h = cache_hash(key, type);
	for (e = res->buckets[h & (CACHE_BUCKETS - 1)]; e != NULL;
	    e = e->hnext) {
		if (e->hash != h || e->type != type ||
		    strcmp(e->key, key) != 0)
			continue;
		if (e->expires <= now) {
			cache_unlink(res, e);
			return NULL;
		}
		return e;
	}
	return NULL;
}

/* cache_get - a copy of the cached answer, or NULL; -1 on ENOMEM */
static int
cache_get(struct dns_resolver *res, const char *key, enum dns_type type,
    struct dns_answer **answer_out, struct lookup_ttl *lt)
{
	struct dns_answer	*a = NULL;
	struct centry		*e;
	time_t			 now, age;
	size_t			 i;

	*answer_out = NULL;
	now = now_s();
	pthread_mutex_lock(&res->lock);
	if ((e = cache_find(res, key, type, now)) == NULL) {
		pthread_mutex_unlock(&res->lock);
		return 0;
	}
	a = answer_dup(e->answer);
	age = now - e->stored;
	lt->cacheable = 1;
	lt->ttl = (uint32_t)(e->expires - now);
	pthread_mutex_unlock(&res->lock);
	if (a == NULL)
		return -1;
	a->from_cache = 1;
	a->ttl = lt->ttl;
	for (i = 0; i < a->nrr; i++)
		a->rr[i].ttl = a->rr[i].ttl > age ? a->rr[i].ttl - age : 0;
	for (i = 0; i < a->nauth; i++)
		a->auth[i].ttl = a->auth[i].ttl > age ?
		    a->auth[i].ttl - age : 0;
	*answer_out = a;
	return 0;
}

/* cache_put - keep a copy of answer for ttl seconds; ENOMEM is ignored */
static void
cache_put(struct dns_resolver *res, const char *key, enum dns_type type,
    const struct dns_answer *answer, uint32_t ttl)
{
	struct centry	*e, *old;
	unsigned int	 h;
	time_t		 now;

	if (ttl == 0)
		return;
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return;
	if ((e->answer = answer_dup(answer)) == NULL) {
		free(e);
		return;
	}
	e->answer->from_cache = 0;
	h = cache_hash(key, type);
	e->hash = h;
	snprintf(e->key, sizeof(e->key), "%s", key);
	e->type = type;
	now = now_s();
	e->stored = now;
	e->expires = now + (time_t)ttl;

	pthread_mutex_lock(&res->lock);
	if ((old = cache_find(res, key, type, now)) != NULL)
		cache_unlink(res, old);
	while (res->ncache >= DNS_CACHE_MAX && res->oldest != NULL)
		cache_unlink(res, res->oldest);
	e->hnext = res->buckets[h & (CACHE_BUCKETS - 1)];
	res->buckets[h & (CACHE_BUCKETS - 1)] = e;
	e->older = res->newest;
	if (res->newest != NULL)
		res->newest->newer = e;
	else
		res->oldest = e;
	res->newest = e;
	res->ncache++;
	pthread_mutex_unlock(&res->lock);
}

/* dns_resolver_hold - one more holder */
struct dns_resolver *
dns_resolver_hold(struct dns_resolver *res)
{
	pthread_mutex_lock(&res->lock);
	res->refs++;
	pthread_mutex_unlock(&res->lock);
	return res;
}

/* dns_resolver_free - let go; the last holder frees the cache */
void
dns_resolver_free(struct dns_resolver *res)
{
	unsigned int	 left;

	if (res == NULL)
		return;
	pthread_mutex_lock(&res->lock);
	left = --res->refs;
	pthread_mutex_unlock(&res->lock);
	if (left > 0)
		return;
	while (res->oldest != NULL)
		cache_unlink(res, res->oldest);
	keycache_free(res->keys);
	pthread_mutex_destroy(&res->lock);
	free(res);
}

/*
 * norm_name - check a name given by the caller and build its wire form.
 * text_out gets the name without its trailing dot ("." for the root).
 */
static int
norm_name(const char *name, char *text_out, size_t size, ldns_rdf **rdf_out,
    struct errbuf *err)
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

/* wait_fd - poll fd for events until the deadline; 1 ready, 0 timeout */
static int
wait_fd(int fd, short events, long long deadline)
{
	struct pollfd	 pfd;
	long long	 left;
	int		 rc;

	for (;;) {
		if ((left = deadline - now_ms()) <= 0)
			return 0;
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		rc = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (rc > 0)
			return 1;
		if (rc == -1 && errno != EINTR)
			return -1;
	}
}

/*
 * check_reply - whether buf is the reply to our query: our ID, QR set and
 * our question (or none, as some servers send with an error rcode).
 * 1: yes, *pkt_out set; 0: not ours, ignore; -1: ours but unparseable.
 */
static int
check_reply(const uint8_t *buf, size_t len, uint16_t id,
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

/* udp_exchange - send the query by UDP and wait for its reply */
static enum dns_status
udp_exchange(const struct server *srv, unsigned int timeout_ms,
    const uint8_t *q, size_t qlen, uint16_t id, const ldns_rdf *qname,
    ldns_rr_type qtype, ldns_pkt **pkt_out)
{
	enum dns_status	 st = DNS_TIMEOUT;
	long long	 deadline;
	uint8_t		*buf = NULL;
	ssize_t		 n;
	int		 fd, rc;

	deadline = now_ms() + timeout_ms;
	fd = socket(srv->ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1)
		return DNS_NETERROR;
	if ((buf = malloc(MSG_MAX)) == NULL ||
	    connect(fd, (const struct sockaddr *)&srv->ss, srv->sslen) == -1 ||
	    send(fd, q, qlen, 0) != (ssize_t)qlen) {
		st = DNS_NETERROR;
		goto done;
	}
	for (;;) {
		if ((rc = wait_fd(fd, POLLIN, deadline)) <= 0) {
			if (rc == -1)
				st = DNS_NETERROR;
			break;
		}
		if ((n = recv(fd, buf, MSG_MAX, 0)) == -1) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			/* ECONNREFUSED: ICMP port unreachable. */
			st = DNS_NETERROR;
			break;
		}
		rc = check_reply(buf, (size_t)n, id, qname, qtype, pkt_out);
		if (rc == 1) {
			st = DNS_OK;
			break;
		}
		if (rc == -1)
			st = DNS_BADRESPONSE;
	}
done:
	free(buf);
	close(fd);
	return st;
}

/* io_all - read or write exactly len bytes before the deadline */
static enum dns_status
io_all(int fd, int writing, uint8_t *p, size_t len, long long deadline)
{
	ssize_t	 n;
	int	 rc;

	while (len > 0) {
		if ((rc = wait_fd(fd, writing ? POLLOUT : POLLIN,
		    deadline)) <= 0)
			return rc == 0 ? DNS_TIMEOUT : DNS_NETERROR;
		if (writing)
			n = send(fd, p, len, MSG_NOSIGNAL);
		else
			n = recv(fd, p, len, 0);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n == -1)
			return DNS_NETERROR;
		if (n == 0)
			return DNS_BADRESPONSE;
		p += n;
		len -= (size_t)n;
	}
	return DNS_OK;
}

/* tcp_exchange - the same over TCP, for a truncated answer */
static enum dns_status
tcp_exchange(const struct server *srv, unsigned int timeout_ms,
    const uint8_t *q, size_t qlen, uint16_t id, const ldns_rdf *qname,
    ldns_rr_type qtype, ldns_pkt **pkt_out)
{
	enum dns_status	 st;
	long long	 deadline;
	uint8_t		*buf = NULL, lenb[2];
	socklen_t	 sl;
	size_t		 len;
	int		 fd, rc, soerr;

	deadline = now_ms() + timeout_ms;
	fd = socket(srv->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1)
		return DNS_NETERROR;
	if ((buf = malloc(MSG_MAX + 2)) == NULL) {
		st = DNS_NETERROR;
		goto done;
	}
	if (connect(fd, (const struct sockaddr *)&srv->ss, srv->sslen) == -1) {
		if (errno != EINPROGRESS) {
			st = DNS_NETERROR;
			goto done;
		}
		if ((rc = wait_fd(fd, POLLOUT, deadline)) <= 0) {
			st = rc == 0 ? DNS_TIMEOUT : DNS_NETERROR;
			goto done;
		}
		sl = sizeof(soerr);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == -1 ||
		    soerr != 0) {
			st = DNS_NETERROR;
			goto done;
		}
	}
	buf[0] = (uint8_t)(qlen >> 8);
	buf[1] = (uint8_t)(qlen & 0xff);
	memcpy(buf + 2, q, qlen);
	if ((st = io_all(fd, 1, buf, qlen + 2, deadline)) != DNS_OK)
		goto done;
	/* Read replies until ours: a server may answer several queries. */
	for (;;) {
		if ((st = io_all(fd, 0, lenb, 2, deadline)) != DNS_OK)
			goto done;
		len = (size_t)lenb[0] << 8 | lenb[1];
		if ((st = io_all(fd, 0, buf, len, deadline)) != DNS_OK)
			goto done;
		rc = check_reply(buf, len, id, qname, qtype, pkt_out);
		if (rc == 1)
			break;
		if (rc == -1) {
			st = DNS_BADRESPONSE;
			goto done;
		}
	}
	st = DNS_OK;
done:
	free(buf);
	close(fd);
	return st;
}

/*
 * ask_server - one try at one server: UDP with EDNS, then without EDNS
 * when the server says FORMERR (RFC 6891 7), then TCP when truncated.
 * DNS_OK means *pkt_out holds a reply, whatever its rcode.
 */
static int
ask_server(const struct dns_resolver *res, const struct server *srv,
    const ldns_rdf *qname, ldns_rr_type qtype, int recurse,
    enum dns_status *st_out, ldns_pkt **pkt_out, struct errbuf *err)
{
	ldns_pkt	*query = NULL, *reply = NULL;
	ldns_rdf	*qn = NULL;
	uint8_t		*wire = NULL;
	size_t		 wlen;
	uint16_t	 id;
	int		 edns, rc = -1;

	*pkt_out = NULL;
	*st_out = DNS_TIMEOUT;
	for (edns = 1; edns >= 0; edns--) {
		if (getrandom(&id, sizeof(id), 0) != sizeof(id)) {
			errbuf_set(err, "dns: no random query ID");
			goto fail;
		}
		if ((qn = ldns_rdf_clone(qname)) == NULL)
			goto nomem;
		query = ldns_pkt_query_new(qn, qtype, LDNS_RR_CLASS_IN,
		    recurse ? LDNS_RD : 0);
		if (query == NULL) {
			ldns_rdf_deep_free(qn);
			goto nomem;
		}
		ldns_pkt_set_id(query, id);
		if (edns)
			ldns_pkt_set_edns_udp_size(query, EDNS_UDP_SIZE);
		if (ldns_pkt2wire(&wire, query, &wlen) != LDNS_STATUS_OK)
			goto nomem;
		ldns_pkt_free(query);
		query = NULL;

		*st_out = udp_exchange(srv, res->timeout_ms, wire, wlen, id,
		    qname, qtype, &reply);
		if (*st_out == DNS_OK && ldns_pkt_tc(reply)) {
			ldns_pkt_free(reply);
			reply = NULL;
			*st_out = tcp_exchange(srv, res->timeout_ms, wire,
			    wlen, id, qname, qtype, &reply);
		}
		free(wire);
		wire = NULL;
		if (*st_out != DNS_OK || !edns ||
		    ldns_pkt_get_rcode(reply) != LDNS_RCODE_FORMERR)
			break;
		ldns_pkt_free(reply);
		reply = NULL;
	}
	*pkt_out = reply;
	return 0;

nomem:
	errbuf_set(err, "dns: out of memory building a query");
fail:
	free(wire);
	ldns_pkt_free(query);
	return rc;
}

/*
 * referral - whether a reply to a recursive query is a referral: a server
 * that does not recurse, authoritative for a parent.  Another server may
 * do better.
 */
static int
referral(const ldns_pkt *pkt)
{
	const ldns_rr_list	*auth = ldns_pkt_authority(pkt);
	size_t			 i, ns = 0;

	if (ldns_pkt_get_rcode(pkt) != LDNS_RCODE_NOERROR || ldns_pkt_aa(pkt) ||
	    ldns_pkt_ancount(pkt) != 0)
		return 0;
	for (i = 0; i < ldns_rr_list_rr_count(auth); i++) {
		if (ldns_rr_get_type(ldns_rr_list_rr(auth, i)) ==
		    LDNS_RR_TYPE_SOA)
			return 0;
		if (ldns_rr_get_type(ldns_rr_list_rr(auth, i)) ==
		    LDNS_RR_TYPE_NS)
			ns++;
	}
	return ns > 0;
}

/*
 * ask - ask the servers in turn (see the top of this file); *srv_out is
 * the one that answered.  -1 only on local failure.
 */
static int
ask(const struct dns_resolver *res, const struct server *servers,
    size_t nservers, const ldns_rdf *qname, ldns_rr_type qtype, int recurse,
    enum dns_status *st_out, ldns_pkt **pkt_out,
    const struct server **srv_out, struct errbuf *err)
{
	const struct server	*keep_srv = NULL;
	enum dns_status		 st, last = DNS_TIMEOUT;
	ldns_pkt		*pkt, *keep = NULL;
	ldns_pkt_rcode		 rcode;
	unsigned int		 round;
	size_t			 i;
	int			 timedout;

	*pkt_out = NULL;
	*srv_out = NULL;
	for (round = 0; round <= res->retries; round++) {
		timedout = 0;
		for (i = 0; i < nservers; i++) {
			if (ask_server(res, &servers[i], qname, qtype,
			    recurse, &st, &pkt, err) == -1) {
				ldns_pkt_free(keep);
				return -1;
			}
			if (st != DNS_OK) {
				if (st == DNS_TIMEOUT)
					timedout = 1;
				last = st;
				continue;
			}
			rcode = ldns_pkt_get_rcode(pkt);
			if ((rcode == LDNS_RCODE_SERVFAIL ||
			    rcode == LDNS_RCODE_REFUSED ||
			    (recurse && referral(pkt))) && i + 1 < nservers) {
				ldns_pkt_free(keep);
				keep = pkt;
				keep_srv = &servers[i];
				continue;
			}
			ldns_pkt_free(keep);
			*st_out = DNS_OK;
			*pkt_out = pkt;
			*srv_out = &servers[i];
			return 0;
		}
		if (keep != NULL) {
			*st_out = DNS_OK;
			*pkt_out = keep;
			*srv_out = keep_srv;
			return 0;
		}
		if (!timedout)
			break;
	}
	*st_out = timedout ? DNS_TIMEOUT : last;
	return 0;
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
 * fill - turn a reply into an answer.  With follow, walk the CNAME chain
 * from qname and keep the records of qtype at its end; *requery_out is
 * set when the chain ends at a name the reply says nothing about.
 * Without follow, the whole answer section is kept.
 */
static int
fill(const ldns_pkt *pkt, const ldns_rdf *qname, ldns_rr_type qtype,
    int follow, struct dns_answer *a, struct lookup_ttl *lt,
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

/* merge - append the answer for the chain's target to the first part */
static void
merge(struct dns_answer *a, struct dns_answer *b, struct lookup_ttl *lt,
    const struct lookup_ttl *blt)
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
	rrs_free(a->rr, a->nrr);
	rrs_free(a->auth, a->nauth);
	rrs_free(a->addl, a->naddl);
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
	if (norm_name(name, a->qname, sizeof(a->qname), &qname, err) == -1)
		goto fail;
	lower_key(a->qname, key);
	if (!res->no_cache) {
		if (cache_get(res, key, type, &b, lt) == -1) {
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

	if (ask(res, res->servers, res->nservers, qname, (ldns_rr_type)type,
	    1, &st, &pkt, &srv, err) == -1)
		goto fail;
	if (pkt == NULL) {
		a->status = st;
		*answer_out = a;
		ldns_rdf_deep_free(qname);
		return 0;
	}
	memcpy(a->server, srv->text, sizeof(a->server));
	if (fill(pkt, qname, (ldns_rr_type)type, 1, a, lt, &requery,
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
			merge(a, b, lt, &blt);
			dns_answer_free(b);
			b = NULL;
		}
	}
	if (lt->cacheable && !res->no_cache) {
		cache_put(res, key, type, a, lt->ttl);
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

/* dns_resolver_keycache - the key cache beside the answer cache */
struct keycache *
dns_resolver_keycache(struct dns_resolver *res)
{
	return res->keys;
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
	if (server == NULL || parse_server(server, strlen(server), &srv,
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
	if (norm_name(name, a->qname, sizeof(a->qname), &qname, err) == -1)
		goto fail;
	if (ask(res, &srv, 1, qname, (ldns_rr_type)type, recurse, &st, &pkt,
	    &srvp, err) == -1)
		goto fail;
	if (pkt == NULL)
		a->status = st;
	else if (fill(pkt, qname, (ldns_rr_type)type, 0, a, &lt, &requery,
	    err) == -1)
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

/* dns_ldns_version - ldns' own run-time version */
const char *
dns_ldns_version(void)
{
	return ldns_version();
}
