/*
 * conn - one SMTP connection and its current message
 *
 * The header fields of a message are kept until the end of the header:
 * only then is the From address known, which decides between signing
 * (outgoing mail with a matching key) and verifying.  The verifier starts
 * its key lookups right there, so DNS runs while the body streams in.
 * At end of message the header changes are asked for (forged
 * Authentication-Results removed first, since header indexes count from
 * the original message), one verdict line is logged, and the On* action
 * decides the reply.
 *
 * A header over a cap (lib/hdr.h: HDR_MAX_FIELDS, HDR_MAX_BYTES) is not
 * kept, verified or signed; the rest of its fields are only counted.  The
 * message gets dkim=permerror naming the cap and OnBadSignature decides,
 * so a cap is never a way around verification.  Forged
 * Authentication-Results are found as each field arrives, past any cap,
 * and removed whatever happens later.
 *
 * Other errors inside a message (memory) do not stop the session: they
 * mark the message failed, and OnInternalError decides at the end.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "lib/ares.h"
#include "lib/conf.h"
#include "lib/errbuf.h"
#include "lib/from.h"
#include "lib/hdr.h"
#include "lib/keystate.h"
#include "lib/report.h"
#include "lib/role.h"
#include "lib/sig.h"
#include "lib/sign.h"
#include "lib/table.h"
#include "lib/verify.h"
#include "milter/milter.h"

/*
 * accept4() is declared by <sys/socket.h> only under _GNU_SOURCE, which
 * would also turn accept()'s address argument into a transparent union
 * that the definition below could not match.
 */
int	accept4(int, struct sockaddr *, socklen_t *, int);

/* what happens to the current message: bits (outgoing mail that already
 * carries signatures is signed and verified) */
enum what { DO_NOTHING = 0, DO_VERIFY = 1, DO_SIGN = 2 };

struct conn {
	char			 addr[INET6_ADDRSTRLEN];
	char			 host[256];
	int			 leadspc;	/* values keep their space */
	int			 nr_hdr, nr_body;	/* no reply wanted */
	/* the current message */
	struct state		*st;
	int			 auth;
	int			 internal;
	int			 what;		/* enum what bits */
	int			 failed;
	char			 why[ERRBUF_SIZE];
	char			 limit[120];	/* the cap hit, or "" */
	struct hdrlist		 hdrs;
	/* Authentication-Results fields, counted past any cap */
	size_t			 nares;		/* fields of that name */
	size_t			*forged;	/* indexes (from 1) of ours */
	size_t			 nforged;
	char			 from[320];
	char			 note[400];
	struct verifier		*v;
	struct signer		*sg[TABLE_MAX_SIGS];
	struct table_sig	 ts[TABLE_MAX_SIGS];
	size_t			 nsg;
};

/*
 * accept - libmilter's accept(), plus TCP_NODELAY on the new socket.
 *
 * libmilter sends a reply as several small writes (the SMFIR_ADDHEADER /
 * SMFIR_INSHEADER requests, then the final reply) and never sets
 * TCP_NODELAY, so with Nagle's algorithm each message waits for the
 * MTA's delayed ACK: 40 ms per message on Linux, seen with OpenDKIM and
 * dkimpy-milter.  libmilter offers no hook on its accepted sockets, so
 * this program defines accept() itself: the executable is first in the
 * symbol search order, so libmilter's calls (shared or static library)
 * land here.  The real work is accept4(), a different symbol, so there is
 * no recursion and no dlsym().  On a unix socket setsockopt fails
 * harmlessly.  While stopping, the listening descriptor is a pipe
 * (instance.c): nothing to accept there, which libmilter's listener
 * takes calmly as EAGAIN (ENOTSOCK would count as a failure).
 */
int
accept(int fd, struct sockaddr *restrict addr, socklen_t *restrict len)
{
	int	 s, one = 1;

	if ((s = accept4(fd, addr, len, 0)) == -1) {
		if (errno == ENOTSOCK)
			errno = EAGAIN;
		return -1;
	}
	(void)setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return s;
}

