/*
 * lookup - a fixed pool of threads that runs the DNS lookups of messages
 * (interface and ownership rules in lib/lookup.h)
 *
 * One mutex guards the queue and every job's state; it is never held
 * while a job runs.  A job moves QUEUED -> RUNNING -> DONE, or QUEUED ->
 * DROPPED when it is released or its deadline passes before a worker
 * takes it.  Whoever sees the job both released and not running (the
 * releasing caller, or the worker finishing it) frees it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "lib/errbuf.h"
#include "lib/lookup.h"

enum job_state { JOB_QUEUED, JOB_RUNNING, JOB_DONE, JOB_DROPPED };

struct lookup_job {
	struct lookup_pool	*pool;
	struct lookup_job	*prev, *next;	/* queue links */
	lookup_run_fn		*run;
	lookup_free_fn		*free_arg;
	void			*arg;
	long long		 deadline_ms;
	enum job_state		 state;
	int			 released;
};

struct lookup_pool {
	pthread_mutex_t		 lock;
	pthread_cond_t		 work;		/* queued, or stop */
	pthread_cond_t		 done;		/* a job left the queue */
	struct lookup_job	*head, *tail;
	pthread_t		*threads;
	unsigned int		 nthreads;	/* started */
	int			 stop;
};

/* lookup_now_ms - monotonic clock in milliseconds */
long long
lookup_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* job_free - free a job nobody uses any more */
static void
job_free(struct lookup_job *job)
{
	if (job->free_arg != NULL)
		job->free_arg(job->arg);
	free(job);
}

/* unlink_job - take a job off the queue; lock held */
static void
unlink_job(struct lookup_pool *pool, struct lookup_job *job)
{
	if (job->prev != NULL)
		job->prev->next = job->next;
	else
		pool->head = job->next;
	if (job->next != NULL)
		job->next->prev = job->prev;
	else
		pool->tail = job->prev;
	job->prev = job->next = NULL;
}

/* worker - take jobs in order until the pool stops */
static void *
worker(void *arg)
{
	struct lookup_pool	*pool = arg;
	struct lookup_job	*job;
	int			 gone;

	pthread_mutex_lock(&pool->lock);
	for (;;) {
		while (!pool->stop && pool->head == NULL)
			pthread_cond_wait(&pool->work, &pool->lock);
		if (pool->stop)
			break;
		job = pool->head;
		unlink_job(pool, job);
		if (job->released || lookup_now_ms() >= job->deadline_ms)
			job->state = JOB_DROPPED;
		else {
			job->state = JOB_RUNNING;
			pthread_mutex_unlock(&pool->lock);
			job->run(job, job->arg);
			pthread_mutex_lock(&pool->lock);
			job->state = JOB_DONE;
		}
		gone = job->released;
		pthread_cond_broadcast(&pool->done);
		if (gone) {
			/* the submitter left: the argument goes now */
			pthread_mutex_unlock(&pool->lock);
			job_free(job);
			pthread_mutex_lock(&pool->lock);
		}
	}
	pthread_mutex_unlock(&pool->lock);
	return NULL;
}

/* lookup_pool_new - start the workers */
struct lookup_pool *
lookup_pool_new(unsigned int nthreads, struct errbuf *err)
{
	struct lookup_pool	*pool;
	pthread_condattr_t	 ca;

	if (nthreads == 0 || nthreads > LOOKUP_THREADS_MAX) {
		errbuf_set(err, "lookup threads: %u is not in 1..%d",
		    nthreads, LOOKUP_THREADS_MAX);
		return NULL;
	}
	if ((pool = calloc(1, sizeof(*pool))) == NULL ||
	    (pool->threads = calloc(nthreads, sizeof(*pool->threads))) ==
	    NULL) {
		free(pool);
		errbuf_set(err, "out of memory");
		return NULL;
	}
	/* deadlines are monotonic: the waits must be too */
	if (pthread_condattr_init(&ca) != 0 ||
	    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	    pthread_mutex_init(&pool->lock, NULL) != 0 ||
	    pthread_cond_init(&pool->work, NULL) != 0 ||
	    pthread_cond_init(&pool->done, &ca) != 0) {
		/* glibc's init functions cannot fail with these arguments */
		free(pool->threads);
		free(pool);
		errbuf_set(err, "lookup threads: cannot set up locks");
		return NULL;
	}
	pthread_condattr_destroy(&ca);
	for (; pool->nthreads < nthreads; pool->nthreads++)
		if (pthread_create(&pool->threads[pool->nthreads], NULL,
		    worker, pool) != 0) {
			errbuf_set(err, "lookup threads: cannot start thread "
			    "%u of %u", pool->nthreads + 1, nthreads);
			lookup_pool_free(pool);
			return NULL;
		}
	return pool;
}

