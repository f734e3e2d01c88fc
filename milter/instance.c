/*
 * instance - one running milter: its PidFile, its Socket, its stop
 *
 * The PidFile is the lock that makes an instance one: it is opened
 * without following a symbolic link, must be a regular file with one
 * link, and is locked (fcntl) before it is truncated and written.  A
 * second start with the same PidFile finds the lock held and is refused,
 * naming the holder's pid; it waits LOCK_WAIT_S first, so that `kill
 * -TERM $(cat PidFile); dkimlens-milter` starts as soon as the old
 * instance lets go, which it does as it stops accepting (below).
 *
 * A unix Socket is bound at a name of this process's own (PATH.PID) and
 * renamed into place: libmilter, which at its end removes any socket at
 * the path it bound, then only ever sees that private name, and the path
 * is replaced atomically.  This file records the socket's device and
 * inode, and removes the path only while it still holds them: never a
 * socket that a newer instance put there.
 *
 * Stopping, with Debian's libmilter 8.17: it serves connections from a
 * pool of worker threads that stop serving as soon as libmilter is told
 * to stop (smfi_stop), which would cut every message in progress; and
 * its listener polls the listening socket holding a lock, waking every
 * 5 s to look whether it should stop.  So a stop goes in two steps:
 *   1. instance_unlisten(): the listening descriptor is replaced (dup2)
 *      by the read end of an idle pipe, and the listener is woken out of
 *      its poll by SIGUSR1 (its poll() fails with EINTR, which it
 *      retries), so the socket itself is closed at once: the port or
 *      path is free for a new instance.  The listener then polls the
 *      pipe, which never has anything to accept (accept() on it fails
 *      ENOTSOCK, which conn.c's accept() reports as EAGAIN).  Workers
 *      go on serving the connections already open.
 *   2. instance_wake(), once the messages in progress are done: a byte
 *      in the pipe wakes the listener, which sees that smfi_stop() was
 *      called and returns from smfi_main().
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/errbuf.h"
#include "milter/milter.h"

#define LOCK_WAIT_S	3	/* for an instance that is stopping */
#define FD_SCAN_MAX	1024	/* where libmilter's listening socket is */

/* What this process holds; written by the main thread before serving. */
static int		 pid_fd = -1;
static char		 pid_path[PATH_MAX];
static char		 sock_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static dev_t		 sock_dev;
static ino_t		 sock_ino;
static int		 listen_fd = -1;	/* libmilter's descriptor */
static int		 idle[2] = { -1, -1 };	/* the pipe put in its place */
static pthread_t	 listener;	/* the thread in smfi_main() */
static pthread_mutex_t	 stop_lock = PTHREAD_MUTEX_INITIALIZER;

/* dir_of - the directory part of path into buf ("/" for "/x") */
static void
dir_of(const char *path, char *buf, size_t len)
{
	const char	*slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(buf, len, ".");
	else if (slash == path)
		snprintf(buf, len, "/");
	else
		snprintf(buf, len, "%.*s", (int)(slash - path), path);
}

/*
 * dir_exists - the directory holding path exists; -1 with err naming
 * the option (what) and its value if not
 */
static int
dir_exists(const char *what, const char *value, const char *path,
    struct errbuf *err)
{
	struct stat	 st;
	char		 dir[PATH_MAX], ebuf[128];

	dir_of(path, dir, sizeof(dir));
	if (stat(dir, &st) == -1)
		return errbuf_set(err, "%s %s: directory %s: %s", what, value,
		    dir, errbuf_strerror(errno, ebuf, sizeof(ebuf)));
	if (!S_ISDIR(st.st_mode))
		return errbuf_set(err, "%s %s: %s is not a directory", what,
		    value, dir);
	return 0;
}

/* lock_holder - the pid holding a lock on fd, or 0 */
static long
lock_holder(int fd)
{
	struct flock	 fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_GETLK, &fl) == -1 || fl.l_type == F_UNLCK)
		return 0;
	return (long)fl.l_pid;
}

