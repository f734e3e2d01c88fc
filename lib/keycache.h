/*
 * keycache - what key lookups concluded, kept for the DNS TTL
 *
 * The verifier looks up the same few keys for most messages (the
 * author's and the ESP's).  Parsing a key record into an EVP_PKEY costs
 * more than the RSA verification itself, so the outcome of a lookup (the
 * parsed key, or why there is none: NXDOMAIN, a bad record) is kept here
 * under the key's DNS name until the DNS answer it came from expires,
 * and the next message takes it without a DNS query, a parse or a thread.
 *
 * Owns: its entries and the values put in them (each freed with the
 * function given with it to keycache_put when it expires, is replaced or
 * evicted, or the cache is freed).  Never: DNS itself, or the meaning of a value; values
 * are opaque and never change once put, and a reader gets its own copy
 * (the copy function given to keycache_get runs under the cache's lock,
 * so a value may hand out references to what it holds).
 *
 * Time is whatever monotonic seconds the caller passes as now; an entry
 * put with ttl lives while now < now_at_put + ttl.  Names are compared
 * without regard to ASCII case.  Past max entries the oldest go.
 *
 * Thread safety: every function may be called from any thread (one
 * mutex, never held across anything but the copy function).
 */
#ifndef DKIMLENS_KEYCACHE_H
#define DKIMLENS_KEYCACHE_H

#include <stddef.h>
#include <stdint.h>

#define KEYCACHE_MAX_DEFAULT	4096	/* entries, as the DNS cache */
#define KEYCACHE_NAME_MAX	256	/* a DNS name with its NUL */

struct keycache;

/* Frees a value the cache let go of. */
typedef void	keycache_free_fn(void *value);
/* Copies a value out to the reader's dst; runs under the cache's lock. */
typedef void	keycache_copy_fn(const void *value, void *dst);

/*
 * keycache_new - an empty cache of up to max entries (0: the default);
 * NULL on ENOMEM
 */
struct keycache *keycache_new(size_t max);

/* keycache_free - free the cache and every value in it; NULL allowed */
void	keycache_free(struct keycache *kc);

/*
 * keycache_put - keep value under name for ttl seconds from now, in place
 * of any value kept there before.  The value belongs to the cache from
 * here on and goes with free_value(value), also when it is not kept (kc
 * NULL, ttl 0, a name over KEYCACHE_NAME_MAX - 1, out of memory): then at
 * once.
 */
void	keycache_put(struct keycache *kc, const char *name, void *value,
	    keycache_free_fn *free_value, uint32_t ttl, long long now);

/*
 * keycache_get - 1 after copy(value, dst) for the live value under name;
 * 0 when there is none (an expired one is dropped).  kc NULL: 0.
 */
int	keycache_get(struct keycache *kc, const char *name, long long now,
	    keycache_copy_fn *copy, void *dst);

/* keycache_stats - hits and misses of keycache_get, entries kept now */
void	keycache_stats(struct keycache *kc, unsigned long *hits,
	    unsigned long *misses, size_t *entries);

#endif
