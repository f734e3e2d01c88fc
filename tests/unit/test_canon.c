/*
 * test_canon - header and body canonicalization (lib/canon.h, RFC 6376 3.4)
 *
 * Header rows give name, value (as it follows the colon) and the exact
 * canonical bytes; body rows give raw input and canonical output for both
 * algorithms.  Streaming is checked by feeding every input whole, byte by
 * byte and split at every offset: the output must not depend on chunking.
 * The RFC's own example (3.4.6) is in test_rfc6376.c.
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
#include "lib/canon.h"

struct fx {
	struct buf	 out;
	struct buf	 alt;
};

/* setup - two empty output buffers */
static int
setup(void **state)
{
	static struct fx	 fx;

	buf_init(&fx.out, 0);
	buf_init(&fx.alt, 0);
	*state = &fx;
	return 0;
}

/* teardown - free them */
static int
teardown(void **state)
{
	struct fx	*fx = *state;

	buf_free(&fx->out);
	buf_free(&fx->alt);
	return 0;
}

/* show - printable form of canonical bytes for failure messages */
static const char *
show(const char *s, size_t len, char *out, size_t outlen)
{
	size_t	 i, o = 0;

	for (i = 0; i < len && o + 5 < outlen; i++) {
		if (s[i] == '\r')
			o += (size_t)snprintf(out + o, outlen - o, "\\r");
		else if (s[i] == '\n')
			o += (size_t)snprintf(out + o, outlen - o, "\\n");
		else if (s[i] == '\t')
			o += (size_t)snprintf(out + o, outlen - o, "\\t");
		else
			out[o++] = s[i];
	}
	out[o] = '\0';
	return out;
}

/* expect_bytes - fail with the label when got differs from want */
static void
expect_bytes(const char *label, const struct buf *got, const char *want)
{
	char	 g[512], w[512];

	if (got->len != strlen(want) || memcmp(got->data, want, got->len) != 0)
		fail_msg("%s: got \"%s\", want \"%s\"", label,
		    show(got->data == NULL ? "" : got->data, got->len, g,
		    sizeof(g)), show(want, strlen(want), w, sizeof(w)));
}

/* c= values, RFC 6376 3.5 */
static const struct {
	const char	*in;
	int		 rc;
	enum canon	 h, b;
} parse_rows[] = {
	{ "simple/simple", 0, CANON_SIMPLE, CANON_SIMPLE },
	{ "simple/relaxed", 0, CANON_SIMPLE, CANON_RELAXED },
	{ "relaxed/simple", 0, CANON_RELAXED, CANON_SIMPLE },
	{ "relaxed/relaxed", 0, CANON_RELAXED, CANON_RELAXED },
	/* "If only one algorithm is named, ... body simple" */
	{ "relaxed", 0, CANON_RELAXED, CANON_SIMPLE },
	{ "simple", 0, CANON_SIMPLE, CANON_SIMPLE },
	{ "", -1, 0, 0 },
	{ "relaxed/", -1, 0, 0 },
	{ "/relaxed", -1, 0, 0 },
	{ "nofws/simple", -1, 0, 0 },
	{ "relaxed/nowsp", -1, 0, 0 },
	{ "relaxed/relaxed/relaxed", -1, 0, 0 },
	{ "relax/simple", -1, 0, 0 },
	{ "simplex", -1, 0, 0 },
};

/* test_parse_c_values - every valid pair, the one-word form, bad ones */
static void
test_parse_c_values(void **state)
{
	enum canon	 h, b;
	size_t		 i;
	int		 rc;

	(void)state;
	for (i = 0; i < sizeof(parse_rows) / sizeof(parse_rows[0]); i++) {
		h = b = (enum canon)99;
		rc = canon_parse(parse_rows[i].in, &h, &b);
		if (rc != parse_rows[i].rc)
			fail_msg("c=%s: rc %d, want %d", parse_rows[i].in, rc,
			    parse_rows[i].rc);
		if (rc == 0 && (h != parse_rows[i].h || b != parse_rows[i].b))
			fail_msg("c=%s: got %s/%s", parse_rows[i].in,
			    canon_name(h), canon_name(b));
	}
	assert_string_equal(canon_name(CANON_SIMPLE), "simple");
	assert_string_equal(canon_name(CANON_RELAXED), "relaxed");
}

