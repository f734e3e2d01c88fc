/*
 * main - dkimlens-milter: options, configuration state, process life
 *
 *   dkimlens-milter [-fnv] [-c FILE]
 *
 * Start-up order: read the configuration and every key (as root), look
 * up UserID, detach (unless -f), lock and write the PidFile, open the
 * socket, drop privileges, then serve.  Errors before serving go to
 * stderr (and syslog); a daemon's parent exits only when the child is
 * serving, with its status.  SIGHUP reloads configuration and keys;
 * SIGTERM (or SIGINT) stops accepting at once, lets the messages in
 * progress finish for up to STOP_WAIT_S, then stops (see signals() and
 * instance.c); a second SIGTERM stops at once.
 *
 * Exit status: 0 stopped cleanly, or -n found the configuration good;
 * 78 (EX_CONFIG) configuration error; 64 usage; 1 anything else.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "lib/conf.h"
#include "lib/dns.h"
#include "lib/errbuf.h"
#include "lib/log.h"
#include "lib/lookup.h"
#include "lib/netlist.h"
#include "lib/report.h"
#include "lib/table.h"
#include "milter/milter.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/usr/local/etc"
#endif
#define DEFAULT_CONF	SYSCONFDIR "/dkimlens/dkimlens.conf"
#define EX_USAGE_	64
#define EX_CONFIG_	78
#define STOP_WAIT_S	10	/* for messages in progress at SIGTERM */
/*
 * The largest milter packet libmilter reads (MILTER_MDS_1M in mfdef.h,
 * defined there only under _FFR_MDS_NEGOTIATE).  Its default, 64 KB,
 * made one header field over about 65,520 bytes drop the connection,
 * while Postfix passes fields up to header_size_limit (102,400 bytes)
 * and Sendmail up to MaxHeadersLength; body chunks are 64 KB.  1 MB is
 * the most libmilter supports; what the header caps (lib/hdr.h) do not
 * take is a limit the verdict names.
 */
#define MILTER_DATA_MAX	(1024 * 1024 - 1)

/*
 * Process-wide state.  Written by the main thread before serving, then
 * only under state_lock (current) or once (the logging flags).
 */
static pthread_mutex_t	 state_lock = PTHREAD_MUTEX_INITIALIZER;
static struct state	*current;
static const char	*conf_file = DEFAULT_CONF;
static char		*conf_abs;	/* for reloads after chdir("/") */
static int		 log_syslog;	/* syslog is open */
static int		 log_stderr = 1;	/* -f, or still starting */
static int		 verbose;	/* -v */
static unsigned int	 inflight;	/* messages holding a state */
static unsigned int	 cut;		/* in progress when we stopped */

/* the key lookup threads (DNSLookupThreads), started before serving */
struct lookup_pool	*milter_pool;