/*
 * open_pidfile - open path for writing without following a symbolic
 * link, without blocking on a FIFO and without truncating; a regular
 * file with one link only.  The descriptor, or -1 with err.
 */
static int
open_pidfile(const char *path, int create, struct errbuf *err)
{
	struct stat	 st;
	char		 ebuf[128];
	int		 fd;

	fd = open(path, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC |
	    (create ? O_CREAT : 0), 0644);
	if (fd == -1 && errno == ELOOP)
		return errbuf_set(err, "PidFile %s is a symbolic link; "
		    "refusing to follow it (remove it: the PidFile is "
		    "created by dkimlens-milter)", path);
	if (fd == -1)
		return errbuf_set(err, "PidFile %s: %s", path,
		    errbuf_strerror(errno, ebuf, sizeof(ebuf)));
	if (fstat(fd, &st) == -1) {
		errbuf_set(err, "PidFile %s: %s", path, errbuf_strerror(errno,
		    ebuf, sizeof(ebuf)));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		errbuf_set(err, "PidFile %s is not a regular file; refusing "
		    "to write it (remove it)", path);
		goto fail;
	}
	if (st.st_nlink != 1) {
		errbuf_set(err, "PidFile %s has %lu links (a hard link to "
		    "another file?); refusing to write it (remove it)", path,
		    (unsigned long)st.st_nlink);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

/* same_file - path (not followed) is the file of dev and ino */
static int
same_file(const char *path, dev_t dev, ino_t ino)
{
	struct stat	 st;

	return lstat(path, &st) == 0 && st.st_dev == dev && st.st_ino == ino;
}

/*
 * instance_lock - take the PidFile: open it safely, lock it (waiting up
 * to LOCK_WAIT_S for an instance that is stopping), then truncate it
 * and write our pid.  A lock won on a file that its stopping holder
 * removed meanwhile is worth nothing: the path is opened again.  NULL
 * path: nothing to do.  0, or -1 with err.
 */
int
instance_lock(const char *path, struct errbuf *err)
{
	struct flock	 fl;
	struct stat	 st;
	struct timespec	 ts = { 0, 50 * 1000 * 1000 };
	char		 buf[32], ebuf[128];
	long		 holder;
	int		 fd, i, n;

	if (path == NULL)
		return 0;
	if (dir_exists("PidFile", path, path, err) == -1)
		return -1;
	for (i = 0;; i++) {
		if ((fd = open_pidfile(path, 1, err)) == -1)
			return -1;
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		if (fcntl(fd, F_SETLK, &fl) == 0) {
			if (fstat(fd, &st) == 0 && same_file(path, st.st_dev,
			    st.st_ino))
				break;
			close(fd);
			continue;
		}
		if (errno != EAGAIN && errno != EACCES) {
			errbuf_set(err, "PidFile %s: lock: %s", path,
			    errbuf_strerror(errno, ebuf, sizeof(ebuf)));
			goto fail;
		}
		if (i >= LOCK_WAIT_S * 20) {
			holder = lock_holder(fd);
			errbuf_set(err, "PidFile %s is locked by pid %ld: "
			    "another %s is running (stop it first, or give "
			    "this one its own PidFile and Socket)", path,
			    holder, MILTER_NAME);
			goto fail;
		}
		close(fd);
		nanosleep(&ts, NULL);
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 || pwrite(fd, buf, (size_t)n, 0) != n) {
		errbuf_set(err, "PidFile %s: %s", path, errbuf_strerror(errno,
		    ebuf, sizeof(ebuf)));
		goto fail;
	}
	pid_fd = fd;
	snprintf(pid_path, sizeof(pid_path), "%s", path);
	return 0;
fail:
	close(fd);
	return -1;
}

/*
 * instance_release - let the PidFile go: remove it while it is still
 * ours (or, when UserID may not remove it, empty it), then unlock it.
 * A new instance may start from here on.
 */
void
instance_release(void)
{
	struct stat	 st;

	pthread_mutex_lock(&stop_lock);
	if (pid_fd != -1) {
		if (fstat(pid_fd, &st) == -1 || !same_file(pid_path,
		    st.st_dev, st.st_ino) || unlink(pid_path) == -1)
			(void)ftruncate(pid_fd, 0);
		close(pid_fd);
		pid_fd = -1;
	}
	pthread_mutex_unlock(&stop_lock);
}

/*
 * struct sockspec - a libmilter Socket: unix:PATH, local:PATH, PATH,
 * inet:PORT[@HOST], inet6:PORT[@HOST]
 */
struct sockspec {
	int	 family;
	char	 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char	 host[256];	/* empty: any address */
	char	 port[16];
	long	 pid;		/* who listens there, when in use */
	char	 comm[32];
};

/* parse - spec into s; -1 with err */
static int
parse(const char *spec, struct sockspec *s, struct errbuf *err)
{
	const char	*p, *at;
	size_t		 len;

	memset(s, 0, sizeof(*s));
	p = NULL;
	if (strncmp(spec, "unix:", 5) == 0 || strncmp(spec, "local:", 6) == 0)
		p = strchr(spec, ':') + 1;
	else if (spec[0] == '/')
		p = spec;
	if (p != NULL) {
		s->family = AF_UNIX;
		/* room for our private name, PATH.PID (see the top) */
		if (strlen(p) + 12 >= sizeof(s->path))
			return errbuf_set(err, "Socket %s: the path is too "
			    "long for a unix socket (at most %zu bytes)",
			    spec, sizeof(s->path) - 13);
		snprintf(s->path, sizeof(s->path), "%s", p);
		return 0;
	}
	if (strncmp(spec, "inet:", 5) == 0) {
		s->family = AF_INET;
		p = spec + 5;
	} else if (strncmp(spec, "inet6:", 6) == 0) {
		s->family = AF_INET6;
		p = spec + 6;
	} else
		return errbuf_set(err, "Socket %s: not inet:, inet6: or unix:",
		    spec);
	at = strchr(p, '@');
	len = at == NULL ? strlen(p) : (size_t)(at - p);
	if (len == 0 || len >= sizeof(s->port))
		return errbuf_set(err, "Socket %s: no port", spec);
	memcpy(s->port, p, len);
	if (at != NULL) {
		snprintf(s->host, sizeof(s->host), "%s", at + 1);
		len = strlen(s->host);
		if (len >= 2 && s->host[0] == '[' && s->host[len - 1] == ']') {
			memmove(s->host, s->host + 1, len - 2);
			s->host[len - 2] = '\0';
		}
	}
	return 0;
}

/*
 * unix_live - something accepts connections at path: 1; nothing there
 * or a stale socket: 0; -1 with err (not a socket, no permission).
 */
static int
unix_live(const char *spec, const char *path, struct errbuf *err)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	char			 ebuf[128];
	int			 fd, rc, e;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		return errbuf_set(err, "Socket %s: %s", spec,
		    errbuf_strerror(errno, ebuf, sizeof(ebuf)));
	}
	if (!S_ISSOCK(st.st_mode))
		return errbuf_set(err, "Socket %s: %s exists and is not a "
		    "socket (remove it, or choose another path)", spec, path);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return errbuf_set(err, "socket: %s", errbuf_strerror(errno,
		    ebuf, sizeof(ebuf)));
	rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	e = errno;
	close(fd);
	if (rc == 0)
		return 1;
	if (e == ECONNREFUSED)
		return 0;
	return errbuf_set(err, "Socket %s: connect: %s", spec,
	    errbuf_strerror(e, ebuf, sizeof(ebuf)));
}

