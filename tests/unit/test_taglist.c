/*
 * test_taglist - RFC 6376 3.2 tag=value lists (lib/taglist.h)
 *
 * Accepted lists are checked tag by tag (names, trimmed values, order);
 * rejected ones by status and by the tag or text named in where_out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/taglist.h"

struct fx {
	struct taglist	 tl;
	char		 where[64];
};

/* setup - an unused taglist */
static int
setup(void **state)
{
	static struct fx	 fx;

	memset(&fx, 0, sizeof(fx));
	*state = &fx;
	return 0;
}

/* teardown - taglist_free whatever the status was */
static int
teardown(void **state)
{
	struct fx	*fx = *state;

	taglist_free(&fx->tl);
	return 0;
}

/* One accepted list: up to four expected name/value pairs, in order. */
static const struct {
	const char	*label;
	const char	*in;
	size_t		 n;
	const char	*pairs[8];
} ok_rows[] = {
	{ "two tags", "a=1; b=2", 2, { "a", "1", "b", "2" } },
	{ "no spaces", "a=1;b=2", 2, { "a", "1", "b", "2" } },
	{ "trailing semicolon", "v=1; a=rsa-sha256;", 2,
	  { "v", "1", "a", "rsa-sha256" } },
	{ "trailing semicolon and FWS", "v=1;\r\n\t", 1, { "v", "1" } },
	{ "FWS around name, '=' and value", " \t a \t = \t x y \t ;b=2", 2,
	  { "a", "x y", "b", "2" } },
	{ "folded between tags", "d=example.com;\r\n\ts=sel;\r\n b=AB", 3,
	  { "d", "example.com", "s", "sel", "b", "AB" } },
	{ "folded inside a value keeps inner FWS",
	  "b=AAAA\r\n\tBBBB; c=x", 2, { "b", "AAAA\r\n\tBBBB", "c", "x" } },
	{ "empty value", "v=DKIM1; p=", 2, { "v", "DKIM1", "p", "" } },
	{ "empty value before semicolon", "p=; k=rsa", 2,
	  { "p", "", "k", "rsa" } },
	{ "value with '='", "bh=abc==; b=x=", 2,
	  { "bh", "abc==", "b", "x=" } },
	{ "name with digits and underscore", "x_1=a; B2=b", 2,
	  { "x_1", "a", "B2", "b" } },
	{ "colons in a value", "h=from : to : subject", 1,
	  { "h", "from : to : subject" } },
};

/* test_parses_valid_lists - names and trimmed values, in order */
static void
test_parses_valid_lists(void **state)
{
	struct fx		*fx = *state;
	enum taglist_status	 st;
	size_t			 i, k;

	for (i = 0; i < sizeof(ok_rows) / sizeof(ok_rows[0]); i++) {
		st = taglist_parse(ok_rows[i].in, &fx->tl, fx->where,
		    sizeof(fx->where));
		if (st != TAGLIST_OK)
			fail_msg("%s: status %d near '%s'", ok_rows[i].label,
			    (int)st, fx->where);
		if (fx->tl.n != ok_rows[i].n)
			fail_msg("%s: %zu tags, want %zu", ok_rows[i].label,
			    fx->tl.n, ok_rows[i].n);
		for (k = 0; k < ok_rows[i].n; k++) {
			if (strcmp(fx->tl.name[k], ok_rows[i].pairs[2 * k])
			    != 0 || strcmp(fx->tl.value[k],
			    ok_rows[i].pairs[2 * k + 1]) != 0)
				fail_msg("%s: tag %zu is '%s'='%s', want "
				    "'%s'='%s'", ok_rows[i].label, k,
				    fx->tl.name[k], fx->tl.value[k],
				    ok_rows[i].pairs[2 * k],
				    ok_rows[i].pairs[2 * k + 1]);
			if (taglist_get(&fx->tl, ok_rows[i].pairs[2 * k]) !=
			    fx->tl.value[k])
				fail_msg("%s: taglist_get(%s) is not value %zu",
				    ok_rows[i].label, ok_rows[i].pairs[2 * k],
				    k);
		}
		taglist_free(&fx->tl);
	}
}

