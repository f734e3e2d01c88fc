/*
 * verdict - RFC 8601 result names and the result of checking one thing
 *
 * A verdict_result is what lib/ returns for bad input: never an error, a
 * verdict with a stable reason code (lib/reason.h) and a detail sentence
 * naming the values involved.
 */
#ifndef DKIMLENS_VERDICT_H
#define DKIMLENS_VERDICT_H

#include "lib/reason.h"

enum verdict {		/* RFC 8601 2.7.1 result names */
	VERDICT_NONE, VERDICT_PASS, VERDICT_FAIL, VERDICT_POLICY,
	VERDICT_NEUTRAL, VERDICT_TEMPERROR, VERDICT_PERMERROR
};

#define VERDICT_DETAIL_MAX	160

struct verdict_result {
	enum verdict	 verdict;
	enum reason	 reason;	/* stable code; tests assert it */
	char		 detail[VERDICT_DETAIL_MAX];	/* for a person */
};

/* verdict_name - "none", "pass", "fail", ... */
const char *verdict_name(enum verdict v);

/* verdict_set - fill r; detail is a printf format (may be NULL) */
void	verdict_set(struct verdict_result *r, enum verdict v, enum reason why,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