static const struct {
	const char	*label;
	const char	*name, *value;
	const char	*simple, *relaxed;
} hdr_rows[] = {
	{ "plain field", "Subject", " Hello",
	  "Subject: Hello\r\n", "subject:Hello\r\n" },
	{ "name case", "SuBjEcT", " x", "SuBjEcT: x\r\n", "subject:x\r\n" },
	{ "no space after colon", "To", "a@b", "To:a@b\r\n", "to:a@b\r\n" },
	{ "WSP runs inside", "Subject", " a  \t b\t\tc",
	  "Subject: a  \t b\t\tc\r\n", "subject:a b c\r\n" },
	{ "trailing WSP", "Subject", " x \t ", "Subject: x \t \r\n",
	  "subject:x\r\n" },
	{ "leading WSP runs", "Subject", " \t  x", "Subject: \t  x\r\n",
	  "subject:x\r\n" },
	{ "WSP before the colon", "Subject \t", " x",
	  "Subject \t: x\r\n", "subject:x\r\n" },
	{ "CRLF fold", "Subject", " a\r\n\tb", "Subject: a\r\n\tb\r\n",
	  "subject:a b\r\n" },
	{ "fold with no WSP before it", "Subject", " a,\r\n b",
	  "Subject: a,\r\n b\r\n", "subject:a, b\r\n" },
	{ "several folds and runs", "Received", " from x\r\n\t by y \r\n"
	  "\t  with z  ", "Received: from x\r\n\t by y \r\n\t  with z  \r\n",
	  "received:from x by y with z\r\n" },
	{ "bare LF fold becomes CRLF (simple)", "Subject", " a\n\tb",
	  "Subject: a\r\n\tb\r\n", "subject:a b\r\n" },
	{ "empty value", "X-Empty", "", "X-Empty:\r\n", "x-empty:\r\n" },
	{ "value of only WSP", "X-Empty", " \t ", "X-Empty: \t \r\n",
	  "x-empty:\r\n" },
	{ "value case kept", "From", " Joe <JOE@Example.COM>",
	  "From: Joe <JOE@Example.COM>\r\n",
	  "from:Joe <JOE@Example.COM>\r\n" },
	{ "colon in value kept", "X-A", " b: c", "X-A: b: c\r\n",
	  "x-a:b: c\r\n" },
};

/* test_header_simple_and_relaxed - RFC 6376 3.4.1 and 3.4.2, one field */
static void
test_header_simple_and_relaxed(void **state)
{
	struct fx	*fx = *state;
	char		 label[128];
	size_t		 i;

	for (i = 0; i < sizeof(hdr_rows) / sizeof(hdr_rows[0]); i++) {
		buf_reset(&fx->out);
		assert_int_equal(canon_header(CANON_SIMPLE, hdr_rows[i].name,
		    hdr_rows[i].value, 0, &fx->out), 0);
		snprintf(label, sizeof(label), "simple, %s", hdr_rows[i].label);
		expect_bytes(label, &fx->out, hdr_rows[i].simple);
		buf_reset(&fx->out);
		assert_int_equal(canon_header(CANON_RELAXED, hdr_rows[i].name,
		    hdr_rows[i].value, 0, &fx->out), 0);
		snprintf(label, sizeof(label), "relaxed, %s",
		    hdr_rows[i].label);
		expect_bytes(label, &fx->out, hdr_rows[i].relaxed);
	}
}

/* test_header_appends_to_existing_output - fields concatenate */
static void
test_header_appends_to_existing_output(void **state)
{
	struct fx	*fx = *state;

	assert_int_equal(canon_header(CANON_RELAXED, "A", " 1", 0, &fx->out),
	    0);
	assert_int_equal(canon_header(CANON_RELAXED, "B", " 2", 0, &fx->out),
	    0);
	expect_bytes("two fields", &fx->out, "a:1\r\nb:2\r\n");
}

