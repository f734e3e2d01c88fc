/*
 * selector - DKIM selectors and signing domains against RFC 6376 and the
 * Amazon SES BYODKIM rules
 */
#include <stdio.h>
#include <string.h>

#include "lib/errbuf.h"
#include "lib/selector.h"

static const char *const problem_names[] = {
	[SELECTOR_PROB_NONE] = "none",
	[SELECTOR_PROB_EMPTY] = "empty",
	[SELECTOR_PROB_TOO_LONG] = "too-long",
	[SELECTOR_PROB_PERIOD] = "period",
	[SELECTOR_PROB_HYPHEN] = "hyphen",
	[SELECTOR_PROB_UNDERSCORE] = "underscore",
	[SELECTOR_PROB_PUNCTUATION] = "punctuation",
	[SELECTOR_PROB_WHITESPACE] = "whitespace",
	[SELECTOR_PROB_NON_ASCII] = "non-ascii",
	[SELECTOR_PROB_BAD_LABEL] = "bad-label",
	[SELECTOR_PROB_FULL_NAME] = "full-name",
};

/* selector_verdict_name - the stable name of a verdict */
const char *
selector_verdict_name(enum selector_verdict v)
{
	switch (v) {
	case SELECTOR_SES_OK:
		return "ses-ok";
	case SELECTOR_DKIM_ONLY:
		return "dkim-only";
	default:
		return "invalid";
	}
}

/* selector_problem_name - the stable name of a problem */
const char *
selector_problem_name(enum selector_problem p)
{
	if ((unsigned int)p >= sizeof(problem_names) / sizeof(problem_names[0]))
		return "unknown";
	return problem_names[p];
}

static int
is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* ldh_name - check dot-separated LDH labels; 0 or the problem */
static enum selector_problem
ldh_name(const char *s, char *detail, size_t dlen)
{
	const unsigned char	*p, *start;
	size_t			 n;

	for (start = p = (const unsigned char *)s; ; p++) {
		if (*p != '.' && *p != '\0')
			continue;
		n = (size_t)(p - start);
		if (n == 0) {
			snprintf(detail, dlen, "an empty label at position "
			    "%zu (a leading, trailing or doubled period)",
			    (size_t)(p - (const unsigned char *)s) + 1);
			return SELECTOR_PROB_BAD_LABEL;
		}
		if (n > 63) {
			snprintf(detail, dlen, "a label of %zu characters; "
			    "DNS labels hold at most 63 (RFC 1035 2.3.4)", n);
			return SELECTOR_PROB_TOO_LONG;
		}
		if (start[0] == '-' || start[n - 1] == '-') {
			snprintf(detail, dlen, "the label \"%.*s\" %s with a "
			    "hyphen (RFC 6376 3.1: labels start and end with "
			    "a letter or digit)", (int)n, (const char *)start,
			    start[0] == '-' ? "starts" : "ends");
			return SELECTOR_PROB_BAD_LABEL;
		}
		if (*p == '\0')
			break;
		start = p + 1;
	}
	return SELECTOR_PROB_NONE;
}

