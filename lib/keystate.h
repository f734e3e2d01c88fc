/*
 * keystate - is one of our own signing keys published where receivers look?
 *
 * For a signing key (d=, s= and the private key) keystate_check() asks the
 * resolver for the TXT record at S._domainkey.D, as a receiver would, and
 * gives the key one state:
 *
 *   published   one DKIM key record, the public half of our key
 *   missing     no record at the name (or no DKIM record among the TXT)
 *   mismatch    a record that cannot verify our signatures: another key,
 *               several key records, a malformed record or stray characters
 *   revoked     p= is empty (RFC 6376 3.6.1)
 *   testing     our key, with t=y: receivers may treat the mail as unsigned
 *   dns-error   the lookup failed (timeout, SERVFAIL, ...)
 *
 * with the cause and its fix in the words of lib/diag (the checks of
 * `dkimlens-keytool dns`: duplicated apex, missing underscore, stray
 * characters, key mismatch, ...) and the TTL after which to look again.
 * Owns nothing between calls; never logs, never caches beyond the
 * resolver's own cache (pass a resolver without cache to see changes as
 * soon as the TTL allows).
 */
#ifndef DKIMLENS_KEYSTATE_H
#define DKIMLENS_KEYSTATE_H

#include <stdint.h>

#include <openssl/evp.h>

#include "lib/diag.h"
#include "lib/dns.h"
#include "lib/errbuf.h"

/*
 * A record with a TTL of a few seconds is checked that often: one TXT
 * query per key to the configured resolver, which caches it for the same
 * TTL, so a change (a deleted or replaced record) is seen within seconds.
 */
#define KEYSTATE_TTL_MIN	5	/* seconds between checks, at least */
#define KEYSTATE_TTL_MAX	86400	/* and at most */
#define KEYSTATE_RETRY		60	/* after a DNS error */

enum keystate {
	KEYSTATE_UNKNOWN,	/* not checked yet */
	KEYSTATE_PUBLISHED,
	KEYSTATE_MISSING,
	KEYSTATE_MISMATCH,
	KEYSTATE_REVOKED,
	KEYSTATE_TESTING,
	KEYSTATE_DNS_ERROR
};

struct keystate_result {
	enum keystate	 state;
	uint32_t	 ttl;		/* seconds until the next check */
	char		 name[DNS_NAME_MAX];	/* S._domainkey.D */
	char		 cause[DIAG_EVIDENCE_MAX];	/* "" when published */
	char		 fix[DIAG_FIX_MAX];		/* "" when published */
};

/*
 * keystate_check - the state of key, published as selector s of domain d,
 * through res.  0 with *out filled (every DNS outcome is a state), -1 with
 * err set on local failure (memory, a name that cannot be built).
 */
int	keystate_check(struct dns_resolver *res, const char *d, const char *s,
	    EVP_PKEY *key, struct keystate_result *out, struct errbuf *err)
	    __attribute__((warn_unused_result));

/* keystate_name - "published", "missing", ..., "unknown" */
const char *keystate_name(enum keystate state);

#endif
