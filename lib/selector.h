/*
 * selector - DKIM selectors and signing domains against RFC 6376 and the
 * Amazon SES BYODKIM rules
 *
 * RFC 6376 3.1: selector = sub-domain *( "." sub-domain ), each label
 * letters, digits and inner hyphens (RFC 5321 4.1.2), at most 63 octets
 * (RFC 1035 2.3.4).  SES BYODKIM is narrower: 1 to 63 characters, letters
 * and digits only.  selector_check() tells the two apart, so that "valid
 * DKIM, rejected by SES" is not reported as "invalid".
 * Never prints; the result is data.
 */
#ifndef DKIMLENS_SELECTOR_H
#define DKIMLENS_SELECTOR_H

#include <stddef.h>

#include "lib/errbuf.h"

#define SELECTOR_SES_MAX	63

enum selector_verdict {
	SELECTOR_SES_OK,	/* "ses-ok": valid DKIM, accepted by SES */
	SELECTOR_DKIM_ONLY,	/* "dkim-only": valid DKIM, SES rejects */
	SELECTOR_INVALID	/* "invalid": not a DKIM selector at all */
};

enum selector_problem {
	SELECTOR_PROB_NONE,		/* "none" */
	SELECTOR_PROB_EMPTY,		/* "empty" */
	SELECTOR_PROB_TOO_LONG,		/* "too-long": > 63 (label or SES) */
	SELECTOR_PROB_PERIOD,		/* "period": DKIM yes, SES no */
	SELECTOR_PROB_HYPHEN,		/* "hyphen": DKIM yes, SES no */
	SELECTOR_PROB_UNDERSCORE,	/* "underscore" */
	SELECTOR_PROB_PUNCTUATION,	/* "punctuation" */
	SELECTOR_PROB_WHITESPACE,	/* "whitespace" */
	SELECTOR_PROB_NON_ASCII,	/* "non-ascii" */
	SELECTOR_PROB_BAD_LABEL,	/* "bad-label": "a..b", "-a", "a-" */
	SELECTOR_PROB_FULL_NAME		/* "full-name": has ._domainkey */
};

struct selector_result {
	enum selector_verdict	 verdict;
	enum selector_problem	 problem;	/* the first one found */
	char			 detail[200];	/* what and where */
	char			 suggestion[SELECTOR_SES_MAX + 1]; /* an SES
					 * selector close to the input, or "" */
};

/* selector_check - judge s; r is always filled */
void	selector_check(const char *s, struct selector_result *r);

/* selector_verdict_name - "ses-ok", "dkim-only", "invalid" */
const char *selector_verdict_name(enum selector_verdict v);

/* selector_problem_name - "period", "hyphen", ... ("none") */
const char *selector_problem_name(enum selector_problem p);

/*
 * selector_check_domain - is domain a host name DKIM can sign for
 * (RFC 6376 3.5 d=: LDH labels of 1-63 octets, 253 in all, a trailing dot
 * allowed)?  0, or -1 with err saying what is wrong.
 */
int	selector_check_domain(const char *domain, struct errbuf *err);

#endif
