/*
 * test_msg - splitting a whole message into fields and body (lib/msg.h)
 *
 * The callback records every field as "name|value" so that a row states
 * the exact split: names as written, values as they follow the colon with
 * folds as CRLF, and the body offset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/buf.h"
#include "lib/errbuf.h"
#include "lib/msg.h"

struct fx {
	struct buf	 got;		/* "name|value\n" per field */
	size_t		 calls;
	size_t		 fail_at;	/* callback fails on this call, 0 never */
};

/* setup - an empty record */
static int
setup(void **state)
{
	static struct fx	 fx;

	memset(&fx, 0, sizeof(fx));
	buf_init(&fx.got, 0);
	*state = &fx;
	return 0;
}

/* teardown - free it */
static int
teardown(void **state)
{
	struct fx	*fx = *state;

	buf_free(&fx->got);
	return 0;
}

/* record - msg_header_fn keeping "name|value\n" */
static int
record(void *arg, const char *name, const char *value, struct errbuf *err)
{
	struct fx	*fx = arg;

	fx->calls++;
	if (fx->fail_at != 0 && fx->calls == fx->fail_at)
		return errbuf_set(err, "callback refused field %zu",
		    fx->calls);
	if (buf_printf(&fx->got, "%s|%s\n", name, value) == -1)
		return -1;
	return 0;
}

static const struct {
	const char	*label;
	const char	*msg;
	const char	*fields;	/* expected record */
	long		 body_off;	/* -1: at the end (no body) */
} ok_rows[] = {
	{ "CRLF message", "From: a@b\r\nTo: c@d\r\n\r\nbody\r\n",
	  "From| a@b\nTo| c@d\n", 22 },
	{ "LF message", "From: a@b\nTo: c@d\n\nbody\n",
	  "From| a@b\nTo| c@d\n", 19 },
	{ "folded field, CRLF", "Subject: one\r\n two\r\n\tthree\r\nX: y\r\n"
	  "\r\n", "Subject| one\r\n two\r\n\tthree\nX| y\n", 36 },
	{ "folded field, LF folds become CRLF", "Subject: one\n two\n\n",
	  "Subject| one\r\n two\n", 19 },
	{ "no body, no empty line", "From: a@b\r\nTo: c@d\r\n",
	  "From| a@b\nTo| c@d\n", -1 },
	{ "no body, last line unterminated", "From: a@b",
	  "From| a@b\n", -1 },
	{ "empty body after the empty line", "From: a@b\r\n\r\n",
	  "From| a@b\n", 13 },
	{ "name with WSP before the colon", "Subject \t: x\r\n\r\n",
	  "Subject \t| x\n", 16 },
	{ "value without a leading space", "X-A:b\r\n\r\n", "X-A|b\n", 9 },
	{ "empty value", "X-A:\r\n\r\n", "X-A|\n", 8 },
	{ "colons in the value", "Date: 12:00:01\r\n\r\n",
	  "Date| 12:00:01\n", 18 },
	{ "body lines that look like fields", "From: a\r\n\r\nTo: b\r\n",
	  "From| a\n", 11 },
	{ "body starting with WSP", "From: a\r\n\r\n  indented\r\n",
	  "From| a\n", 11 },
	{ "empty message", "", "", -1 },
	{ "only the empty line", "\r\n", "", 2 },
};

/* test_splits_fields_and_finds_body - one row per shape of message */
static void
test_splits_fields_and_finds_body(void **state)
{
	struct fx	*fx = *state;
	struct errbuf	 err;
	size_t		 i, len, off;
	long		 want;

	for (i = 0; i < sizeof(ok_rows) / sizeof(ok_rows[0]); i++) {
		buf_reset(&fx->got);
		len = strlen(ok_rows[i].msg);
		off = 99999;
		errbuf_clear(&err);
		if (msg_split(ok_rows[i].msg, len, record, fx, &off, &err)
		    != 0)
			fail_msg("%s: failed: %s", ok_rows[i].label, err.msg);
		if (strcmp(fx->got.data == NULL ? "" : fx->got.data,
		    ok_rows[i].fields) != 0)
			fail_msg("%s: fields \"%s\", want \"%s\"",
			    ok_rows[i].label, fx->got.data, ok_rows[i].fields);
		want = ok_rows[i].body_off < 0 ? (long)len :
		    ok_rows[i].body_off;
		if ((long)off != want)
			fail_msg("%s: body at %zu, want %ld",
			    ok_rows[i].label, off, want);
	}
}

