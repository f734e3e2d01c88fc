/*
 * fake_dns - lib/dns.h served from a fixture table (see fake_dns.h)
 *
 * Test code: the table is one process-wide array behind one mutex.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/dns.h"
#include "lib/errbuf.h"
#include "lib/keycache.h"
#include "tests/unit/fake_dns.h"

#define SEC_ANSWER	0
#define SEC_AUTH	1
#define SEC_ADDL	2
#define DEFAULT_TTL	300
#define SERVER_LEN	64

struct fentry {
	char		 server[SERVER_LEN];	/* "": the common table */
	char		 name[DNS_NAME_MAX];	/* lower case, no dot */
	int		 section;
	int		 is_status;	/* a status line, not data */
	enum dns_status	 status;
	enum dns_type	 type;
	uint32_t	 ttl;
	char		*data;
	size_t		 data_len;
	size_t		 nstrings;
};

struct fcache {
	struct fcache		*next;
	char			 server[SERVER_LEN];
	char			 name[DNS_NAME_MAX];
	enum dns_type		 type;
	struct dns_answer	*answer;
};

struct dns_resolver {
	char		 servers[DNS_SERVER_MAX * (SERVER_LEN + 1)];
	char		 first[SERVER_LEN];
	int		 no_cache;
	struct fcache	*cache;
	unsigned int	 refs;		/* dns_resolver_hold */
	struct keycache	*keys;		/* a real one (lib/keycache.c) */
};

static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static struct fentry	*table;
static size_t		 ntable;
static size_t		 nqueries;

/* norm_server - "a" -> "a:53", "[v6]" or bare v6 -> "[v6]:53" */
static int
norm_server(const char *s, size_t len, char *out)
{
	const char	*c;
	size_t		 ncolon = 0;
	int		 n;

	for (c = s; c < s + len; c++)
		ncolon += *c == ':';
	if (len > 0 && s[0] == '[' && s[len - 1] == ']')
		n = snprintf(out, SERVER_LEN, "%.*s:53", (int)len, s);
	else if (len > 0 && s[0] == '[')
		n = snprintf(out, SERVER_LEN, "%.*s", (int)len, s);
	else if (ncolon > 1)
		n = snprintf(out, SERVER_LEN, "[%.*s]:53", (int)len, s);
	else if (ncolon == 1)
		n = snprintf(out, SERVER_LEN, "%.*s", (int)len, s);
	else
		n = snprintf(out, SERVER_LEN, "%.*s:53", (int)len, s);
	return (len == 0 || n < 0 || n >= SERVER_LEN) ? -1 : 0;
}

/* norm_name - lower case, no trailing dot; -1 when malformed */
static int
norm_name(const char *in, size_t len, char *out)
{
	size_t	 i, label = 0;

	if (len > 1 && in[len - 1] == '.')
		len--;
	if (len == 0 || len > 253)
		return -1;
	if (len == 1 && in[0] == '.') {
		strcpy(out, ".");
		return 0;
	}
	for (i = 0; i < len; i++) {
		if (in[i] == '.') {
			if (label == 0)
				return -1;
			label = 0;
		} else if (++label > 63)
			return -1;
		out[i] = (char)tolower((unsigned char)in[i]);
	}
	out[len] = '\0';
	return label == 0 ? -1 : 0;
}

/* below - whether name is owner or a name under it */
static int
below(const char *name, const char *owner)
{
	size_t	 n = strlen(name), o = strlen(owner);

	if (strcmp(owner, ".") == 0 || strcmp(name, owner) == 0)
		return 1;
	return n > o && name[n - o - 1] == '.' &&
	    strcmp(name + n - o, owner) == 0;
}

/* next_token - the next white-space separated word, quotes kept */
static const char *
next_token(const char **p, size_t *len)
{
	const char	*s = *p, *t;

	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	if (*s == '\0' || *s == '\n')
		return NULL;
	t = s;
	if (*t == '"') {
		for (t++; *t != '\0' && *t != '\n' && *t != '"'; t++)
			if (*t == '\\' && t[1] != '\0' && t[1] != '\n')
				t++;
		if (*t == '"')
			t++;
	} else
		while (*t != '\0' && *t != '\n' && *t != ' ' && *t != '\t' &&
		    *t != '\r')
			t++;
	*p = t;
	*len = (size_t)(t - s);
	return s;
}