/* conn_new - a connection with no client known yet */
struct conn *
conn_new(void)
{
	struct conn	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	/* without negotiation (old MTAs), values lose their leading space */
	c->leadspc = 0;
	hdrlist_init(&c->hdrs);
	return c;
}

/*
 * conn_connect - the client.  A client without an address (Sendmail's
 * local submission, or a family libmilter does not pass) is the local
 * host, as OpenDKIM treats it.
 */
void
conn_connect(struct conn *c, const char *host, const struct sockaddr *sa)
{
	const void	*a = NULL;

	snprintf(c->host, sizeof(c->host), "%s", host != NULL ? host : "");
	if (sa != NULL && sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (sa != NULL && sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)(const void *)sa)->
		    sin6_addr;
	if (a == NULL || inet_ntop(sa->sa_family, a, c->addr,
	    sizeof(c->addr)) == NULL)
		snprintf(c->addr, sizeof(c->addr), "127.0.0.1");
}

/*
 * conn_negotiate - what we ask of the MTA: add and change headers, our
 * macro lists; header values with their leading space (simple
 * canonicalization needs the exact bytes); no replies to each header and
 * body chunk; and none of the steps we do not use but DATA.  Each only if
 * offered.  DATA is kept for its reply: without the command Postfix's smtpd
 * still writes the RCPT and DATA macros, alone, just before cleanup takes
 * the connection over; nothing answers them, so our ACK waits for the
 * delayed-ACK timer and Nagle holds cleanup's headers behind it, ~40 ms a
 * message (measured with strace through tests/bench/postfix.sh).
 */
void
conn_negotiate(struct conn *c, unsigned long actions, unsigned long steps,
    unsigned long *actions_out, unsigned long *steps_out)
{
	unsigned long	 want;

	*actions_out = actions & (SMFIF_ADDHDRS | SMFIF_CHGHDRS |
	    SMFIF_SETSYMLIST);
	want = SMFIP_HDR_LEADSPC | SMFIP_NR_HDR | SMFIP_NR_BODY |
	    SMFIP_NOHELO | SMFIP_NORCPT | SMFIP_NOUNKNOWN;
	*steps_out = steps & want;
	c->leadspc = (*steps_out & SMFIP_HDR_LEADSPC) != 0;
	c->nr_hdr = (*steps_out & SMFIP_NR_HDR) != 0;
	c->nr_body = (*steps_out & SMFIP_NR_BODY) != 0;
}

/* conn_noreply - the MTA wants no reply to headers (0) or body (1) */
int
conn_noreply(const struct conn *c, int body)
{
	return body ? c->nr_body : c->nr_hdr;
}

/* reset - forget the current message */
static void
reset(struct conn *c)
{
	size_t	 i;

	verifier_free(c->v);
	c->v = NULL;
	for (i = 0; i < c->nsg; i++)
		signer_free(c->sg[i]);
	c->nsg = 0;
	hdrlist_free(&c->hdrs);
	hdrlist_init(&c->hdrs);
	free(c->forged);
	c->forged = NULL;
	c->nares = c->nforged = 0;
	c->limit[0] = '\0';
	if (c->st != NULL)
		state_put(c->st);
	c->st = NULL;
	c->auth = c->internal = c->failed = 0;
	c->what = DO_NOTHING;
	c->why[0] = c->from[0] = c->note[0] = '\0';
}

/* conn_abort - the message was abandoned */
void
conn_abort(struct conn *c)
{
	reset(c);
}

/* conn_free - end of connection */
void
conn_free(struct conn *c)
{
	if (c == NULL)
		return;
	reset(c);
	free(c);
}

/* failed - mark the message failed, keep the first reason */
static void
failed(struct conn *c, const char *what, const struct errbuf *err)
{
	if (c->failed)
		return;
	c->failed = 1;
	snprintf(c->why, sizeof(c->why), "%s: %s", what, err != NULL &&
	    err->msg[0] != '\0' ? err->msg : "failed");
}

