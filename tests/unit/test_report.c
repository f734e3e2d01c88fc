/*
 * test_report - the verdict line: fixed field order, escaping, and the
 * lines real verifications produce (keys and DNS from fixtures made at
 * setup; the resolver is tests/unit/fake_dns.c)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "lib/dns.h"
#include "lib/errbuf.h"
#include "lib/keyfile.h"
#include "lib/report.h"
#include "lib/sign.h"
#include "lib/verify.h"
#include "tests/unit/fake_dns.h"

/* mksig - a verify_sig as lib/verify.c would fill it */
static struct verify_sig
mksig(const char *d, const char *s, const char *a, enum role role,
    enum verdict v, enum reason why, const char *detail)
{
	struct verify_sig	 vs;

	memset(&vs, 0, sizeof(vs));
	snprintf(vs.d, sizeof(vs.d), "%s", d);
	snprintf(vs.s, sizeof(vs.s), "%s", s);
	snprintf(vs.a, sizeof(vs.a), "%s", a);
	vs.role = role;
	vs.result.verdict = v;
	vs.result.reason = why;
	snprintf(vs.result.detail, sizeof(vs.result.detail), "%s", detail);
	vs.body_length = -1;
	return vs;
}

static void
test_esp_only_line(void **state)
{
	struct verify_sig		 a;
	const struct verify_sig		*sigs[1];
	struct report			 r;
	char				*line;

	(void)state;
	a = mksig("amazonses.com", "224i4yxa5dv7c2xz3womw6peuasteono",
	    "rsa-sha256", ROLE_ESP, VERDICT_PASS, REASON_OK, "2048-bit RSA");
	sigs[0] = &a;
	memset(&r, 0, sizeof(r));
	r.queue_id = "4XyZ1AbC";
	r.verdict = "esp-only";
	r.from_domain = "example.com";
	r.sigs = sigs;
	r.nsigs = 1;
	r.hint = "example.com is not DKIM-signing this mail";
	line = report_format(&r);
	assert_non_null(line);
	assert_string_equal(line, "4XyZ1AbC: verdict=esp-only "
	    "from=example.com sig1=d:amazonses.com,"
	    "s:224i4yxa5dv7c2xz3womw6peuasteono,a:rsa-sha256,role:esp,"
	    "result:pass hint=\"example.com is not DKIM-signing this mail\" "
	    "action=accept");
	free(line);
}

static void
test_fail_line_with_reason_detail_and_ignored(void **state)
{
	struct verify_sig		 a, b, c;
	const struct verify_sig		*sigs[3];
	struct report			 r;
	char				*line;

	(void)state;
	a = mksig("example.com", "s1", "rsa-sha256", ROLE_AUTHOR,
	    VERDICT_FAIL, REASON_BODY_HASH_MISMATCH,
	    "relaxed/relaxed body, 12 canonical bytes");
	b = mksig("", "", "", ROLE_THIRD_PARTY, VERDICT_PERMERROR,
	    REASON_SIG_MISSING_TAG, "no d=");
	c = mksig("", "", "", ROLE_THIRD_PARTY, VERDICT_POLICY,
	    REASON_SIG_TOO_MANY, "signature 3 of 3, MaxSignatures is 2");
	sigs[0] = &a;
	sigs[1] = &b;
	sigs[2] = &c;
	memset(&r, 0, sizeof(r));
	r.queue_id = "Q1";
	r.verdict = "fail";
	r.from_domain = "example.com";
	r.reason = "body hash mismatch: relaxed/relaxed body";
	r.sigs = sigs;
	r.nsigs = 3;
	r.hint = "the body was modified in transit";
	r.action = "reject";
	line = report_format(&r);
	assert_non_null(line);
	assert_string_equal(line, "Q1: verdict=fail from=example.com "
	    "reason=\"body hash mismatch: relaxed/relaxed body\" "
	    "sig1=d:example.com,s:s1,a:rsa-sha256,role:author,result:fail,"
	    "reason:body-hash-mismatch "
	    "sig1_detail=\"relaxed/relaxed body, 12 canonical bytes\" "
	    "sig2=d:,s:,a:,role:third-party,result:permerror,"
	    "reason:sig-missing-tag sig2_detail=\"no d=\" ignored=1 "
	    "hint=\"the body was modified in transit\" action=reject");
	free(line);
}