/* append_string - one TXT character-string, unquoted, onto e->data */
static int
append_string(struct fentry *e, const char *s, size_t len)
{
	char	*p;
	size_t	 i;
	int	 v;

	if ((p = realloc(e->data, e->data_len + len + 1)) == NULL)
		return -1;
	e->data = p;
	if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
		s++;
		len -= 2;
	} else if (len > 0 && s[0] == '"')
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] != '\\' || i + 1 == len) {
			p[e->data_len++] = s[i];
			continue;
		}
		i++;
		if (i + 2 < len && isdigit((unsigned char)s[i]) &&
		    isdigit((unsigned char)s[i + 1]) &&
		    isdigit((unsigned char)s[i + 2])) {
			v = (s[i] - '0') * 100 + (s[i + 1] - '0') * 10 +
			    (s[i + 2] - '0');
			if (v > 255)
				return -1;
			p[e->data_len++] = (char)v;
			i += 2;
		} else
			p[e->data_len++] = s[i];
	}
	p[e->data_len] = '\0';
	e->nstrings++;
	return 0;
}

/* set_text - e->data from one token or the rest of the line */
static int
set_text(struct fentry *e, const char *s, size_t len)
{
	if ((e->data = malloc(len + 1)) == NULL)
		return -1;
	memcpy(e->data, s, len);
	e->data[len] = '\0';
	e->data_len = len;
	return 0;
}

static const struct {
	const char	*word;
	enum dns_status	 status;
} status_words[] = {
	{ "NXDOMAIN", DNS_NXDOMAIN }, { "SERVFAIL", DNS_SERVFAIL },
	{ "TIMEOUT", DNS_TIMEOUT }, { "REFUSED", DNS_REFUSED },
	{ "BADRESPONSE", DNS_BADRESPONSE }, { "NETERROR", DNS_NETERROR },
	{ "NODATA", DNS_NODATA },
};

static const enum dns_type all_types[] = { DNS_T_A, DNS_T_NS, DNS_T_CNAME,
	DNS_T_SOA, DNS_T_TXT, DNS_T_AAAA };

/* parse_line - one fixture line into e; "" in why on success */
static int
parse_line(const char *p, struct fentry *e, const char **why)
{
	const char	*t;
	char		 word[32], buf[DNS_NAME_MAX];
	unsigned char	 addr[16];
	size_t		 len, i;
	int		 found;

	memset(e, 0, sizeof(*e));
	e->ttl = DEFAULT_TTL;
	*why = "missing name";
	if ((t = next_token(&p, &len)) == NULL)
		return -1;
	if (t[0] == '@') {
		*why = "bad @server";
		if (norm_server(t + 1, len - 1, e->server) == -1)
			return -1;
		*why = "missing name";
		if ((t = next_token(&p, &len)) == NULL)
			return -1;
	}
	*why = "bad name";
	if (len >= DNS_NAME_MAX || norm_name(t, len, e->name) == -1)
		return -1;
	*why = "missing type";
	if ((t = next_token(&p, &len)) == NULL)
		return -1;
	if (isdigit((unsigned char)t[0])) {
		e->ttl = (uint32_t)strtoul(t, NULL, 10);
		if ((t = next_token(&p, &len)) == NULL)
			return -1;
	}
	if (len == 4 && strncasecmp(t, "AUTH", 4) == 0)
		e->section = SEC_AUTH;
	else if (len == 4 && strncasecmp(t, "ADDL", 4) == 0)
		e->section = SEC_ADDL;
	if (e->section != SEC_ANSWER && (t = next_token(&p, &len)) == NULL)
		return -1;
	*why = "unknown type";
	if (len >= sizeof(word))
		return -1;
	memcpy(word, t, len);
	word[len] = '\0';

	for (i = 0; i < sizeof(status_words) / sizeof(status_words[0]); i++)
		if (strcasecmp(word, status_words[i].word) == 0) {
			e->is_status = 1;
			e->status = status_words[i].status;
			*why = "junk after status";
			return next_token(&p, &len) == NULL ? 0 : -1;
		}
	found = 0;
	for (i = 0; i < sizeof(all_types) / sizeof(all_types[0]); i++)
		if (strcasecmp(word, dns_type_name(all_types[i])) == 0) {
			e->type = all_types[i];
			found = 1;
		}
	if (!found)
		return -1;

	*why = "missing data";
	switch (e->type) {
	case DNS_T_TXT:
		if ((e->data = calloc(1, 1)) == NULL)
			return -1;
		while ((t = next_token(&p, &len)) != NULL)
			if (append_string(e, t, len) == -1) {
				*why = "bad character-string";
				return -1;
			}
		return e->nstrings > 0 ? 0 : -1;
	case DNS_T_CNAME:
	case DNS_T_NS:
		if ((t = next_token(&p, &len)) == NULL)
			return -1;
		*why = "bad target name";
		if (len >= DNS_NAME_MAX || norm_name(t, len, buf) == -1 ||
		    set_text(e, buf, strlen(buf)) == -1)
			return -1;
		break;
	case DNS_T_A:
	case DNS_T_AAAA:
		if ((t = next_token(&p, &len)) == NULL)
			return -1;
		*why = "bad address";
		if (len >= sizeof(buf))
			return -1;
		memcpy(buf, t, len);
		buf[len] = '\0';
		if (inet_pton(e->type == DNS_T_A ? AF_INET : AF_INET6, buf,
		    addr) != 1 || set_text(e, buf, len) == -1)
			return -1;
		break;
	case DNS_T_SOA:
		while (*p == ' ' || *p == '\t')
			p++;
		len = strcspn(p, "\r\n");
		if (len == 0 || set_text(e, p, len) == -1)
			return -1;
		return 0;
	}
	*why = "junk after data";
	return next_token(&p, &len) == NULL ? 0 : -1;
}

