/*
 * diagint - what the diag*.c files share; not an interface for callers
 *
 * lib/diag.h is the interface of the DNS diagnosis.  Its work is divided
 * among:
 *   diag.c       the run and each selector: what every delegated server
 *                has at S._domainkey.D, compared (ns-consistency), the
 *                probe servers, the recursive view, the CNAME
 *   diagdeleg.c  the delegation walk (the zone, its parent's referral,
 *                the delegated servers) and whether each server answers
 *   diagkey.c    one TXT value judged as a key record (diag_key_value)
 *   diagname.c   the misplaced names S._domainkey.D.D and S.domainkey.D
 *                (the verifier's hints)
 *   diagfind.c   findings (appended to a report, with their fix) and the
 *                evidence text made of DNS answers
 * This header holds the state of one diag_run() and the functions those
 * files call in one another.  Nothing outside the diag*.c files includes
 * it.  It never prints and holds no state of its own.
 */
#ifndef DKIMLENS_DIAGINT_H
#define DKIMLENS_DIAGINT_H

#include <stddef.h>

#include "lib/buf.h"
#include "lib/diag.h"
#include "lib/dns.h"
#include "lib/errbuf.h"

#define NS_MAX		13	/* delegated servers examined */
#define SHOW_MAX	72	/* record text shown in evidence */
#define TEXT_MAX	4096	/* cap on one server's records as text */

struct nsinfo {
	char	 name[DNS_NAME_MAX];	/* ns1.example.net */
	char	 addr[64];		/* "192.0.2.1", "" when none */
	char	 label[DNS_NAME_MAX + 72];	/* "ns1.example.net (a)" */
	int	 dead;			/* timed out or no address */
	int	 lame;			/* answers, not for the zone */
};

struct probe {
	const char	*server;
	int		 dead;
};

struct diagctx {
	struct dns_resolver		*res;
	const struct diag_settings	*s;
	struct diag_report		*rep;
	struct errbuf			*err;
	char				 domain[DNS_NAME_MAX];
	char				 zone[DNS_NAME_MAX];
	size_t				 nns;
	struct nsinfo			 ns[NS_MAX];
	size_t				 nprobe;
	struct probe			 probe[DIAG_PROBE_MAX];
	int				 inconsistent;
	unsigned int			 min_bits;
};


/* ---- diagfind.c: findings and evidence ---- */

/*
 * diag_note - append a finding with its evidence formatted; the caller
 * fills the fix.  NULL with err set when the report is full or on ENOMEM.
 */
struct diag_finding *diag_note(struct diag_report *r, struct errbuf *err,
	    enum diag_check check, enum diag_status status, const char *name,
	    const char *server, const char *fmt, ...)
	    __attribute__((format(printf, 7, 8)));

/* diag_setfix - the fix sentence of a finding */
void	diag_setfix(struct diag_finding *f, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* diag_shorten - s for evidence: the start and the end when it is long */
void	diag_shorten(const char *s, char *out, size_t size);

/* diag_lower_name - a name in lower case, without trailing dot, into out */
void	diag_lower_name(const char *in, char *out, size_t size);

/* diag_server_of - who answered, for a finding ("resolver" when unknown) */
const char *diag_server_of(const struct dns_answer *a);

/*
 * diag_buf_txt - append a TXT value in zone-file form (quoted, \DDD for
 * bytes outside printable ASCII), at most TEXT_MAX bytes of it.  0 or -1.
 */
int	diag_buf_txt(struct buf *b, const char *s)
	    __attribute__((warn_unused_result));

/*
 * diag_records_text - the CNAME and TXT records owned by name as sorted
 * text, or the status when there are none.  Owned string, NULL on ENOMEM;
 * *has_out says whether there were records.
 */
char	*diag_records_text(const struct dns_answer *a, const char *name,
	    int *has_out);

/* diag_has_records - 1 when a (may be NULL) holds CNAME/TXT owned by name */
int	diag_has_records(const struct dns_answer *a, const char *name);

/* ---- diagdeleg.c: the delegation and the servers ---- */

/* diag_is_fail - a lookup that failed, as opposed to "no such data" */
int	diag_is_fail(enum dns_status st);

/* diag_is_silent - the server did not answer at all */
int	diag_is_silent(enum dns_status st);

/*
 * diag_resolve - dns_query through the recursive resolver, asked once
 * more when it fails.  0 with *a_out owned, or -1 with c->err set.
 */
int	diag_resolve(struct diagctx *c, const char *name, enum dns_type type,
	    struct dns_answer **a_out) __attribute__((warn_unused_result));

/* diag_ns_labels - "ns1 (addr), ns2 (addr)" of the delegated servers */
void	diag_ns_labels(const struct diagctx *c, char *out, size_t size);

/*
 * diag_check_delegation - find the delegated servers (c->ns, c->zone) and
 * say how they were found.  0, or -1 on local failure.
 */
int	diag_check_delegation(struct diagctx *c)
	    __attribute__((warn_unused_result));

/*
 * diag_check_servers - every delegated server asked for the zone's SOA:
 * who is silent (ns-unreachable), who is lame.  0 or -1.
 */
int	diag_check_servers(struct diagctx *c)
	    __attribute__((warn_unused_result));

/* ---- diagname.c: misplaced names ---- */

/*
 * diag_misplaced - the record at S._domainkey.D.D (apex) or S.domainkey.D:
 * 1 with *f filled (a fail), 0 when not there, -1 with err set.
 */
int	diag_misplaced(struct dns_resolver *res, const char *selector,
	    const char *domain, int apex, struct diag_finding *f,
	    struct errbuf *err) __attribute__((warn_unused_result));

#endif