/* conn_mail - a new message; auth_authen is the SMTP AUTH login or NULL */
void
conn_mail(struct conn *c, const char *auth_authen)
{
	reset(c);
	c->st = state_get();
	c->auth = auth_authen != NULL && auth_authen[0] != '\0';
	c->internal = netlist_match(c->st->internal, c->addr, c->host);
}

/*
 * note_ares - count an Authentication-Results field and remember its
 * index when it carries our authserv-id (RFC 8601 5: a forgery, to be
 * removed).  Runs for every field, past any cap.
 */
static void
note_ares(struct conn *c, const char *value)
{
	size_t	*f;

	c->nares++;
	if (!ares_is_ours(value, c->st->authserv_id))
		return;
	if ((f = reallocarray(c->forged, c->nforged + 1, sizeof(*f))) ==
	    NULL) {
		failed(c, "header", NULL);
		return;
	}
	c->forged = f;
	c->forged[c->nforged++] = c->nares;
}

/* conn_header - keep one field; value as libmilter gives it */
void
conn_header(struct conn *c, const char *name, const char *value)
{
	struct errbuf	 err;
	char		*spaced = NULL;
	size_t		 n;

	if (c->st == NULL)
		conn_mail(c, NULL);
	if (hdr_name_is(name, "Authentication-Results"))
		note_ares(c, value);
	if (c->failed || c->limit[0] != '\0')
		return;
	errbuf_clear(&err);
	/* without SMFIP_HDR_LEADSPC the MTA ate the space after the colon */
	if (!c->leadspc) {
		n = strlen(value) + 2;
		if ((spaced = malloc(n)) == NULL) {
			failed(c, "header", NULL);
			return;
		}
		snprintf(spaced, n, " %s", value);
		value = spaced;
	}
	if (!hdrlist_fits(&c->hdrs, name, value)) {
		if (c->hdrs.n < HDR_MAX_FIELDS)
			snprintf(c->limit, sizeof(c->limit), "message header "
			    "over the limit of %d bytes", HDR_MAX_BYTES);
		else
			snprintf(c->limit, sizeof(c->limit), "message header "
			    "over the limit of %d fields", HDR_MAX_FIELDS);
	} else if (hdrlist_add(&c->hdrs, name, value, &err) == -1)
		failed(c, "header", &err);
	free(spaced);
}

/* start_signers - one signer per matching key, fed the kept header */
static void
start_signers(struct conn *c, size_t n)
{
	const struct conf	*conf = c->st->conf;
	struct sign_settings	 ss;
	struct errbuf		 err;
	size_t			 i, k;

	errbuf_clear(&err);
	for (i = 0; i < n; i++) {
		memset(&ss, 0, sizeof(ss));
		ss.alg = c->ts[i].alg == CONF_ALG_ED25519_SHA256 ?
		    SIGN_ED25519_SHA256 : SIGN_RSA_SHA256;
		ss.hcanon = conf->hcanon;
		ss.bcanon = conf->bcanon;
		ss.domain = c->ts[i].d;
		ss.selector = c->ts[i].s;
		ss.identity = c->ts[i].i[0] != '\0' ? c->ts[i].i : NULL;
		ss.key = c->ts[i].key;
		ss.headers = conf->sign_headers;
		ss.oversign = conf->oversign;
		ss.never = conf->ses_relay ? CONF_SES_UNSIGNED : NULL;
		ss.expire_secs = conf->signature_ttl;
		if ((c->sg[c->nsg] = signer_new(&ss, &err)) == NULL)
			goto fail;
		c->nsg++;
		for (k = 0; k < c->hdrs.n; k++)
			if (signer_header(c->sg[i], c->hdrs.f[k].name,
			    c->hdrs.f[k].value, &err) == -1)
				goto fail;
		if (signer_eoh(c->sg[i], &err) == -1)
			goto fail;
	}
	c->what |= DO_SIGN;
	return;
fail:
	failed(c, "signing", &err);
}

