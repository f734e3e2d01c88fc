/*
 * verify - verify every DKIM-Signature of one message (RFC 6376 section 6)
 *
 * A verifier is fed a message in order: header fields, end of headers,
 * body chunks, end of message.  At end of headers it parses each
 * DKIM-Signature (up to max_signatures; the rest are reported as
 * REASON_SIG_TOO_MANY without work) and queues all key lookups at once on
 * the lookup pool (lib/lookup.h), while the body streams in.  Only
 * signatures that parsed and whose key was found (or is still being
 * looked up) have their body hashed; the body is never kept.  At end of
 * message it waits for the lookups until the message's DNS deadline (a
 * lookup not done by then is temperror, naming the deadline), checks bh=
 * and b=, and returns one result per signature in header order, plus a
 * message verdict.  Without a pool the lookups run at end of message, in
 * the caller's thread.  Freeing the verifier never waits for a lookup.
 *
 * When a key is not found, two more names are probed for the hint (the
 * duplicated apex, the missing underscore): names the signature chose,
 * so a message gets VERIFY_HINT_PROBES of them in all, author signatures
 * first; a signature over the budget says so in its detail.
 *
 * Owns: the parsed signatures, body hashers, key lookups.  Never: logging
 * or deciding what to do with the mail.  RFC 6376 6.1, RFC 8301 (rsa-sha1
 * and RSA under 1024 bits never pass), RFC 8463.
 */
#ifndef DKIMLENS_VERIFY_H
#define DKIMLENS_VERIFY_H

#include <stddef.h>
#include <time.h>

#include "lib/dns.h"
#include "lib/errbuf.h"
#include "lib/role.h"
#include "lib/verdict.h"

#define VERIFY_MAX_SIGNATURES	8	/* default MaxSignatures */
#define VERIFY_HINT_PROBES	4	/* hint probe names per message */

struct lookup_pool;

struct verify_settings {
	struct dns_resolver	*dns;		/* borrowed; required */
	struct lookup_pool	*pool;		/* borrowed; NULL: no threads */
	unsigned int		 dns_deadline_ms; /* from end of headers for
						    all lookups; 0: none */
	const char		*esp_domains;	/* NULL: amazonses.com */
	size_t			 max_signatures; /* 0: default */
	unsigned int		 min_key_bits;	/* 0: 1024 */
	time_t			 now;		/* 0: time(NULL) */
};

/* One signature's outcome.  Strings are NUL-terminated, possibly empty. */
struct verify_sig {
	struct verdict_result	 result;
	enum role		 role;
	char			 d[256];	/* d=, lowercased */
	char			 s[128];	/* s= */
	char			 a[32];		/* a= as written */
	char			 i[260];	/* i=, or "@d" when absent */
	char			 b8[9];		/* first 8 characters of b= */
	char			 key_name[400];	/* s._domainkey.d */
	unsigned int		 key_bits;	/* 0 when unknown */
	int			 key_testing;	/* key record has t=y */
	long long		 body_length;	/* l=, -1 when absent */
	int			 body_extra;	/* l= set and body longer */
	char			 hint[320];	/* the fix, or "" */
};

/* Message-level verdict, computed from the signatures' results. */
enum msg_verdict {
	MSG_PASS,		/* an author signature passes */
	MSG_ESP_ONLY,		/* only ESP signatures pass */
	MSG_THIRD_PARTY,	/* only third-party signatures pass */
	MSG_FAIL,		/* an author signature fails, none passes */
	MSG_DNS_ERROR,		/* an author key lookup failed temporarily */
	MSG_PERMERROR,		/* author signatures unusable (syntax, key) */
	MSG_NONE		/* no DKIM-Signature, or only failing
				   ones with t=y keys (RFC 6376 3.6.1) */
};

struct verifier;

/* verifier_new - a verifier for one message; NULL with err on failure */
struct verifier *verifier_new(const struct verify_settings *settings,
	    struct errbuf *err);

/* verifier_free - stop lookups and free; NULL allowed */
void	verifier_free(struct verifier *v);

/*
 * verifier_header - add one header field: name without the colon, value as
 * it follows the colon (leading space included, folds as CRLF or LF).
 * Returns 0, or -1 on memory failure or when the header cap is hit.
 */
int	verifier_header(struct verifier *v, const char *name,
	    const char *value, struct errbuf *err);

/* verifier_eoh - end of headers: parse signatures, start key lookups */
int	verifier_eoh(struct verifier *v, struct errbuf *err);

/* verifier_body - a chunk of body, CRLF or LF line ends (normalized) */
int	verifier_body(struct verifier *v, const void *data, size_t len,
	    struct errbuf *err);

/* verifier_eom - end of message: wait for keys, compute results */
int	verifier_eom(struct verifier *v, struct errbuf *err);

/* verifier_nsigs - number of DKIM-Signature fields seen */
size_t	verifier_nsigs(const struct verifier *v);

/* verifier_sig - result i (0 = topmost), valid after verifier_eom() */
const struct verify_sig *verifier_sig(const struct verifier *v, size_t i);

/* verifier_from_domain - the RFC 5322 From domain, or "" */
const char *verifier_from_domain(const struct verifier *v);

/*
 * verifier_from_reason - REASON_OK when the header has one From field
 * with one parsable mailbox (the author, lib/from.h), else why there is
 * no author (REASON_FROM_MULTIPLE, ...): then no signature is the
 * author's and verifier_hint() says so.  Valid after verifier_eoh().
 */
enum reason verifier_from_reason(const struct verifier *v);

/* verifier_verdict - the message verdict after verifier_eom() */
enum msg_verdict verifier_verdict(const struct verifier *v);

/* msg_verdict_name - "pass", "esp-only", "third-party", "fail", ... */
const char *msg_verdict_name(enum msg_verdict m);

/*
 * verifier_hint - one sentence for the admin explaining the message
 * verdict and the fix (e.g. for esp-only: the From domain is not
 * DKIM-signing), or "" when there is nothing to add.
 */
const char *verifier_hint(const struct verifier *v);

#endif
