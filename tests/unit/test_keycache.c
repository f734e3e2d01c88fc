/*
 * test_keycache - the cache of key lookups' outcomes (lib/keycache.h)
 *
 * A value lives for its TTL on the caller's clock and no longer; a name
 * is found whatever its case; a newer value replaces and frees the older;
 * past the size the oldest go; a value not kept is freed at once; and
 * threads that put and get the same names at once see whole values and
 * leak nothing (run under ASan by the unit-san suite).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/keycache.h"

static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static int		 frees;

/* A value: a number and its square, so a torn copy shows. */
struct val {
	long	 n, sq;
};

static void
val_free(void *arg)
{
	pthread_mutex_lock(&lock);
	frees++;
	pthread_mutex_unlock(&lock);
	free(arg);
}

static void
val_copy(const void *arg, void *dst)
{
	*(struct val *)dst = *(const struct val *)arg;
}

static struct val *
val_new(long n)
{
	struct val	*v = malloc(sizeof(*v));

	assert_non_null(v);
	v->n = n;
	v->sq = n * n;
	return v;
}

static int
setup(void **state)
{
	(void)state;
	frees = 0;
	return 0;
}

/* test_ttl_expiry - live before now + ttl, gone (and freed) at it */
static void
test_ttl_expiry(void **state)
{
	struct keycache	*kc;
	struct val	 got;
	unsigned long	 hits, misses;
	size_t		 n;

	(void)state;
	assert_non_null(kc = keycache_new(0));
	keycache_put(kc, "sel._domainkey.example.com", val_new(7), val_free,
	    300, 1000);
	memset(&got, 0, sizeof(got));
	assert_int_equal(keycache_get(kc, "sel._domainkey.example.com", 1000,
	    val_copy, &got), 1);
	assert_int_equal(got.n, 7);
	assert_int_equal(keycache_get(kc, "sel._domainkey.example.com", 1299,
	    val_copy, &got), 1);
	assert_int_equal(frees, 0);
	assert_int_equal(keycache_get(kc, "sel._domainkey.example.com", 1300,
	    val_copy, &got), 0);
	/* the expired value was dropped when found */
	assert_int_equal(frees, 1);
	keycache_stats(kc, &hits, &misses, &n);
	assert_int_equal(hits, 2);
	assert_int_equal(misses, 1);
	assert_int_equal(n, 0);
	keycache_free(kc);
}

/* test_case_and_other_names - case does not matter, other names miss */
static void
test_case_and_other_names(void **state)
{
	struct keycache	*kc;
	struct val	 got;

	(void)state;
	assert_non_null(kc = keycache_new(0));
	keycache_put(kc, "Sel._DomainKey.Example.COM", val_new(3), val_free,
	    60, 0);
	assert_int_equal(keycache_get(kc, "sel._domainkey.example.com", 1,
	    val_copy, &got), 1);
	assert_int_equal(got.n, 3);
	assert_int_equal(keycache_get(kc, "sel._domainkey.example.net", 1,
	    val_copy, &got), 0);
	assert_int_equal(keycache_get(kc, "sel._domainkey.example.co", 1,
	    val_copy, &got), 0);
	keycache_free(kc);
	assert_int_equal(frees, 1);
}

/* test_replace_frees_older - one value per name, the newest */
static void
test_replace_frees_older(void **state)
{
	struct keycache	*kc;
	struct val	 got;
	size_t		 n;

	(void)state;
	assert_non_null(kc = keycache_new(0));
	keycache_put(kc, "a.example", val_new(1), val_free, 60, 0);
	keycache_put(kc, "A.example", val_new(2), val_free, 60, 0);
	assert_int_equal(frees, 1);
	assert_int_equal(keycache_get(kc, "a.example", 1, val_copy, &got), 1);
	assert_int_equal(got.n, 2);
	keycache_stats(kc, NULL, NULL, &n);
	assert_int_equal(n, 1);
	keycache_free(kc);
	assert_int_equal(frees, 2);
}