/* unix_bindable - a socket can be bound at tmp (then removed) */
static int
unix_bindable(const char *spec, const char *tmp, struct errbuf *err)
{
	struct sockaddr_un	 sun;
	char			 ebuf[128];
	int			 fd, rc, e;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", tmp);
	(void)unlink(tmp);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return errbuf_set(err, "socket: %s", errbuf_strerror(errno,
		    ebuf, sizeof(ebuf)));
	rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	e = errno;
	close(fd);
	if (rc == 0) {
		(void)unlink(tmp);
		return 0;
	}
	return errbuf_set(err, "Socket %s: cannot create a socket in that "
	    "directory: %s", spec, errbuf_strerror(e, ebuf, sizeof(ebuf)));
}

/* inet_bindable - host resolves and the port can be bound; 0, 1 in use */
static int
inet_bindable(const char *spec, const struct sockspec *s, struct errbuf *err)
{
	struct addrinfo	 hints, *res, *ai;
	char		 ebuf[128];
	int		 fd, rc, e = 0, one = 1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = s->family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if ((rc = getaddrinfo(s->host[0] != '\0' ? s->host : NULL, s->port,
	    &hints, &res)) != 0)
		return errbuf_set(err, "Socket %s: host '%s': %s", spec,
		    s->host, gai_strerror(rc));
	rc = -1;
	for (ai = res; ai != NULL && rc == -1; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC,
		    0)) == -1) {
			e = errno;
			continue;
		}
		/* as libmilter binds: SO_REUSEADDR, so TIME_WAIT is no bar */
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one));
		rc = bind(fd, ai->ai_addr, ai->ai_addrlen);
		if (rc == 0)
			rc = listen(fd, 1);
		e = errno;
		close(fd);
	}
	freeaddrinfo(res);
	if (rc == 0)
		return 0;
	errbuf_set(err, "Socket %s: cannot listen on port %s%s%s: %s", spec,
	    s->port, s->host[0] != '\0' ? " of " : "", s->host,
	    errbuf_strerror(e, ebuf, sizeof(ebuf)));
	return e == EADDRINUSE ? 1 : -1;
}