static const struct {
	const char	*name;
	int		 facility;
} facilities[] = {
	{ "mail", LOG_MAIL }, { "daemon", LOG_DAEMON }, { "user", LOG_USER },
	{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

/* mlog - one line to syslog and, with -f, to stderr */
void
mlog(int prio, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[REPORT_MAX + 128];

	if (prio == LOG_DEBUG && !verbose)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (log_syslog)
		syslog(prio, "%s", msg);
	if (log_stderr)
		fprintf(stderr, "%s: %s\n", MILTER_NAME, msg);
}

/* lib_sink - lib/log.h messages into mlog */
static void
lib_sink(enum log_level level, const char *msg)
{
	static const int	 prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO,
		LOG_DEBUG };

	mlog(prio[level], "%s", msg);
}

/* state_free - free one state (no message holds it) */
void
state_free(struct state *st)
{
	if (st == NULL)
		return;
	table_free(st->table);
	netlist_free(st->internal);
	dns_resolver_free(st->dns);
	free(st->authserv_id);
	conf_free(st->conf);
	free(st);
}

/*
 * state_build - read the configuration at path and everything it names:
 * InternalHosts, tables and keys, the resolver, the authserv-id.  Errors
 * name the file and line.
 */
struct state *
state_build(const char *path, struct errbuf *err)
{
	struct state		*st;
	struct dns_settings	 ds;
	struct errbuf		 e;
	char			 where[600], host[256];

	if ((st = calloc(1, sizeof(*st))) == NULL) {
		errbuf_set(err, "out of memory");
		return NULL;
	}
	if ((st->conf = conf_load(path, err)) == NULL)
		goto fail;
	conf_where(st->conf, CONF_K_INTERNALHOSTS, where, sizeof(where));
	strncat(where, ": InternalHosts", sizeof(where) - strlen(where) - 1);
	if ((st->internal = netlist_load(st->conf->internal_hosts, where,
	    err)) == NULL)
		goto fail;
	if ((st->table = table_load(st->conf, err)) == NULL)
		goto fail;
	memset(&ds, 0, sizeof(ds));
	ds.nameservers = st->conf->nameservers;
	ds.timeout_ms = st->conf->dns_timeout_ms;
	ds.retries = 1;
	errbuf_clear(&e);
	if ((st->dns = dns_resolver_new(&ds, &e)) == NULL) {
		errbuf_set(err, "%s: Nameservers: %s", conf_where(st->conf,
		    CONF_K_NAMESERVERS, where, sizeof(where)), e.msg);
		goto fail;
	}
	if (st->conf->authserv_id != NULL)
		st->authserv_id = strdup(st->conf->authserv_id);
	else {
		if (gethostname(host, sizeof(host)) == -1)
			snprintf(host, sizeof(host), "localhost");
		host[sizeof(host) - 1] = '\0';
		st->authserv_id = strdup(host);
	}
	if (st->authserv_id == NULL) {
		errbuf_set(err, "out of memory");
		goto fail;
	}
	return st;
fail:
	state_free(st);
	return NULL;
}

/*
 * state_get - the current state for one message, held until state_put.
 * A message holds a state from its start (MAIL FROM) to its end, abort
 * or close, so the holders are the messages in progress that a stop
 * waits for.
 */
struct state *
state_get(void)
{
	struct state	*st;

	pthread_mutex_lock(&state_lock);
	st = current;
	st->refs++;
	inflight++;
	pthread_mutex_unlock(&state_lock);
	return st;
}

/* state_put - let go; the last holder of a replaced state frees it */
void
state_put(struct state *st)
{
	int	 last;

	pthread_mutex_lock(&state_lock);
	last = --st->refs == 0 && st != current;
	inflight--;
	pthread_mutex_unlock(&state_lock);
	if (last)
		state_free(st);
}

/* in_progress - messages in progress now */
static unsigned int
in_progress(void)
{
	unsigned int	 n;

	pthread_mutex_lock(&state_lock);
	n = inflight;
	pthread_mutex_unlock(&state_lock);
	return n;
}

/* state_swap - install st; the old one goes with its last message */
static void
state_swap(struct state *st)
{
	struct state	*old;
	int		 last;

	pthread_mutex_lock(&state_lock);
	old = current;
	current = st;
	last = old != NULL && old->refs == 0;
	pthread_mutex_unlock(&state_lock);
	if (last)
		state_free(old);
}

/* same - two optional strings are equal */
static int
same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* restart_needed - options a reload cannot change, warned about */
static void
restart_needed(const struct conf *old, const struct conf *new)
{
	const char	*what = NULL;

	if (!same(old->socket, new->socket))
		what = "Socket";
	else if (!same(old->user, new->user) || !same(old->group, new->group))
		what = "UserID";
	else if (!same(old->pidfile, new->pidfile))
		what = "PidFile";
	else if (old->umask != new->umask)
		what = "UMask";
	else if (old->syslog != new->syslog ||
	    !same(old->facility, new->facility))
		what = "Syslog";
	else if (old->dns_threads != new->dns_threads)
		what = "DNSLookupThreads";
	if (what != NULL)
		mlog(LOG_WARNING, "reload: %s changed; it takes effect at the "
		    "next restart", what);
}

/* show_warnings - the configuration's warnings */
static void
show_warnings(const struct conf *c)
{
	size_t	 i;

	for (i = 0; i < c->nwarnings; i++)
		mlog(LOG_WARNING, "%s", c->warning[i]);
}

/*
 * reload - SIGHUP: build a new state and swap it in.  A reload that
 * fails keeps the running configuration; messages in flight finish with
 * the state they started with.
 */
static void
reload(void)
{
	struct state	*st;
	struct errbuf	 err;

	errbuf_clear(&err);
	if ((st = state_build(conf_abs != NULL ? conf_abs : conf_file,
	    &err)) == NULL) {
		mlog(LOG_ERR, "reload failed, keeping the running "
		    "configuration: %s", err.msg);
		return;
	}
	show_warnings(st->conf);
	pthread_mutex_lock(&state_lock);
	restart_needed(current->conf, st->conf);
	pthread_mutex_unlock(&state_lock);
	state_swap(st);
	keywatch_load(st);
	mlog(LOG_INFO, "reloaded %s: %zu keys", conf_file,
	    table_nkeys(st->table));
}

/*
 * stop - SIGTERM or SIGINT: stop accepting and give up the Socket and
 * the PidFile at once, so that a new instance can start; wait up to
 * STOP_WAIT_S for the messages in progress (a second signal ends the
 * wait); then let smfi_main() return.  libmilter is told to stop only
 * after the wait: its workers stop serving at that moment (instance.c).
 */
static void
stop(int sig)
{
	sigset_t	 set;
	struct timespec	 ts = { 0, 50 * 1000 * 1000 }, now, end;
	unsigned int	 n;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += STOP_WAIT_S;
	instance_unlisten();
	instance_release();
	n = in_progress();
	mlog(LOG_INFO, "%s: stopping: no new connections, %u message%s in "
	    "progress", sig == SIGINT ? "SIGINT" : "SIGTERM", n,
	    n == 1 ? "" : "s");
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (in_progress() == 0 || now.tv_sec > end.tv_sec ||
		    (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec))
			break;
		if (sigtimedwait(&set, NULL, &ts) != -1) {
			mlog(LOG_INFO, "stopping at once (second signal)");
			break;
		}
	}
	cut = in_progress();
	/* before smfi_stop(), which waits for the listener's lock */
	instance_wake();
	smfi_stop();
}

