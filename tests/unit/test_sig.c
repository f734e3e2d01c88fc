/*
 * test_sig - DKIM-Signature parsing and validation (lib/sig.h)
 *
 * One rejection row per REASON_SIG_* code sig_parse can give, each a
 * well-formed signature with exactly one thing wrong, and accept rows that
 * check the parsed fields.  "now" is fixed: NOW below.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "lib/reason.h"
#include "lib/sig.h"
#include "lib/verdict.h"

#define NOW	((time_t)1700000000)

/* bh= of 32 bytes (the RFC 6376 example body), b= of "testsignature" */
#define BH	"2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8="
#define B	"dGVzdHNpZ25hdHVyZQ=="
#define GOOD	"v=1; a=rsa-sha256; d=example.com; s=sel; h=from:to; " \
	"bh=" BH "; b=" B

struct fx {
	struct sig		*sig;
	struct sig		 partial;
	struct verdict_result	 r;
};

/* setup - nothing parsed yet */
static int
setup(void **state)
{
	static struct fx	 fx;

	memset(&fx, 0, sizeof(fx));
	*state = &fx;
	return 0;
}

/* teardown - free the parsed signature, if any */
static int
teardown(void **state)
{
	struct fx	*fx = *state;

	sig_free(fx->sig);
	fx->sig = NULL;
	return 0;
}

