/*
 * mfclient - send one message to a milter over the milter protocol and
 * print what it answered, for tests/hostile/run.sh
 *
 * usage: mfclient [-t SECS] SOCKET MESSAGE
 *        mfclient -a [-t SECS] SOCKET MESSAGE
 *        mfclient -c N -p PID [-w SECS] [-t SECS] SOCKET MESSAGE
 *
 * The MTA side is tests/bench/mta.c (Postfix's milter8 behaviour).
 * SOCKET is inet:PORT@HOST or unix:PATH; MESSAGE a file (LF or CRLF).
 *
 * Default: one transaction; prints each header edit of the end of message
 * and then the final reply, one per line:
 *   chgheader INDEX NAME VALUE     (an empty VALUE deletes the field)
 *   insheader INDEX NAME VALUE
 *   addheader NAME VALUE
 *   final REPLY                    (accept, continue, reject, ...)
 *   eom_ms MS
 * VALUE is escaped: \r, \n, \t, \\ and \xNN for other control bytes.
 *
 * -a: the transaction up to end of headers (the milter's key lookups
 * start), then ABORT; prints "abort_ms MS", the time from ABORT until
 * the milter answered the next MAIL.  Then again up to end of headers
 * and QUIT; prints "quit_ms MS", the time until the milter closed.
 *
 * -c N: N connections, each up to end of headers, held for -w SECS
 * (default 2) while PID's thread count (/proc/PID/status) is sampled;
 * prints "held N", "threads_max T", then aborts each and prints
 * "abort_max_ms MS".
 *
 * Any protocol or connection failure: "error WHAT" and exit 1.  Usage:
 * exit 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfdef.h>

#include "lib/errbuf.h"

#include "tests/bench/message.h"
#include "tests/bench/mta.h"

#define CONNS_MAX	1000

/* put_escaped - a value on one line */
static void
put_escaped(const char *s)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '\r')
			fputs("\\r", stdout);
		else if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p == '\t')
			fputs("\\t", stdout);
		else if (*p == '\\')
			fputs("\\\\", stdout);
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
}

/* threads - the Threads: line of /proc/PID/status, or -1 */
static long
threads(long pid)
{
	char	 path[64], line[256];
	FILE	*fp;
	long	 n = -1;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, "Threads:", 8) == 0) {
			n = strtol(line + 8, NULL, 10);
			break;
		}
	fclose(fp);
	return n;
}

/* one - a whole transaction; its edits and reply */
static int
one(const struct mta_target *t, const struct mta_settings *s,
    const struct message *m)
{
	struct mta_conn		*c;
	struct mta_result	 res;
	struct errbuf		 err;
	size_t			 i;

	errbuf_clear(&err);
	if ((c = mta_open(t, s, &err)) == NULL ||
	    mta_message(c, m, 1, 1, &res, &err) == -1) {
		printf("error %s\n", err.msg);
		mta_close(c);
		return 1;
	}
	for (i = 0; i < res.nedit_list; i++) {
		const struct message_edit *e = &res.edit_list[i];

		if (e->kind == SMFIR_CHGHEADER)
			printf("chgheader %ld %s ", e->index, e->name);
		else if (e->kind == SMFIR_INSHEADER)
			printf("insheader %ld %s ", e->index, e->name);
		else
			printf("addheader %s ", e->name);
		put_escaped(e->value);
		putchar('\n');
	}
	printf("final %s\neom_ms %.0f\n", mta_reply_name(res.final),
	    res.eom_ms);
	message_edits_free(res.edit_list, res.nedit_list);
	mta_close(c);
	return 0;
}

