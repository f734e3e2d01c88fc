/*
 * dnsio - the transport of lib/dns.h: the servers, and one query sent to
 * them (lib/dnsint.h says how the dns*.c files divide the work)
 *
 * It owns the server list (Nameservers, else the nameserver lines of
 * /etc/resolv.conf, else 127.0.0.1), the sockets and the deadlines.  ldns
 * builds the query; dnspkt.c reads the reply.  It never caches, never
 * follows a CNAME and never judges what an answer says beyond its rcode.
 *
 * One connected UDP socket per try, so that each server keeps its own
 * port, each try has its own deadline and an ICMP port unreachable is
 * seen at once, and TCP when an answer comes back truncated (RFC 7766).
 * Queries carry a random ID and EDNS0 (1232 octets), resent without EDNS
 * when the server says FORMERR; a reply counts only with our ID and
 * question.  No ldns_resolver is used, so nothing is shared between
 * threads but the cache, which has its own mutex and is never held
 * across a query.
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
#include "lib/dnsint.h"
#include "lib/errbuf.h"
#include "lib/keycache.h"

#define DEFAULT_TIMEOUT_MS	5000
#define EDNS_UDP_SIZE		1232	/* DNS flag day 2020 */
#define MSG_MAX			65535
#define RESOLV_CONF		"/etc/resolv.conf"

/* now_ms - monotonic clock in milliseconds */
static long long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * dnsio_parse_server - "host", "host:port", "[v6]:port" or a bare v6
 * address
 */
int
dnsio_parse_server(const char *tok, size_t len, struct server *srv,
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
		if (dnsio_parse_server(list, n,
		    &res->servers[res->nservers], err) == -1)
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
			if (dnsio_parse_server(p, n,
			    &res->servers[res->nservers], err) == -1) {
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
		rc = dnspkt_check_reply(buf, (size_t)n, id, qname, qtype,
		    pkt_out);
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
		rc = dnspkt_check_reply(buf, len, id, qname, qtype, pkt_out);
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
 * dnsio_ask - ask the servers in turn (see the top of this file);
 * *srv_out is the one that answered.  -1 only on local failure.
 */
int
dnsio_ask(const struct dns_resolver *res, const struct server *servers,
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

/* dns_ldns_version - ldns' own run-time version */
const char *
dns_ldns_version(void)
{
	return ldns_version();
}
