/*
 * dnscache - the answer cache of lib/dns.h, answers copied and freed,
 * and the resolver's holders (lib/dnsint.h says how the dns*.c files
 * divide the work)
 *
 * Answers are kept per lower-cased name and type for the TTL dnspkt.c
 * worked out (dns.c decides what is kept); hits come back as copies with
 * from_cache set and TTLs counted down.  Past DNS_CACHE_MAX entries the
 * oldest go.  The resolver's mutex guards the cache and the count of
 * holders; it is never held across a query.  The key cache (lib/keycache)
 * lives beside it and goes with the last holder.  It uses no ldns type
 * and never asks a server.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/dns.h"
#include "lib/dnsint.h"
#include "lib/keycache.h"

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

/* now_s - monotonic clock in seconds */
static time_t
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* dnscache_rrs_free - free an array of records */
void
dnscache_rrs_free(struct dns_rr *rr, size_t n)
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
	dnscache_rrs_free(answer->rr, answer->nrr);
	dnscache_rrs_free(answer->auth, answer->nauth);
	dnscache_rrs_free(answer->addl, answer->naddl);
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
			dnscache_rrs_free(to, i);
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

/* dnscache_get - a copy of the cached answer, or NULL; -1 on ENOMEM */
int
dnscache_get(struct dns_resolver *res, const char *key,
    enum dns_type type, struct dns_answer **answer_out,
    struct lookup_ttl *lt)
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

/* dnscache_put - keep a copy of answer for ttl seconds; ENOMEM is ignored */
void
dnscache_put(struct dns_resolver *res, const char *key,
    enum dns_type type, const struct dns_answer *answer, uint32_t ttl)
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

/* dns_resolver_keycache - the key cache beside the answer cache */
struct keycache *
dns_resolver_keycache(struct dns_resolver *res)
{
	return res->keys;
}