/*
 * dns_deadline_ms - how long a message's key lookups may take, from end
 * of headers: what one lookup against a silent server costs (a try and
 * the retry, DNSTimeout each; main.c sets one retry), plus a second for
 * the queue.  A lookup not done by then is temperror, naming the deadline.
 */
static unsigned int
dns_deadline_ms(const struct conf *conf)
{
	return 2 * conf->dns_timeout_ms + 1000;
}

/* start_verifier - the verifier, fed the kept header: lookups start */
static void
start_verifier(struct conn *c)
{
	const struct conf	*conf = c->st->conf;
	struct verify_settings	 vs;
	struct errbuf		 err;
	size_t			 k;

	errbuf_clear(&err);
	memset(&vs, 0, sizeof(vs));
	vs.dns = c->st->dns;
	vs.pool = milter_pool;
	vs.dns_deadline_ms = dns_deadline_ms(conf);
	vs.esp_domains = conf->esp_domains;
	vs.max_signatures = conf->max_signatures;
	vs.min_key_bits = conf->min_key_bits;
	if ((c->v = verifier_new(&vs, &err)) == NULL)
		goto fail;
	for (k = 0; k < c->hdrs.n; k++)
		if (verifier_header(c->v, c->hdrs.f[k].name,
		    c->hdrs.f[k].value, &err) == -1)
			goto fail;
	if (verifier_eoh(c->v, &err) == -1)
		goto fail;
	c->what |= DO_VERIFY;
	return;
fail:
	failed(c, "verification", &err);
}

/*
 * conn_eoh - sign when the mail is outgoing (InternalHosts or SMTP AUTH)
 * and a key matches its From address; otherwise verify (Mode v).
 */
void
conn_eoh(struct conn *c)
{
	const struct conf	*conf;
	size_t			 n = 0;
	int			 outgoing;
	enum from_status	 fs;

	if (c->st == NULL)
		conn_mail(c, NULL);
	if (c->failed)
		return;
	conf = c->st->conf;
	/* lib/from.h: no single author (several From fields), no signing */
	fs = from_author(&c->hdrs, c->from, sizeof(c->from), NULL, 0);
	/* a header over a cap is neither signed nor verified */
	if (c->limit[0] != '\0')
		return;
	outgoing = c->internal || c->auth;
	if ((conf->mode & CONF_MODE_SIGN) && outgoing) {
		if (c->from[0] != '\0')
			n = table_match(c->st->table, c->from, c->ts,
			    TABLE_MAX_SIGS, c->note, sizeof(c->note));
		if (n > 0) {
			start_signers(c, n);
			/* what the mail already carries is checked too */
			if (!c->failed && hdrlist_count(&c->hdrs,
			    "DKIM-Signature") > 0)
				start_verifier(c);
			return;
		}
		if (c->note[0] == '\0')
			snprintf(c->note, sizeof(c->note), "outgoing (%s) but "
			    "%s%s", c->auth ? "SMTP AUTH" : "InternalHosts",
			    c->from[0] != '\0' ? "no key for " :
			    reason_text(from_reason(fs)), c->from);
	} else if (conf->mode == CONF_MODE_SIGN)
		snprintf(c->note, sizeof(c->note), "incoming mail; Mode is "
		    "s (sign only)");
	if (conf->mode & CONF_MODE_VERIFY)
		start_verifier(c);
}

/* conn_body - a body chunk for the verifier or the signers */
void
conn_body(struct conn *c, const unsigned char *data, size_t len)
{
	struct errbuf	 err;
	size_t		 i;

	if (c->failed)
		return;
	errbuf_clear(&err);
	if ((c->what & DO_VERIFY) && verifier_body(c->v, data, len, &err) ==
	    -1)
		failed(c, "verification", &err);
	for (i = 0; (c->what & DO_SIGN) && !c->failed && i < c->nsg; i++)
		if (signer_body(c->sg[i], data, len, &err) == -1) {
			failed(c, "signing", &err);
			break;
		}
}

