/*
 * main - dkimlens-milter: options, configuration state, process life
 *
 *   dkimlens-milter [-fnv] [-c FILE]
 *
 * Start-up order: read the configuration and every key (as root), look
 * up UserID, detach (unless -f), open the socket, write the PidFile,
 * drop privileges, then serve.  Errors before serving go to stderr (and
 * syslog); a daemon's parent exits only when the child is serving, with
 * its status.  SIGHUP reloads configuration and keys (see reloader());
 * SIGTERM stops libmilter, which lets smfi_main() return.
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
static char		 sockbuf[CONF_LINE_MAX];	/* libmilter keeps it */
static char		 pidfile[CONF_LINE_MAX];	/* removed at exit */

/* the key lookup threads (DNSLookupThreads), started before serving */
struct lookup_pool	*milter_pool;

/* errtext - strerror_r, for the threads started later */
static const char *
errtext(int e)
{
	static char	 buf[128];	/* main thread only */

	if (strerror_r(e, buf, sizeof(buf)) != 0)
		snprintf(buf, sizeof(buf), "error %d", e);
	return buf;
}

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

/* state_get - the current state, held until state_put */
struct state *
state_get(void)
{
	struct state	*st;

	pthread_mutex_lock(&state_lock);
	st = current;
	st->refs++;
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
	pthread_mutex_unlock(&state_lock);
	if (last)
		state_free(st);
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
 * reloader - wait for SIGHUP and reload.  SIGHUP is blocked in every
 * thread (see main), so only this thread's sigwaitinfo() takes it;
 * libmilter's own signal thread is kept off it by sigwait() below.
 * A reload that fails keeps the running configuration; messages in
 * flight finish with the state they started with.
 */
static void *
reloader(void *arg)
{
	sigset_t	 set;
	struct state	*st, *old;
	struct errbuf	 err;

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	for (;;) {
		if (sigwaitinfo(&set, NULL) == -1)
			continue;
		errbuf_clear(&err);
		if ((st = state_build(conf_abs != NULL ? conf_abs : conf_file,
		    &err)) == NULL) {
			mlog(LOG_ERR, "reload failed, keeping the running "
			    "configuration: %s", err.msg);
			continue;
		}
		show_warnings(st->conf);
		old = state_get();
		restart_needed(old->conf, st->conf);
		state_put(old);
		state_swap(st);
		keywatch_load(st);
		mlog(LOG_INFO, "reloaded %s: %zu keys", conf_file,
		    table_nkeys(st->table));
	}
	return NULL;
}

/*
 * sigwait - the one libmilter calls.  libmilter's signal thread waits
 * for SIGHUP, SIGTERM and SIGINT and stops the filter on any of them;
 * dkimlens gives SIGHUP its usual daemon meaning, reload.  This
 * definition comes first in the symbol search order, so libmilter's call
 * lands here: it waits for the same set minus SIGHUP, which is left to
 * reloader() (that uses sigwaitinfo(), not this).
 */
int
sigwait(const sigset_t *restrict set, int *restrict sig)
{
	sigset_t	 mine;
	int		 s;

	mine = *set;
	sigdelset(&mine, SIGHUP);
	do
		s = sigwaitinfo(&mine, NULL);
	while (s == -1 && errno == EINTR);
	if (s == -1)
		return errno;
	*sig = s;
	return 0;
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
	char	 c;
	pid_t	 pid;

	if (pipe(p) == -1) {
		mlog(LOG_ERR, "pipe: %s", errtext(errno));
		exit(1);
	}
	if ((pid = fork()) == -1) {
		mlog(LOG_ERR, "fork: %s", errtext(errno));
		exit(1);
	}
	if (pid != 0) {
		close(p[1]);
		_exit(read(p[0], &c, 1) == 1 ? 0 : 1);
	}
	close(p[0]);
	if (setsid() == -1) {
		mlog(LOG_ERR, "setsid: %s", errtext(errno));
		exit(1);
	}
	/* the session leader exits: no terminal can be acquired again */
	if ((pid = fork()) == -1) {
		mlog(LOG_ERR, "fork: %s", errtext(errno));
		exit(1);
	}
	if (pid != 0)
		_exit(0);
	if (chdir("/") == -1)
		mlog(LOG_WARNING, "chdir /: %s", errtext(errno));
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

/* write_pidfile - PidFile with our pid, mode 0644; 0 or -1 (logged) */
static int
write_pidfile(const char *path)
{
	char	 buf[32];
	int	 fd, n;

	if (path == NULL)
		return 0;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1) {
		mlog(LOG_ERR, "PidFile %s: %s", path, errtext(errno));
		return -1;
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (fchmod(fd, 0644) == -1 || write(fd, buf, (size_t)n) != n) {
		mlog(LOG_ERR, "PidFile %s: %s", path, errtext(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
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

/* check_only - -n: everything start-up reads, then a summary */
static int
check_only(const struct state *st, const struct privsep *ps)
{
	size_t	 i;

	for (i = 0; i < st->conf->nwarnings; i++)
		fprintf(stderr, "%s: warning: %s\n", MILTER_NAME,
		    st->conf->warning[i]);
	printf("%s: ok: Socket %s, Mode %s%s, %zu signing key%s, "
	    "InternalHosts %zu entr%s, AuthservID %s%s%s\n", conf_file,
	    st->conf->socket, st->conf->mode & CONF_MODE_SIGN ? "s" : "",
	    st->conf->mode & CONF_MODE_VERIFY ? "v" : "",
	    table_nkeys(st->table), table_nkeys(st->table) == 1 ? "" : "s",
	    netlist_count(st->internal), netlist_count(st->internal) == 1 ?
	    "y" : "ies", st->authserv_id, ps->set ? ", UserID " : "",
	    ps->set ? st->conf->user : "");
	/* each key's selector in DNS: a warning, never a failure (the
	 * host may be offline, the record not yet published) */
	fflush(stdout);
	(void)keywatch_check_now(st);
	return 0;
}

/* stop_wait - give messages in progress a moment to finish */
static void
stop_wait(void)
{
	struct timespec	 ts = { 0, 100 * 1000 * 1000 };
	int		 i;

	for (i = 0; i < STOP_WAIT_S * 10 && conn_busy() > 0; i++)
		nanosleep(&ts, NULL);
}

static const struct option longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

int
main(int argc, char *argv[])
{
	struct state	*st;
	struct privsep	 ps;
	struct errbuf	 err;
	sigset_t	 set;
	pthread_t	 tid;
	int		 ch, check = 0, foreground = 0, readyfd = -1, rc;
	const char	*sock;
	char		 vbuf[256];

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
	 * inherits the mask: reloader() takes SIGHUP, libmilter's signal
	 * thread the others (a SIGTERM during start-up waits for it).
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
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

	snprintf(sockbuf, sizeof(sockbuf), "%s", st->conf->socket);
	sock = sockbuf;
	if (smfi_register(callbacks_desc) == MI_FAILURE ||
	    smfi_setconn(sockbuf) == MI_FAILURE) {
		mlog(LOG_ERR, "libmilter refused Socket %s", sock);
		return 1;
	}
	(void)smfi_setmaxdatasize(MILTER_DATA_MAX);
	if (smfi_opensocket(true) == MI_FAILURE) {
		mlog(LOG_ERR, "cannot listen on %s (in use, or no permission?)",
		    sock);
		return 1;
	}
	if (strncmp(sock, "unix:", 5) == 0 || strncmp(sock, "local:", 6) ==
	    0 || sock[0] == '/') {
		if (privsep_chown(strchr(sock, '/'), &ps, &err) == -1)
			mlog(LOG_WARNING, "%s", err.msg);
	}
	if (write_pidfile(st->conf->pidfile) == -1)
		return 1;
	if (st->conf->pidfile != NULL)
		snprintf(pidfile, sizeof(pidfile), "%s", st->conf->pidfile);
	if (privsep_drop(&ps, &err) == -1) {
		mlog(LOG_ERR, "UserID %s: %s", st->conf->user, err.msg);
		return 1;
	}
	if ((milter_pool = lookup_pool_new(st->conf->dns_threads, &err)) ==
	    NULL) {
		mlog(LOG_ERR, "DNSLookupThreads %u: %s", st->conf->dns_threads,
		    err.msg);
		return 1;
	}
	if (pthread_create(&tid, NULL, reloader, NULL) != 0) {
		mlog(LOG_ERR, "cannot start the reload thread");
		return 1;
	}
	/* our selectors in DNS, checked off the message path */
	if (keywatch_start(st, &err) == -1) {
		mlog(LOG_ERR, "%s", err.msg);
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
	stop_wait();
	/* after the privilege drop this may not be allowed: no matter */
	if (pidfile[0] != '\0' && unlink(pidfile) == -1 && errno != ENOENT)
		mlog(LOG_DEBUG, "PidFile %s: %s", pidfile, errtext(errno));
	mlog(LOG_INFO, "stopped%s", conn_busy() > 0 ?
	    " with messages still in progress" : "");
	return rc == MI_SUCCESS ? 0 : 1;
}
