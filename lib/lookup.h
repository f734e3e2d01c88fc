/*
 * lookup - a fixed pool of threads that runs the DNS lookups of messages
 *
 * The verifier starts a key lookup per signature at end of headers and
 * wants its answer at end of message.  A thread per lookup let a DNS
 * outage multiply threads (2,704 at 300 connections) and made a client
 * that aborted wait for every lookup of its message.  Here a fixed number
 * of worker threads, started once, take jobs from one queue in order.
 *
 * Owns: the worker threads, the queue, and each job until both its
 * submitter and its worker are done with it; a job's argument is freed
 * (by the function given at submission) only then, so a job the
 * submitter gave up on runs to its end in the background and cleans up
 * after itself.  Never: DNS itself (the job's function does that), or
 * deciding what a late answer means (the caller does).
 *
 * Deadlines are absolute times on lookup_now_ms()'s clock (monotonic).
 * A job still queued when its deadline passes, or released by its
 * submitter, is dropped without running.  A running job may ask
 * lookup_expired() between steps and skip the rest.
 *
 * Thread safety: every function may be called from any thread.  The
 * queue holds at most one job per lookup of a message in progress, so it
 * is bounded by connections times MaxSignatures.
 */
#ifndef DKIMLENS_LOOKUP_H
#define DKIMLENS_LOOKUP_H

#include "lib/errbuf.h"

#define LOOKUP_THREADS_DEFAULT	16	/* DNSLookupThreads */
#define LOOKUP_THREADS_MAX	256

struct lookup_pool;
struct lookup_job;

/* The work of a job: runs on a worker thread, reads and fills arg. */
typedef void	lookup_run_fn(struct lookup_job *job, void *arg);
/* Frees a job's argument once nobody uses it; may be NULL. */
typedef void	lookup_free_fn(void *arg);

/*
 * lookup_pool_new - start nthreads workers (1..LOOKUP_THREADS_MAX).
 * Returns the pool, or NULL with err set.
 */
struct lookup_pool *lookup_pool_new(unsigned int nthreads,
	    struct errbuf *err);

/*
 * lookup_pool_free - stop the workers after the jobs they are running
 * (queued jobs are dropped), wait for them, free the pool; NULL allowed.
 * Every job must have been released first.
 */
void	lookup_pool_free(struct lookup_pool *pool);

/* lookup_pool_threads - the number of worker threads */
unsigned int lookup_pool_threads(const struct lookup_pool *pool);

/*
 * lookup_submit - queue run(job, arg) with the given deadline.  Returns
 * the job, owned by the caller until lookup_release(), or NULL with err
 * set (memory, or the pool is stopping); arg is then still the caller's.
 * On success arg belongs to the job: free_arg(arg) is called when the job
 * is released and not running.
 */
struct lookup_job *lookup_submit(struct lookup_pool *pool, lookup_run_fn *run,
	    lookup_free_fn *free_arg, void *arg, long long deadline_ms,
	    struct errbuf *err);

/*
 * lookup_wait - wait until the job is done or deadline_ms.  1: its
 * function ran to its end and arg holds the result (the caller may read
 * it until lookup_release); 0: not done in time, or dropped unrun.
 */
int	lookup_wait(struct lookup_job *job, long long deadline_ms);

/* lookup_done - like lookup_wait without waiting */
int	lookup_done(struct lookup_job *job);

/*
 * lookup_expired - for the job's function: 1 when its result is no
 * longer wanted (released, or past its deadline), so that it may skip
 * further queries.  NULL (a lookup run without the pool) is never expired.
 */
int	lookup_expired(struct lookup_job *job);

/*
 * lookup_release - the caller is done with the job: a queued job is
 * dropped, a running one finishes in the background and frees its
 * argument then.  Never blocks on the job.  NULL allowed.
 */
void	lookup_release(struct lookup_job *job);

/* lookup_now_ms - the clock of deadlines: monotonic milliseconds */
long long lookup_now_ms(void);

#endif