/*
 * header_value - a field value for smfi_insheader: bare LF folds (what
 * Postfix stores and Sendmail accepts), and without the leading space
 * when the MTA adds one itself (no SMFIP_HDR_LEADSPC).  Owned or NULL.
 */
static char *
header_value(const struct conn *c, const char *v)
{
	char	*out, *p;

	if (!c->leadspc && *v == ' ')
		v++;
	if ((out = strdup(v)) == NULL)
		return NULL;
	for (p = out; *v != '\0'; v++)
		if (*v != '\r')
			*p++ = *v;
	*p = '\0';
	return out;
}

/* insert - a field on top; -1 when libmilter refused */
static int
insert(struct conn *c, SMFICTX *ctx, char *name, const char *value)
{
	char	*v;
	int	 rc;

	if ((v = header_value(c, value)) == NULL)
		return -1;
	rc = smfi_insheader(ctx, 0, name, v);
	free(v);
	return rc == MI_SUCCESS ? 0 : -1;
}

/*
 * remove_forged - delete Authentication-Results fields carrying our
 * authserv-id (RFC 8601 5), noted by conn_header.  Indexes count fields
 * of that name from 1; deleting from the last keeps the earlier indexes
 * valid.
 */
static void
remove_forged(struct conn *c, SMFICTX *ctx)
{
	size_t	 i;

	for (i = c->nforged; i > 0; i--)
		if (smfi_chgheader(ctx, "Authentication-Results",
		    (int)c->forged[i - 1], NULL) != MI_SUCCESS)
			mlog(LOG_WARNING, "could not remove a forged "
			    "Authentication-Results field");
}

/* action_of - the On* action for a verification verdict */
static enum conf_action
action_of(const struct conf *conf, enum msg_verdict m)
{
	switch (m) {
	case MSG_FAIL:
	case MSG_PERMERROR:
		return conf->on_bad_signature;
	case MSG_DNS_ERROR:
		return conf->on_dns_error;
	case MSG_NONE:
		return conf->on_no_signature;
	default:
		return CONF_ACCEPT;
	}
}

/* reply - set the SMTP reply for tempfail/reject; the sfsistat */
static sfsistat
reply(SMFICTX *ctx, enum conf_action a, const char *what,
    const char *domain)
{
	char	 text[300], *p;
	int	 temp = a == CONF_TEMPFAIL;

	if (a == CONF_ACCEPT)
		return SMFIS_CONTINUE;
	snprintf(text, sizeof(text), "DKIM: %s%s%s%s", what, domain != NULL &&
	    domain[0] != '\0' ? " (From domain " : "", domain != NULL ?
	    domain : "", domain != NULL && domain[0] != '\0' ? ")" : "");
	/* libmilter reply texts: printable, and no '%' (a format there) */
	for (p = text; *p != '\0'; p++)
		if (*p < 0x20 || *p > 0x7e || *p == '%')
			*p = '?';
	(void)smfi_setreply(ctx, temp ? "451" : "550",
	    strcmp(what, "internal error") == 0 ? (temp ? "4.3.0" : "5.3.0") :
	    strcmp(what, "key lookup failed") == 0 ? (temp ? "4.4.3" :
	    "5.7.20") : (temp ? "4.7.20" : "5.7.20"), text);
	return temp ? SMFIS_TEMPFAIL : SMFIS_REJECT;
}

/* what_of - the reply words for a verdict */
static const char *
what_of(enum msg_verdict m)
{
	switch (m) {
	case MSG_DNS_ERROR:
		return "key lookup failed";
	case MSG_NONE:
		return "no signature";
	default:
		return "no valid signature";
	}
}

