/*
 * test_b64 - base64 decoding and encoding (lib/b64.h, RFC 4648)
 *
 * The RFC 4648 section 10 vectors both ways, the folding whitespace that
 * RFC 6376 allows inside b=, bh= and p=, and one row per decoding error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/b64.h"

/* RFC 4648 section 10 test vectors */
static const struct {
	const char	*plain;
	const char	*encoded;
} rfc4648[] = {
	{ "", "" },
	{ "f", "Zg==" },
	{ "fo", "Zm8=" },
	{ "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" },
	{ "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" },
};

/* test_encode_matches_rfc4648_vectors - encoding gives the RFC's text */
static void
test_encode_matches_rfc4648_vectors(void **state)
{
	char	 out[64];
	size_t	 i, n;

	(void)state;
	for (i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++) {
		memset(out, 'X', sizeof(out));
		n = b64_encode((const unsigned char *)rfc4648[i].plain,
		    strlen(rfc4648[i].plain), out);
		if (n != strlen(rfc4648[i].encoded) ||
		    strcmp(out, rfc4648[i].encoded) != 0)
			fail_msg("encode \"%s\": got \"%s\" (%zu), want \"%s\"",
			    rfc4648[i].plain, out, n, rfc4648[i].encoded);
	}
}

/* test_decode_matches_rfc4648_vectors - decoding gives the RFC's bytes */
static void
test_decode_matches_rfc4648_vectors(void **state)
{
	unsigned char	 out[64];
	size_t		 i, n;
	enum b64_status	 st;

	(void)state;
	for (i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++) {
		n = 999;
		st = b64_decode(rfc4648[i].encoded,
		    strlen(rfc4648[i].encoded), out, sizeof(out), &n);
		if (st != B64_OK || n != strlen(rfc4648[i].plain) ||
		    memcmp(out, rfc4648[i].plain, n) != 0)
			fail_msg("decode \"%s\": status %d, %zu bytes",
			    rfc4648[i].encoded, (int)st, n);
	}
}

/* RFC 6376 3.5 b=, 3.6.1 p=: FWS inside the value is ignored */
static const struct {
	const char	*label;
	const char	*in;
} fws_rows[] = {
	{ "space", "Zm9v YmFy" },
	{ "tab", "Zm9v\tYmFy" },
	{ "crlf fold", "Zm9v\r\n\tYmFy" },
	{ "lf fold", "Zm9v\n YmFy" },
	{ "leading and trailing", "  Zm9vYmFy \r\n" },
	{ "between every char", "Z m 9 v Y m F y" },
};

/* test_decode_skips_folding_whitespace - FWS anywhere decodes the same */
static void
test_decode_skips_folding_whitespace(void **state)
{
	unsigned char	 out[16];
	size_t		 i, n;
	enum b64_status	 st;

	(void)state;
	for (i = 0; i < sizeof(fws_rows) / sizeof(fws_rows[0]); i++) {
		st = b64_decode(fws_rows[i].in, strlen(fws_rows[i].in), out,
		    sizeof(out), &n);
		if (st != B64_OK || n != 6 || memcmp(out, "foobar", 6) != 0)
			fail_msg("%s: status %d, %zu bytes", fws_rows[i].label,
			    (int)st, n);
	}
}

/* test_decode_whitespace_around_padding - "Zg= =" is still one byte */
static void
test_decode_whitespace_around_padding(void **state)
{
	unsigned char	 out[4];
	size_t		 n;

	(void)state;
	assert_int_equal(b64_decode("Zg= =", 5, out, sizeof(out), &n), B64_OK);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], 'f');
}

static const struct {
	const char	*label;
	const char	*in;
	enum b64_status	 want;
} bad_rows[] = {
	{ "character outside the alphabet", "Zm9v!mFy", B64_BAD_CHAR },
	{ "url-safe alphabet", "Zm9v-_Fy", B64_BAD_CHAR },
	{ "semicolon", "Zm9v;", B64_BAD_CHAR },
	{ "NUL-free control byte", "Zm9v\001mFy", B64_BAD_CHAR },
	{ "8-bit byte", "Zm9v\xc3\xa9", B64_BAD_CHAR },
	{ "quote", "\"Zm9v\"", B64_BAD_CHAR },
	{ "missing both '='", "Zg", B64_BAD_PADDING },
	{ "missing one '='", "Zg=", B64_BAD_PADDING },
	{ "missing the '='", "Zm8", B64_BAD_PADDING },
	{ "too much padding", "Zm8==", B64_BAD_PADDING },
	{ "padding on a full quantum", "Zm9v=", B64_BAD_PADDING },
	{ "data after padding", "Zg==Zm9v", B64_BAD_PADDING },
	{ "padding in the middle", "Zm=9v", B64_BAD_PADDING },
	{ "one char left over", "Zm9vY", B64_BAD_LENGTH },
	{ "a single char", "Z", B64_BAD_LENGTH },
};