static const struct {
	const char	*label;
	const char	*value;
	enum reason	 want;
	enum reason	 also;	/* a second acceptable code, or REASON_OK */
} bad_rows[] = {
	{ "empty input", "", REASON_SIG_MISSING_TAG, REASON_SIG_SYNTAX },
	{ "only FWS", " \r\n\t", REASON_SIG_MISSING_TAG, REASON_SIG_SYNTAX },
	{ "malformed tag list", "v=1; a=rsa-sha256; garbage; d=example.com; "
	  "s=sel; h=from; bh=" BH "; b=" B, REASON_SIG_SYNTAX, REASON_OK },
	{ "empty tag between semicolons", "v=1;; a=rsa-sha256; "
	  "d=example.com; s=sel; h=from; bh=" BH "; b=" B, REASON_SIG_SYNTAX,
	  REASON_OK },
	{ "duplicate tag", GOOD "; d=example.com", REASON_SIG_DUP_TAG,
	  REASON_OK },
	{ "duplicate b=", GOOD "; b=" B, REASON_SIG_DUP_TAG, REASON_OK },
	{ "missing v=", "a=rsa-sha256; d=example.com; s=sel; h=from; bh=" BH
	  "; b=" B, REASON_SIG_MISSING_TAG, REASON_OK },
	{ "missing a=", "v=1; d=example.com; s=sel; h=from; bh=" BH "; b=" B,
	  REASON_SIG_MISSING_TAG, REASON_OK },
	{ "missing b=", "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; "
	  "bh=" BH, REASON_SIG_MISSING_TAG, REASON_OK },
	{ "missing bh=", "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; "
	  "b=" B, REASON_SIG_MISSING_TAG, REASON_OK },
	{ "missing d=", "v=1; a=rsa-sha256; s=sel; h=from; bh=" BH "; b=" B,
	  REASON_SIG_MISSING_TAG, REASON_OK },
	{ "missing h=", "v=1; a=rsa-sha256; d=example.com; s=sel; bh=" BH
	  "; b=" B, REASON_SIG_MISSING_TAG, REASON_OK },
	{ "missing s=", "v=1; a=rsa-sha256; d=example.com; h=from; bh=" BH
	  "; b=" B, REASON_SIG_MISSING_TAG, REASON_OK },
	{ "v=2", "v=2; a=rsa-sha256; d=example.com; s=sel; h=from; bh=" BH
	  "; b=" B, REASON_SIG_BAD_VERSION, REASON_OK },
	{ "v=1.0", "v=1.0; a=rsa-sha256; d=example.com; s=sel; h=from; bh="
	  BH "; b=" B, REASON_SIG_BAD_VERSION, REASON_OK },
	{ "v= empty", "v=; a=rsa-sha256; d=example.com; s=sel; h=from; bh="
	  BH "; b=" B, REASON_SIG_BAD_VERSION, REASON_OK },
	{ "unknown a=", "v=1; a=rsa-sha512; d=example.com; s=sel; h=from; "
	  "bh=" BH "; b=" B, REASON_SIG_BAD_ALGORITHM, REASON_OK },
	{ "a=ed448-sha256", "v=1; a=ed448-sha256; d=example.com; s=sel; "
	  "h=from; bh=" BH "; b=" B, REASON_SIG_BAD_ALGORITHM, REASON_OK },
	{ "a= empty", "v=1; a=; d=example.com; s=sel; h=from; bh=" BH "; b="
	  B, REASON_SIG_BAD_ALGORITHM, REASON_OK },
	/* RFC 8301 3.1: rsa-sha1 MUST NOT be used for signing or verifying */
	{ "rsa-sha1", "v=1; a=rsa-sha1; d=example.com; s=sel; h=from; "
	  "bh=" BH "; b=" B, REASON_SIG_SHA1, REASON_OK },
	{ "bad base64 in b=", "v=1; a=rsa-sha256; d=example.com; s=sel; "
	  "h=from; bh=" BH "; b=dGVzd!Npc2c=", REASON_SIG_BAD_BASE64,
	  REASON_OK },
	{ "b= missing padding", "v=1; a=rsa-sha256; d=example.com; s=sel; "
	  "h=from; bh=" BH "; b=dGVzdHNpZ25hdHVyZQ", REASON_SIG_BAD_BASE64,
	  REASON_OK },
	{ "b= empty", "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; "
	  "bh=" BH "; b=", REASON_SIG_BAD_BASE64, REASON_OK },
	{ "bad base64 in bh=", "v=1; a=rsa-sha256; d=example.com; s=sel; "
	  "h=from; bh=2jUSOH9N*tVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=; b=" B,
	  REASON_SIG_BAD_BASE64, REASON_OK },
	{ "bh= truncated", "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; "
	  "bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8; b=" B,
	  REASON_SIG_BAD_BASE64, REASON_OK },
	{ "bh= of SHA-1 length", "v=1; a=rsa-sha256; d=example.com; s=sel; "
	  "h=from; bh=2jmj7l5rSw0yVb/vlWAYkK/YBwk=; b=" B,
	  REASON_SIG_BAD_BASE64, REASON_OK },
	{ "bad c= header word", GOOD "; c=nofws/relaxed", REASON_SIG_BAD_CANON,
	  REASON_OK },
	{ "bad c= body word", GOOD "; c=relaxed/strict", REASON_SIG_BAD_CANON,
	  REASON_OK },
	{ "c= with three parts", GOOD "; c=simple/simple/simple",
	  REASON_SIG_BAD_CANON, REASON_OK },
	{ "d= with empty label", "v=1; a=rsa-sha256; d=example..com; s=sel; "
	  "h=from; bh=" BH "; b=" B, REASON_SIG_BAD_DOMAIN, REASON_OK },
	{ "d= empty", "v=1; a=rsa-sha256; d=; s=sel; h=from; bh=" BH "; b=" B,
	  REASON_SIG_BAD_DOMAIN, REASON_OK },
	{ "d= label starts with a hyphen", "v=1; a=rsa-sha256; "
	  "d=-example.com; s=sel; h=from; bh=" BH "; b=" B,
	  REASON_SIG_BAD_DOMAIN, REASON_OK },
	{ "d= with a slash", "v=1; a=rsa-sha256; d=example.com/x; s=sel; "
	  "h=from; bh=" BH "; b=" B, REASON_SIG_BAD_DOMAIN, REASON_OK },
	{ "s= empty", "v=1; a=rsa-sha256; d=example.com; s=; h=from; bh=" BH
	  "; b=" B, REASON_SIG_BAD_SELECTOR, REASON_OK },
	{ "s= with empty label", "v=1; a=rsa-sha256; d=example.com; s=a..b; "
	  "h=from; bh=" BH "; b=" B, REASON_SIG_BAD_SELECTOR, REASON_OK },
	{ "s= with '@'", "v=1; a=rsa-sha256; d=example.com; s=a@b; h=from; "
	  "bh=" BH "; b=" B, REASON_SIG_BAD_SELECTOR, REASON_OK },
	/* RFC 6376 5.4: From MUST be signed; 6.1.1: else PERMFAIL */
	{ "h= without From", "v=1; a=rsa-sha256; d=example.com; s=sel; "
	  "h=to:subject; bh=" BH "; b=" B, REASON_SIG_NO_FROM, REASON_OK },
	{ "h= with From-like name only", "v=1; a=rsa-sha256; d=example.com; "
	  "s=sel; h=from-x:x-from; bh=" BH "; b=" B, REASON_SIG_NO_FROM,
	  REASON_OK },
	{ "h= with an empty name", "v=1; a=rsa-sha256; d=example.com; s=sel; "
	  "h=from::to; bh=" BH "; b=" B, REASON_SIG_SYNTAX,
	  REASON_SIG_NO_FROM },
	/* RFC 6376 3.5 i=: the domain part is d= or a subdomain of it */
	{ "i= in another domain", GOOD "; i=joe@example.net",
	  REASON_SIG_BAD_IDENTITY, REASON_OK },
	{ "i= on a look-alike suffix", GOOD "; i=@badexample.com",
	  REASON_SIG_BAD_IDENTITY, REASON_OK },
	{ "i= parent of d=", "v=1; a=rsa-sha256; d=mail.example.com; s=sel; "
	  "h=from; bh=" BH "; b=" B "; i=@example.com",
	  REASON_SIG_BAD_IDENTITY, REASON_OK },
	{ "i= without '@'", GOOD "; i=example.com", REASON_SIG_BAD_IDENTITY,
	  REASON_OK },
	{ "l= not a number", GOOD "; l=abc", REASON_SIG_BAD_LENGTH,
	  REASON_OK },
	{ "l= negative", GOOD "; l=-1", REASON_SIG_BAD_LENGTH, REASON_OK },
	{ "l= empty", GOOD "; l=", REASON_SIG_BAD_LENGTH, REASON_OK },
	{ "l= with a fraction", GOOD "; l=10.5", REASON_SIG_BAD_LENGTH,
	  REASON_OK },
	{ "l= beyond 64 bits", GOOD "; l=123456789012345678901234",
	  REASON_SIG_BAD_LENGTH, REASON_OK },
	{ "t= not a number", GOOD "; t=yesterday", REASON_SIG_BAD_TIME,
	  REASON_OK },
	{ "x= not a number", GOOD "; x=12ab", REASON_SIG_BAD_TIME,
	  REASON_OK },
	/* RFC 6376 3.5 x=: MUST be greater than t= */
	{ "x= before t=", GOOD "; t=1699990000; x=1699980000",
	  REASON_SIG_X_BEFORE_T, REASON_OK },
	{ "x= equal to t=", GOOD "; t=1699990000; x=1699990000",
	  REASON_SIG_X_BEFORE_T, REASON_OK },
	{ "expired: now > x=", GOOD "; x=1699999999", REASON_SIG_EXPIRED,
	  REASON_OK },
	{ "expired with t=", GOOD "; t=1600000000; x=1600086400",
	  REASON_SIG_EXPIRED, REASON_OK },
	{ "t= a day ahead", GOOD "; t=1700086400", REASON_SIG_FUTURE,
	  REASON_OK },
	{ "q= not dns/txt", GOOD "; q=http/well-known", REASON_SIG_BAD_QUERY,
	  REASON_OK },
};