/* lookup_pool_free - stop and free */
void
lookup_pool_free(struct lookup_pool *pool)
{
	struct lookup_job	*job;
	unsigned int		 i;

	if (pool == NULL)
		return;
	pthread_mutex_lock(&pool->lock);
	pool->stop = 1;
	while ((job = pool->head) != NULL) {
		unlink_job(pool, job);
		job->state = JOB_DROPPED;
	}
	pthread_cond_broadcast(&pool->work);
	pthread_cond_broadcast(&pool->done);
	pthread_mutex_unlock(&pool->lock);
	for (i = 0; i < pool->nthreads; i++)
		pthread_join(pool->threads[i], NULL);
	pthread_cond_destroy(&pool->done);
	pthread_cond_destroy(&pool->work);
	pthread_mutex_destroy(&pool->lock);
	free(pool->threads);
	free(pool);
}

/* lookup_pool_threads - how many workers */
unsigned int
lookup_pool_threads(const struct lookup_pool *pool)
{
	return pool->nthreads;
}

/* lookup_submit - queue a job at the tail */
struct lookup_job *
lookup_submit(struct lookup_pool *pool, lookup_run_fn *run,
    lookup_free_fn *free_arg, void *arg, long long deadline_ms,
    struct errbuf *err)
{
	struct lookup_job	*job;

	if ((job = calloc(1, sizeof(*job))) == NULL) {
		errbuf_set(err, "out of memory");
		return NULL;
	}
	job->pool = pool;
	job->run = run;
	job->free_arg = free_arg;
	job->arg = arg;
	job->deadline_ms = deadline_ms;
	job->state = JOB_QUEUED;
	pthread_mutex_lock(&pool->lock);
	if (pool->stop) {
		pthread_mutex_unlock(&pool->lock);
		free(job);
		errbuf_set(err, "lookup threads are stopping");
		return NULL;
	}
	job->prev = pool->tail;
	if (pool->tail != NULL)
		pool->tail->next = job;
	else
		pool->head = job;
	pool->tail = job;
	pthread_cond_signal(&pool->work);
	pthread_mutex_unlock(&pool->lock);
	return job;
}

/* lookup_wait - wait for the job until the deadline */
int
lookup_wait(struct lookup_job *job, long long deadline_ms)
{
	struct lookup_pool	*pool = job->pool;
	struct timespec		 ts;
	int			 rc;

	ts.tv_sec = (time_t)(deadline_ms / 1000);
	ts.tv_nsec = (long)(deadline_ms % 1000) * 1000000;
	pthread_mutex_lock(&pool->lock);
	while (job->state == JOB_QUEUED || job->state == JOB_RUNNING) {
		if (lookup_now_ms() >= deadline_ms)
			break;
		rc = pthread_cond_timedwait(&pool->done, &pool->lock, &ts);
		if (rc != 0 && rc != ETIMEDOUT && rc != EINTR)
			break;
	}
	rc = job->state == JOB_DONE;
	pthread_mutex_unlock(&pool->lock);
	return rc;
}

/* lookup_done - whether the job ran to its end */
int
lookup_done(struct lookup_job *job)
{
	int	 rc;

	pthread_mutex_lock(&job->pool->lock);
	rc = job->state == JOB_DONE;
	pthread_mutex_unlock(&job->pool->lock);
	return rc;
}

/* lookup_expired - the job's result is no longer wanted */
int
lookup_expired(struct lookup_job *job)
{
	int	 rc;

	if (job == NULL)
		return 0;
	pthread_mutex_lock(&job->pool->lock);
	rc = job->released || lookup_now_ms() >= job->deadline_ms;
	pthread_mutex_unlock(&job->pool->lock);
	return rc;
}

/* lookup_release - the submitter is done with the job */
void
lookup_release(struct lookup_job *job)
{
	struct lookup_pool	*pool;
	int			 free_now;

	if (job == NULL)
		return;
	pool = job->pool;
	pthread_mutex_lock(&pool->lock);
	job->released = 1;
	if (job->state == JOB_QUEUED) {
		unlink_job(pool, job);
		job->state = JOB_DROPPED;
	}
	/* a running job is freed by its worker when it ends */
	free_now = job->state != JOB_RUNNING;
	pthread_mutex_unlock(&pool->lock);
	if (free_now)
		job_free(job);
}