/* fake_dns_load - add fixture lines to the table */
int
fake_dns_load(const char *text)
{
	struct fentry	 e, *nt;
	const char	*line, *why, *s;
	size_t		 lineno = 0;
	int		 rc = 0;

	for (line = text; line != NULL && *line != '\0';
	    line = (s = strchr(line, '\n')) != NULL ? s + 1 : NULL) {
		lineno++;
		s = line + strspn(line, " \t\r");
		if (*s == '\n' || *s == '\0' || *s == '#' || *s == ';')
			continue;
		if (parse_line(s, &e, &why) == -1) {
			fprintf(stderr, "fake_dns: line %zu: %s: %.*s\n",
			    lineno, why, (int)strcspn(line, "\n"), line);
			free(e.data);
			return -1;
		}
		pthread_mutex_lock(&lock);
		nt = reallocarray(table, ntable + 1, sizeof(*table));
		if (nt == NULL)
			rc = -1;
		else {
			table = nt;
			table[ntable++] = e;
		}
		pthread_mutex_unlock(&lock);
		if (rc == -1) {
			free(e.data);
			fprintf(stderr, "fake_dns: out of memory\n");
			return -1;
		}
	}
	return 0;
}

/* fake_dns_load_file - add the fixture lines of a file */
int
fake_dns_load_file(const char *path)
{
	FILE	*fp;
	char	*text = NULL;
	size_t	 len = 0;
	int	 rc;

	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "fake_dns: cannot open %s\n", path);
		return -1;
	}
	if ((text = malloc(1 << 20)) == NULL) {
		fclose(fp);
		return -1;
	}
	len = fread(text, 1, (1 << 20) - 1, fp);
	fclose(fp);
	text[len] = '\0';
	rc = fake_dns_load(text);
	free(text);
	return rc;
}

/* fake_dns_reset - empty the table and the counter */
void
fake_dns_reset(void)
{
	size_t	 i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < ntable; i++)
		free(table[i].data);
	free(table);
	table = NULL;
	ntable = 0;
	nqueries = 0;
	pthread_mutex_unlock(&lock);
}

/* fake_dns_queries - lookups that reached the table */
size_t
fake_dns_queries(void)
{
	size_t	 n;

	pthread_mutex_lock(&lock);
	n = nqueries;
	pthread_mutex_unlock(&lock);
	return n;
}

