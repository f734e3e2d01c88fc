/*
 * test_lookup - the pool of lookup threads (lib/lookup.h)
 *
 * A job runs and its result is read after lookup_wait; releasing a
 * running job returns at once and the worker frees the argument when the
 * job ends; a job still queued at its deadline, or released, never runs;
 * lookup_expired tells a running job it is no longer wanted; the size is
 * checked.  Jobs sleep instead of asking DNS: the pool does not care.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "lib/errbuf.h"
#include "lib/lookup.h"

/* One job's argument: how long to sleep, what it saw. */
struct work {
	long		 sleep_ms;
	int		 ran;
	int		 expired_after;	/* lookup_expired() after the sleep */
	int		*expired_out;	/* the same, kept past the free */
	int		*frees;		/* counted by work_free */
};

static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;

static void
nap(long ms)
{
	struct timespec	 ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	nanosleep(&ts, NULL);
}

/* work_run - a lookup_run_fn */
static void
work_run(struct lookup_job *job, void *arg)
{
	struct work	*w = arg;

	nap(w->sleep_ms);
	w->ran = 1;
	w->expired_after = lookup_expired(job);
	if (w->expired_out != NULL)
		*w->expired_out = w->expired_after;
}

/* work_free - a lookup_free_fn: count, then free */
static void
work_free(void *arg)
{
	struct work	*w = arg;

	pthread_mutex_lock(&lock);
	(*w->frees)++;
	pthread_mutex_unlock(&lock);
	free(w);
}

static struct work *
work_new(long sleep_ms, int *frees)
{
	struct work	*w = calloc(1, sizeof(*w));

	assert_non_null(w);
	w->sleep_ms = sleep_ms;
	w->frees = frees;
	return w;
}

static int
frees_now(int *frees)
{
	int	 n;

	pthread_mutex_lock(&lock);
	n = *frees;
	pthread_mutex_unlock(&lock);
	return n;
}

/* test_job_runs_and_result_is_read_after_wait */
static void
test_job_runs_and_result_is_read_after_wait(void **state)
{
	struct lookup_pool	*pool;
	struct lookup_job	*job;
	struct work		*w;
	int			 frees = 0;

	(void)state;
	assert_non_null(pool = lookup_pool_new(2, NULL));
	assert_int_equal(lookup_pool_threads(pool), 2);
	w = work_new(10, &frees);
	assert_non_null(job = lookup_submit(pool, work_run, work_free, w,
	    lookup_now_ms() + 5000, NULL));
	assert_int_equal(lookup_wait(job, lookup_now_ms() + 5000), 1);
	assert_int_equal(lookup_done(job), 1);
	assert_int_equal(w->ran, 1);
	assert_int_equal(w->expired_after, 0);
	assert_int_equal(frees_now(&frees), 0);
	lookup_release(job);
	assert_int_equal(frees_now(&frees), 1);
	lookup_pool_free(pool);
}

/* test_release_of_running_job_does_not_wait */
static void
test_release_of_running_job_does_not_wait(void **state)
{
	struct lookup_pool	*pool;
	struct lookup_job	*job;
	struct work		*w;
	long long		 t0;
	int			 frees = 0, i;

	(void)state;
	assert_non_null(pool = lookup_pool_new(1, NULL));
	w = work_new(400, &frees);
	assert_non_null(job = lookup_submit(pool, work_run, work_free, w,
	    lookup_now_ms() + 5000, NULL));
	nap(50);	/* the worker has it now */
	t0 = lookup_now_ms();
	lookup_release(job);
	assert_true(lookup_now_ms() - t0 < 100);
	/* still running: the argument is not freed yet */
	assert_int_equal(frees_now(&frees), 0);
	for (i = 0; i < 100 && frees_now(&frees) == 0; i++)
		nap(20);
	assert_int_equal(frees_now(&frees), 1);
	lookup_pool_free(pool);
}

/* test_wait_gives_up_at_deadline_and_queued_job_never_runs */
static void
test_wait_gives_up_at_deadline_and_queued_job_never_runs(void **state)
{
	struct lookup_pool	*pool;
	struct lookup_job	*slow, *late;
	struct work		*ws, *wl;
	long long		 t0, deadline;
	int			 frees = 0;

	(void)state;
	assert_non_null(pool = lookup_pool_new(1, NULL));
	ws = work_new(600, &frees);
	wl = work_new(0, &frees);
	t0 = lookup_now_ms();
	deadline = t0 + 200;
	assert_non_null(slow = lookup_submit(pool, work_run, work_free, ws,
	    t0 + 5000, NULL));
	assert_non_null(late = lookup_submit(pool, work_run, work_free, wl,
	    deadline, NULL));
	/* the only worker is busy past the deadline */
	assert_int_equal(lookup_wait(late, deadline), 0);
	assert_true(lookup_now_ms() - t0 >= 190);
	assert_true(lookup_now_ms() - t0 < 500);
	assert_int_equal(lookup_wait(slow, t0 + 5000), 1);
	/* dequeued after its deadline: dropped, not run */
	nap(50);
	assert_int_equal(lookup_done(late), 0);
	assert_int_equal(wl->ran, 0);
	lookup_release(late);
	lookup_release(slow);
	assert_int_equal(frees_now(&frees), 2);
	lookup_pool_free(pool);
}