/* test_lf_and_crlf_give_the_same_fields - line ends do not matter */
static void
test_lf_and_crlf_give_the_same_fields(void **state)
{
	struct fx	*fx = *state;
	static const char crlf[] = "From: Joe <j@x>\r\nSubject: a\r\n\tb\r\n"
	    "To: s@y\r\n\r\nHi.\r\n";
	static const char lf[] = "From: Joe <j@x>\nSubject: a\n\tb\n"
	    "To: s@y\n\nHi.\n";
	char		*first;
	size_t		 off1, off2;

	assert_int_equal(msg_split(crlf, strlen(crlf), record, fx, &off1,
	    NULL), 0);
	assert_non_null(first = strdup(fx->got.data));
	buf_reset(&fx->got);
	assert_int_equal(msg_split(lf, strlen(lf), record, fx, &off2, NULL),
	    0);
	assert_string_equal(fx->got.data, first);
	assert_string_equal(crlf + off1, "Hi.\r\n");
	assert_string_equal(lf + off2, "Hi.\n");
	free(first);
}

static const struct {
	const char	*label;
	const char	*msg;
	size_t		 calls;		/* fields delivered before failing */
	const char	*line;		/* the line number named in err */
} bad_rows[] = {
	{ "header line without a colon", "From: a\r\nnot a header\r\n\r\n",
	  1, "2" },
	{ "first line without a colon", "garbage\r\nFrom: a\r\n\r\n", 0,
	  "1" },
	{ "continuation before any field", " folded\r\nFrom: a\r\n\r\n", 0,
	  "1" },
	{ "empty field name", ": value\r\n\r\n", 0, "1" },
};

/* test_rejects_malformed_headers - -1 with the line number */
static void
test_rejects_malformed_headers(void **state)
{
	struct fx	*fx = *state;
	struct errbuf	 err;
	size_t		 i, off;

	for (i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
		fx->calls = 0;
		errbuf_clear(&err);
		if (msg_split(bad_rows[i].msg, strlen(bad_rows[i].msg), record,
		    fx, &off, &err) != -1)
			fail_msg("%s: accepted", bad_rows[i].label);
		if (fx->calls != bad_rows[i].calls)
			fail_msg("%s: %zu fields delivered, want %zu",
			    bad_rows[i].label, fx->calls, bad_rows[i].calls);
		if (err.msg[0] == '\0' ||
		    strstr(err.msg, bad_rows[i].line) == NULL)
			fail_msg("%s: error \"%s\" does not name line %s",
			    bad_rows[i].label, err.msg, bad_rows[i].line);
	}
}

/* test_callback_failure_stops_the_split - and is returned */
static void
test_callback_failure_stops_the_split(void **state)
{
	struct fx	*fx = *state;
	static const char m[] = "A: 1\r\nB: 2\r\nC: 3\r\n\r\nbody";
	struct errbuf	 err;
	size_t		 off;

	fx->fail_at = 2;
	errbuf_clear(&err);
	assert_int_equal(msg_split(m, strlen(m), record, fx, &off, &err), -1);
	assert_int_equal(fx->calls, 2);
	assert_string_equal(fx->got.data, "A| 1\n");
	assert_non_null(strstr(err.msg, "refused"));
}

/* test_uses_only_len_bytes - data past len is not a part of the message */
static void
test_uses_only_len_bytes(void **state)
{
	struct fx	*fx = *state;
	static const char m[] = "A: 1\r\nB: 2\r\n\r\nbody";
	size_t		 off;

	/* stop inside B's line: B is the last, unterminated field */
	assert_int_equal(msg_split(m, 9, record, fx, &off, NULL), 0);
	assert_string_equal(fx->got.data, "A| 1\nB| \n");
	assert_int_equal(off, 9);
}

/* test_embedded_nul_in_body_is_not_a_header_matter - body offset right */
static void
test_embedded_nul_in_body_is_not_a_header_matter(void **state)
{
	struct fx	*fx = *state;
	static const char m[] = "A: 1\r\n\r\nx\0y";
	size_t		 off;

	assert_int_equal(msg_split(m, sizeof(m) - 1, record, fx, &off, NULL),
	    0);
	assert_int_equal(off, 8);
	assert_string_equal(fx->got.data, "A| 1\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_splits_fields_and_finds_body, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_lf_and_crlf_give_the_same_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rejects_malformed_headers,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_callback_failure_stops_the_split, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uses_only_len_bytes,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_embedded_nul_in_body_is_not_a_header_matter, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("msg", tests, NULL, NULL);
}