static void
test_signed_line_and_defaults(void **state)
{
	struct report_made	 m[2] = {
		{ "example.com", "rsa2024", "rsa-sha256", NULL },
		{ "example.com", "ed2024", "ed25519-sha256", NULL },
	};
	struct report		 r;
	char			*line;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.verdict = "signed";
	r.made = m;
	r.nmade = 2;
	r.note = "two keys";
	line = report_format(&r);
	assert_non_null(line);
	assert_string_equal(line, "NOQUEUE: verdict=signed from=\"\" "
	    "signed1=d:example.com,s:rsa2024,a:rsa-sha256 "
	    "signed2=d:example.com,s:ed2024,a:ed25519-sha256 note=\"two keys\" "
	    "action=accept");
	free(line);
}

static void
test_key_state_and_removed(void **state)
{
	struct report_made	 m[1] = {
		{ "example.com", "rsa2024", "rsa-sha256", "missing" },
	};
	struct report_made	 gone[1] = {
		{ "amazonses.com", "x\ty", "rsa-sha256", NULL },
	};
	struct report		 r;
	char			*line;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.queue_id = "4ABC";
	r.verdict = "signed";
	r.from_domain = "example.com";
	r.made = m;
	r.nmade = 1;
	r.removed = gone;
	r.nremoved = 1;
	r.hint = "publish it";
	line = report_outgoing(&r, NULL);
	assert_non_null(line);
	assert_string_equal(line, "4ABC: verdict=signed from=example.com "
	    "signed1=d:example.com,s:rsa2024,a:rsa-sha256,key:missing "
	    "removed1=d:amazonses.com,s:x\\x09y,a:rsa-sha256 "
	    "hint=\"publish it\" action=accept");
	free(line);
}

static void
test_outside_values_are_escaped(void **state)
{
	struct verify_sig		 a;
	const struct verify_sig		*sigs[1];
	struct report			 r;
	char				*line;

	(void)state;
	a = mksig("exa mple.com", "s,1:x\"", "rsa\x01sha", ROLE_THIRD_PARTY,
	    VERDICT_PERMERROR, REASON_SIG_BAD_DOMAIN, "d=\"exa mple\"\\\n");
	sigs[0] = &a;
	memset(&r, 0, sizeof(r));
	r.queue_id = "Q 2";
	r.verdict = "permerror";
	r.from_domain = "ex\xc3\xa4mple.com";
	r.sigs = sigs;
	r.nsigs = 1;
	line = report_format(&r);
	assert_non_null(line);
	assert_string_equal(line, "\"Q 2\": verdict=permerror "
	    "from=\"ex\\xc3\\xa4mple.com\" "
	    "sig1=d:exa\\x20mple.com,s:s\\x2c1\\x3ax\\x22,a:rsa\\x01sha,"
	    "role:third-party,result:permerror,reason:sig-bad-domain "
	    "sig1_detail=\"d=\\\"exa mple\\\"\\\\\\x0a\" action=accept");
	free(line);
}

static void
test_value_quoting(void **state)
{
	static const struct {
		const char	*in, *out;
	} rows[] = {
		{ "pass", "pass" },
		{ "a@b.example:25,x=y/z+q_r-s", "a@b.example:25,x=y/z+q_r-s" },
		{ "", "\"\"" },
		{ "two words", "\"two words\"" },
		{ "tab\there", "\"tab\\x09here\"" },
		{ "q\"b\\", "\"q\\\"b\\\\\"" },
	};
	struct buf	 b;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		buf_init(&b, 0);
		assert_int_equal(report_value(&b, rows[i].in), 0);
		if (strcmp(b.data, rows[i].out) != 0)
			fail_msg("%s: got %s want %s", rows[i].in, b.data,
			    rows[i].out);
		buf_free(&b);
	}
	buf_init(&b, 4);
	assert_int_equal(report_value(&b, "too long for the cap"), -1);
	buf_free(&b);
}

/* ---- lines from real verifications ---- */

struct fx {
	EVP_PKEY		*ed;
	struct dns_resolver	*dns;
};

