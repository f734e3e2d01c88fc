/*
 * test_selector - selectors and signing domains against RFC 6376 and the
 * SES BYODKIM rules (lib/selector.c)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/errbuf.h"
#include "lib/selector.h"

#define L63	"abcdefghijklmnopqrstuvwxyz" \
	"abcdefghijklmnopqrstuvwxyz01234567890"

/* Each row: the selector, its verdict, its first problem, the suggestion. */
static void
test_selector_verdicts(void **state)
{
	static const struct {
		const char		*s;
		enum selector_verdict	 verdict;
		enum selector_problem	 problem;
		const char		*suggestion;
	} rows[] = {
		{ "s1", SELECTOR_SES_OK, SELECTOR_PROB_NONE, "s1" },
		{ "2024", SELECTOR_SES_OK, SELECTOR_PROB_NONE, "2024" },
		{ L63, SELECTOR_SES_OK, SELECTOR_PROB_NONE, L63 },
		{ "s-1", SELECTOR_DKIM_ONLY, SELECTOR_PROB_HYPHEN, "s1" },
		{ "mail.2024", SELECTOR_DKIM_ONLY, SELECTOR_PROB_PERIOD,
		    "mail2024" },
		{ "abcdefghijklmnopqrstuvwxyz.abcdefghijklmnopqrstuvwxyz."
		    "abcdefghijklm", SELECTOR_DKIM_ONLY,
		    SELECTOR_PROB_TOO_LONG, "abcdefghijklmnopqrstuvwxyz"
		    "abcdefghijklmnopqrstuvwxyzabcdefghijk" },
		{ L63 "x", SELECTOR_INVALID, SELECTOR_PROB_TOO_LONG, L63 },
		{ "", SELECTOR_INVALID, SELECTOR_PROB_EMPTY, "" },
		{ "a_b", SELECTOR_INVALID, SELECTOR_PROB_UNDERSCORE, "ab" },
		{ "s 1", SELECTOR_INVALID, SELECTOR_PROB_WHITESPACE, "s1" },
		{ "s1\n", SELECTOR_INVALID, SELECTOR_PROB_WHITESPACE, "s1" },
		{ "s!1", SELECTOR_INVALID, SELECTOR_PROB_PUNCTUATION, "s1" },
		{ "s\xc3\xa9", SELECTOR_INVALID, SELECTOR_PROB_NON_ASCII, "s" },
		{ "-s1", SELECTOR_INVALID, SELECTOR_PROB_BAD_LABEL, "s1" },
		{ "s1-", SELECTOR_INVALID, SELECTOR_PROB_BAD_LABEL, "s1" },
		{ "a..b", SELECTOR_INVALID, SELECTOR_PROB_BAD_LABEL, "ab" },
		{ ".s1", SELECTOR_INVALID, SELECTOR_PROB_BAD_LABEL, "s1" },
		{ "s1.", SELECTOR_INVALID, SELECTOR_PROB_BAD_LABEL, "s1" },
		{ "s1._domainkey.example.com", SELECTOR_INVALID,
		    SELECTOR_PROB_FULL_NAME, "s1" },
	};
	struct selector_result	 r;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		selector_check(rows[i].s, &r);
		if (r.verdict != rows[i].verdict ||
		    r.problem != rows[i].problem ||
		    strcmp(r.suggestion, rows[i].suggestion) != 0)
			print_error("row %zu \"%s\": got %s/%s/\"%s\"\n", i,
			    rows[i].s, selector_verdict_name(r.verdict),
			    selector_problem_name(r.problem), r.suggestion);
		assert_int_equal(r.verdict, rows[i].verdict);
		assert_int_equal(r.problem, rows[i].problem);
		assert_string_equal(r.suggestion, rows[i].suggestion);
		assert_true((r.problem == SELECTOR_PROB_NONE) ==
		    (r.detail[0] == '\0'));
	}
}

static void
test_verdict_names(void **state)
{
	(void)state;
	assert_string_equal(selector_verdict_name(SELECTOR_SES_OK), "ses-ok");
	assert_string_equal(selector_verdict_name(SELECTOR_DKIM_ONLY),
	    "dkim-only");
	assert_string_equal(selector_verdict_name(SELECTOR_INVALID),
	    "invalid");
	assert_string_equal(selector_problem_name(SELECTOR_PROB_FULL_NAME),
	    "full-name");
}

static void
test_domains(void **state)
{
	static const struct {
		const char	*d;
		int		 rc;
	} rows[] = {
		{ "example.com", 0 },
		{ "example.com.", 0 },
		{ "mail.example.co.uk", 0 },
		{ "xn--bcher-kva.example", 0 },
		{ "", -1 },
		{ "localhost", -1 },
		{ "exa mple.com", -1 },
		{ "example..com", -1 },
		{ "-example.com", -1 },
		{ "example_.com", -1 },
	};
	struct errbuf	 err;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		errbuf_clear(&err);
		if (selector_check_domain(rows[i].d, &err) != rows[i].rc)
			print_error("domain \"%s\": %s\n", rows[i].d, err.msg);
		assert_int_equal(selector_check_domain(rows[i].d, &err),
		    rows[i].rc);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_selector_verdicts),
		cmocka_unit_test(test_verdict_names),
		cmocka_unit_test(test_domains),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