/* dns_resolver_new - a fake resolver; the settings' servers are kept */
struct dns_resolver *
dns_resolver_new(const struct dns_settings *settings, struct errbuf *err)
{
	struct dns_resolver	*res;
	const char		*p, *sep = ", \t\r\n";
	char			 one[SERVER_LEN];
	size_t			 n, len;

	if ((res = calloc(1, sizeof(*res))) == NULL) {
		errbuf_set(err, "dns: out of memory");
		return NULL;
	}
	p = settings != NULL && settings->nameservers != NULL ?
	    settings->nameservers : "";
	res->no_cache = settings != NULL && settings->no_cache;
	for (n = 0; *(p += strspn(p, sep)) != '\0'; p += len, n++) {
		len = strcspn(p, sep);
		if (n == DNS_SERVER_MAX || norm_server(p, len, one) == -1) {
			errbuf_set(err, "nameservers \"%s\": bad entry",
			    settings->nameservers);
			free(res);
			return NULL;
		}
		if (n == 0)
			memcpy(res->first, one, sizeof(one));
		snprintf(res->servers + strlen(res->servers),
		    sizeof(res->servers) - strlen(res->servers), "%s%s",
		    n > 0 ? "," : "", one);
	}
	if (n == 0) {
		strcpy(res->first, "127.0.0.1:53");
		strcpy(res->servers, res->first);
	}
	if (!res->no_cache && (res->keys = keycache_new(0)) == NULL) {
		errbuf_set(err, "dns: out of memory");
		free(res);
		return NULL;
	}
	return res;
}

/* dns_answer_free - free an answer */
void
dns_answer_free(struct dns_answer *answer)
{
	size_t	 i;

	if (answer == NULL)
		return;
	for (i = 0; i < answer->nrr; i++)
		free(answer->rr[i].data);
	for (i = 0; i < answer->nauth; i++)
		free(answer->auth[i].data);
	for (i = 0; i < answer->naddl; i++)
		free(answer->addl[i].data);
	free(answer->rr);
	free(answer->auth);
	free(answer->addl);
	free(answer);
}

/* dns_resolver_hold - one more holder, as lib/dnscache.c counts them */
struct dns_resolver *
dns_resolver_hold(struct dns_resolver *res)
{
	pthread_mutex_lock(&lock);
	res->refs++;
	pthread_mutex_unlock(&lock);
	return res;
}

/* dns_resolver_free - the last holder frees the fake and its cache */
void
dns_resolver_free(struct dns_resolver *res)
{
	struct fcache	*c;
	unsigned int	 left;

	if (res == NULL)
		return;
	/* refs counts the holds beyond the builder's */
	pthread_mutex_lock(&lock);
	left = res->refs;
	if (left > 0)
		res->refs--;
	pthread_mutex_unlock(&lock);
	if (left > 0)
		return;
	while ((c = res->cache) != NULL) {
		res->cache = c->next;
		dns_answer_free(c->answer);
		free(c);
	}
	keycache_free(res->keys);
	free(res);
}