static int
setup(void **state)
{
	static struct fx	 f;
	struct dns_settings	 ds;
	char			*txt, line[600];

	f.ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (f.ed == NULL || (txt = keyfile_txt_record(f.ed, NULL)) == NULL)
		return -1;
	fake_dns_reset();
	/* the author's key, the ESP's key, and a name the DNS provider
	 * made by appending the apex (seed ses-dkim-fails-to-verify) */
	snprintf(line, sizeof(line), "ed1._domainkey.example.com TXT \"%s\""
	    "\nses1._domainkey.amazonses.com TXT \"%s\"\n"
	    "dup._domainkey.example.com.example.com TXT \"%s\"\n"
	    "example.com SOA ns1.example.com h.example.com 1 2 3 4 300\n"
	    "broken._domainkey.example.com SERVFAIL\n", txt, txt, txt);
	free(txt);
	if (fake_dns_load(line) == -1)
		return -1;
	memset(&ds, 0, sizeof(ds));
	ds.nameservers = "127.0.0.1:5353";
	if ((f.dns = dns_resolver_new(&ds, NULL)) == NULL)
		return -1;
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*f = *state;

	dns_resolver_free(f->dns);
	EVP_PKEY_free(f->ed);
	return 0;
}

static const char *const hdrs[][2] = {
	{ "From", " Bob <bob@example.com>" },
	{ "To", " alice@example.net" },
	{ "Subject", " hello" },
	{ "Date", " Mon, 1 Jan 2024 00:00:00 +0000" },
};
static const char body[] = "Hello.\r\n";

/* signature - a DKIM-Signature value by d/s with the fixture key */
static char *
signature(struct fx *f, const char *d, const char *s)
{
	struct sign_settings	 st;
	struct signer		*sg;
	struct errbuf		 err;
	char			*v = NULL;
	size_t			 i;

	memset(&st, 0, sizeof(st));
	st.alg = SIGN_ED25519_SHA256;
	st.hcanon = st.bcanon = CANON_RELAXED;
	st.domain = d;
	st.selector = s;
	st.key = f->ed;
	sg = signer_new(&st, &err);
	assert_non_null(sg);
	for (i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]); i++)
		assert_int_equal(signer_header(sg, hdrs[i][0], hdrs[i][1],
		    &err), 0);
	assert_int_equal(signer_eoh(sg, &err), 0);
	assert_int_equal(signer_body(sg, body, strlen(body), &err), 0);
	assert_int_equal(signer_eom(sg, &v, &err), 0);
	signer_free(sg);
	return v;
}

/* verified - a verifier that has verified a message with the given
 * signatures on top */
static struct verifier *
verified(struct fx *f, const char *const *sigs, size_t nsigs,
    const char *msgbody)
{
	struct verify_settings	 vst;
	struct verifier		*v;
	struct errbuf		 err;
	size_t			 i;

	memset(&vst, 0, sizeof(vst));
	vst.dns = f->dns;
	v = verifier_new(&vst, &err);
	assert_non_null(v);
	for (i = 0; i < nsigs; i++)
		assert_int_equal(verifier_header(v, "DKIM-Signature", sigs[i],
		    &err), 0);
	for (i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]); i++)
		assert_int_equal(verifier_header(v, hdrs[i][0], hdrs[i][1],
		    &err), 0);
	assert_int_equal(verifier_eoh(v, &err), 0);
	assert_int_equal(verifier_body(v, msgbody, strlen(msgbody), &err),
	    0);
	assert_int_equal(verifier_eom(v, &err), 0);
	return v;
}

/* verify_line - the verdict line of a message with the given signatures
 * on top */
static char *
verify_line(struct fx *f, const char *const *sigs, size_t nsigs,
    const char *msgbody)
{
	struct verifier	*v;
	char		*line;

	v = verified(f, sigs, nsigs, msgbody);
	line = report_verifier("QID", v, NULL, "accept");
	verifier_free(v);
	assert_non_null(line);
	return line;
}

/* has - line contains want, else fail showing the line */
static void
has(const char *line, const char *want)
{
	if (strstr(line, want) == NULL)
		fail_msg("line \"%s\" lacks \"%s\"", line, want);
}

static void
test_author_pass(void **state)
{
	struct fx	*f = *state;
	char		*s[1], *line;

	s[0] = signature(f, "example.com", "ed1");
	line = verify_line(f, (const char *const *)s, 1, body);
	has(line, "QID: verdict=pass from=example.com sig1=d:example.com,"
	    "s:ed1,a:ed25519-sha256,role:author,result:pass action=accept");
	free(line);
	free(s[0]);
}

static void
test_body_modified_is_fail_with_reason(void **state)
{
	struct fx	*f = *state;
	char		*s[1], *line;

	s[0] = signature(f, "example.com", "ed1");
	line = verify_line(f, (const char *const *)s, 1,
	    "Hello.\r\n-- \r\nfooter added by a list\r\n");
	has(line, "QID: verdict=fail from=example.com reason=\"body hash "
	    "mismatch");
	has(line, "result:fail,reason:body-hash-mismatch");
	has(line, " hint=\"");
	free(line);
	free(s[0]);
}