/*
 * listen_inode - the inode of a socket listening at s, from Linux's
 * /proc/net tables (tcp, tcp6: state 0A; unix: flag __SO_ACCEPTCON), or 0
 */
static unsigned long
listen_inode(const struct sockspec *s)
{
	static const char *const tables[] = { "/proc/net/tcp",
	    "/proc/net/tcp6" };
	FILE		*f;
	char		 line[1024], path[sizeof(s->path)];
	unsigned long	 ino = 0, flags;
	unsigned int	 port, want, st;
	size_t		 i;

	if (s->family == AF_UNIX) {
		if ((f = fopen("/proc/net/unix", "re")) == NULL)
			return 0;
		while (ino == 0 && fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "%*s %*s %*s %lx %*s %*s %lu %107s",
			    &flags, &ino, path) != 3 || !(flags & 0x10000) ||
			    strcmp(path, s->path) != 0)
				ino = 0;
		fclose(f);
		return ino;
	}
	want = (unsigned int)strtoul(s->port, NULL, 10);
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]) && ino == 0;
	    i++) {
		if ((f = fopen(tables[i], "re")) == NULL)
			continue;
		while (ino == 0 && fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "%*s %*[0-9A-Fa-f]:%x %*s %x %*s %*s "
			    "%*s %*s %*s %lu", &port, &st, &ino) != 3 ||
			    port != want || st != 0x0A)
				ino = 0;
		fclose(f);
	}
	return ino;
}

/*
 * owner - the process listening at s and its name (comm), or 0: for
 * saying who holds a Socket, and for -n to know its own running
 * instance (root sees every process)
 */