/* selector_check - judge a selector against RFC 6376 and SES */
void
selector_check(const char *s, struct selector_result *r)
{
	const unsigned char	*p;
	const char		*dk;
	size_t			 i, n = 0, len;

	memset(r, 0, sizeof(*r));
	r->verdict = SELECTOR_INVALID;
	len = strlen(s);
	/* Suggest the letters and digits, as SES would have them. */
	for (p = (const unsigned char *)s; *p != '\0' && n < SELECTOR_SES_MAX;
	    p++) {
		if (strncmp((const char *)p, "._domainkey", 11) == 0 ||
		    strncmp((const char *)p, "_domainkey", 10) == 0)
			break;
		if (is_alnum(*p))
			r->suggestion[n++] = (char)*p;
	}
	r->suggestion[n] = '\0';
	if (len == 0) {
		r->problem = SELECTOR_PROB_EMPTY;
		snprintf(r->detail, sizeof(r->detail), "the selector is empty; "
		    "SES needs 1 to 63 letters and digits");
		return;
	}
	if ((dk = strstr(s, "_domainkey")) != NULL) {
		r->problem = SELECTOR_PROB_FULL_NAME;
		snprintf(r->detail, sizeof(r->detail), "this is the DNS name "
		    "(SELECTOR._domainkey.DOMAIN); the selector is only the "
		    "part before \"._domainkey\"%s",
		    dk == s ? "" : ", see the suggestion");
		return;
	}
	for (i = 0, p = (const unsigned char *)s; i < len; i++) {
		if (p[i] >= 0x80) {
			r->problem = SELECTOR_PROB_NON_ASCII;
			snprintf(r->detail, sizeof(r->detail), "a non-ASCII "
			    "byte 0x%02x at position %zu (DKIM selectors are "
			    "ASCII; internationalised names use their xn-- "
			    "form)", p[i], i + 1);
			return;
		}
		if (p[i] <= 0x20 || p[i] == 0x7f) {
			r->problem = SELECTOR_PROB_WHITESPACE;
			snprintf(r->detail, sizeof(r->detail), "%s at position "
			    "%zu", p[i] == ' ' ? "a space" : "a control "
			    "character", i + 1);
			return;
		}
		if (p[i] == '_') {
			r->problem = SELECTOR_PROB_UNDERSCORE;
			snprintf(r->detail, sizeof(r->detail), "an underscore "
			    "at position %zu (RFC 6376 3.1 allows letters, "
			    "digits, hyphens and periods only)", i + 1);
			return;
		}
		if (!is_alnum(p[i]) && p[i] != '-' && p[i] != '.') {
			r->problem = SELECTOR_PROB_PUNCTUATION;
			snprintf(r->detail, sizeof(r->detail), "'%c' at "
			    "position %zu (RFC 6376 3.1 allows letters, "
			    "digits, hyphens and periods only)", p[i], i + 1);
			return;
		}
	}
	if ((r->problem = ldh_name(s, r->detail, sizeof(r->detail))) !=
	    SELECTOR_PROB_NONE)
		return;
	/* Valid DKIM from here on; now the SES rules. */
	r->verdict = SELECTOR_DKIM_ONLY;
	if (len > SELECTOR_SES_MAX) {
		r->problem = SELECTOR_PROB_TOO_LONG;
		snprintf(r->detail, sizeof(r->detail), "%zu characters; SES "
		    "takes at most %d", len, SELECTOR_SES_MAX);
		return;
	}
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			r->problem = SELECTOR_PROB_PERIOD;
			snprintf(r->detail, sizeof(r->detail), "a period at "
			    "position %zu; SES takes letters and digits only",
			    i + 1);
			return;
		}
		if (s[i] == '-') {
			r->problem = SELECTOR_PROB_HYPHEN;
			snprintf(r->detail, sizeof(r->detail), "a hyphen at "
			    "position %zu; SES takes letters and digits only",
			    i + 1);
			return;
		}
	}
	r->verdict = SELECTOR_SES_OK;
	r->problem = SELECTOR_PROB_NONE;
	snprintf(r->suggestion, sizeof(r->suggestion), "%s", s);
}

/* selector_check_domain - a signing domain DKIM can use */
int
selector_check_domain(const char *domain, struct errbuf *err)
{
	const unsigned char	*p;
	char			 why[200], copy[256];
	size_t			 len = strlen(domain);

	if (len > 0 && domain[len - 1] == '.')
		len--;
	if (len == 0)
		return errbuf_set(err, "the domain is empty");
	if (len > 253)
		return errbuf_set(err, "domain %s: %zu characters; DNS names "
		    "hold at most 253", domain, len);
	for (p = (const unsigned char *)domain; p < (const unsigned char *)
	    domain + len; p++)
		if (!is_alnum(*p) && *p != '-' && *p != '.')
			return errbuf_set(err, "domain %s: character '%c' "
			    "is not allowed in a host name", domain,
			    *p >= 0x20 && *p < 0x7f ? *p : '?');
	if (strchr(domain, '.') == NULL)
		return errbuf_set(err, "domain %s: not a full domain name "
		    "(no period)", domain);
	snprintf(copy, sizeof(copy), "%.*s", (int)len, domain);
	if (ldh_name(copy, why, sizeof(why)) != SELECTOR_PROB_NONE)
		return errbuf_set(err, "domain %s: %s", domain, why);
	return 0;
}