/* aborted - hold, ABORT timed; hold, QUIT timed */
static int
aborted(const struct mta_target *t, const struct mta_settings *s,
    const struct message *m)
{
	struct mta_conn		*c;
	struct mta_result	 res;
	struct errbuf		 err;
	double			 ms;

	errbuf_clear(&err);
	if ((c = mta_open(t, s, &err)) == NULL ||
	    mta_hold(c, m, 1, &res, &err) == -1 ||
	    mta_abort_ms(c, &ms, &err) == -1)
		goto fail;
	printf("abort_ms %.0f\n", ms);
	fflush(stdout);
	/* end the MAIL transaction, start another, then leave */
	if (mta_abort_ms(c, &ms, &err) == -1 ||
	    mta_hold(c, m, 2, &res, &err) == -1 ||
	    mta_quit_ms(c, &ms, &err) == -1)
		goto fail;
	printf("quit_ms %.0f\n", ms);
	mta_close(c);
	return 0;
fail:
	printf("error %s\n", err.msg);
	mta_close(c);
	return 1;
}

/* many - n held connections; the milter's threads meanwhile */
static int
many(const struct mta_target *t, const struct mta_settings *s,
    const struct message *m, size_t n, long pid, double hold_s)
{
	struct mta_conn		**c;
	struct mta_result	 res;
	struct errbuf		 err;
	struct timespec		 tick = { 0, 100 * 1000 * 1000 };
	double			 ms, max_ms = 0;
	long			 th, max = -1;
	size_t			 i, k, held = 0;
	int			 rc = 0;

	if ((c = calloc(n, sizeof(*c))) == NULL)
		return 1;
	errbuf_clear(&err);
	for (i = 0; i < n; i++) {
		if ((c[i] = mta_open(t, s, &err)) == NULL ||
		    mta_hold(c[i], m, i + 1, &res, &err) == -1) {
			printf("error connection %zu: %s\n", i + 1, err.msg);
			rc = 1;
			goto done;
		}
		held++;
	}
	printf("held %zu\n", held);
	for (k = 0; k < (size_t)(hold_s * 10); k++) {
		if ((th = threads(pid)) > max)
			max = th;
		nanosleep(&tick, NULL);
	}
	printf("threads_max %ld\n", max);
	for (i = 0; i < n; i++) {
		if (mta_abort_ms(c[i], &ms, &err) == -1) {
			printf("error abort %zu: %s\n", i + 1, err.msg);
			rc = 1;
			goto done;
		}
		if (ms > max_ms)
			max_ms = ms;
	}
	printf("abort_max_ms %.0f\n", max_ms);
done:
	for (i = 0; i < n; i++)
		mta_close(c[i]);
	free(c);
	return rc;
}

static void
usage(void)
{
	fprintf(stderr, "usage: mfclient [-a | -c N -p PID [-w SECS]] "
	    "[-t SECS] SOCKET MESSAGE\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct mta_target	 target;
	struct mta_settings	 s;
	struct message		*m;
	struct errbuf		 err;
	double			 hold_s = 2;
	long			 pid = 0;
	size_t			 conns = 0;
	int			 ch, abort_mode = 0, rc;

	memset(&s, 0, sizeof(s));
	s.client_addr = "192.0.2.1";
	s.client_name = "client.hostile.test";
	s.timeout_secs = 60;
	while ((ch = getopt(argc, argv, "ac:p:t:w:")) != -1) {
		switch (ch) {
		case 'a':
			abort_mode = 1;
			break;
		case 'c':
			conns = strtoul(optarg, NULL, 10);
			if (conns == 0 || conns > CONNS_MAX)
				usage();
			break;
		case 'p':
			pid = strtol(optarg, NULL, 10);
			break;
		case 't':
			s.timeout_secs = atoi(optarg);
			break;
		case 'w':
			hold_s = atof(optarg);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2 || (conns > 0 && pid <= 0))
		usage();
	errbuf_clear(&err);
	if (mta_target_parse(argv[optind], &target, &err) == -1 ||
	    (m = message_load(argv[optind + 1], &err)) == NULL) {
		fprintf(stderr, "mfclient: %s\n", err.msg);
		return 2;
	}
	if (conns > 0)
		rc = many(&target, &s, m, conns, pid, hold_s);
	else if (abort_mode)
		rc = aborted(&target, &s, m);
	else
		rc = one(&target, &s, m);
	message_free(m);
	return rc;
}