/* RFC 6376 3.7: the b= value of the signature field is hashed as empty */
static const struct {
	const char	*label;
	const char	*value;
	const char	*simple, *relaxed;
} strip_rows[] = {
	{ "b= last", " v=1; bh=AB; b=CDEF",
	  "DKIM-Signature: v=1; bh=AB; b=",
	  "dkim-signature:v=1; bh=AB; b=" },
	{ "b= in the middle", " v=1; b=CD\r\n\tEF; d=x",
	  "DKIM-Signature: v=1; b=; d=x",
	  "dkim-signature:v=1; b=; d=x" },
	{ "bh= is not b=", " bh=AB; b=CD",
	  "DKIM-Signature: bh=AB; b=",
	  "dkim-signature:bh=AB; b=" },
	{ "b= first", " b=XYZ; bh=AB", "DKIM-Signature: b=; bh=AB",
	  "dkim-signature:b=; bh=AB" },
	{ "FWS around b and =", " a=1;\r\n b = XY Z ;c=2",
	  "DKIM-Signature: a=1;\r\n b =;c=2",
	  "dkim-signature:a=1; b =;c=2" },
	{ "folded b= value, trailing semicolon", " d=x;\r\n\tb=AAAA\r\n\t BBBB;",
	  "DKIM-Signature: d=x;\r\n\tb=;", "dkim-signature:d=x; b=;" },
	{ "no CRLF appended when stripping", " b=", "DKIM-Signature: b=",
	  "dkim-signature:b=" },
};

/* test_header_strip_b_empties_only_the_b_value - and adds no CRLF */
static void
test_header_strip_b_empties_only_the_b_value(void **state)
{
	struct fx	*fx = *state;
	char		 label[128];
	size_t		 i;

	for (i = 0; i < sizeof(strip_rows) / sizeof(strip_rows[0]); i++) {
		buf_reset(&fx->out);
		assert_int_equal(canon_header(CANON_SIMPLE, "DKIM-Signature",
		    strip_rows[i].value, 1, &fx->out), 0);
		snprintf(label, sizeof(label), "simple, %s",
		    strip_rows[i].label);
		expect_bytes(label, &fx->out, strip_rows[i].simple);
		buf_reset(&fx->out);
		assert_int_equal(canon_header(CANON_RELAXED, "DKIM-Signature",
		    strip_rows[i].value, 1, &fx->out), 0);
		snprintf(label, sizeof(label), "relaxed, %s",
		    strip_rows[i].label);
		expect_bytes(label, &fx->out, strip_rows[i].relaxed);
	}
}

/* test_header_fails_at_buffer_cap - -1, not an overflow */
static void
test_header_fails_at_buffer_cap(void **state)
{
	struct buf	 small;

	(void)state;
	buf_init(&small, 8);
	assert_int_equal(canon_header(CANON_RELAXED, "Subject",
	    " a long value", 0, &small), -1);
	assert_true(small.len <= 8);
	buf_free(&small);
	buf_init(&small, 8);
	assert_int_equal(canon_header(CANON_SIMPLE, "Subject",
	    " a long value", 0, &small), -1);
	assert_true(small.len <= 8);
	buf_free(&small);
}

/* sink - canon_out_fn appending to a buf */
static void
sink(void *arg, const unsigned char *data, size_t len)
{
	assert_true(len > 0);
	assert_int_equal(buf_append(arg, data, len), 0);
}

/* body_chunked - canonicalize in, fed in pieces of at most step bytes */
static void
body_chunked(enum canon c, const char *in, size_t len, size_t step,
    struct buf *out)
{
	struct canon_body	*cb;
	size_t			 off, n;

	buf_reset(out);
	assert_non_null(cb = canon_body_new(c, sink, out));
	for (off = 0; off < len; off += n) {
		n = len - off < step ? len - off : step;
		canon_body_update(cb, in + off, n);
	}
	canon_body_final(cb);
	canon_body_free(cb);
}

/* body_split - in fed as two chunks split at cut */
static void
body_split(enum canon c, const char *in, size_t len, size_t cut,
    struct buf *out)
{
	struct canon_body	*cb;

	buf_reset(out);
	assert_non_null(cb = canon_body_new(c, sink, out));
	canon_body_update(cb, in, cut);
	canon_body_update(cb, in + cut, len - cut);
	canon_body_final(cb);
	canon_body_free(cb);
}

