/*
 * keyperm - key file input and the ownership rule (keyfile_read,
 * keyfile_secure, keyfile_check_file; see lib/keyfile.h)
 *
 * A key file has one way in (keyfile_read): it is opened once,
 * without following a final symbolic link and without blocking (opening
 * a FIFO would otherwise wait for a writer, and with it every later
 * reload of the milter), accepted only when that descriptor is a regular
 * file, judged on that descriptor and read from it.  The directories are
 * checked along the path as written; a symbolic link in the middle of the
 * path is followed, and the directories where the link lives and where it
 * leads are all checked.
 *
 * The rule, stated once and applied by the milter and keytool alike: the
 * key belongs to root or to the user that reads it (the milter's UserID,
 * keytool's invoking user or --user), nobody else may read or write it,
 * and no directory above it may be writable by anyone but root or that
 * user.  A key owned by root that a non-root reader is meant to read is
 * refused too: the reader could not open it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "lib/buf.h"
#include "lib/errbuf.h"
#include "lib/keyfile.h"
#include "lib/keyint.h"
#include "lib/rfile.h"


#define MAX_LINKS	40	/* symbolic links followed on one path */

/* printable - s with bytes outside printable ASCII as \xNN, into out */
static void
printable(const char *s, char *out, size_t outlen)
{
	const unsigned char	*p;
	size_t			 n = 0;

	for (p = (const unsigned char *)s; *p != '\0' && n + 5 < outlen; p++) {
		if (*p < 0x20 || *p > 0x7e)
			n += (size_t)snprintf(out + n, outlen - n, "\\x%02x",
			    *p);
		else
			out[n++] = (char)*p;
	}
	if (outlen > 0)
		out[n < outlen ? n : outlen - 1] = '\0';
}

/* not_regular - the refusal of path, whose mode is m; -1 */
static int
not_regular(const char *path, mode_t m, struct errbuf *err)
{
	char	 target[PATH_MAX], shown[PATH_MAX];
	ssize_t	 n;

	if (S_ISLNK(m)) {
		if ((n = readlink(path, target, sizeof(target) - 1)) < 0)
			n = 0;
		target[n] = '\0';
		printable(target, shown, sizeof(shown));
		return errbuf_set(err, "%s: is a symbolic link%s%s; key files "
		    "are never opened through one: point KeyFile (or the "
		    "KeyTable entry) at the file itself", path,
		    n > 0 ? " to " : "", shown);
	}
	return errbuf_set(err, "%s: is %s, not a regular file; a key file "
	    "must be a plain file holding the key", path, rfile_kind(m));
}

/*
 * open_key - open path for reading as described above; the descriptor,
 * with *st_out from fstat(), or -1 with err set.  A file that is not a
 * regular file is refused before it is opened where lstat() tells (so a
 * device is not even opened) and again on the descriptor.
 */
static int
open_key(const char *path, struct stat *st_out, struct errbuf *err)
{
	struct stat	 st;
	char		 eb[128];
	int		 fd, e;

	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return not_regular(path, st.st_mode, err);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC |
	    O_NOCTTY);
	if (fd == -1) {
		e = errno;
		if (e == ELOOP && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
			return not_regular(path, st.st_mode, err);
		return errbuf_set(err, "%s: %s", path, errbuf_strerror(e, eb,
		    sizeof(eb)));
	}
	if (fstat(fd, st_out) == -1) {
		e = errno;
		close(fd);
		return errbuf_set(err, "%s: %s", path, errbuf_strerror(e, eb,
		    sizeof(eb)));
	}
	if (!S_ISREG(st_out->st_mode)) {
		close(fd);
		return not_regular(path, st_out->st_mode, err);
	}
	return fd;
}

/* read_fd - the whole of fd, owned (cleanse before freeing), or -1 */
static int
read_fd(int fd, const char *path, unsigned char **out, size_t *len_out,
    struct errbuf *err)
{
	unsigned char	*buf = NULL, *nbuf;
	size_t		 len = 0, cap = 0, ncap;
	ssize_t		 n;
	char		 eb[128];

