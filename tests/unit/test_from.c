/*
 * test_from - the one From parser (lib/from.h): the author address and
 * domain of a From field, and no author when there is no single one
 *
 * Rows carry a label printed on failure.  The rows that were
 * table_address()'s (the signer's old copy) are kept: one parser now
 * answers for the signer and the verifier alike.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/errbuf.h"
#include "lib/from.h"
#include "lib/hdr.h"
#include "lib/reason.h"

/* test_from_parse_rows - addresses, domains and statuses */
static void
test_from_parse_rows(void **state)
{
	static const struct {
		const char		*label, *in, *addr, *domain;
		enum from_status	 st;
	} rows[] = {
		{ "bare", " bob@example.com", "bob@example.com",
		  "example.com", FROM_OK },
		{ "angle", " Bob <bob@Example.COM>", "bob@example.com",
		  "example.com", FROM_OK },
		{ "quoted name with <", " \"A <b>\" <a@b.example>",
		  "a@b.example", "b.example", FROM_OK },
		{ "quoted name with @", " \"Joe @ Work\" <joe@mail.example.org>",
		  "joe@mail.example.org", "mail.example.org", FROM_OK },
		{ "comment", " bob@example.com (Bob)", "bob@example.com",
		  "example.com", FROM_OK },
		{ "comment first", " (Joe) joe@example.com", "joe@example.com",
		  "example.com", FROM_OK },
		{ "comment with address", " victim@a.example (x@b.example)",
		  "victim@a.example", "a.example", FROM_OK },
		{ "folded", " Bob\r\n\t<bob@example.com>", "bob@example.com",
		  "example.com", FROM_OK },
		{ "LF fold", " Bob\n <Bob@example.com>", "Bob@example.com",
		  "example.com", FROM_OK },
		{ "encoded word", " =?utf-8?q?B=C3=B6b?= <b@example.com>",
		  "b@example.com", "example.com", FROM_OK },
		{ "quoted local part", " \"a b\"@example.com",
		  "\"a b\"@example.com", "example.com", FROM_OK },
		{ "trailing dot", " a@example.com.", "a@example.com",
		  "example.com", FROM_OK },
		{ "no space", "a@example.com", "a@example.com", "example.com",
		  FROM_OK },
		/* issue 8 item 3: a quoted string is no domain */
		{ "quoted domain", " Boss <ceo@\"x\".com>", "", "",
		  FROM_UNPARSABLE },
		{ "quoted whole domain", " ceo@\"paypal.com\"", "", "",
		  FROM_UNPARSABLE },
		{ "domain literal", " ceo@[192.0.2.1]", "", "",
		  FROM_UNPARSABLE },
		{ "comment in domain", " ceo@pay(x)pal.com", "", "",
		  FROM_UNPARSABLE },
		{ "8-bit domain", " ceo@p\xc3\xa4ypal.com", "", "",
		  FROM_UNPARSABLE },
		{ "DEL in domain", " ceo@pay\x7fpal.com", "", "",
		  FROM_UNPARSABLE },
		{ "two angles", " <a@a.example> <b@b.example>", "", "",
		  FROM_UNPARSABLE },
		{ "unquoted @ in name", " a@a.example <b@b.example>", "", "",
		  FROM_UNPARSABLE },
		{ "text after angle", " <a@a.example> b@b.example", "", "",
		  FROM_UNPARSABLE },
		{ "unclosed comment", " a@a.example (x", "", "",
		  FROM_UNPARSABLE },
		{ "unclosed quote", " \"x <a@a.example>", "", "",
		  FROM_UNPARSABLE },
		{ "label over 63", " a@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "aaaaaaaaaaa.example", "", "", FROM_UNPARSABLE },
		{ "empty label", " a@example..com", "", "", FROM_UNPARSABLE },
		{ "list", " \"x, y\" <x@a.example>, y@b.example", "", "",
		  FROM_MAILBOXES },
		{ "list bare", " a@example.com, b@example.org", "", "",
		  FROM_MAILBOXES },
		{ "no address", " undisclosed-recipients:;", "", "",
		  FROM_UNPARSABLE },
		{ "no @", " undisclosed", "", "", FROM_UNPARSABLE },
		{ "empty angle", " <>", "", "", FROM_UNPARSABLE },
		{ "unclosed angle", " Bob <bob@example.com", "", "",
		  FROM_UNPARSABLE },
		{ "no domain", " bob@", "", "", FROM_UNPARSABLE },
		{ "empty", "", "", "", FROM_UNPARSABLE },
	};
	char			 addr[FROM_ADDR_MAX], dom[FROM_DOMAIN_MAX];
	size_t			 i;
	enum from_status	 st;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(addr, 'X', sizeof(addr));
		memset(dom, 'X', sizeof(dom));
		st = from_parse(rows[i].in, addr, sizeof(addr), dom,
		    sizeof(dom));
		if (st != rows[i].st || strcmp(addr, rows[i].addr) != 0 ||
		    strcmp(dom, rows[i].domain) != 0)
			fail_msg("%s: got %d \"%s\" \"%s\", want %d \"%s\" "
			    "\"%s\"", rows[i].label, (int)st, addr, dom,
			    (int)rows[i].st, rows[i].addr, rows[i].domain);
	}
}