/* test_not_kept_is_freed - ttl 0, an overlong name, no cache */
static void
test_not_kept_is_freed(void **state)
{
	struct keycache	*kc;
	struct val	 got;
	char		 name[KEYCACHE_NAME_MAX + 10];

	(void)state;
	assert_non_null(kc = keycache_new(0));
	keycache_put(kc, "a.example", val_new(1), val_free, 0, 0);
	assert_int_equal(frees, 1);
	assert_int_equal(keycache_get(kc, "a.example", 0, val_copy, &got), 0);
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	keycache_put(kc, name, val_new(2), val_free, 60, 0);
	assert_int_equal(frees, 2);
	assert_int_equal(keycache_get(kc, name, 0, val_copy, &got), 0);
	keycache_put(NULL, "a.example", val_new(3), val_free, 60, 0);
	assert_int_equal(frees, 3);
	assert_int_equal(keycache_get(NULL, "a.example", 0, val_copy, &got),
	    0);
	keycache_free(kc);
}

/* test_oldest_evicted - past max entries the oldest go first */
static void
test_oldest_evicted(void **state)
{
	struct keycache	*kc;
	struct val	 got;
	char		 name[32];
	size_t		 n;
	int		 i;

	(void)state;
	assert_non_null(kc = keycache_new(3));
	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "k%d.example", i);
		keycache_put(kc, name, val_new(i), val_free, 60, 0);
	}
	keycache_stats(kc, NULL, NULL, &n);
	assert_int_equal(n, 3);
	assert_int_equal(frees, 2);
	assert_int_equal(keycache_get(kc, "k0.example", 1, val_copy, &got), 0);
	assert_int_equal(keycache_get(kc, "k1.example", 1, val_copy, &got), 0);
	assert_int_equal(keycache_get(kc, "k2.example", 1, val_copy, &got), 1);
	assert_int_equal(keycache_get(kc, "k4.example", 1, val_copy, &got), 1);
	assert_int_equal(got.n, 4);
	keycache_free(kc);
	assert_int_equal(frees, 5);
}

#define THREADS		8
#define ROUNDS		4000

struct worker_arg {
	struct keycache	*kc;
	int		 id;
	int		 torn;		/* a value whose parts disagree */
	int		 hits;
};

/* worker - put and get a few shared names, expiring as time goes */
static void *
worker(void *arg)
{
	struct worker_arg	*w = arg;
	struct val		 got;
	char			 name[32];
	int			 i;

	for (i = 0; i < ROUNDS; i++) {
		snprintf(name, sizeof(name), "s%d._domainkey.example",
		    (i + w->id) % 5);
		if (i % 3 == 0)
			keycache_put(w->kc, name, val_new(i + w->id),
			    val_free, (uint32_t)(1 + i % 4), i / 100);
		if (keycache_get(w->kc, name, i / 100, val_copy, &got)) {
			w->hits++;
			if (got.sq != got.n * got.n)
				w->torn++;
		}
	}
	return NULL;
}

/* test_threads - concurrent puts, gets and expiry; every value freed */
static void
test_threads(void **state)
{
	struct keycache		*kc;
	struct worker_arg	 w[THREADS];
	pthread_t		 t[THREADS];
	int			 i, hits = 0, puts = 0;

	(void)state;
	assert_non_null(kc = keycache_new(4));
	for (i = 0; i < THREADS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].kc = kc;
		w[i].id = i;
		assert_int_equal(pthread_create(&t[i], NULL, worker, &w[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(w[i].torn, 0);
		hits += w[i].hits;
	}
	assert_true(hits > 0);
	keycache_free(kc);
	/* every value put was freed exactly once (ASan: none twice) */
	for (i = 0; i < ROUNDS; i++)
		puts += i % 3 == 0;
	assert_int_equal(frees, puts * THREADS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ttl_expiry, setup),
		cmocka_unit_test_setup(test_case_and_other_names, setup),
		cmocka_unit_test_setup(test_replace_frees_older, setup),
		cmocka_unit_test_setup(test_not_kept_is_freed, setup),
		cmocka_unit_test_setup(test_oldest_evicted, setup),
		cmocka_unit_test_setup(test_threads, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