/*
 * signals - the thread that takes SIGHUP, SIGTERM and SIGINT.  They are
 * blocked in every thread (see main), so only this thread's
 * sigwaitinfo() takes them; libmilter's own signal thread is kept off
 * them by sigwait() below.
 */
static void *
signals(void *arg)
{
	sigset_t	 set;
	int		 sig;

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	for (;;) {
		if ((sig = sigwaitinfo(&set, NULL)) == -1)
			continue;
		if (sig == SIGHUP)
			reload();
		else {
			stop(sig);
			return NULL;
		}
	}
}

/*
 * sigwait - the one libmilter calls.  libmilter's signal thread waits
 * for SIGHUP, SIGTERM and SIGINT and stops the filter on any of them at
 * once, which with its worker pool cuts the messages in progress; this
 * definition comes first in the symbol search order, so libmilter's call
 * lands here and waits for none of the three, which are signals()'s.
 */
int
sigwait(const sigset_t *restrict set, int *restrict sig)
{
	sigset_t	 mine;
	int		 s;

	mine = *set;
	sigdelset(&mine, SIGHUP);
	sigdelset(&mine, SIGTERM);
	sigdelset(&mine, SIGINT);
	do
		s = sigwaitinfo(&mine, NULL);
	while (s == -1 && errno == EINTR);
	if (s == -1)
		return errno;
	*sig = s;
	return 0;
}

/* wakeup - SIGUSR1 only ends the listener's poll() (instance.c) */
static void
wakeup(int sig)
{
	(void)sig;
}

/*
 * startup_state - read the configuration, look UserID up, then build the
 * state with UserID's rights (privsep_become): what a start accepts, a
 * reload by the dropped process can read too.
 */
static struct state *
startup_state(struct privsep *ps, struct errbuf *err)
{
	struct conf	*c;
	struct state	*st;
	struct errbuf	 e;
	size_t		 n;

	if ((c = conf_load(conf_file, err)) == NULL)
		return NULL;
	if (privsep_lookup(c, ps, err) == -1) {
		conf_free(c);
		return NULL;
	}
	conf_free(c);
	if (privsep_become(ps, err) == -1)
		return NULL;
	st = state_build(conf_file, err);
	errbuf_clear(&e);
	if (privsep_unbecome(ps, &e) == -1) {
		mlog(LOG_ERR, "%s", e.msg);
		exit(1);
	}
	if (st == NULL && ps->set && strstr(err->msg, "Permission denied")) {
		n = strlen(err->msg);
		snprintf(err->msg + n, sizeof(err->msg) - n, " (configuration, "
		    "tables and keys are read as UserID %s, so that SIGHUP can "
		    "reload them: make them owned by %s)", ps->name, ps->name);
	}
	return st;
}

