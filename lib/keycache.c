/*
 * keycache - what key lookups concluded, kept for the DNS TTL
 * (interface in lib/keycache.h)
 *
 * A hash table of chains with an age list, as lib/dnscache.c's answer cache:
 * one mutex guards both.  Values are freed outside the lock where that is
 * easy (put), inside it where an expired entry is found (get); the free
 * function never calls back into the cache.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lib/keycache.h"

#define BUCKETS		1024	/* a power of two */

struct kentry {
	struct kentry	*hnext;		/* hash chain */
	struct kentry	*older, *newer;	/* by insertion */
	unsigned int	 hash;
	long long	 expires;
	void		*value;
	keycache_free_fn *free_value;
	char		 name[KEYCACHE_NAME_MAX];	/* lower case */
};

struct keycache {
	pthread_mutex_t	 lock;
	size_t		 max, n;
	unsigned long	 hits, misses;
	struct kentry	*buckets[BUCKETS];
	struct kentry	*oldest, *newest;
};

/* lower - name in ASCII lower case into out; -1 when it does not fit */
static int
lower(const char *name, char *out)
{
	size_t	 i;

	for (i = 0; name[i] != '\0'; i++) {
		if (i == KEYCACHE_NAME_MAX - 1)
			return -1;
		out[i] = (name[i] >= 'A' && name[i] <= 'Z') ?
		    (char)(name[i] - 'A' + 'a') : name[i];
	}
	out[i] = '\0';
	return 0;
}

/* hash - FNV-1a */
static unsigned int
hash(const char *s)
{
	unsigned int	 h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* unlink_entry - out of its chain and the age list; locked */
static void
unlink_entry(struct keycache *kc, struct kentry *e)
{
	struct kentry	**pp;

	pp = &kc->buckets[e->hash & (BUCKETS - 1)];
	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	if (e->older != NULL)
		e->older->newer = e->newer;
	else
		kc->oldest = e->newer;
	if (e->newer != NULL)
		e->newer->older = e->older;
	else
		kc->newest = e->older;
	kc->n--;
}

/* drop - unlink and free an entry and its value; locked */
static void
drop(struct keycache *kc, struct kentry *e)
{
	unlink_entry(kc, e);
	e->free_value(e->value);
	free(e);
}

/* find - the entry for a lower-case name, live or not; locked */
static struct kentry *
find(struct keycache *kc, const char *key, unsigned int h)
{
	struct kentry	*e;

	for (e = kc->buckets[h & (BUCKETS - 1)]; e != NULL; e = e->hnext)
		if (e->hash == h && strcmp(e->name, key) == 0)
			return e;
	return NULL;
}

/* keycache_new - an empty cache */
struct keycache *
keycache_new(size_t max)
{
	struct keycache	*kc;

	if ((kc = calloc(1, sizeof(*kc))) == NULL)
		return NULL;
	if (pthread_mutex_init(&kc->lock, NULL) != 0) {
		free(kc);
		return NULL;
	}
	kc->max = max == 0 ? KEYCACHE_MAX_DEFAULT : max;
	return kc;
}

/* keycache_free - free everything */
void
keycache_free(struct keycache *kc)
{
	if (kc == NULL)
		return;
	while (kc->oldest != NULL)
		drop(kc, kc->oldest);
	pthread_mutex_destroy(&kc->lock);
	free(kc);
}

/* keycache_put - keep value under name for ttl seconds */
void
keycache_put(struct keycache *kc, const char *name, void *value,
    keycache_free_fn *free_value, uint32_t ttl, long long now)
{
	struct kentry	*e, *old, *gone = NULL;

	if (kc == NULL || ttl == 0 || (e = calloc(1, sizeof(*e))) == NULL) {
		free_value(value);
		return;
	}
	if (lower(name, e->name) == -1) {
		free(e);
		free_value(value);
		return;
	}
	e->free_value = free_value;
	e->hash = hash(e->name);
	e->expires = now + (long long)ttl;
	e->value = value;
	pthread_mutex_lock(&kc->lock);
	if ((old = find(kc, e->name, e->hash)) != NULL) {
		unlink_entry(kc, old);
		gone = old;
	}
	while (kc->n >= kc->max && kc->oldest != NULL)
		drop(kc, kc->oldest);
	e->hnext = kc->buckets[e->hash & (BUCKETS - 1)];
	kc->buckets[e->hash & (BUCKETS - 1)] = e;
	e->older = kc->newest;
	if (kc->newest != NULL)
		kc->newest->newer = e;
	else
		kc->oldest = e;
	kc->newest = e;
	kc->n++;
	pthread_mutex_unlock(&kc->lock);
	if (gone != NULL) {
		gone->free_value(gone->value);
		free(gone);
	}
}

/* keycache_get - copy out the live value under name */
int
keycache_get(struct keycache *kc, const char *name, long long now,
    keycache_copy_fn *copy, void *dst)
{
	struct kentry	*e;
	char		 key[KEYCACHE_NAME_MAX];
	unsigned int	 h;
	int		 found = 0;

	if (kc == NULL || lower(name, key) == -1)
		return 0;
	h = hash(key);
	pthread_mutex_lock(&kc->lock);
	if ((e = find(kc, key, h)) != NULL && e->expires <= now) {
		drop(kc, e);
		e = NULL;
	}
	if (e != NULL) {
		copy(e->value, dst);
		found = 1;
		kc->hits++;
	} else
		kc->misses++;
	pthread_mutex_unlock(&kc->lock);
	return found;
}

/* keycache_stats - counters */
void
keycache_stats(struct keycache *kc, unsigned long *hits,
    unsigned long *misses, size_t *entries)
{
	pthread_mutex_lock(&kc->lock);
	if (hits != NULL)
		*hits = kc->hits;
	if (misses != NULL)
		*misses = kc->misses;
	if (entries != NULL)
		*entries = kc->n;
	pthread_mutex_unlock(&kc->lock);
}