/*
 * ses_check - SesRelay: the signatures outgoing mail already carries, as
 * Amazon SES will see them.  A signature by an EspDomains domain makes SES
 * refuse the mail ("554 Transaction failed: Duplicate header
 * 'DKIM-Signature'"): removed with SesRelayRemoveEspSignatures (listed in
 * gone, at most max), else named in hint; one covering a field SES adds or
 * rewrites is named in hint.  Removal comes before our insertions, so the
 * indexes are those of the original message.  Returns how many went.
 */
struct gone {
	char	 d[256], s[128], a[32];
};

static size_t
ses_check(struct conn *c, SMFICTX *ctx, struct gone *gone, size_t max,
    char *hint, size_t hintlen)
{
	const struct conf	*conf = c->st->conf;
	struct sig		*sg, partial;
	const struct sig	*use;
	struct verdict_result	 vr;
	size_t			 i, j, k = 0, ngone = 0;
	int			 esp, ses_field;
	int			 del[TABLE_MAX_SIGS * 4];
	size_t			 ndel = 0;

	for (i = 0; i < c->hdrs.n; i++) {
		if (!hdr_name_is(c->hdrs.f[i].name, "DKIM-Signature"))
			continue;
		k++;
		memset(&partial, 0, sizeof(partial));
		sg = NULL;
		/* the real time: with 0 every t= is in the future, the
		 * parse fails and h= is never looked at */
		(void)sig_parse(c->hdrs.f[i].value, time(NULL), &sg, &vr,
		    &partial);
		use = sg != NULL ? sg : &partial;
		esp = use->d[0] != '\0' &&
		    role_of(use->d, NULL, conf->esp_domains) == ROLE_ESP;
		for (ses_field = 0, j = 0; sg != NULL && j < sg->nh; j++)
			ses_field |= conf_ses_unsigned(sg->h[j],
			    strlen(sg->h[j]));
		if (esp && conf->ses_remove_esp && ngone < max &&
		    ndel < sizeof(del) / sizeof(del[0])) {
			memcpy(gone[ngone].d, use->d, sizeof(gone->d));
			memcpy(gone[ngone].s, use->s, sizeof(gone->s));
			memcpy(gone[ngone].a, use->a, sizeof(gone->a));
			ngone++;
			del[ndel++] = (int)k;
		} else if (esp && hint[0] == '\0')
			snprintf(hint, hintlen, "the message already carries a "
			    "d=%s signature: Amazon SES refuses it with \"554 "
			    "Transaction failed: Duplicate header "
			    "'DKIM-Signature'\"; set "
			    "SesRelayRemoveEspSignatures yes", use->d);
		else if (ses_field && hint[0] == '\0')
			snprintf(hint, hintlen, "the d=%s signature covers a "
			    "field Amazon SES adds or rewrites (Message-ID, "
			    "Date, Return-Path, Bounces-To): it will fail "
			    "after SES; sign without those fields", use->d);
		sig_free(sg);
	}
	while (ndel > 0)
		if (smfi_chgheader(ctx, "DKIM-Signature", del[--ndel], NULL) !=
		    MI_SUCCESS)
			mlog(LOG_WARNING, "could not remove an ESP "
			    "DKIM-Signature");
	return ngone;
}

/* key_hint - a receiver will fail signature i: why, and where to look */
static void
key_hint(const struct conn *c, size_t i, enum keystate st, char *hint,
    size_t hintlen)
{
	const char	*what;

	if (hint[0] != '\0')
		return;
	switch (st) {
	case KEYSTATE_MISSING:
		what = "is missing";
		break;
	case KEYSTATE_MISMATCH:
		what = "does not hold this key (key:mismatch)";
		break;
	case KEYSTATE_REVOKED:
		what = "is revoked (empty p=)";
		break;
	default:
		return;
	}
	snprintf(hint, hintlen, "receivers will fail signed%zu: the key record "
	    "%s._domainkey.%s %s (the milter's \"key d=%s s=%s\" log line "
	    "says why; check with dkimlens-keytool dns %s --selector %s)",
	    i + 1, c->ts[i].s, c->ts[i].d, what, c->ts[i].d, c->ts[i].s,
	    c->ts[i].d, c->ts[i].s);
}