static void
test_esp_only_from_verification(void **state)
{
	struct fx	*f = *state;
	char		*s[1], *line;

	s[0] = signature(f, "amazonses.com", "ses1");
	line = verify_line(f, (const char *const *)s, 1, body);
	has(line, "QID: verdict=esp-only from=example.com sig1=d:amazonses.com"
	    ",s:ses1,a:ed25519-sha256,role:esp,result:pass hint=\"example.com"
	    " is not DKIM-signing");
	free(line);
	free(s[0]);
}

/* Outgoing mail we sign for example.com that already carries the ESP's
 * signature: the ESP signature is listed, but "example.com is not
 * DKIM-signing this mail" would be untrue (issue 9, SesRelay e2e). */
static void
test_outgoing_esp_signature_no_esp_only_hint(void **state)
{
	struct fx		*f = *state;
	struct report_made	 m[1] = {
		{ "example.com", "sel1", "rsa-sha256", "published" },
	};
	struct report		 r;
	struct verifier		*v;
	char			*s[1], *line;

	s[0] = signature(f, "amazonses.com", "ses1");
	v = verified(f, (const char *const *)s, 1, body);
	assert_int_equal(verifier_verdict(v), MSG_ESP_ONLY);
	memset(&r, 0, sizeof(r));
	r.queue_id = "QID";
	r.verdict = "signed";
	r.from_domain = "example.com";
	r.made = m;
	r.nmade = 1;
	line = report_outgoing(&r, v);
	assert_non_null(line);
	assert_string_equal(line, "QID: verdict=signed from=example.com "
	    "sig1=d:amazonses.com,s:ses1,a:ed25519-sha256,role:esp,"
	    "result:pass signed1=d:example.com,s:sel1,a:rsa-sha256,"
	    "key:published action=accept");
	free(line);
	/* nothing signed: the verifier's hint stays */
	r.nmade = 0;
	line = report_outgoing(&r, v);
	assert_non_null(line);
	has(line, " hint=\"example.com is not DKIM-signing");
	free(line);
	verifier_free(v);
	free(s[0]);
}

static void
test_duplicated_apex_hint(void **state)
{
	struct fx	*f = *state;
	char		*s[1], *line;

	s[0] = signature(f, "example.com", "dup");
	line = verify_line(f, (const char *const *)s, 1, body);
	has(line, "verdict=permerror from=example.com reason=\"");
	has(line, "reason:key-not-found");
	has(line, "dup._domainkey.example.com.example.com");
	free(line);
	free(s[0]);
}

static void
test_dns_error_names_the_name(void **state)
{
	struct fx	*f = *state;
	char		*s[1], *line;

	s[0] = signature(f, "example.com", "broken");
	line = verify_line(f, (const char *const *)s, 1, body);
	has(line, "verdict=dns-error from=example.com reason=\"");
	has(line, "broken._domainkey.example.com");
	has(line, "SERVFAIL");
	free(line);
	free(s[0]);
}

static void
test_no_signature_and_malformed(void **state)
{
	struct fx	*f = *state;
	const char	*bad[1] = { " v=1; a=rsa-sha256; d=example.com" };
	char		*line;

	line = verify_line(f, NULL, 0, body);
	assert_string_equal(line, "QID: verdict=none from=example.com "
	    "action=accept");
	free(line);
	line = verify_line(f, bad, 1, body);
	has(line, "QID: verdict=permerror from=example.com reason=\"");
	has(line, "result:permerror,reason:sig-");
	free(line);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_esp_only_line),
		cmocka_unit_test(test_fail_line_with_reason_detail_and_ignored),
		cmocka_unit_test(test_signed_line_and_defaults),
		cmocka_unit_test(test_key_state_and_removed),
		cmocka_unit_test(test_outside_values_are_escaped),
		cmocka_unit_test(test_value_quoting),
		cmocka_unit_test(test_author_pass),
		cmocka_unit_test(test_body_modified_is_fail_with_reason),
		cmocka_unit_test(test_esp_only_from_verification),
		cmocka_unit_test(test_outgoing_esp_signature_no_esp_only_hint),
		cmocka_unit_test(test_duplicated_apex_hint),
		cmocka_unit_test(test_dns_error_names_the_name),
		cmocka_unit_test(test_no_signature_and_malformed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
