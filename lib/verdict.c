/*
 * verdict - RFC 8601 result names and the result of checking one thing
 */
#include <stdarg.h>
#include <stdio.h>

#include "lib/verdict.h"

/* verdict_name - RFC 8601 2.7.1 name of a verdict */
const char *
verdict_name(enum verdict v)
{
	switch (v) {
	case VERDICT_NONE:	return "none";
	case VERDICT_PASS:	return "pass";
	case VERDICT_FAIL:	return "fail";
	case VERDICT_POLICY:	return "policy";
	case VERDICT_NEUTRAL:	return "neutral";
	case VERDICT_TEMPERROR:	return "temperror";
	case VERDICT_PERMERROR:	return "permerror";
	}
	return "permerror";
}

/* verdict_set - fill a result */
void
verdict_set(struct verdict_result *r, enum verdict v, enum reason why,
    const char *fmt, ...)
{
	va_list	 ap;

	r->verdict = v;
	r->reason = why;
	r->detail[0] = '\0';
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
		va_end(ap);
	}
}