/*
 * finish_sign - outgoing mail: ESP signatures handled (SesRelay), our
 * signatures added, the ones it carried verified; the verdict line with
 * each key's state in DNS (keywatch)
 */
static char *
finish_sign(struct conn *c, SMFICTX *ctx, const char *qid)
{
	struct report		 r;
	struct report_made	 made[TABLE_MAX_SIGS], rm[TABLE_MAX_SIGS];
	struct gone		*gone;
	struct errbuf		 err;
	char			*val[TABLE_MAX_SIGS], *line = NULL;
	char			 hint[600] = "";
	size_t			 i, n = 0, ngone = 0;
	enum keystate		 ks;

	errbuf_clear(&err);
	if ((gone = calloc(TABLE_MAX_SIGS, sizeof(*gone))) == NULL) {
		failed(c, "signing", NULL);
		return NULL;
	}
	for (i = 0; i < c->nsg; i++) {
		if (signer_eom(c->sg[i], &val[i], &err) == -1) {
			failed(c, "signing", &err);
			goto done;
		}
		n++;
	}
	if ((c->what & DO_VERIFY) && verifier_eom(c->v, &err) == -1) {
		failed(c, "verification", &err);
		goto done;
	}
	if (c->st->conf->ses_relay)
		ngone = ses_check(c, ctx, gone, TABLE_MAX_SIGS, hint,
		    sizeof(hint));
	/* the first key's signature ends on top */
	for (i = n; i > 0; i--)
		if (insert(c, ctx, "DKIM-Signature", val[i - 1]) == -1) {
			failed(c, "smfi_insheader DKIM-Signature", NULL);
			goto done;
		}
	memset(&r, 0, sizeof(r));
	for (i = 0; i < n; i++) {
		made[i].d = c->ts[i].d;
		made[i].s = c->ts[i].s;
		made[i].a = c->ts[i].alg == CONF_ALG_ED25519_SHA256 ?
		    "ed25519-sha256" : "rsa-sha256";
		ks = keywatch_note(c->ts[i].d, c->ts[i].s, c->ts[i].key);
		made[i].key = keystate_name(ks);
		key_hint(c, i, ks, hint, sizeof(hint));
	}
	for (i = 0; i < ngone; i++) {
		rm[i].d = gone[i].d;
		rm[i].s = gone[i].s;
		rm[i].a = gone[i].a;
		rm[i].key = NULL;
	}
	r.queue_id = qid;
	r.verdict = "signed";
	r.from_domain = strchr(c->from, '@') + 1;
	r.made = made;
	r.nmade = n;
	r.removed = rm;
	r.nremoved = ngone;
	r.hint = hint;
	r.note = c->note;
	line = report_outgoing(&r, (c->what & DO_VERIFY) ? c->v : NULL);
done:
	for (i = 0; i < n; i++)
		free(val[i]);
	free(gone);
	return line;
}

/* finish_verify - Authentication-Results; the line and the action */
static char *
finish_verify(struct conn *c, SMFICTX *ctx, const char *qid,
    enum conf_action *act)
{
	struct errbuf	 err;
	char		*ar;

	errbuf_clear(&err);
	if (verifier_eom(c->v, &err) == -1) {
		failed(c, "verification", &err);
		return NULL;
	}
	if ((ar = ares_format(c->st->authserv_id, c->v)) == NULL) {
		failed(c, "Authentication-Results", NULL);
		return NULL;
	}
	if (insert(c, ctx, "Authentication-Results", ar) == -1) {
		free(ar);
		failed(c, "smfi_insheader Authentication-Results", NULL);
		return NULL;
	}
	free(ar);
	*act = action_of(c->st->conf, verifier_verdict(c->v));
	return report_verifier(qid, c->v, c->note,
	    conf_action_name(*act));
}