/* test_rejects_each_defect_with_its_reason - one row per REASON_SIG_* */
static void
test_rejects_each_defect_with_its_reason(void **state)
{
	struct fx	*fx = *state;
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
		fx->sig = (struct sig *)&fx->partial;	/* must be reset */
		memset(&fx->r, 0xff, sizeof(fx->r));
		rc = sig_parse(bad_rows[i].value, NOW, &fx->sig, &fx->r,
		    NULL);
		if (rc != -1) {
			fail_msg("%s: accepted", bad_rows[i].label);
		}
		if (fx->sig != NULL) {
			fx->sig = NULL;
			fail_msg("%s: *sig_out not NULL on failure",
			    bad_rows[i].label);
		}
		if (fx->r.verdict != VERDICT_PERMERROR)
			fail_msg("%s: verdict %s, want permerror",
			    bad_rows[i].label, verdict_name(fx->r.verdict));
		if (fx->r.reason != bad_rows[i].want &&
		    (bad_rows[i].also == REASON_OK ||
		    fx->r.reason != bad_rows[i].also))
			fail_msg("%s: reason %s (%s), want %s",
			    bad_rows[i].label, reason_code(fx->r.reason),
			    fx->r.detail, reason_code(bad_rows[i].want));
	}
}

/* test_every_sig_reason_has_a_row - the table covers sig_parse's codes */
static void
test_every_sig_reason_has_a_row(void **state)
{
	enum reason	 r;
	size_t		 i;
	int		 found;

	(void)state;
	for (r = REASON_SIG_SYNTAX; r < REASON_SIG_TOO_MANY; r++) {
		found = 0;
		for (i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++)
			found |= bad_rows[i].want == r;
		if (!found)
			fail_msg("no rejection row for %s", reason_code(r));
	}
}

