/*
 * diag - the DNS diagnosis of a domain's DKIM records, as named findings
 *
 * This module automates the manual checks of the SES troubleshooting
 * articles (../shared/seeds/): it finds the servers a domain is delegated
 * to (asking a server of the parent zone, without recursion), asks each of
 * them directly whether it answers and what it has at every selector, and
 * looks at the records the way a verifier sees them through a recursive
 * resolver.  Each problem becomes a finding: a fixed check id, a status
 * (ok, warn, fail), the name queried, the server that answered, what it
 * said, and the fix in one sentence.
 *
 * The check ids are part of the interface (keytool --json, tests):
 *   delegation        the zone's delegated servers, from the parent
 *   ns-consistency    every delegated server gives the same records
 *   ns-unreachable    a delegated server does not answer
 *   not-delegated     records only at servers that are not delegated
 *   selector-missing  nothing at S._domainkey.D
 *   duplicated-apex   the record is at S._domainkey.D.D
 *   no-underscore     the record is at S.domainkey.D
 *   cname-target      the CNAME points elsewhere than expected
 *   stray-characters  quotes, spaces or other bytes that do not belong
 *   txt-via-cname     the CNAME answers but TXT at the name fails
 *   multiple-records  several DKIM key records at one name
 *   key-record        not a valid DKIM key record (RFC 6376 3.6.1)
 *   key-revoked       empty p= (RFC 6376 3.6.1)
 *   key-testing       t=y
 *   key-weak          RSA under 1024 bits (RFC 8301 3.2)
 *   key-mismatch      the published key is not the given key's public half
 *
 * Single checks are exported for the verifier's hints: after an NXDOMAIN
 * for S._domainkey.D it calls diag_duplicated_apex() and
 * diag_no_underscore(); diag_key_value() judges one TXT value.
 *
 * All lookups go through lib/dns.h.  A server that times out is asked
 * nothing more, so a silent server costs one timeout.  Bad DNS data is a
 * finding, never an error; -1 is for local failure (memory, bad name).
 * Never prints; no state outside the report, so threads may share nothing
 * but the resolver.
 */
#ifndef DKIMLENS_DIAG_H
#define DKIMLENS_DIAG_H

#include <stddef.h>

#include <openssl/evp.h>

#include "lib/dns.h"
#include "lib/errbuf.h"

/* Easy DKIM: T._domainkey.D is a CNAME to T.DIAG_SES_SUFFIX */
#define DIAG_SES_SUFFIX		"dkim.amazonses.com"
#define DIAG_SELECTOR_MAX	16	/* selectors in one run */
#define DIAG_PROBE_MAX		8	/* servers probed directly */
#define DIAG_FINDINGS_MAX	512	/* findings in one report */
#define DIAG_SERVER_MAX		192	/* "a:53, b:53" */
#define DIAG_EVIDENCE_MAX	640
#define DIAG_FIX_MAX		320
#define DIAG_MIN_RSA_BITS	1024	/* RFC 8301 3.2 */

enum diag_check {
	DIAG_DELEGATION,
	DIAG_NS_CONSISTENCY,
	DIAG_NS_UNREACHABLE,
	DIAG_NOT_DELEGATED,
	DIAG_SELECTOR_MISSING,
	DIAG_DUPLICATED_APEX,
	DIAG_NO_UNDERSCORE,
	DIAG_CNAME_TARGET,
	DIAG_STRAY_CHARACTERS,
	DIAG_TXT_VIA_CNAME,
	DIAG_MULTIPLE_RECORDS,
	DIAG_KEY_RECORD,
	DIAG_KEY_REVOKED,
	DIAG_KEY_TESTING,
	DIAG_KEY_WEAK,
	DIAG_KEY_MISMATCH,
	DIAG_CHECK_LAST
};

enum diag_status { DIAG_OK, DIAG_WARN, DIAG_FAIL };

struct diag_finding {
	enum diag_check	 check;
	enum diag_status status;
	char		 name[DNS_NAME_MAX];	/* the name queried */
	char		 server[DIAG_SERVER_MAX];	/* who answered */
	char		 evidence[DIAG_EVIDENCE_MAX];	/* what was said */
	char		 fix[DIAG_FIX_MAX];	/* a sentence; "" if ok */
};

struct diag_report {
	char			 domain[DNS_NAME_MAX];
	size_t			 nfindings;
	struct diag_finding	*findings;	/* diag_run: worst first */
	size_t			 nok, nwarn, nfail;
};

/* One selector to examine. */
struct diag_selector {
	const char	*selector;	/* S of S._domainkey.D */
	const char	*expect_cname;	/* CNAME target wanted, or NULL */
};

struct diag_settings {
	const char			*domain;
	const struct diag_selector	*selectors;
	size_t				 nselectors;
	/* a key whose public half must be published (NULL: no check) */
	EVP_PKEY			*key;
	/*
	 * Servers also asked directly, without recursion (e.g. the DNS
	 * provider's servers given with --nameserver): one that answers
	 * authoritatively but is not delegated is compared with the
	 * delegated ones.  "host[:port]"; may be NULL.
	 */
	const char * const		*probe_servers;
	size_t				 nprobe;
	unsigned int			 min_rsa_bits;	/* 0: 1024 */
};

/*
 * diag_run - run every check for settings through res.  0 with an owned
 * report in *report_out (diag_report_free), findings sorted worst first;
 * -1 with err set on bad settings or local failure.
 */
int	diag_run(struct dns_resolver *res,
	    const struct diag_settings *settings,
	    struct diag_report **report_out, struct errbuf *err)
	    __attribute__((warn_unused_result));

/* diag_report_new - an empty report for domain; NULL on ENOMEM */
struct diag_report *diag_report_new(const char *domain);

/* diag_report_free - NULL allowed */
void	diag_report_free(struct diag_report *report);

/*
 * diag_duplicated_apex - does S._domainkey.D.D exist (the DNS provider
 * appended the domain to the name entered)?  1 with *finding_out filled
 * (a fail), 0 when it does not, -1 with err set on local failure.
 */
int	diag_duplicated_apex(struct dns_resolver *res, const char *selector,
	    const char *domain, struct diag_finding *finding_out,
	    struct errbuf *err) __attribute__((warn_unused_result));

/*
 * diag_no_underscore - does S.domainkey.D exist (the name was entered
 * without its underscore)?  Returns like diag_duplicated_apex().
 */
int	diag_no_underscore(struct dns_resolver *res, const char *selector,
	    const char *domain, struct diag_finding *finding_out,
	    struct errbuf *err) __attribute__((warn_unused_result));

/*
 * diag_key_value - judge one TXT value published at name (as said by
 * server): stray characters, tags without '=', base64 and padding, the
 * key itself (revoked, t=y, RSA size under min_rsa_bits, 0 meaning
 * DIAG_MIN_RSA_BITS) and, when key is not NULL, whether it is key's public
 * half.  Appends findings to report.  0, or -1 with err set on ENOMEM or
 * a full report.
 */
int	diag_key_value(struct diag_report *report, const char *name,
	    const char *server, const char *value, EVP_PKEY *key,
	    unsigned int min_rsa_bits, struct errbuf *err)
	    __attribute__((warn_unused_result));

/* diag_check_name - "delegation", "ns-consistency", ... */
const char *diag_check_name(enum diag_check check);

/* diag_status_name - "ok", "warn", "fail" */
const char *diag_status_name(enum diag_status status);

#endif