static const struct {
	const char	*label;
	const char	*in;
	const char	*simple, *relaxed;
} body_rows[] = {
	/* 3.4.3: an empty body is CRLF in simple; 3.4.4: empty in relaxed */
	{ "empty body", "", "\r\n", "" },
	{ "only empty lines", "\r\n\r\n\r\n", "\r\n", "" },
	{ "one line", "Hi.\r\n", "Hi.\r\n", "Hi.\r\n" },
	{ "no final CRLF", "Hi.", "Hi.\r\n", "Hi.\r\n" },
	{ "trailing empty lines removed", "a\r\n\r\n\r\n", "a\r\n", "a\r\n" },
	{ "inner empty lines kept", "a\r\n\r\n\r\nb\r\n",
	  "a\r\n\r\n\r\nb\r\n", "a\r\n\r\n\r\nb\r\n" },
	{ "trailing WSP on a line", "a \t \r\nb\t\r\n",
	  "a \t \r\nb\t\r\n", "a\r\nb\r\n" },
	{ "WSP runs inside a line", "a  \t b\r\n", "a  \t b\r\n",
	  "a b\r\n" },
	{ "leading WSP reduced, not removed", "\t\t a\r\n", "\t\t a\r\n",
	  " a\r\n" },
	{ "line of only WSP at the end", "a\r\n \t \r\n",
	  "a\r\n \t \r\n", "a\r\n" },
	{ "line of only WSP in the middle", "a\r\n  \r\nb\r\n",
	  "a\r\n  \r\nb\r\n", "a\r\n\r\nb\r\n" },
	{ "only WSP", "   ", "   \r\n", "" },
	{ "only WSP lines", " \r\n\t\r\n", " \r\n\t\r\n", "" },
	{ "trailing WSP without final CRLF", "a  ", "a  \r\n", "a\r\n" },
	{ "empty lines then WSP-only unterminated", "a\r\n\r\n  ",
	  "a\r\n\r\n  \r\n", "a\r\n" },
	{ "LF line ends become CRLF", "a\nb\n\n", "a\r\nb\r\n", "a\r\nb\r\n" },
	{ "mixed line ends", "a\r\nb\nc\r\n", "a\r\nb\r\nc\r\n",
	  "a\r\nb\r\nc\r\n" },
	{ "dot line kept", ".\r\n", ".\r\n", ".\r\n" },
};

/* test_body_simple_and_relaxed - RFC 6376 3.4.3 and 3.4.4 */
static void
test_body_simple_and_relaxed(void **state)
{
	struct fx	*fx = *state;
	char		 label[128];
	size_t		 i, len;

	for (i = 0; i < sizeof(body_rows) / sizeof(body_rows[0]); i++) {
		len = strlen(body_rows[i].in);
		body_chunked(CANON_SIMPLE, body_rows[i].in, len, len + 1,
		    &fx->out);
		snprintf(label, sizeof(label), "simple, %s",
		    body_rows[i].label);
		expect_bytes(label, &fx->out, body_rows[i].simple);
		body_chunked(CANON_RELAXED, body_rows[i].in, len, len + 1,
		    &fx->out);
		snprintf(label, sizeof(label), "relaxed, %s",
		    body_rows[i].label);
		expect_bytes(label, &fx->out, body_rows[i].relaxed);
	}
}

/* test_body_output_independent_of_chunking - every split point */
static void
test_body_output_independent_of_chunking(void **state)
{
	struct fx	*fx = *state;
	enum canon	 c;
	size_t		 i, len, cut;

	for (c = CANON_SIMPLE; c <= CANON_RELAXED; c++)
		for (i = 0; i < sizeof(body_rows) / sizeof(body_rows[0]);
		    i++) {
			len = strlen(body_rows[i].in);
			body_chunked(c, body_rows[i].in, len, len + 1,
			    &fx->out);
			body_chunked(c, body_rows[i].in, len, 1, &fx->alt);
			if (fx->out.len != fx->alt.len || (fx->out.len > 0 &&
			    memcmp(fx->out.data, fx->alt.data, fx->out.len)
			    != 0))
				fail_msg("%s, %s: byte by byte differs",
				    canon_name(c), body_rows[i].label);
			for (cut = 0; cut <= len; cut++) {
				body_split(c, body_rows[i].in, len, cut,
				    &fx->alt);
				if (fx->out.len != fx->alt.len ||
				    (fx->out.len > 0 && memcmp(fx->out.data,
				    fx->alt.data, fx->out.len) != 0))
					fail_msg("%s, %s: split at %zu differs",
					    canon_name(c), body_rows[i].label,
					    cut);
			}
		}
}