/* test_accepts_a_minimal_signature - fields and defaults */
static void
test_accepts_a_minimal_signature(void **state)
{
	struct fx	*fx = *state;

	assert_int_equal(sig_parse(GOOD, NOW, &fx->sig, &fx->r, NULL), 0);
	assert_non_null(fx->sig);
	assert_int_equal(fx->r.verdict, VERDICT_PASS);
	assert_int_equal(fx->r.reason, REASON_OK);
	assert_int_equal(fx->sig->alg, SIG_ALG_RSA_SHA256);
	assert_string_equal(fx->sig->a, "rsa-sha256");
	/* RFC 6376 3.5 c=: default simple/simple */
	assert_int_equal(fx->sig->hcanon, CANON_SIMPLE);
	assert_int_equal(fx->sig->bcanon, CANON_SIMPLE);
	assert_string_equal(fx->sig->d, "example.com");
	assert_string_equal(fx->sig->s, "sel");
	/* RFC 6376 3.5 i=: default "@" d= */
	assert_string_equal(fx->sig->i, "@example.com");
	assert_int_equal(fx->sig->nh, 2);
	assert_string_equal(fx->sig->h[0], "from");
	assert_string_equal(fx->sig->h[1], "to");
	assert_int_equal(fx->sig->bh_len, 32);
	assert_int_equal(fx->sig->b_len, 13);
	assert_memory_equal(fx->sig->b, "testsignature", 13);
	assert_string_equal(fx->sig->b8, "dGVzdHNp");
	assert_true(fx->sig->l == -1);
	assert_true(fx->sig->t == -1);
	assert_true(fx->sig->x == -1);
	assert_null(fx->sig->z);
}

/* test_accepts_the_rfc8463_ed25519_signature - the published field */
static void
test_accepts_the_rfc8463_ed25519_signature(void **state)
{
	struct fx	*fx = *state;
	static const char v[] = " v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n"
	    " d=football.example.com; i=@football.example.com;\r\n"
	    " q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n"
	    " subject : date : message-id : from : subject : date;\r\n"
	    " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
	    " b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus\r\n"
	    " Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==";
	static const char *const h[] = { "from", "to", "subject", "date",
	    "message-id", "from", "subject", "date" };
	size_t		 i;

	assert_int_equal(sig_parse(v, 1528637909, &fx->sig, &fx->r, NULL), 0);
	assert_int_equal(fx->sig->alg, SIG_ALG_ED25519_SHA256);
	assert_int_equal(fx->sig->hcanon, CANON_RELAXED);
	assert_int_equal(fx->sig->bcanon, CANON_RELAXED);
	assert_string_equal(fx->sig->d, "football.example.com");
	assert_string_equal(fx->sig->s, "brisbane");
	assert_string_equal(fx->sig->i, "@football.example.com");
	assert_true(fx->sig->t == 1528637909);
	assert_int_equal(fx->sig->nh, 8);
	for (i = 0; i < 8; i++)
		if (strcmp(fx->sig->h[i], h[i]) != 0)
			fail_msg("h[%zu] is \"%s\", want \"%s\"", i,
			    fx->sig->h[i], h[i]);
	/* Ed25519 signatures are 64 bytes */
	assert_int_equal(fx->sig->b_len, 64);
	assert_string_equal(fx->sig->b8, "/gCrinpc");
}

static const struct {
	const char	*label;
	const char	*value;
} ok_rows[] = {
	{ "trailing semicolon", GOOD ";" },
	{ "trailing semicolon and FWS", GOOD ";\r\n\t" },
	{ "unknown tags are ignored", GOOD "; foo=bar; x_y=1" },
	{ "q=dns/txt", GOOD "; q=dns/txt" },
	{ "c=relaxed alone", GOOD "; c=relaxed" },
	{ "i= equals @d=", GOOD "; i=@example.com" },
	{ "i= in a subdomain", GOOD "; i=joe@mail.example.com" },
	{ "i= domain case differs", GOOD "; i=Joe@Mail.EXAMPLE.com" },
	{ "x= equal to now", GOOD "; x=1700000000" },
	{ "t= within the clock-skew slack", GOOD "; t=1700003600" },
	{ "t= and x= in order", GOOD "; t=1699999000; x=1700001000" },
	{ "l=0", GOOD "; l=0" },
	{ "FWS everywhere", " v = 1 ;\r\n\ta = rsa-sha256 ; d = example.com"
	  " ;\r\n s = sel ; h = from ; bh = " BH " ;\r\n b = " B " " },
	{ "From in h= in capitals", "v=1; a=rsa-sha256; d=example.com; s=sel;"
	  " h=FROM; bh=" BH "; b=" B },
	{ "selector with underscore and labels", "v=1; a=rsa-sha256; "
	  "d=example.com; s=s_1.x-2; h=from; bh=" BH "; b=" B },
	{ "z= copied headers", GOOD "; z=From:foo@example.com|To:bar" },
};