static long
owner(const struct sockspec *s, char *comm, size_t len)
{
	DIR		*proc, *fds;
	struct dirent	*p, *d;
	char		 path[64], link[64], want[64];
	unsigned long	 ino;
	long		 pid = 0;
	ssize_t		 n;
	FILE		*f;

	if ((ino = listen_inode(s)) == 0 || (proc = opendir("/proc")) ==
	    NULL)
		return 0;
	snprintf(want, sizeof(want), "socket:[%lu]", ino);
	while (pid == 0 && (p = readdir(proc)) != NULL) {
		if (p->d_name[0] < '0' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", p->d_name);
		if ((fds = opendir(path)) == NULL)
			continue;
		while (pid == 0 && (d = readdir(fds)) != NULL) {
			snprintf(path, sizeof(path), "/proc/%s/fd/%s",
			    p->d_name, d->d_name);
			n = readlink(path, link, sizeof(link) - 1);
			if (n > 0 && (link[n] = '\0', strcmp(link, want) == 0))
				pid = strtol(p->d_name, NULL, 10);
		}
		closedir(fds);
	}
	closedir(proc);
	snprintf(comm, len, "?");
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	if (pid != 0 && (f = fopen(path, "re")) != NULL) {
		if (fgets(comm, (int)len, f) != NULL)
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	return pid;
}

/*
 * check - can Socket be listened on?  0 yes; 1 in use (a live unix
 * socket, a port taken); -1 another problem, in err.
 */
static int
check(const char *spec, struct sockspec *s, struct errbuf *err)
{
	char	 tmp[sizeof(s->path)];
	size_t	 n;
	int	 rc;

	if (parse(spec, s, err) == -1)
		return -1;
	if (s->family != AF_UNIX)
		rc = inet_bindable(spec, s, err);
	else {
		if (dir_exists("Socket", spec, s->path, err) == -1)
			return -1;
		snprintf(tmp, sizeof(tmp), "%s.%ld", s->path, (long)getpid());
		if (unix_bindable(spec, tmp, err) == -1)
			return -1;
		if ((rc = unix_live(spec, s->path, err)) == 1)
			errbuf_set(err, "Socket %s: another process listens "
			    "on %s", spec, s->path);
	}
	if (rc == 1 && (s->pid = owner(s, s->comm, sizeof(s->comm))) != 0) {
		n = strlen(err->msg);
		snprintf(err->msg + n, sizeof(err->msg) - n, " (%s, pid %ld)",
		    s->comm, s->pid);
	}
	return rc;
}

/*
 * instance_check - for -n: Socket can be listened on, PidFile's
 * directory exists and the PidFile is safe to write.  A Socket in use is
 * no error while a running instance holds it or the PidFile (-n runs
 * before a reload, too): a restart takes it over; *running_out is then
 * that instance's pid, else 0.
 */
int
instance_check(const char *spec, const char *pidfile, long *running_out,
    struct errbuf *err)
{
	struct sockspec	 s;
	struct stat	 st;
	int		 fd, rc;

	*running_out = 0;
	if (pidfile != NULL) {
		if (dir_exists("PidFile", pidfile, pidfile, err) == -1)
			return -1;
		if (lstat(pidfile, &st) == 0) {
			if ((fd = open_pidfile(pidfile, 0, err)) == -1)
				return -1;
			*running_out = lock_holder(fd);
			close(fd);
		}
	}
	rc = check(spec, &s, err);
	/* in use by our own running instance: what a restart replaces */
	if (rc == 1 && (*running_out != 0 || strcmp(s.comm, MILTER_NAME) ==
	    0)) {
		if (*running_out == 0)
			*running_out = s.pid;
		errbuf_clear(err);
		return 0;
	}
	return rc == 0 ? 0 : -1;
}

/*
 * instance_listen - open the Socket through libmilter (after
 * smfi_register), waiting up to LOCK_WAIT_S for a stopping instance to
 * free it; give a unix socket to UserID and record what was created.
 * 0, or -1 with err.
 */
int
instance_listen(const char *spec, const struct privsep *ps,
    struct errbuf *err)
{
	static char	 conn[sizeof(sock_path) + 16];	/* libmilter keeps it */
	struct sockspec	 s;
	struct stat	 st;
	struct timespec	 ts = { 0, 50 * 1000 * 1000 };
	char		 tmp[sizeof(sock_path)], ebuf[128];
	int		 i, rc, fd, on;
	socklen_t	 len;

	for (i = 0; (rc = check(spec, &s, err)) == 1; i++) {
		if (i >= LOCK_WAIT_S * 20)
			return -1;
		errbuf_clear(err);
		nanosleep(&ts, NULL);
	}
	if (rc == -1)
		return -1;
	if (s.family == AF_UNIX) {
		snprintf(tmp, sizeof(tmp), "%s.%ld", s.path, (long)getpid());
		snprintf(conn, sizeof(conn), "unix:%s", tmp);
	} else
		snprintf(conn, sizeof(conn), "%s", spec);
	if (smfi_setconn(conn) == MI_FAILURE)
		return errbuf_set(err, "Socket %s: libmilter refused it", spec);
	if (smfi_opensocket(true) == MI_FAILURE)
		return errbuf_set(err, "Socket %s: libmilter could not listen "
		    "there (its reason is in the syslog)", spec);
	if (s.family == AF_UNIX) {
		if (privsep_chown(tmp, ps, err) == -1 ||
		    stat(tmp, &st) == -1 || rename(tmp, s.path) == -1) {
			if (err->msg[0] == '\0')
				errbuf_set(err, "Socket %s: %s", spec,
				    errbuf_strerror(errno, ebuf, sizeof(ebuf)));
			(void)unlink(tmp);
			return -1;
		}
		snprintf(sock_path, sizeof(sock_path), "%s", s.path);
		sock_dev = st.st_dev;
		sock_ino = st.st_ino;
	}
	/* libmilter's listening socket: the one that accepts connections */
	for (fd = 0; fd < FD_SCAN_MAX && listen_fd == -1; fd++) {
		len = sizeof(on);
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) == 0 &&
		    on)
			listen_fd = fd;
	}
	if (listen_fd == -1)
		mlog(LOG_WARNING, "Socket %s: listening descriptor not found; "
		    "a stop may take 5 s", spec);
	if (pipe(idle) == -1)
		return errbuf_set(err, "pipe: %s", errbuf_strerror(errno, ebuf,
		    sizeof(ebuf)));
	(void)fcntl(idle[0], F_SETFD, FD_CLOEXEC);
	(void)fcntl(idle[1], F_SETFD, FD_CLOEXEC);
	listener = pthread_self();
	return 0;
}

