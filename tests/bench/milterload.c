/*
 * milterload - a milter-protocol load driver that behaves like Postfix
 *
 *   milterload --socket inet:PORT@127.0.0.1 [--messages N]
 *	[--concurrency C] [--mode sign|verify] [--body-size BYTES]
 *	[--message FILE] [--per-session K] [--warmup W] [--nodelay]
 *	[--quickack] [--duration SECS] [--save FILE] [--timeout SECS]
 *	[--label TEXT]
 *
 * N messages are sent, or as many as fit in --duration seconds if that
 * ends first.  C threads each play one Postfix smtpd process: a milter
 * connection per SMTP session of K messages.  Each message is timed from
 * the first byte the MTA sends for it (the connect for the first of a
 * session) to the milter's final end-of-message reply.  The
 * end-of-message wait is also timed alone, and so is the gap between the
 * first and the last reply to EOM: a milter that writes its
 * end-of-message replies as several small segments without TCP_NODELAY
 * makes the last one wait for our delayed ACK, a gap of ~40 ms on Linux;
 * such messages are counted as stalls.
 *
 * Sign mode connects as 127.0.0.1 (an internal host) and requires a
 * DKIM-Signature on every message; verify mode connects as 192.0.2.1 and
 * counts Authentication-Results with dkim=pass.  The report ends with one
 * "RESULT key=value ..." line for scripts.  Exit 0, 1 when a message was
 * not signed in sign mode or the milter failed, 2 on usage errors.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmilter/mfdef.h>

#include "lib/errbuf.h"

#include "tests/bench/message.h"
#include "tests/bench/mta.h"

#define STALL_MS	35.0	/* EOM reply gap that means a delayed ACK */
#define MAX_THREADS	256

enum mode { MODE_SIGN, MODE_VERIFY };

struct options {
	struct mta_target	 target;
	struct mta_settings	 mta;
	unsigned long		 messages;
	unsigned long		 warmup;
	unsigned		 concurrency;
	unsigned long		 per_session;
	unsigned long		 duration_ms;	/* 0: no time limit */
	enum mode		 mode;
	size_t			 body_size;
	const char		*message_file;
	const char		*save_file;
	const char		*label;
};

/* Shared by the workers of one phase. */
struct run {
	const struct options	*opt;
	const struct message	*msg;
	unsigned long		 total;		/* messages in this phase */
	int			 record;	/* timed phase */
	double			 deadline_ms;	/* 0: none */
	atomic_ulong		 next;
	atomic_int		 failed;
	double			*lat_ms;	/* per message */
	double			*eom_ms;
	pthread_mutex_t		 lock;		/* guards what follows */
	unsigned long		 replies, edits, signed_, pass, stalls;
	unsigned long		 decisions[256];
	unsigned long		 sessions;
	char			 first_error[ERRBUF_SIZE + 64];
	char			 first_ares[256];
};