/* test_accepts_valid_variants - each row parses */
static void
test_accepts_valid_variants(void **state)
{
	struct fx	*fx = *state;
	size_t		 i;

	for (i = 0; i < sizeof(ok_rows) / sizeof(ok_rows[0]); i++) {
		if (sig_parse(ok_rows[i].value, NOW, &fx->sig, &fx->r, NULL)
		    != 0)
			fail_msg("%s: rejected, %s (%s)", ok_rows[i].label,
			    reason_code(fx->r.reason), fx->r.detail);
		assert_non_null(fx->sig);
		sig_free(fx->sig);
		fx->sig = NULL;
	}
}

/* test_folded_b_value_decodes_whole - FWS inside b= is ignored */
static void
test_folded_b_value_decodes_whole(void **state)
{
	struct fx	*fx = *state;
	static const char v[] = "v=1; a=rsa-sha256; d=example.com; s=sel; "
	    "h=from; bh=" BH "; b=dGV zd\r\n\tHNpZ25h\r\n dHVy ZQ==";

	assert_int_equal(sig_parse(v, NOW, &fx->sig, &fx->r, NULL), 0);
	assert_int_equal(fx->sig->b_len, 13);
	assert_memory_equal(fx->sig->b, "testsignature", 13);
	/* b8: the first 8 characters of b= without the FWS */
	assert_string_equal(fx->sig->b8, "dGVzdHNp");
}

/* test_d_is_lowercased_and_fws_free - d= compared as a domain */
static void
test_d_is_lowercased_and_fws_free(void **state)
{
	struct fx	*fx = *state;
	static const char v[] = "v=1; a=rsa-sha256; d=Mail.EXAMPLE.Com; "
	    "s=Sel; h=from; bh=" BH "; b=" B "; i=joe@MAIL.example.com";

	assert_int_equal(sig_parse(v, NOW, &fx->sig, &fx->r, NULL), 0);
	assert_string_equal(fx->sig->d, "mail.example.com");
	/* the selector is kept as written */
	assert_string_equal(fx->sig->s, "Sel");
	assert_string_equal(fx->sig->i, "joe@MAIL.example.com");
}

/* test_h_names_trimmed_in_order - FWS around names dropped */
static void
test_h_names_trimmed_in_order(void **state)
{
	struct fx	*fx = *state;
	static const char v[] = "v=1; a=rsa-sha256; d=example.com; s=sel; "
	    "h= From : To :\r\n\tSubject:from ; bh=" BH "; b=" B;

	assert_int_equal(sig_parse(v, NOW, &fx->sig, &fx->r, NULL), 0);
	assert_int_equal(fx->sig->nh, 4);
	assert_string_equal(fx->sig->h[0], "From");
	assert_string_equal(fx->sig->h[1], "To");
	assert_string_equal(fx->sig->h[2], "Subject");
	assert_string_equal(fx->sig->h[3], "from");
}

/* test_numbers_and_canon_are_parsed - c=, l=, t=, x=, z= values */
static void
test_numbers_and_canon_are_parsed(void **state)
{
	struct fx	*fx = *state;

	assert_int_equal(sig_parse(GOOD "; c=relaxed/relaxed; l=1234; "
	    "t=1699999000; x=1700999000; z=From:a", NOW, &fx->sig, &fx->r,
	    NULL), 0);
	assert_int_equal(fx->sig->hcanon, CANON_RELAXED);
	assert_int_equal(fx->sig->bcanon, CANON_RELAXED);
	assert_true(fx->sig->l == 1234);
	assert_true(fx->sig->t == 1699999000);
	assert_true(fx->sig->x == 1700999000);
	assert_non_null(fx->sig->z);
	assert_string_equal(fx->sig->z, "From:a");
	sig_free(fx->sig);
	fx->sig = NULL;
	/* "relaxed" alone: the body is simple */
	assert_int_equal(sig_parse(GOOD "; c=relaxed", NOW, &fx->sig, &fx->r,
	    NULL), 0);
	assert_int_equal(fx->sig->hcanon, CANON_RELAXED);
	assert_int_equal(fx->sig->bcanon, CANON_SIMPLE);
}