static const struct {
	const char		*label;
	const char		*in;
	enum taglist_status	 want;
	const char		*where;		/* substring of where_out */
} bad_rows[] = {
	{ "no '='", "v=1; garbage", TAGLIST_SYNTAX, "garbage" },
	{ "empty tag between semicolons", "a=1;;b=2", TAGLIST_SYNTAX, NULL },
	{ "only a semicolon", ";", TAGLIST_SYNTAX, NULL },
	{ "no name", "=1", TAGLIST_SYNTAX, NULL },
	{ "name starts with a digit", "1a=x", TAGLIST_SYNTAX, "1a" },
	{ "name with a hyphen", "a-b=1", TAGLIST_SYNTAX, "a-b" },
	{ "name with inner space", "a b=1", TAGLIST_SYNTAX, NULL },
	{ "duplicate tag", "a=1; b=2; a=3", TAGLIST_DUPLICATE, "a" },
	{ "duplicate tag with FWS", "bh=1;\r\n bh =2", TAGLIST_DUPLICATE,
	  "bh" },
};

/* test_rejects_malformed_lists - status and the offending tag */
static void
test_rejects_malformed_lists(void **state)
{
	struct fx		*fx = *state;
	enum taglist_status	 st;
	size_t			 i;

	for (i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
		memset(fx->where, 'X', sizeof(fx->where) - 1);
		fx->where[sizeof(fx->where) - 1] = '\0';
		st = taglist_parse(bad_rows[i].in, &fx->tl, fx->where,
		    sizeof(fx->where));
		if (st != bad_rows[i].want)
			fail_msg("%s: status %d, want %d", bad_rows[i].label,
			    (int)st, (int)bad_rows[i].want);
		if (bad_rows[i].where != NULL &&
		    strstr(fx->where, bad_rows[i].where) == NULL)
			fail_msg("%s: where_out '%s' does not name '%s'",
			    bad_rows[i].label, fx->where, bad_rows[i].where);
		taglist_free(&fx->tl);
	}
}

/* test_duplicate_names_are_case_sensitive - "a" and "A" are two tags */
static void
test_duplicate_names_are_case_sensitive(void **state)
{
	struct fx	*fx = *state;

	/* RFC 6376 3.2: tag names are case-sensitive */
	assert_int_equal(taglist_parse("a=1; A=2", &fx->tl, NULL, 0),
	    TAGLIST_OK);
	assert_int_equal(fx->tl.n, 2);
	assert_string_equal(taglist_get(&fx->tl, "a"), "1");
	assert_string_equal(taglist_get(&fx->tl, "A"), "2");
	assert_null(taglist_get(&fx->tl, "b"));
}

/* test_more_than_max_tags_is_too_many - the cap is TAGLIST_MAX */
static void
test_more_than_max_tags_is_too_many(void **state)
{
	struct fx	*fx = *state;
	char		 in[TAGLIST_MAX * 16];
	size_t		 i, o = 0;

	for (i = 0; i < TAGLIST_MAX; i++)
		o += (size_t)snprintf(in + o, sizeof(in) - o, "t%zu=%zu;", i,
		    i);
	assert_int_equal(taglist_parse(in, &fx->tl, NULL, 0), TAGLIST_OK);
	assert_int_equal(fx->tl.n, TAGLIST_MAX);
	taglist_free(&fx->tl);
	snprintf(in + o, sizeof(in) - o, "extra=1");
	assert_int_equal(taglist_parse(in, &fx->tl, fx->where,
	    sizeof(fx->where)), TAGLIST_TOO_MANY);
}

/* test_where_out_is_bounded - a long bad tag does not overflow where_out */
static void
test_where_out_is_bounded(void **state)
{
	struct fx	*fx = *state;
	char		 in[400], small[8];

	memset(in, 'x', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	memset(small, 'Z', sizeof(small));
	assert_int_equal(taglist_parse(in, &fx->tl, small, sizeof(small)),
	    TAGLIST_SYNTAX);
	assert_true(memchr(small, '\0', sizeof(small)) != NULL);
}

/* test_free_after_failure_and_twice_is_safe - storage released cleanly */
static void
test_free_after_failure_and_twice_is_safe(void **state)
{
	struct fx	*fx = *state;

	assert_int_equal(taglist_parse("a=1; a=1", &fx->tl, NULL, 0),
	    TAGLIST_DUPLICATE);
	taglist_free(&fx->tl);
	taglist_free(&fx->tl);
	assert_int_equal(fx->tl.n, 0);
	assert_null(fx->tl.store);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_parses_valid_lists,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rejects_malformed_lists,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_duplicate_names_are_case_sensitive, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_more_than_max_tags_is_too_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_where_out_is_bounded,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_free_after_failure_and_twice_is_safe, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("taglist", tests, NULL, NULL);
}