/* usage - the synopsis: on stdout and exit 0 for -h, else stderr and 64 */
static void
usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
	    "usage: %s [-fnvV] [-c config]\n"
	    "  -c FILE  configuration (default %s)\n"
	    "  -f       stay in the foreground, log to stderr too\n"
	    "  -n       check the configuration and keys, then exit\n"
	    "  -v       log debug trace\n"
	    "  -V, --version  print the version and the OpenSSL and ldns "
	    "versions\n"
	    "  -h, --help     this text\n", MILTER_NAME, DEFAULT_CONF);
	exit(status == 0 ? 0 : EX_USAGE_);
}

/* detach_failed - what failed while becoming a daemon, with errno; exit 1 */
static void __attribute__((noreturn))
detach_failed(const char *what)
{
	char	 ebuf[128];

	mlog(LOG_ERR, "%s: %s", what, errbuf_strerror(errno, ebuf,
	    sizeof(ebuf)));
	exit(1);
}

/*
 * detach - become a daemon.  The parent waits for one byte on a pipe:
 * the child writes it once it serves (ready()), so the parent's exit
 * status says whether the start worked; a child that dies first closes
 * the pipe and the parent exits 1.  Returns the pipe's write end.
 */
static int
detach(void)
{
	int	 p[2];
	char	 c, ebuf[128];
	pid_t	 pid;

	if (pipe(p) == -1)
		detach_failed("pipe");
	if ((pid = fork()) == -1)
		detach_failed("fork");
	if (pid != 0) {
		close(p[1]);
		_exit(read(p[0], &c, 1) == 1 ? 0 : 1);
	}
	close(p[0]);
	if (setsid() == -1)
		detach_failed("setsid");
	/* the session leader exits: no terminal can be acquired again */
	if ((pid = fork()) == -1)
		detach_failed("fork");
	if (pid != 0)
		_exit(0);
	if (chdir("/") == -1)
		mlog(LOG_WARNING, "chdir /: %s", errbuf_strerror(errno, ebuf,
		    sizeof(ebuf)));
	return p[1];
}

/* ready - serving: release the waiting parent, leave the terminal */
static void
ready(int fd)
{
	int	 null;

	if (fd == -1)
		return;
	(void)write(fd, "y", 1);
	close(fd);
	log_stderr = 0;
	if ((null = open("/dev/null", O_RDWR)) != -1) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
}

/* open_syslog - syslog with the configured facility */
static void
open_syslog(const struct conf *c)
{
	size_t	 i;
	int	 fac = LOG_MAIL;

	if (!c->syslog)
		return;
	for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (strcmp(facilities[i].name, c->facility) == 0)
			fac = facilities[i].facility;
	openlog(MILTER_NAME, LOG_PID | LOG_NDELAY, fac);
	log_syslog = 1;
}

/*
 * check_only - -n: everything start-up reads, that the Socket can be
 * listened on and the PidFile written, then a summary
 */
static int
check_only(const struct state *st, const struct privsep *ps)
{
	struct errbuf	 err;
	char		 running[64] = "";
	size_t		 i;
	long		 pid;

	for (i = 0; i < st->conf->nwarnings; i++)
		fprintf(stderr, "%s: warning: %s\n", MILTER_NAME,
		    st->conf->warning[i]);
	errbuf_clear(&err);
	if (instance_check(st->conf->socket, st->conf->pidfile, &pid,
	    &err) == -1) {
		fprintf(stderr, "%s: %s: %s\n", MILTER_NAME, conf_file,
		    err.msg);
		return EX_CONFIG_;
	}
	if (pid != 0)
		snprintf(running, sizeof(running), ", running as pid %ld", pid);
	printf("%s: ok: Socket %s, Mode %s%s, %zu signing key%s, "
	    "InternalHosts %zu entr%s, AuthservID %s%s%s%s\n", conf_file,
	    st->conf->socket, st->conf->mode & CONF_MODE_SIGN ? "s" : "",
	    st->conf->mode & CONF_MODE_VERIFY ? "v" : "",
	    table_nkeys(st->table), table_nkeys(st->table) == 1 ? "" : "s",
	    netlist_count(st->internal), netlist_count(st->internal) == 1 ?
	    "y" : "ies", st->authserv_id, ps->set ? ", UserID " : "",
	    ps->set ? st->conf->user : "", running);
	/* each key's selector in DNS: a warning, never a failure (the
	 * host may be offline, the record not yet published) */
	fflush(stdout);
	(void)keywatch_check_now(st);
	return 0;
}

static const struct option longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