/* test_decode_rejects_malformed_input - one row per error status */
static void
test_decode_rejects_malformed_input(void **state)
{
	unsigned char	 out[64];
	size_t		 i, n;
	enum b64_status	 st;

	(void)state;
	for (i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
		n = 12345;
		st = b64_decode(bad_rows[i].in, strlen(bad_rows[i].in), out,
		    sizeof(out), &n);
		if (st != bad_rows[i].want)
			fail_msg("%s (\"%s\"): status %d (%s), want %d",
			    bad_rows[i].label, bad_rows[i].in, (int)st,
			    b64_status_text(st), (int)bad_rows[i].want);
	}
}

/* test_decode_reports_too_long_for_the_buffer - the cap is respected */
static void
test_decode_reports_too_long_for_the_buffer(void **state)
{
	unsigned char	 out[8];
	size_t		 n;

	(void)state;
	memset(out, 0xAA, sizeof(out));
	/* 6 bytes into 5: no write past the capacity */
	assert_int_equal(b64_decode("Zm9vYmFy", 8, out, 5, &n), B64_TOO_LONG);
	assert_int_equal(out[5], 0xAA);
	/* 4 bytes (a partial quantum) into 3 */
	assert_int_equal(b64_decode("Zm9vYg==", 8, out, 3, &n), B64_TOO_LONG);
	/* exactly fitting is fine */
	assert_int_equal(b64_decode("Zm9vYmFy", 8, out, 6, &n), B64_OK);
	assert_int_equal(n, 6);
}

/* test_decode_uses_only_inlen_bytes - text past inlen is not read */
static void
test_decode_uses_only_inlen_bytes(void **state)
{
	unsigned char	 out[8];
	size_t		 n;

	(void)state;
	assert_int_equal(b64_decode("Zm9v!!!!", 4, out, sizeof(out), &n),
	    B64_OK);
	assert_int_equal(n, 3);
	assert_memory_equal(out, "foo", 3);
}

/* test_roundtrip_all_byte_values_and_lengths - decode(encode(x)) == x */
static void
test_roundtrip_all_byte_values_and_lengths(void **state)
{
	unsigned char	 in[300], out[300];
	char		 text[4 * ((sizeof(in) + 2) / 3) + 1];
	size_t		 len, i, n, tl;
	enum b64_status	 st;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 7 + 3);
	for (len = 0; len <= sizeof(in); len++) {
		tl = b64_encode(in, len, text);
		if (tl != 4 * ((len + 2) / 3) || strlen(text) != tl)
			fail_msg("length %zu: encoded to %zu chars", len, tl);
		st = b64_decode(text, tl, out, sizeof(out), &n);
		if (st != B64_OK || n != len || memcmp(in, out, len) != 0)
			fail_msg("length %zu: roundtrip status %d, %zu bytes",
			    len, (int)st, n);
	}
}

/* test_status_text_names_each_status - distinct, non-empty words */
static void
test_status_text_names_each_status(void **state)
{
	enum b64_status	 a, b;

	(void)state;
	for (a = B64_OK; a <= B64_TOO_LONG; a++) {
		assert_non_null(b64_status_text(a));
		assert_true(strlen(b64_status_text(a)) > 0);
		for (b = B64_OK; b < a; b++)
			if (strcmp(b64_status_text(a), b64_status_text(b)) == 0)
				fail_msg("statuses %d and %d share \"%s\"",
				    (int)a, (int)b, b64_status_text(a));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_matches_rfc4648_vectors),
		cmocka_unit_test(test_decode_matches_rfc4648_vectors),
		cmocka_unit_test(test_decode_skips_folding_whitespace),
		cmocka_unit_test(test_decode_whitespace_around_padding),
		cmocka_unit_test(test_decode_rejects_malformed_input),
		cmocka_unit_test(test_decode_reports_too_long_for_the_buffer),
		cmocka_unit_test(test_decode_uses_only_inlen_bytes),
		cmocka_unit_test(test_roundtrip_all_byte_values_and_lengths),
		cmocka_unit_test(test_status_text_names_each_status),
	};

	return cmocka_run_group_tests_name("b64", tests, NULL, NULL);
}
