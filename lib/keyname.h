/*
 * keyname - DKIM names: d= domains, s= selectors and the key record name
 *
 * One grammar for the names DKIM looks up (RFC 6376 3.1, 3.5, 3.6.2.1):
 * a domain is dot-separated labels of letters, digits and inner hyphens
 * (underscore tolerated where a selector or a published name may hold
 * one), each label 1-63 octets, 253 octets in all (RFC 1035 2.3.4 and
 * 3.1, without the trailing dot).  The key record of a signature is
 * "SELECTOR._domainkey.DOMAIN", and only keyname_build() makes it: a name
 * that is not valid or does not fit is a permerror with a reason, never a
 * shortened name (a shortened name is a lookup at a name the signer never
 * chose).  The signer and the table loader use the same checks to refuse
 * such names in the configuration.
 *
 * Owns nothing.  Never: DNS.
 */
#ifndef DKIMLENS_KEYNAME_H
#define DKIMLENS_KEYNAME_H

#include <stddef.h>

#include "lib/verdict.h"

#define KEYNAME_MAX		253	/* octets in a name, no trailing dot */
#define KEYNAME_LABEL_MAX	63	/* octets in one label */

/*
 * keyname_domain_ok - 1 when s is a valid domain (allow_underscore: also
 * '_' in labels, as selectors and published names may have), else 0.
 */
int	keyname_domain_ok(const char *s, int allow_underscore);

/*
 * keyname_build - "selector._domainkey.domain" into out.  Returns 0, or
 * -1 with out "" and r a permerror: REASON_SIG_BAD_SELECTOR or
 * REASON_SIG_BAD_DOMAIN for a name that is not valid,
 * REASON_KEY_NAME_TOO_LONG when the key name is over 253 octets or does
 * not fit outlen.  r may be NULL.
 */
int	keyname_build(const char *selector, const char *domain, char *out,
	    size_t outlen, struct verdict_result *r)
	    __attribute__((warn_unused_result));

#endif
