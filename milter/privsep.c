/*
 * privsep - become UserID once keys and socket are open
 *
 * The order is the one OpenSMTPD and OpenSSH use: supplementary groups
 * first (only root may set them), then the group, then the user (after
 * which nothing else may be changed).  Real, effective and saved ids are
 * all set, and the result is checked: a half-dropped process must not
 * serve mail.
 */
#define _GNU_SOURCE	/* setresuid(), getresuid() and their gid forms */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/conf.h"
#include "lib/errbuf.h"
#include "milter/milter.h"

/* numeric - s is all digits; *out its value */
static int
numeric(const char *s, unsigned long *out)
{
	char	*end;

	if (*s < '0' || *s > '9')
		return 0;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return *end == '\0' && errno == 0;
}

/* privsep_lookup - resolve UserID "user[:group]" into ids */
int
privsep_lookup(const struct conf *c, struct privsep *ps, struct errbuf *err)
{
	struct passwd	 pw, *pwp = NULL;
	struct group	 gr, *grp = NULL;
	char		 buf[4096], where[600], ebuf[128];
	unsigned long	 n;
	int		 rc;

	memset(ps, 0, sizeof(*ps));
	if (c->user == NULL)
		return 0;
	snprintf(ps->name, sizeof(ps->name), "%s", c->user);
	conf_where(c, CONF_K_USERID, where, sizeof(where));
	rc = getpwnam_r(c->user, &pw, buf, sizeof(buf), &pwp);
	if (pwp != NULL) {
		ps->uid = pw.pw_uid;
		ps->gid = pw.pw_gid;
	} else if (numeric(c->user, &n)) {
		ps->uid = (uid_t)n;
		ps->gid = (gid_t)n;
	} else
		return errbuf_set(err, "%s: UserID: no user '%s'%s%s", where,
		    c->user, rc != 0 ? ": " : "", rc != 0 ? errbuf_strerror(rc,
		    ebuf, sizeof(ebuf)) : "");
	if (c->group != NULL) {
		rc = getgrnam_r(c->group, &gr, buf, sizeof(buf), &grp);
		if (grp != NULL)
			ps->gid = gr.gr_gid;
		else if (numeric(c->group, &n))
			ps->gid = (gid_t)n;
		else
			return errbuf_set(err, "%s: UserID: no group '%s'",
			    where, c->group);
	}
	if (ps->uid == geteuid() && ps->gid == getegid())
		return 0;
	if (geteuid() != 0)
		return errbuf_set(err, "%s: UserID %s: only root can become "
		    "another user; start as root or remove UserID", where,
		    c->user);
	ps->set = 1;
	return 0;
}

/* privsep_chown - give path (the unix socket) to UserID */
int
privsep_chown(const char *path, const struct privsep *ps,
    struct errbuf *err)
{
	char	 ebuf[128];

	if (!ps->set)
		return 0;
	if (chown(path, ps->uid, ps->gid) == -1)
		return errbuf_set(err, "chown %s: %s", path,
		    errbuf_strerror(errno, ebuf, sizeof(ebuf)));
	return 0;
}

/*
 * privsep_become - act with UserID's rights for a while (effective ids
 * only; privsep_unbecome returns to root).  Start-up reads configuration,
 * tables and keys this way, so that it reads exactly what a reload by
 * the dropped process will be able to read, and so that keyfile_secure()
 * accepts keys owned by UserID (OpenDKIM's usual setup).
 */
int
privsep_become(const struct privsep *ps, struct errbuf *err)
{
	char	 ebuf[128];

	if (!ps->set)
		return 0;
	if (setegid(ps->gid) == -1 || seteuid(ps->uid) == -1)
		return errbuf_set(err, "seteuid %lu: %s",
		    (unsigned long)ps->uid,
		    errbuf_strerror(errno, ebuf, sizeof(ebuf)));
	return 0;
}

/* privsep_unbecome - back to root after privsep_become */
int
privsep_unbecome(const struct privsep *ps, struct errbuf *err)
{
	char	 ebuf[128];

	if (!ps->set)
		return 0;
	if (seteuid(0) == -1 || setegid(0) == -1)
		return errbuf_set(err, "seteuid 0: %s", errbuf_strerror(errno,
		    ebuf, sizeof(ebuf)));
	return 0;
}

/* privsep_drop - setgroups, setresgid, setresuid, then check */
int
privsep_drop(const struct privsep *ps, struct errbuf *err)
{
	char	 ebuf[128];
	uid_t	 r, e, s;
	gid_t	 rg, eg, sg;

	if (!ps->set)
		return 0;
	if (setgroups(1, &ps->gid) == -1)
		return errbuf_set(err, "setgroups: %s", errbuf_strerror(errno,
		    ebuf, sizeof(ebuf)));
	if (setresgid(ps->gid, ps->gid, ps->gid) == -1)
		return errbuf_set(err, "setresgid %lu: %s",
		    (unsigned long)ps->gid,
		    errbuf_strerror(errno, ebuf, sizeof(ebuf)));
	if (setresuid(ps->uid, ps->uid, ps->uid) == -1)
		return errbuf_set(err, "setresuid %lu: %s",
		    (unsigned long)ps->uid,
		    errbuf_strerror(errno, ebuf, sizeof(ebuf)));
	if (getresuid(&r, &e, &s) == -1 || r != ps->uid || e != ps->uid ||
	    s != ps->uid || getresgid(&rg, &eg, &sg) == -1 ||
	    rg != ps->gid || eg != ps->gid || sg != ps->gid)
		return errbuf_set(err, "privileges were not fully dropped");
	/* a root process must not be able to come back */
	if (ps->uid != 0 && setuid(0) != -1)
		return errbuf_set(err, "could regain root after dropping "
		    "privileges");
	return 0;
}