/* dup_rrs - deep copy of a record array */
static struct dns_rr *
dup_rrs(const struct dns_rr *from, size_t n)
{
	struct dns_rr	*to;
	size_t		 i;

	if (n == 0 || (to = calloc(n, sizeof(*to))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		to[i] = from[i];
		if ((to[i].data = malloc(from[i].data_len + 1)) == NULL)
			abort();
		memcpy(to[i].data, from[i].data, from[i].data_len + 1);
	}
	return to;
}

/* dup_answer - deep copy of an answer; aborts on ENOMEM (test code) */
static struct dns_answer *
dup_answer(const struct dns_answer *from)
{
	struct dns_answer	*to;

	if ((to = malloc(sizeof(*to))) == NULL)
		abort();
	*to = *from;
	to->rr = dup_rrs(from->rr, from->nrr);
	to->auth = dup_rrs(from->auth, from->nauth);
	to->addl = dup_rrs(from->addl, from->naddl);
	return to;
}

/* add_rr - append a table entry as a record; aborts on ENOMEM */
static void
add_rr(const struct fentry *e, struct dns_rr **arr, size_t *n)
{
	struct dns_rr	*r;

	if ((*arr = reallocarray(*arr, *n + 1, sizeof(**arr))) == NULL)
		abort();
	r = &(*arr)[(*n)++];
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", e->name);
	r->type = e->type;
	r->ttl = e->ttl;
	r->nstrings = e->nstrings;
	r->data_len = e->data_len;
	if ((r->data = malloc(e->data_len + 1)) == NULL)
		abort();
	memcpy(r->data, e->data, e->data_len + 1);
}

/* visible - whether the entry belongs to the table server reads */
static int
visible(const struct fentry *e, const char *server)
{
	return strcmp(e->server, server) == 0;
}

/* fill_sections - authority and additional records for name */
static void
fill_sections(struct dns_answer *a, const char *name, const char *server)
{
	const char	*best = NULL;
	size_t		 i, j;

	for (i = 0; i < ntable; i++)
		if (visible(&table[i], server) &&
		    table[i].section == SEC_AUTH &&
		    below(name, table[i].name) &&
		    (best == NULL || strlen(table[i].name) > strlen(best)))
			best = table[i].name;
	if (best == NULL)
		return;
	for (i = 0; i < ntable; i++)
		if (visible(&table[i], server) &&
		    table[i].section == SEC_AUTH && !table[i].is_status &&
		    strcmp(table[i].name, best) == 0)
			add_rr(&table[i], &a->auth, &a->nauth);
	for (i = 0; i < ntable; i++) {
		if (!visible(&table[i], server) ||
		    table[i].section != SEC_ADDL || table[i].is_status)
			continue;
		for (j = 0; j < a->nauth; j++)
			if (a->auth[j].type == DNS_T_NS &&
			    strcmp(a->auth[j].data, table[i].name) == 0) {
				add_rr(&table[i], &a->addl, &a->naddl);
				break;
			}
	}
}

/* status_rcode - the rcode a server would have sent */
static int
status_rcode(enum dns_status st)
{
	switch (st) {
	case DNS_OK:
	case DNS_NODATA:
		return 0;
	case DNS_NXDOMAIN:
		return 3;
	case DNS_SERVFAIL:
		return 2;
	case DNS_REFUSED:
		return 5;
	case DNS_BADRESPONSE:
		return 1;
	default:
		return -1;
	}
}

/* resolve - answer from the table; called locked */
static void
resolve(struct dns_answer *a, const char *server, int follow)
{
	const struct fentry	*e, *cn;
	char			 cur[DNS_NAME_MAX];
	size_t			 i, j;
	int			 exists, marker;

	snprintf(cur, sizeof(cur), "%s", a->qname);
	for (;;) {
		exists = marker = 0;
		cn = NULL;
		for (i = 0; i < ntable; i++) {
			e = &table[i];
			if (!visible(e, server) || e->section != SEC_ANSWER)
				continue;
			if (strcmp(e->name, cur) == 0 && e->is_status) {
				a->status = e->status;
				marker = 1;
				break;
			}
			if (below(e->name, cur))
				exists = 1;
			if (strcmp(e->name, cur) != 0)
				continue;
			if (e->type == a->qtype ||
			    (!follow && e->type == DNS_T_CNAME))
				add_rr(e, &a->rr, &a->nrr);
			else if (e->type == DNS_T_CNAME)
				cn = e;
		}
		if (marker || a->nrr > 0)
			break;
		if (cn != NULL && follow && a->qtype != DNS_T_CNAME) {
			if (a->ncname == DNS_MAX_CNAME) {
				a->status = DNS_BADRESPONSE;
				a->rcode = -1;
				return;
			}
			snprintf(a->cname[a->ncname++], DNS_NAME_MAX, "%s",
			    cn->data);
			snprintf(cur, sizeof(cur), "%s", cn->data);
			continue;
		}
		a->status = exists ? DNS_NODATA : DNS_NXDOMAIN;
		break;
	}
	if (a->nrr > 0)
		a->status = DNS_OK;
	a->rcode = status_rcode(a->status);
	a->aa = a->status == DNS_OK || a->status == DNS_NODATA ||
	    a->status == DNS_NXDOMAIN;
	if (a->status == DNS_TIMEOUT || a->status == DNS_NETERROR)
		return;
	fill_sections(a, cur, server);
	if (a->nrr == 0 && a->nauth > 0) {
		for (i = j = 0; i < a->nauth; i++) {
			if (a->auth[i].type == DNS_T_SOA)
				return;
			j += a->auth[i].type == DNS_T_NS;
		}
		if (j > 0 && a->status == DNS_NXDOMAIN) {
			/* A referral: the name is below a delegation. */
			a->status = DNS_NODATA;
			a->rcode = 0;
			a->aa = 0;
		} else if (j > 0)
			a->aa = 0;
	}
}

/* start - a new answer for name, or -1 when the name is malformed */
static int
start(const char *name, enum dns_type type, struct dns_answer **a_out,
    struct errbuf *err)
{
	struct dns_answer	*a;

	*a_out = NULL;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return errbuf_set(err, "dns: out of memory");
	if (name == NULL || strlen(name) >= DNS_NAME_MAX ||
	    norm_name(name, strlen(name), a->qname) == -1) {
		free(a);
		return errbuf_set(err, "DNS name \"%.64s\": malformed",
		    name != NULL ? name : "(null)");
	}
	a->qtype = type;
	a->rcode = -1;
	*a_out = a;
	return 0;
}

/* dns_resolver_keycache - the resolver's key cache */
struct keycache *
dns_resolver_keycache(struct dns_resolver *res)
{
	return res->keys;
}

/* dns_query - answer from the common table, through the cache */
int
dns_query(struct dns_resolver *res, const char *name, enum dns_type type,
    struct dns_answer **answer_out, struct errbuf *err)
{
	struct dns_answer	*a;
	struct fcache		*c;
	size_t			 i;

	*answer_out = NULL;
	if (start(name, type, &a, err) == -1)
		return -1;
	pthread_mutex_lock(&lock);
	for (c = res->cache; c != NULL; c = c->next)
		if (c->server[0] == '\0' && c->type == type &&
		    strcmp(c->name, a->qname) == 0) {
			dns_answer_free(a);
			a = dup_answer(c->answer);
			a->from_cache = 1;
			pthread_mutex_unlock(&lock);
			*answer_out = a;
			return 0;
		}
	nqueries++;
	resolve(a, "", 1);
	snprintf(a->server, sizeof(a->server), "%s", res->first);
	if (!res->no_cache && (a->status == DNS_OK ||
	    a->status == DNS_NXDOMAIN || a->status == DNS_NODATA)) {
		if ((c = calloc(1, sizeof(*c))) == NULL)
			abort();
		snprintf(c->name, sizeof(c->name), "%s", a->qname);
		c->type = type;
		c->answer = dup_answer(a);
		c->next = res->cache;
		res->cache = c;
		/* kept for the smallest TTL, as lib/dns.c says */
		a->ttl = 300;
		for (i = 0; i < a->nrr; i++)
			if (a->rr[i].ttl < a->ttl)
				a->ttl = a->rr[i].ttl;
		c->answer->ttl = a->ttl;
	}
	pthread_mutex_unlock(&lock);
	*answer_out = a;
	return 0;
}

/* dns_query_at - answer from the server's own table, or the common one */
int
dns_query_at(struct dns_resolver *res, const char *server, const char *name,
    enum dns_type type, int recurse, struct dns_answer **answer_out,
    struct errbuf *err)
{
	struct dns_answer	*a;
	char			 srv[SERVER_LEN];
	const char		*table_of = "";
	size_t			 i;

	(void)res;
	(void)recurse;
	*answer_out = NULL;
	if (server == NULL || norm_server(server, strlen(server), srv) == -1)
		return errbuf_set(err, "nameserver \"%s\": malformed",
		    server != NULL ? server : "(null)");
	if (start(name, type, &a, err) == -1)
		return -1;
	pthread_mutex_lock(&lock);
	nqueries++;
	for (i = 0; i < ntable; i++)
		if (strcmp(table[i].server, srv) == 0) {
			table_of = srv;
			break;
		}
	resolve(a, table_of, 0);
	pthread_mutex_unlock(&lock);
	snprintf(a->server, sizeof(a->server), "%s", srv);
	*answer_out = a;
	return 0;
}

/* dns_servers - the servers from the settings, normalized */
const char *
dns_servers(const struct dns_resolver *res)
{
	return res->servers;
}