/* now_ms - monotonic clock in milliseconds */
static double
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* fail_run - record the first failure and stop every worker */
static void
fail_run(struct run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
fail_run(struct run *r, const char *fmt, ...)
{
	va_list	 ap;

	pthread_mutex_lock(&r->lock);
	if (r->first_error[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(r->first_error, sizeof(r->first_error), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&r->lock);
	atomic_store(&r->failed, 1);
}

/* check_result - sign mode wants a signature on every message */
static int
check_result(struct run *r, unsigned long idx, const struct mta_result *res)
{
	if (r->opt->mode != MODE_SIGN || res->signed_)
		return 0;
	fail_run(r, "message %lu: no DKIM-Signature added (decision %s "
	    "in reply to '%c'; fields added: %s)", idx,
	    mta_reply_name(res->final), res->stage ? res->stage : '-',
	    res->added[0] ? res->added : "none");
	return -1;
}

/* tally - add one message's result to the run's counters */
static void
tally(struct run *r, const struct mta_result *res)
{
	pthread_mutex_lock(&r->lock);
	r->replies += res->replies;
	r->edits += res->edits;
	r->signed_ += res->signed_ != 0;
	r->pass += res->dkim_pass != 0;
	if (r->record && res->stage == SMFIC_BODYEOB &&
	    res->eom_gap_ms >= STALL_MS)
		r->stalls++;
	r->decisions[(unsigned char)res->final]++;
	if (r->first_ares[0] == '\0' && res->ares[0] != '\0')
		snprintf(r->first_ares, sizeof(r->first_ares), "%s",
		    res->ares);
	pthread_mutex_unlock(&r->lock);
}

/* save_first - write the first message as delivered, for --save */
static void
save_first(struct run *r, struct mta_conn *c, struct mta_result *res)
{
	struct errbuf	 err;

	if (message_save(r->msg, res->edit_list, res->nedit_list,
	    mta_leadspc(c), r->opt->save_file, &err) == -1)
		fail_run(r, "%s", err.msg);
	message_edits_free(res->edit_list, res->nedit_list);
	res->edit_list = NULL;
	res->nedit_list = 0;
}

/* worker - one MTA process: sessions of per_session messages */
static void *
worker(void *arg)
{
	struct run		*r = arg;
	const struct options	*o = r->opt;
	struct mta_conn		*c = NULL;
	struct mta_result	 res;
	struct errbuf		 err;
	unsigned long		 idx, in_session = 0;
	double			 t0;
	int			 keep;

	for (;;) {
		if (atomic_load(&r->failed))
			break;
		if (r->deadline_ms > 0 && now_ms() >= r->deadline_ms)
			break;
		idx = atomic_fetch_add(&r->next, 1);
		if (idx >= r->total)
			break;
		t0 = now_ms();
		if (c != NULL && in_session >= o->per_session) {
			mta_close(c);
			c = NULL;
		}
		if (c == NULL) {
			if ((c = mta_open(&o->target, &o->mta, &err)) == NULL) {
				fail_run(r, "message %lu: %s", idx, err.msg);
				break;
			}
			in_session = 0;
			pthread_mutex_lock(&r->lock);
			r->sessions++;
			pthread_mutex_unlock(&r->lock);
		}
		keep = r->record && idx == 0 && o->save_file != NULL;
		if (mta_message(c, r->msg, idx + (r->record ? 0 : 1000000000UL),
		    keep, &res, &err) == -1) {
			message_edits_free(res.edit_list, res.nedit_list);
			fail_run(r, "message %lu: %s", idx, err.msg);
			break;
		}
		in_session++;
		if (r->record) {
			r->lat_ms[idx] = now_ms() - t0;
			r->eom_ms[idx] = res.eom_ms;
		}
		if (keep)
			save_first(r, c, &res);
		tally(r, &res);
		if (check_result(r, idx, &res) == -1)
			break;
		if (res.final == SMFIR_SHUTDOWN ||
		    res.final == SMFIR_CONN_FAIL) {
			mta_close(c);
			c = NULL;
		}
	}
	mta_close(c);
	return NULL;
}

/* run_phase - run total messages on the configured number of threads */
static int
run_phase(struct run *r, double *secs_out)
{
	pthread_t	 tid[MAX_THREADS];
	unsigned	 i, n;
	double		 t0;

	n = r->opt->concurrency;
	t0 = now_ms();
	if (r->record && r->opt->duration_ms > 0)
		r->deadline_ms = t0 + (double)r->opt->duration_ms;
	for (i = 0; i < n; i++) {
		if (pthread_create(&tid[i], NULL, worker, r) != 0) {
			fail_run(r, "pthread_create failed");
			break;
		}
	}
	n = i;
	for (i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
	/* Every index handed out below total was completed. */
	if (atomic_load(&r->next) < r->total)
		r->total = atomic_load(&r->next);
	*secs_out = (now_ms() - t0) / 1000.0;
	return atomic_load(&r->failed) ? -1 : 0;
}

/* cmp_double - qsort order */
static int
cmp_double(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* percentile - nearest-rank percentile of a sorted array */
static double
percentile(const double *v, size_t n, double p)
{
	size_t	 k;

	if (n == 0)
		return 0.0;
	k = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1];
}

/* parse_size - a byte count with an optional K, M or G suffix */
static int
parse_size(const char *s, size_t *out)
{
	char			*end;
	unsigned long long	 v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K':
		v *= 1024;
		end++;
		break;
	case 'm': case 'M':
		v *= 1024 * 1024;
		end++;
		break;
	case 'g': case 'G':
		v *= 1024ULL * 1024 * 1024;
		end++;
		break;
	default:
		break;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end != '\0' || v > MESSAGE_MAX_SIZE)
		return -1;
	*out = (size_t)v;
	return 0;
}

/* parse_count - a positive decimal number */
static int
parse_count(const char *s, unsigned long max, unsigned long *out)
{
	char		*end;
	unsigned long	 v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

/* usage - print the synopsis and exit 2 */
static void
usage(void)
{
	fprintf(stderr, "usage: milterload --socket inet:PORT@HOST "
	    "[--messages N] [--concurrency C]\n"
	    "\t[--mode sign|verify] [--body-size BYTES] [--message FILE]\n"
	    "\t[--per-session K] [--warmup W] [--nodelay] [--quickack]\n"
	    "\t[--duration SECS] [--save FILE] [--timeout SECS]\n"
	    "\t[--label TEXT]\n");
	exit(2);
}

/* parse_args - fill o from argv; exits 2 on a usage error */
static void
parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "messages", required_argument, NULL, 'n' },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "mode", required_argument, NULL, 'm' },
		{ "body-size", required_argument, NULL, 'b' },
		{ "message", required_argument, NULL, 'f' },
		{ "per-session", required_argument, NULL, 'k' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "nodelay", no_argument, NULL, 'N' },
		{ "quickack", no_argument, NULL, 'Q' },
		{ "duration", required_argument, NULL, 'd' },
		{ "save", required_argument, NULL, 'S' },
		{ "timeout", required_argument, NULL, 't' },
		{ "label", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct errbuf	 err;
	unsigned long	 v;
	const char	*sock = NULL;
	int		 ch, warmup_set = 0;

	memset(o, 0, sizeof(*o));
	o->messages = 1000;
	o->concurrency = 4;
	o->per_session = 1;
	o->mode = MODE_SIGN;
	o->body_size = 2048;
	o->mta.timeout_secs = 30;
	o->label = "";
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			sock = optarg;
			break;
		case 'n':
			if (parse_count(optarg, 100000000UL, &o->messages))
				usage();
			break;
		case 'c':
			if (parse_count(optarg, MAX_THREADS, &v) || v == 0)
				usage();
			o->concurrency = (unsigned)v;
			break;
		case 'm':
			if (strcmp(optarg, "sign") == 0)
				o->mode = MODE_SIGN;
			else if (strcmp(optarg, "verify") == 0)
				o->mode = MODE_VERIFY;
			else
				usage();
			break;
		case 'b':
			if (parse_size(optarg, &o->body_size) == -1)
				usage();
			break;
		case 'f':
			o->message_file = optarg;
			break;
		case 'k':
			if (parse_count(optarg, 1000000UL, &o->per_session) ||
			    o->per_session == 0)
				usage();
			break;
		case 'w':
			if (parse_count(optarg, 1000000UL, &o->warmup))
				usage();
			warmup_set = 1;
			break;
		case 'N':
			o->mta.nodelay = 1;
			break;
		case 'Q':
			o->mta.quickack = 1;
			break;
		case 'd':
			if (parse_count(optarg, 86400, &v) || v == 0)
				usage();
			o->duration_ms = v * 1000;
			break;
		case 'S':
			o->save_file = optarg;
			break;
		case 't':
			if (parse_count(optarg, 3600, &v) || v == 0)
				usage();
			o->mta.timeout_secs = (int)v;
			break;
		case 'l':
			o->label = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || sock == NULL || o->messages == 0)
		usage();
	if (mta_target_parse(sock, &o->target, &err) == -1) {
		fprintf(stderr, "milterload: %s\n", err.msg);
		exit(2);
	}
	if (!warmup_set)
		o->warmup = o->concurrency;
	if (o->mode == MODE_SIGN) {
		o->mta.client_addr = "127.0.0.1";
		o->mta.client_name = "localhost";
	} else {
		o->mta.client_addr = "192.0.2.1";
		o->mta.client_name = "mail.example.org";
	}
}

/* report - print the human summary and the RESULT line */
static void
report(const struct options *o, const struct run *r, double secs)
{
	static const char	 codes[] = { SMFIR_ACCEPT, SMFIR_CONTINUE,
	    SMFIR_DISCARD, SMFIR_REJECT, SMFIR_TEMPFAIL, SMFIR_REPLYCODE,
	    SMFIR_SHUTDOWN, SMFIR_CONN_FAIL };
	unsigned long		 n = r->total;
	double			 rate;
	size_t			 k;

	if (n == 0) {
		printf("milterload: no message completed\n");
		return;
	}
	qsort(r->lat_ms, n, sizeof(double), cmp_double);
	qsort(r->eom_ms, n, sizeof(double), cmp_double);
	rate = secs > 0 ? (double)n / secs : 0.0;
	printf("milterload%s%s: %s, %s, %lu messages, body %zu bytes, "
	    "concurrency %u, %lu per session%s%s\n", o->label[0] ? " " : "",
	    o->label, o->target.spec, o->mode == MODE_SIGN ? "sign" : "verify",
	    n, o->message_file ? r->msg->body_len : o->body_size,
	    o->concurrency, o->per_session,
	    o->mta.nodelay ? ", TCP_NODELAY" : "",
	    o->mta.quickack ? ", TCP_QUICKACK" : "");
	printf("  %.3f s, %.1f messages/s, %lu sessions\n", secs, rate,
	    r->sessions);
	printf("  latency ms      p50 %8.3f  p99 %8.3f  max %8.3f\n",
	    percentile(r->lat_ms, n, 50), percentile(r->lat_ms, n, 99),
	    r->lat_ms[n - 1]);
	printf("  EOM wait ms     p50 %8.3f  p99 %8.3f  max %8.3f\n",
	    percentile(r->eom_ms, n, 50), percentile(r->eom_ms, n, 99),
	    r->eom_ms[n - 1]);
	printf("  stalls: %lu messages whose EOM replies came >= %.0f ms "
	    "apart\n", r->stalls, STALL_MS);
	printf("  replies %lu (%.2f/message), header edits %lu, signed %lu, "
	    "dkim=pass %lu\n", r->replies, (double)r->replies / (double)n,
	    r->edits, r->signed_, r->pass);
	printf("  decisions:");
	for (k = 0; k < sizeof(codes); k++)
		if (r->decisions[(unsigned char)codes[k]] != 0)
			printf(" %s %lu", mta_reply_name(codes[k]),
			    r->decisions[(unsigned char)codes[k]]);
	printf("\n");
	if (r->first_ares[0] != '\0')
		printf("  first Authentication-Results: %.200s\n",
		    r->first_ares);
	printf("RESULT n=%lu secs=%.3f rate=%.1f p50=%.3f p99=%.3f max=%.3f "
	    "eom_p50=%.3f eom_p99=%.3f eom_max=%.3f stalls=%lu replies=%lu "
	    "signed=%lu pass=%lu\n", n, secs, rate,
	    percentile(r->lat_ms, n, 50), percentile(r->lat_ms, n, 99),
	    r->lat_ms[n - 1], percentile(r->eom_ms, n, 50),
	    percentile(r->eom_ms, n, 99), r->eom_ms[n - 1], r->stalls,
	    r->replies, r->signed_, r->pass);
}

/* init_run - a run of total messages; timed runs get latency arrays */
static int
init_run(struct run *r, const struct options *o, const struct message *m,
    unsigned long total, int record)
{
	memset(r, 0, sizeof(*r));
	r->opt = o;
	r->msg = m;
	r->total = total;
	r->record = record;
	atomic_init(&r->next, 0);
	atomic_init(&r->failed, 0);
	pthread_mutex_init(&r->lock, NULL);
	if (!record)
		return 0;
	r->lat_ms = calloc(total, sizeof(double));
	r->eom_ms = calloc(total, sizeof(double));
	return r->lat_ms == NULL || r->eom_ms == NULL ? -1 : 0;
}

/* main - warm up, run the timed phase, report */
int
main(int argc, char **argv)
{
	struct options	 o;
	struct message	*m;
	struct run	 warm, timed;
	struct errbuf	 err;
	double		 secs;

	parse_args(argc, argv, &o);
	signal(SIGPIPE, SIG_IGN);
	if (o.message_file != NULL)
		m = message_load(o.message_file, &err);
	else if ((m = message_generate(o.body_size)) == NULL)
		errbuf_set(&err, "cannot make a %zu-byte message", o.body_size);
	if (m == NULL) {
		fprintf(stderr, "milterload: %s\n", err.msg);
		return 2;
	}
	if (o.warmup > 0) {
		init_run(&warm, &o, m, o.warmup, 0);
		if (run_phase(&warm, &secs) == -1) {
			fprintf(stderr, "milterload: %s: warm-up: %s\n",
			    o.target.spec, warm.first_error);
			return 1;
		}
	}
	if (init_run(&timed, &o, m, o.messages, 1) == -1) {
		fprintf(stderr, "milterload: out of memory\n");
		return 2;
	}
	if (run_phase(&timed, &secs) == -1) {
		fprintf(stderr, "milterload: %s: %s\n", o.target.spec,
		    timed.first_error);
		return 1;
	}
	report(&o, &timed, secs);
	free(timed.lat_ms);
	free(timed.eom_ms);
	message_free(m);
	return 0;
}