/* plain_line - the verdict line of a message neither signed nor verified */
static char *
plain_line(const struct conn *c, const char *qid, const char *verdict,
    const char *reason, enum conf_action act)
{
	struct report	 r;
	const char	*at = strchr(c->from, '@');

	memset(&r, 0, sizeof(r));
	r.queue_id = qid;
	r.verdict = verdict;
	r.from_domain = at != NULL ? at + 1 : "";
	r.reason = reason;
	r.note = c->note;
	r.action = conf_action_name(act);
	return report_format(&r);
}

/*
 * finish_limit - a header over a cap, neither verified nor signed.  With
 * Mode v: dkim=permerror naming the cap, the verdict permerror, and the
 * action of a bad signature, so that a cap never bypasses OnBadSignature.
 * In Mode s the line says the mail was not signed (outgoing) or skipped.
 */
static char *
finish_limit(struct conn *c, SMFICTX *ctx, const char *qid,
    enum conf_action *act)
{
	static const char	 fmt[] = " %s;\r\n\tdkim=permerror (%s; not "
	    "verified)";
	char			*ar, reason[sizeof(c->limit) + 20];
	size_t			 n;

	if (!(c->st->conf->mode & CONF_MODE_VERIFY)) {
		*act = CONF_ACCEPT;
		return plain_line(c, qid, c->internal || c->auth ?
		    "unsigned" : "skipped", c->limit, *act);
	}
	n = sizeof(fmt) + strlen(c->st->authserv_id) + strlen(c->limit);
	if ((ar = malloc(n)) == NULL) {
		failed(c, "Authentication-Results", NULL);
		return NULL;
	}
	snprintf(ar, n, fmt, c->st->authserv_id, c->limit);
	if (insert(c, ctx, "Authentication-Results", ar) == -1) {
		free(ar);
		failed(c, "smfi_insheader Authentication-Results", NULL);
		return NULL;
	}
	free(ar);
	*act = c->st->conf->on_bad_signature;
	snprintf(reason, sizeof(reason), "%s; not verified", c->limit);
	return plain_line(c, qid, "permerror", reason, *act);
}

/* conn_eom - header changes, the verdict line, the reply */
sfsistat
conn_eom(struct conn *c, SMFICTX *ctx)
{
	const char		*qid = smfi_getsymval(ctx, "i");
	enum conf_action	 act = CONF_ACCEPT;
	enum msg_verdict	 m = MSG_NONE;
	char			*line = NULL;
	sfsistat		 rc;

	if (c->st == NULL)
		conn_mail(c, NULL);
	/* whatever else happens: no limit or failure keeps a forgery */
	remove_forged(c, ctx);
	if (!c->failed && c->limit[0] != '\0')
		line = finish_limit(c, ctx, qid, &act);
	else if (!c->failed && (c->what & DO_SIGN))
		line = finish_sign(c, ctx, qid);
	else if (!c->failed && (c->what & DO_VERIFY)) {
		line = finish_verify(c, ctx, qid, &act);
		if (line != NULL)
			m = verifier_verdict(c->v);
	} else if (!c->failed)
		line = plain_line(c, qid, c->note[0] != '\0' &&
		    strncmp(c->note, "incoming", 8) == 0 ? "skipped" :
		    "unsigned", NULL, act);
	if (c->failed) {
		act = c->st->conf->on_internal_error;
		free(line);
		line = plain_line(c, qid, "error", c->why, act);
		mlog(LOG_ERR, "%s: %s", qid != NULL ? qid : "NOQUEUE",
		    c->why);
	}
	if (line != NULL)
		mlog(LOG_INFO, "%s", line);
	else
		mlog(LOG_ERR, "%s: no verdict line: over REPORT_MAX (16 KB) "
		    "or out of memory",
		    qid != NULL ? qid : "NOQUEUE");
	free(line);
	rc = reply(ctx, act, c->failed ? "internal error" : what_of(m),
	    c->v != NULL && !(c->what & DO_SIGN) ?
	    verifier_from_domain(c->v) : NULL);
	reset(c);
	return rc;
}