/* test_from_address_that_does_not_fit_is_refused - never cut */
static void
test_from_address_that_does_not_fit_is_refused(void **state)
{
	char	 out[5], dom[FROM_DOMAIN_MAX];

	(void)state;
	assert_int_equal(from_parse(" a@example.com", out, sizeof(out), dom,
	    sizeof(dom)), FROM_UNPARSABLE);
	assert_string_equal(out, "");
	assert_string_equal(dom, "");
}

/* add - one field into hl */
static void
add(struct hdrlist *hl, const char *name, const char *value)
{
	assert_int_equal(hdrlist_add(hl, name, value, NULL), 0);
}

/* test_from_author_needs_exactly_one_field - RFC 6376 8.15 */
static void
test_from_author_needs_exactly_one_field(void **state)
{
	struct hdrlist	 hl;
	char		 addr[FROM_ADDR_MAX], dom[FROM_DOMAIN_MAX];

	(void)state;
	hdrlist_init(&hl);
	add(&hl, "To", " x@example.net");
	assert_int_equal(from_author(&hl, addr, sizeof(addr), dom,
	    sizeof(dom)), FROM_NONE);
	add(&hl, "from", " Joe <joe@example.com>");
	assert_int_equal(from_author(&hl, addr, sizeof(addr), dom,
	    sizeof(dom)), FROM_OK);
	assert_string_equal(addr, "joe@example.com");
	assert_string_equal(dom, "example.com");
	add(&hl, "From", " joe@example.com");
	assert_int_equal(from_author(&hl, addr, sizeof(addr), dom,
	    sizeof(dom)), FROM_MULTIPLE);
	assert_string_equal(addr, "");
	assert_string_equal(dom, "");
	assert_int_equal(from_author(&hl, NULL, 0, NULL, 0), FROM_MULTIPLE);
	hdrlist_free(&hl);
}

/* test_from_reasons - every status has its own code */
static void
test_from_reasons(void **state)
{
	(void)state;
	assert_int_equal(from_reason(FROM_OK), REASON_OK);
	assert_int_equal(from_reason(FROM_NONE), REASON_FROM_NONE);
	assert_int_equal(from_reason(FROM_MULTIPLE), REASON_FROM_MULTIPLE);
	assert_int_equal(from_reason(FROM_MAILBOXES), REASON_FROM_MAILBOXES);
	assert_int_equal(from_reason(FROM_UNPARSABLE),
	    REASON_FROM_UNPARSABLE);
	assert_string_equal(reason_code(REASON_FROM_MULTIPLE),
	    "from-multiple");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_parse_rows),
		cmocka_unit_test(test_from_address_that_does_not_fit_is_refused),
		cmocka_unit_test(test_from_author_needs_exactly_one_field),
		cmocka_unit_test(test_from_reasons),
	};

	return cmocka_run_group_tests_name("from", tests, NULL, NULL);
}