	for (;;) {
		if (len == cap) {
			if (cap > KEYFILE_MAX_BYTES) {
				errbuf_set(err, "%s: larger than %d bytes, "
				    "not a key file", path, KEYFILE_MAX_BYTES);
				goto fail;
			}
			ncap = cap == 0 ? 8192 : cap * 2;
			if ((nbuf = malloc(ncap)) == NULL) {
				errbuf_set(err, "%s: out of memory", path);
				goto fail;
			}
			if (len > 0)
				memcpy(nbuf, buf, len);
			OPENSSL_clear_free(buf, cap);
			buf = nbuf;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			errbuf_set(err, "%s: %s", path,
			    errbuf_strerror(errno, eb, sizeof(eb)));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (buf == NULL && (buf = malloc(1)) == NULL)
		return errbuf_set(err, "%s: out of memory", path);
	*out = buf;
	*len_out = len;
	return 0;
fail:
	OPENSSL_clear_free(buf, cap);
	return -1;
}

/* owner - the user name of uid, or "uid N" */
static void
owner(uid_t uid, char *out, size_t outlen)
{
	struct passwd	 pw, *res = NULL;
	char		 buf[1024];

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res != NULL)
		snprintf(out, outlen, "%s", pw.pw_name);
	else
		snprintf(out, outlen, "uid %lu", (unsigned long)uid);
}

/* The rule being applied to one key, and what it found. */
struct rule {
	const char	*path;		/* the key, as written */
	char		 qpath[PATH_MAX + 8];	/* shell-quoted */
	uid_t		 reader;	/* root or the user reading the key */
	int		 guessed;	/* reader taken from the key's owner */
	char		 rname[64];
	char		*what;
	size_t		 whatlen;
	char		*fix;
	size_t		 fixlen;
};

/* trusted - root or the reader */
static int
trusted(const struct rule *ru, uid_t uid)
{
	return uid == 0 || uid == ru->reader;
}

/* bad_path - a path on the way cannot be examined; -1 */
static int
bad_path(struct rule *ru, const char *name, int e)
{
	char	 eb[128];

	snprintf(ru->what, ru->whatlen, "%s: %s", name, errbuf_strerror(e, eb,
	    sizeof(eb)));
	snprintf(ru->fix, ru->fixlen, "check the path");
	return -1;
}

/* check_dir - a directory (or a link) on the way to the key; 0 or -1 */
static int
check_dir(struct rule *ru, const char *name, const struct stat *st)
{
	char	 who[64], q[PATH_MAX + 8];
	int	 link = S_ISLNK(st->st_mode);

	owner(st->st_uid, who, sizeof(who));
	keyfile_shquote(name, q, sizeof(q));
	if (!link && (st->st_mode & (S_IWGRP | S_IWOTH)) != 0 &&
	    (st->st_mode & S_ISVTX) == 0) {
		snprintf(ru->what, ru->whatlen, "directory %s: mode %04o, "
		    "owner %s: writable by %s, who can replace the key", name,
		    (unsigned int)(st->st_mode & 07777), who,
		    (st->st_mode & S_IWOTH) != 0 ? "others" : "its group");
		snprintf(ru->fix, ru->fixlen, "chmod go-w %s", q);
		return -1;
	}
	if (trusted(ru, st->st_uid))
		return 0;
	snprintf(ru->what, ru->whatlen, "%s %s: owner %s: owned by neither "
	    "root nor %s (the user that reads the key), so %s can replace "
	    "the key", link ? "symbolic link" : "directory", name, who,
	    ru->rname, who);
	if (ru->guessed && ru->reader == 0)
		snprintf(ru->fix, ru->fixlen, "chown %s%s %s; or, if %s reads "
		    "the key (dkimlens-milter's UserID): chown %s %s",
		    link ? "-h " : "", ru->rname, q, who, who, ru->qpath);
	else
		snprintf(ru->fix, ru->fixlen, "chown %s%s %s",
		    link ? "-h " : "", ru->rname, q);
	return -1;
}

/*
 * walk - check every directory from / down to the key's, along path as
 * written (a relative path from the working directory); a symbolic link
 * met on the way is checked, read, and its target walked from the
 * directory holding it.  Then the name must still be the file opened
 * (st): nothing was swapped in between.  0, or -1 with what and fix.
 */
static int
walk(struct rule *ru, const struct stat *key)
{
	struct stat	 st;
	char		 cur[PATH_MAX], todo[PATH_MAX], tmp[PATH_MAX];
	char		 comp[PATH_MAX], next[PATH_MAX], target[PATH_MAX];
	const char	*p, *rest;
	char		*slash;
	size_t		 k;
	ssize_t		 n;
	int		 links = 0;

	if (ru->path[0] == '/')
		snprintf(cur, sizeof(cur), "/");
	else if (getcwd(cur, sizeof(cur)) == NULL)
		return bad_path(ru, "the working directory", errno);
	if (buf_copy(todo, sizeof(todo), ru->path) == -1)
		return bad_path(ru, ru->path, ENAMETOOLONG);
	/* every directory from / down to the working directory */
	snprintf(tmp, sizeof(tmp), "%s", cur);
	for (;;) {
		if (lstat(tmp, &st) == -1)
			return bad_path(ru, tmp, errno);
		if (check_dir(ru, tmp, &st) == -1)
			return -1;
		if (strcmp(tmp, "/") == 0)
			break;
		slash = strrchr(tmp, '/');
		if (slash == tmp)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	p = todo;
	for (;;) {
		while (*p == '/')
			p++;
		k = strcspn(p, "/");
		memcpy(comp, p, k);
		comp[k] = '\0';
		rest = p + k;
		while (*rest == '/')
			rest++;
		if (*rest == '\0')
			break;		/* comp is the key's own name */
		p = rest;
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			slash = strrchr(cur, '/');
			if (slash == cur)
				slash[1] = '\0';
			else if (slash != NULL)
				*slash = '\0';
			continue;
		}
		if ((size_t)snprintf(next, sizeof(next), "%s%s%s", cur,
		    strcmp(cur, "/") == 0 ? "" : "/", comp) >= sizeof(next))
			return bad_path(ru, ru->path, ENAMETOOLONG);
		if (lstat(next, &st) == -1)
			return bad_path(ru, next, errno);
		if (S_ISDIR(st.st_mode)) {
			if (check_dir(ru, next, &st) == -1)
				return -1;
			snprintf(cur, sizeof(cur), "%s", next);
			continue;
		}
		if (!S_ISLNK(st.st_mode))
			return bad_path(ru, next, ENOTDIR);
		if (check_dir(ru, next, &st) == -1)
			return -1;
		if (++links > MAX_LINKS)
			return bad_path(ru, ru->path, ELOOP);
		if ((n = readlink(next, target, sizeof(target) - 1)) < 0)
			return bad_path(ru, next, errno);
		target[n] = '\0';
		if ((size_t)snprintf(tmp, sizeof(tmp), "%s/%s", target, p) >=
		    sizeof(tmp))
			return bad_path(ru, ru->path, ENAMETOOLONG);
		memcpy(todo, tmp, sizeof(todo));
		p = todo;
		if (target[0] == '/')
			snprintf(cur, sizeof(cur), "/");
	}
	if ((size_t)snprintf(next, sizeof(next), "%s%s%s", cur,
	    strcmp(cur, "/") == 0 ? "" : "/", comp) >= sizeof(next))
		return bad_path(ru, ru->path, ENAMETOOLONG);
	if (lstat(next, &st) == -1)
		return bad_path(ru, next, errno);
	if (st.st_dev != key->st_dev || st.st_ino != key->st_ino) {
		snprintf(ru->what, ru->whatlen, "%s: the file changed while "
		    "it was being opened", ru->path);
		snprintf(ru->fix, ru->fixlen, "find out who replaces it; only "
		    "root or %s may be able to", ru->rname);
		return -1;
	}
	return 0;
}

/*
 * judge - the rule on the key opened at path (st from its descriptor);
 * 0, or -1 with what (path, owner, mode, danger) and fix (the command).
 */
static int
judge(const char *path, const struct stat *st, uid_t reader, char *what,
    size_t whatlen, char *fix, size_t fixlen)
{
	struct rule	 ru;
	char		 who[64];
	unsigned int	 mode = (unsigned int)(st->st_mode & 07777);

	memset(&ru, 0, sizeof(ru));
	ru.path = path;
	ru.what = what;
	ru.whatlen = whatlen;
	ru.fix = fix;
	ru.fixlen = fixlen;
	ru.guessed = reader == KEYFILE_READER_OWNER;
	ru.reader = ru.guessed ? st->st_uid : reader;
	owner(ru.reader, ru.rname, sizeof(ru.rname));
	owner(st->st_uid, who, sizeof(who));
	keyfile_shquote(path, ru.qpath, sizeof(ru.qpath));
	if ((st->st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		snprintf(what, whatlen, "%s: mode %04o, owner %s: %s by %s",
		    path, mode, who, (st->st_mode & (S_IWGRP | S_IWOTH)) != 0 ?
		    "readable or writable" : "readable",
		    (st->st_mode & S_IRWXG) != 0 && (st->st_mode & S_IRWXO) !=
		    0 ? "group and others" : (st->st_mode & S_IRWXG) != 0 ?
		    "group" : "others");
		snprintf(fix, fixlen, "chmod 600 %s", ru.qpath);
		return -1;
	}
	if (!trusted(&ru, st->st_uid)) {
		snprintf(what, whatlen, "%s: mode %04o, owner %s: owned by "
		    "neither root nor %s (the user that reads it), so %s can "
		    "replace it", path, mode, who, ru.rname, who);
		snprintf(fix, fixlen, "chown %s %s", ru.rname, ru.qpath);
		return -1;
	}
	if (st->st_uid != ru.reader && ru.reader != 0) {
		snprintf(what, whatlen, "%s: mode %04o, owner %s: %s, the user "
		    "that reads it, cannot read it", path, mode, who, ru.rname);
		snprintf(fix, fixlen, "chown %s %s", ru.rname, ru.qpath);
		return -1;
	}
	return walk(&ru, st);
}

/* keyfile_read - open, judge and read a key file */
int
keyfile_read(const char *path, uid_t reader, struct keyfile_perm *perm_out,
    unsigned char **data_out, size_t *len_out, struct errbuf *err)
{
	struct stat	 st;
	int		 fd, rc;

	*data_out = NULL;
	*len_out = 0;
	if ((fd = open_key(path, &st, err)) == -1)
		return -1;
	if (perm_out != NULL) {
		memset(perm_out, 0, sizeof(*perm_out));
		perm_out->ok = judge(path, &st, reader, perm_out->what,
		    sizeof(perm_out->what), perm_out->fix,
		    sizeof(perm_out->fix)) == 0;
	}
	rc = read_fd(fd, path, data_out, len_out, err);
	close(fd);
	return rc;
}

/* keyfile_data_free - cleanse and free what keyfile_read returned */
void
keyfile_data_free(unsigned char *data, size_t len)
{
	OPENSSL_clear_free(data, len);
}

/* keyfile_secure - the rule on path, without reading it */
int
keyfile_secure(const char *path, uid_t reader, struct errbuf *err)
{
	struct stat	 st;
	char		 what[KEYFILE_DETAIL_MAX], fix[KEYFILE_FIX_MAX];
	int		 fd, rc;

	if ((fd = open_key(path, &st, err)) == -1)
		return -1;
	rc = judge(path, &st, reader, what, sizeof(what), fix, sizeof(fix));
	close(fd);
	if (rc == 0)
		return 0;
	return errbuf_set(err, "%s; fix: %s", what, fix);
}

/* keyfile_check_file - read and check a key file */
int
keyfile_check_file(const char *path, uid_t reader,
    struct keyfile_report **out, struct errbuf *err)
{
	struct keyfile_report	*r;
	struct keyfile_finding	*f;
	struct keyfile_perm	 perm;
	unsigned char		*data;
	size_t			 len;

	*out = NULL;
	if (keyfile_read(path, reader, &perm, &data, &len, err) == -1)
		return -1;
	if (keyfile_check(path, data, len, &r, err) == -1) {
		keyfile_data_free(data, len);
		return -1;
	}
	keyfile_data_free(data, len);
	if (!perm.ok && r->nfindings < KEYFILE_MAX_FINDINGS) {
		f = &r->findings[r->nfindings++];
		f->problem = KEYFILE_PROB_FILE_PERMISSIONS;
		snprintf(f->detail, sizeof(f->detail), "%s", perm.what);
		snprintf(f->fix, sizeof(f->fix), "%s", perm.fix);
	}
	*out = r;
	return 0;
}