int
main(int argc, char *argv[])
{
	struct state		*st;
	struct privsep		 ps;
	struct errbuf		 err;
	struct sigaction	 sa;
	sigset_t		 set;
	pthread_t		 tid;
	int			 ch, check = 0, foreground = 0, readyfd = -1;
	int			 rc;
	const char		*sock;
	char			 vbuf[256];

	while ((ch = getopt_long(argc, argv, "c:fnvhV", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'c':
			conf_file = optarg;
			break;
		case 'f':
			foreground = 1;
			break;
		case 'n':
			check = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			usage(0);
			break;
		case 'V':
			printf("%s\n", version_line(MILTER_NAME, vbuf,
			    sizeof(vbuf)));
			return 0;
		default:
			usage(1);
		}
	}
	if (optind != argc)
		usage(1);
	conf_abs = realpath(conf_file, NULL);
	/*
	 * SIGHUP, SIGTERM and SIGINT are blocked before any thread exists,
	 * so that every thread (ours, libmilter's, the verifier's lookups)
	 * inherits the mask: signals() takes them (a SIGTERM during
	 * start-up waits for it).  SIGUSR1 is blocked too, except in the
	 * thread that runs libmilter's listener (see instance.c).
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = wakeup;	/* no SA_RESTART: poll() must return */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	log_set_sink(lib_sink, verbose ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);

	errbuf_clear(&err);
	if ((st = startup_state(&ps, &err)) == NULL) {
		mlog(LOG_ERR, "%s", err.msg);
		return EX_CONFIG_;
	}
	if (check) {
		rc = check_only(st, &ps);
		state_free(st);
		return rc;
	}
	if (!st->conf->background)
		foreground = 1;
	open_syslog(st->conf);
	show_warnings(st->conf);
	state_swap(st);
	if (!foreground)
		readyfd = detach();
	log_stderr = foreground || readyfd != -1;
	if (st->conf->umask != -1)
		umask((mode_t)st->conf->umask);

	sock = st->conf->socket;
	/* the PidFile lock first: a second instance leaves the socket be */
	if (instance_lock(st->conf->pidfile, &err) == -1) {
		mlog(LOG_ERR, "%s", err.msg);
		return 1;
	}
	/* packets as large as MTAs send (one header field up to Postfix's
	 * header_size_limit): more than libmilter's 64 KB default */
	(void)smfi_setmaxdatasize(MILTER_DATA_MAX);
	if (smfi_register(callbacks_desc) == MI_FAILURE ||
	    instance_listen(sock, &ps, &err) == -1) {
		mlog(LOG_ERR, "%s", err.msg[0] != '\0' ? err.msg :
		    "libmilter refused to register the filter");
		instance_end();
		return 1;
	}
	if (privsep_drop(&ps, &err) == -1) {
		mlog(LOG_ERR, "UserID %s: %s", st->conf->user, err.msg);
		instance_end();
		return 1;
	}
	if ((milter_pool = lookup_pool_new(st->conf->dns_threads, &err)) ==
	    NULL) {
		mlog(LOG_ERR, "DNSLookupThreads %u: %s", st->conf->dns_threads,
		    err.msg);
		instance_end();
		return 1;
	}
	if (pthread_create(&tid, NULL, signals, NULL) != 0) {
		mlog(LOG_ERR, "cannot start the signal thread");
		instance_end();
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	/* our selectors in DNS, checked off the message path */
	if (keywatch_start(st, &err) == -1) {
		mlog(LOG_ERR, "%s", err.msg);
		instance_end();
		return 1;
	}
	mlog(LOG_INFO, "%s %s listening on %s (Mode %s%s, %zu signing "
	    "keys, AuthservID %s)", MILTER_NAME, MILTER_VERSION, sock,
	    st->conf->mode & CONF_MODE_SIGN ? "s" : "",
	    st->conf->mode & CONF_MODE_VERIFY ? "v" : "",
	    table_nkeys(st->table), st->authserv_id);
	ready(readyfd);
	log_stderr = foreground;

	rc = smfi_main();
	/* after the privilege drop removal may not be allowed: no matter */
	instance_end();
	if (cut > 0)
		mlog(LOG_WARNING, "stopped with %u message%s still in "
		    "progress (they get up to %d s)", cut, cut == 1 ? "" : "s",
		    STOP_WAIT_S);
	else
		mlog(LOG_INFO, "stopped");
	return rc == MI_SUCCESS ? 0 : 1;
}