/* remove_socket - remove the unix socket path while it is ours */
static void
remove_socket(void)
{
	char	 ebuf[128];

	if (sock_path[0] == '\0')
		return;
	if (same_file(sock_path, sock_dev, sock_ino) && unlink(sock_path) ==
	    -1)
		mlog(LOG_DEBUG, "Socket %s: %s", sock_path,
		    errbuf_strerror(errno, ebuf, sizeof(ebuf)));
	sock_path[0] = '\0';
}

/*
 * instance_unlisten - stop accepting: close the listening socket at once
 * (step 1 at the top) and remove the unix socket path while it is ours.
 * Connections already open go on.
 */
void
instance_unlisten(void)
{
	pthread_mutex_lock(&stop_lock);
	if (listen_fd != -1 && idle[0] != -1 &&
	    dup2(idle[0], listen_fd) != -1) {
		listen_fd = -1;
		/* a poll() under way still holds the socket: end it */
		pthread_kill(listener, SIGUSR1);
	}
	remove_socket();
	pthread_mutex_unlock(&stop_lock);
}

/* instance_wake - make the listener look at smfi_stop() (step 2) */
void
instance_wake(void)
{
	if (idle[1] != -1)
		(void)write(idle[1], "x", 1);
}

/* instance_end - at exit: the socket and PidFile, if still held */
void
instance_end(void)
{
	pthread_mutex_lock(&stop_lock);
	remove_socket();
	pthread_mutex_unlock(&stop_lock);
	instance_release();
}