/* test_released_queued_job_is_freed_at_once_and_never_runs */
static void
test_released_queued_job_is_freed_at_once_and_never_runs(void **state)
{
	struct lookup_pool	*pool;
	struct lookup_job	*slow, *queued;
	int			 frees = 0, ran_frees;

	(void)state;
	assert_non_null(pool = lookup_pool_new(1, NULL));
	assert_non_null(slow = lookup_submit(pool, work_run, work_free,
	    work_new(300, &frees), lookup_now_ms() + 5000, NULL));
	assert_non_null(queued = lookup_submit(pool, work_run, work_free,
	    work_new(0, &frees), lookup_now_ms() + 5000, NULL));
	lookup_release(queued);
	ran_frees = frees_now(&frees);
	assert_int_equal(ran_frees, 1);
	assert_int_equal(lookup_wait(slow, lookup_now_ms() + 5000), 1);
	lookup_release(slow);
	assert_int_equal(frees_now(&frees), 2);
	lookup_pool_free(pool);
}

/* test_running_job_sees_expired_after_release */
static void
test_running_job_sees_expired_after_release(void **state)
{
	struct lookup_pool	*pool;
	struct lookup_job	*job;
	struct work		*w;
	int			 frees = 0, expired = -1;

	(void)state;
	assert_non_null(pool = lookup_pool_new(1, NULL));
	w = work_new(200, &frees);
	w->expired_out = &expired;
	assert_non_null(job = lookup_submit(pool, work_run, work_free, w,
	    lookup_now_ms() + 5000, NULL));
	nap(50);
	assert_int_equal(lookup_expired(job), 0);
	lookup_release(job);
	lookup_pool_free(pool);		/* waits for the running job */
	assert_int_equal(expired, 1);
	assert_int_equal(frees, 1);
	/* a lookup run without the pool is never expired */
	assert_int_equal(lookup_expired(NULL), 0);
}

/* test_many_jobs_on_few_threads_all_finish */
static void
test_many_jobs_on_few_threads_all_finish(void **state)
{
	struct lookup_pool	*pool;
	struct lookup_job	*job[40];
	struct work		*w[40];
	int			 frees = 0, i;

	(void)state;
	assert_non_null(pool = lookup_pool_new(3, NULL));
	for (i = 0; i < 40; i++) {
		w[i] = work_new(i % 3, &frees);
		assert_non_null(job[i] = lookup_submit(pool, work_run,
		    work_free, w[i], lookup_now_ms() + 10000, NULL));
	}
	for (i = 0; i < 40; i++) {
		assert_int_equal(lookup_wait(job[i], lookup_now_ms() + 10000),
		    1);
		assert_int_equal(w[i]->ran, 1);
		lookup_release(job[i]);
	}
	assert_int_equal(frees_now(&frees), 40);
	lookup_pool_free(pool);
}

/* test_pool_size_is_checked */
static void
test_pool_size_is_checked(void **state)
{
	struct errbuf	 err;

	(void)state;
	errbuf_clear(&err);
	assert_null(lookup_pool_new(0, &err));
	assert_non_null(strstr(err.msg, "not in 1..256"));
	assert_null(lookup_pool_new(LOOKUP_THREADS_MAX + 1, NULL));
	lookup_pool_free(NULL);
	lookup_release(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_job_runs_and_result_is_read_after_wait),
		cmocka_unit_test(test_release_of_running_job_does_not_wait),
		cmocka_unit_test(
		    test_wait_gives_up_at_deadline_and_queued_job_never_runs),
		cmocka_unit_test(
		    test_released_queued_job_is_freed_at_once_and_never_runs),
		cmocka_unit_test(test_running_job_sees_expired_after_release),
		cmocka_unit_test(test_many_jobs_on_few_threads_all_finish),
		cmocka_unit_test(test_pool_size_is_checked),
	};

	return cmocka_run_group_tests_name("lookup", tests, NULL, NULL);
}