/* test_expiry_uses_the_given_now - not the clock */
static void
test_expiry_uses_the_given_now(void **state)
{
	struct fx	*fx = *state;

	/* expired in 2023 terms, valid if "now" is 2001 */
	assert_int_equal(sig_parse(GOOD "; x=1000000000", 999999999, &fx->sig,
	    &fx->r, NULL), 0);
	sig_free(fx->sig);
	fx->sig = NULL;
	assert_int_equal(sig_parse(GOOD "; x=1000000000", 1000000001,
	    &fx->sig, &fx->r, NULL), -1);
	assert_int_equal(fx->r.reason, REASON_SIG_EXPIRED);
}

/* test_partial_names_a_rejected_signature - d, s, a, b8 still known */
static void
test_partial_names_a_rejected_signature(void **state)
{
	struct fx	*fx = *state;
	static const char v[] = "v=1; a=rsa-sha1; d=Example.COM; s=sel2; "
	    "h=from; bh=" BH "; b=" B;

	memset(&fx->partial, 0x55, sizeof(fx->partial));
	assert_int_equal(sig_parse(v, NOW, &fx->sig, &fx->r, &fx->partial),
	    -1);
	assert_int_equal(fx->r.reason, REASON_SIG_SHA1);
	assert_string_equal(fx->partial.d, "example.com");
	assert_string_equal(fx->partial.s, "sel2");
	assert_string_equal(fx->partial.a, "rsa-sha1");
	assert_string_equal(fx->partial.b8, "dGVzdHNp");
}

/* test_partial_is_empty_for_a_broken_list - nothing to name */
static void
test_partial_is_empty_for_a_broken_list(void **state)
{
	struct fx	*fx = *state;

	memset(&fx->partial, 0, sizeof(fx->partial));
	assert_int_equal(sig_parse("v=1; d=example.com; s=x; junk", NOW,
	    &fx->sig, &fx->r, &fx->partial), -1);
	assert_int_equal(fx->r.reason, REASON_SIG_SYNTAX);
	assert_null(fx->sig);
}

/* test_h_over_the_cap_is_rejected - SIG_MAX_HEADERS names at most */
static void
test_h_over_the_cap_is_rejected(void **state)
{
	struct fx	*fx = *state;
	char		 v[4096];
	size_t		 i, o;

	o = (size_t)snprintf(v, sizeof(v), "v=1; a=rsa-sha256; "
	    "d=example.com; s=sel; bh=" BH "; b=" B "; h=from");
	for (i = 1; i < SIG_MAX_HEADERS; i++)
		o += (size_t)snprintf(v + o, sizeof(v) - o, ":x%zu", i);
	assert_int_equal(sig_parse(v, NOW, &fx->sig, &fx->r, NULL), 0);
	assert_int_equal(fx->sig->nh, SIG_MAX_HEADERS);
	sig_free(fx->sig);
	fx->sig = NULL;
	snprintf(v + o, sizeof(v) - o, ":one-more");
	assert_int_equal(sig_parse(v, NOW, &fx->sig, &fx->r, NULL), -1);
	assert_int_equal(fx->r.verdict, VERDICT_PERMERROR);
	assert_null(fx->sig);
}

/* test_alg_names - the a= words */
static void
test_alg_names(void **state)
{
	(void)state;
	assert_string_equal(sig_alg_name(SIG_ALG_RSA_SHA256), "rsa-sha256");
	assert_string_equal(sig_alg_name(SIG_ALG_ED25519_SHA256),
	    "ed25519-sha256");
	assert_string_equal(sig_alg_name(SIG_ALG_RSA_SHA1), "rsa-sha1");
	sig_free(NULL);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_rejects_each_defect_with_its_reason),
		T(test_every_sig_reason_has_a_row),
		T(test_accepts_a_minimal_signature),
		T(test_accepts_the_rfc8463_ed25519_signature),
		T(test_accepts_valid_variants),
		T(test_folded_b_value_decodes_whole),
		T(test_d_is_lowercased_and_fws_free),
		T(test_h_names_trimmed_in_order),
		T(test_numbers_and_canon_are_parsed),
		T(test_expiry_uses_the_given_now),
		T(test_partial_names_a_rejected_signature),
		T(test_partial_is_empty_for_a_broken_list),
		T(test_h_over_the_cap_is_rejected),
		T(test_alg_names),
	};

	return cmocka_run_group_tests_name("sig", tests, NULL, NULL);
}