/* test_body_lf_input_equals_crlf_input - LF-only stores sign the same */
static void
test_body_lf_input_equals_crlf_input(void **state)
{
	struct fx	*fx = *state;
	static const char crlf[] = "Hi.\r\n\r\n  We lost \t the game.\r\n"
	    "\r\nJoe. \r\n\r\n\r\n";
	static const char lf[] = "Hi.\n\n  We lost \t the game.\n\nJoe. \n\n\n";
	enum canon	 c;

	for (c = CANON_SIMPLE; c <= CANON_RELAXED; c++) {
		body_chunked(c, crlf, strlen(crlf), 7, &fx->out);
		body_chunked(c, lf, strlen(lf), 5, &fx->alt);
		if (fx->out.len != fx->alt.len ||
		    memcmp(fx->out.data, fx->alt.data, fx->out.len) != 0)
			fail_msg("%s: LF input canonicalizes differently",
			    canon_name(c));
	}
}

/* test_body_crlf_split_across_chunks - "\r" | "\n" is one line end */
static void
test_body_crlf_split_across_chunks(void **state)
{
	struct fx		*fx = *state;
	struct canon_body	*cb;

	assert_non_null(cb = canon_body_new(CANON_RELAXED, sink, &fx->out));
	canon_body_update(cb, "a \r", 3);
	canon_body_update(cb, "\n\r", 2);
	canon_body_update(cb, "\n", 1);
	canon_body_update(cb, "b\r", 2);
	canon_body_update(cb, "\n", 1);
	canon_body_final(cb);
	canon_body_free(cb);
	expect_bytes("relaxed", &fx->out, "a\r\n\r\nb\r\n");
}

/* test_body_empty_lines_released_by_later_text - held, not dropped */
static void
test_body_empty_lines_released_by_later_text(void **state)
{
	struct fx		*fx = *state;
	struct canon_body	*cb;
	size_t			 i;

	assert_non_null(cb = canon_body_new(CANON_SIMPLE, sink, &fx->out));
	canon_body_update(cb, "a\r\n", 3);
	for (i = 0; i < 5000; i++)
		canon_body_update(cb, "\r\n", 2);
	canon_body_update(cb, "b\r\n", 3);
	for (i = 0; i < 100; i++)
		canon_body_update(cb, "\r\n", 2);
	canon_body_final(cb);
	canon_body_free(cb);
	assert_int_equal(fx->out.len, 3 + 5000 * 2 + 3);
	assert_memory_equal(fx->out.data, "a\r\n\r\n", 5);
	assert_memory_equal(fx->out.data + fx->out.len - 5, "\r\nb\r\n", 5);
}

/* test_body_long_line_streams_through - past the internal buffer */
static void
test_body_long_line_streams_through(void **state)
{
	struct fx		*fx = *state;
	struct canon_body	*cb;
	char			 chunk[1000];
	size_t			 i;

	memset(chunk, 'x', sizeof(chunk));
	assert_non_null(cb = canon_body_new(CANON_RELAXED, sink, &fx->out));
	for (i = 0; i < 50; i++)
		canon_body_update(cb, chunk, sizeof(chunk));
	canon_body_final(cb);
	canon_body_free(cb);
	assert_int_equal(fx->out.len, 50 * sizeof(chunk) + 2);
	for (i = 0; i < 50 * sizeof(chunk); i++)
		if (fx->out.data[i] != 'x')
			fail_msg("byte %zu is %d", i, fx->out.data[i]);
	assert_memory_equal(fx->out.data + fx->out.len - 2, "\r\n", 2);
}

