/*
 * milter - the parts of dkimlens-milter that talk to each other
 *
 * main.c: options, configuration state and its reload, logging, the
 * process life (daemon, signals).  callbacks.c: the libmilter
 * xxfi_* callbacks, each a few lines calling conn.c.  conn.c: one SMTP
 * connection and its current message, from headers to the verdict line.
 * privsep.c: user lookup and the privilege drop.  instance.c: the
 * PidFile lock, the Socket, and a stop that lets messages finish.
 */
#ifndef DKIMLENS_MILTER_H
#define DKIMLENS_MILTER_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <syslog.h>

#include <libmilter/mfapi.h>

#include "lib/conf.h"
#include "lib/dns.h"
#include "lib/errbuf.h"
#include "lib/keystate.h"
#include "lib/lookup.h"
#include "lib/netlist.h"
#include "lib/table.h"
#include "lib/version.h"

#define MILTER_NAME	"dkimlens-milter"
#define MILTER_VERSION	DKIMLENS_VERSION

/*
 * Everything built from one reading of the configuration.  Immutable once
 * built; messages hold a reference (state_get) until they end, so a
 * reload can swap in a new one while old messages finish with theirs.
 */
struct state {
	struct conf		*conf;
	struct table		*table;
	struct netlist		*internal;
	struct dns_resolver	*dns;
	char			*authserv_id;	/* AuthservID or host name */
	unsigned int		 refs;		/* guarded in main.c */
};

/* main.c */
extern struct lookup_pool	*milter_pool;	/* set once, before serving */
struct state	*state_build(const char *path, struct errbuf *err);
void		 state_free(struct state *st);
struct state	*state_get(void);
void		 state_put(struct state *st);
void		 mlog(int prio, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/* callbacks.c */
extern struct smfiDesc	callbacks_desc;

/* conn.c */
struct conn;
struct conn	*conn_new(void);
void		 conn_free(struct conn *c);
void		 conn_connect(struct conn *c, const char *host,
		    const struct sockaddr *sa);
void		 conn_negotiate(struct conn *c, unsigned long actions,
		    unsigned long steps, unsigned long *actions_out,
		    unsigned long *steps_out);
int		 conn_noreply(const struct conn *c, int body);
void		 conn_abort(struct conn *c);
void		 conn_mail(struct conn *c, const char *auth_authen);
void		 conn_header(struct conn *c, const char *name,
		    const char *value);
void		 conn_eoh(struct conn *c);
void		 conn_body(struct conn *c, const unsigned char *data,
		    size_t len);
sfsistat	 conn_eom(struct conn *c, SMFICTX *ctx);

/* keywatch.c: the DNS state of our own signing keys (lib/keystate.h) */
int		 keywatch_start(const struct state *st, struct errbuf *err);
void		 keywatch_load(const struct state *st);
void		 keywatch_stop(void);
enum keystate	 keywatch_note(const char *d, const char *s, EVP_PKEY *key);
int		 keywatch_check_now(const struct state *st);

/* privsep.c */
struct privsep {
	uid_t	 uid;
	gid_t	 gid;
	int	 set;		/* UserID given and differs from us */
	char	 name[64];	/* UserID as written, for messages */
};
int	privsep_lookup(const struct conf *c, struct privsep *ps,
	    struct errbuf *err);
int	privsep_become(const struct privsep *ps, struct errbuf *err);
int	privsep_unbecome(const struct privsep *ps, struct errbuf *err);
int	privsep_drop(const struct privsep *ps, struct errbuf *err);
int	privsep_chown(const char *path, const struct privsep *ps,
	    struct errbuf *err);

/* instance.c */
int	instance_lock(const char *pidfile, struct errbuf *err);
void	instance_release(void);
int	instance_check(const char *socket, const char *pidfile,
	    long *running_out, struct errbuf *err);
int	instance_listen(const char *socket, const struct privsep *ps,
	    struct errbuf *err);
void	instance_unlisten(void);
void	instance_wake(void);
void	instance_end(void);

#endif