/*
 * ref_body - RFC 6376 3.4.3 / 3.4.4 the plain way, a whole line at a time:
 * lines end at CRLF or a bare LF (a lone CR is text), an unterminated last
 * line is ended, trailing empty lines go; relaxed also makes each WSP run
 * one SP and drops WSP at the end of a line.
 */
static void
ref_body(enum canon c, const unsigned char *in, size_t len, struct buf *out)
{
	size_t	 i = 0, s, e, next, keep = 0, k;
	int	 wsp;

	buf_reset(out);
	while (i < len) {
		s = i;
		while (i < len && in[i] != '\n')
			i++;
		e = i;
		next = i < len ? i + 1 : i;
		if (i < len && e > s && in[e - 1] == '\r')
			e--;
		if (c == CANON_SIMPLE)
			assert_int_equal(buf_append(out, in + s, e - s), 0);
		else {
			while (e > s && (in[e - 1] == ' ' ||
			    in[e - 1] == '\t'))
				e--;
			for (k = s, wsp = 0; k < e; k++) {
				if (in[k] == ' ' || in[k] == '\t') {
					wsp = 1;
					continue;
				}
				if (wsp)
					assert_int_equal(buf_append(out, " ",
					    1), 0);
				wsp = 0;
				assert_int_equal(buf_append(out, in + k, 1),
				    0);
			}
		}
		assert_int_equal(buf_append(out, "\r\n", 2), 0);
		if (e > s)
			keep = out->len;
		i = next;
	}
	/* keep ends after the last line with content: drop what follows */
	out->len = keep;
	if (c == CANON_SIMPLE && out->len == 0)
		assert_int_equal(buf_append(out, "\r\n", 2), 0);
}

/*
 * test_body_random_matches_reference - long runs (the word-at-a-time scan)
 * made of text, SP, HTAB, CR, LF, other control bytes and 8-bit bytes, at
 * random lengths and chunkings, canonicalize as the plain reference does
 */
static void
test_body_random_matches_reference(void **state)
{
	struct fx		*fx = *state;
	static const unsigned char alphabet[] =
	    "aaaaaaaaaaaaz  \t\r\n\v\x0e!\x7f\xff";
	unsigned char		 in[300];
	unsigned int		 seed = 11;
	enum canon		 c;
	size_t			 len, i, step;
	int			 round;

	for (round = 0; round < 4000; round++) {
		len = (size_t)(rand_r(&seed) % sizeof(in));
		for (i = 0; i < len; i++)
			in[i] = alphabet[rand_r(&seed) %
			    (sizeof(alphabet) - 1)];
		step = 1 + (size_t)(rand_r(&seed) % 40);
		if (round % 3 == 0)
			step = len + 1;
		for (c = CANON_SIMPLE; c <= CANON_RELAXED; c++) {
			ref_body(c, in, len, &fx->alt);
			body_chunked(c, (const char *)in, len, step,
			    &fx->out);
			if (fx->out.len != fx->alt.len || (fx->out.len > 0 &&
			    memcmp(fx->out.data, fx->alt.data, fx->out.len)
			    != 0))
				fail_msg("%s, round %d (%zu bytes in chunks "
				    "of %zu): differs from the reference",
				    canon_name(c), round, len, step);
		}
	}
}

/* test_body_free_null_is_safe - NULL allowed */
static void
test_body_free_null_is_safe(void **state)
{
	(void)state;
	canon_body_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_c_values),
		cmocka_unit_test_setup_teardown(test_header_simple_and_relaxed,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_header_appends_to_existing_output, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_header_strip_b_empties_only_the_b_value, setup,
		    teardown),
		cmocka_unit_test(test_header_fails_at_buffer_cap),
		cmocka_unit_test_setup_teardown(test_body_simple_and_relaxed,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_body_output_independent_of_chunking, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_body_lf_input_equals_crlf_input, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_body_crlf_split_across_chunks, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_body_empty_lines_released_by_later_text, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_body_long_line_streams_through, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_body_random_matches_reference, setup, teardown),
		cmocka_unit_test(test_body_free_null_is_safe),
	};

	return cmocka_run_group_tests_name("canon", tests, NULL, NULL);
}
