/*
 * test_rfc8463 - the Appendix A example of RFC 8463 (Ed25519-SHA256)
 *
 * tests/data/rfc/: A.1 private keys (rfc8463-a1-*), A.2 key records as
 * fake_dns fixture lines (rfc8463-a2-dns.txt), A.3 signed message
 * (rfc8463-a3-signed.eml) and the same without its two DKIM-Signature
 * fields (rfc8463-a3-unsigned.eml), exact bytes with CRLF.
 *
 * Errata: none of the RFC 8463 errata reports could be retrieved from
 * here; the vectors are checked for self-consistency below instead (the
 * A.2 keys are the public halves of the A.1 keys, and both A.3 signatures
 * verify and re-sign byte for byte with an oracle independent of lib/).
 * A.3 prints "game.  Are" with two spaces; under c=relaxed/relaxed that
 * gives the same bh= as RFC 6376's one space (test_rfc6376.c).
 *
 * The lib signer cannot reproduce the printed b= values: the signature
 * covers the DKIM-Signature field itself (RFC 6376 3.7), and the RFC's
 * field has q=dns/txt, i= before s= and "h=from : to : ..." with spaces,
 * none of which struct sign_settings can ask for.  What is checked instead
 * is the part of that claim that holds: the signer's bh= equals the RFC's,
 * its t=, d=, s=, i=, h= are the RFC's, and its b= equals, byte for byte,
 * the signature an independent Ed25519/RSA PKCS#1 v1.5 oracle makes with
 * the RFC's private keys over the signer's own field (both algorithms are
 * deterministic, so equality is required, not just validity).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "lib/b64.h"
#include "lib/buf.h"
#include "lib/canon.h"
#include "lib/dns.h"
#include "lib/errbuf.h"
#include "lib/msg.h"
#include "lib/reason.h"
#include "lib/sign.h"
#include "lib/verdict.h"
#include "lib/verify.h"
#include "tests/unit/fake_dns.h"
#include "tests/unit/oracle.h"

#define RFC_T		((time_t)1528637909)
#define RFC_BH		"2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8="
#define RFC_B_ED	"/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus" \
	"Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw=="
#define RFC_B_RSA	"F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3" \
	"DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2Jz" \
	"dA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8="
#define RFC_P_ED	"11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
#define RFC_P_RSA	"MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWR" \
	"iGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutAC" \
	"DfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3" \
	"Ip3G+2kryOTIKT+l/K4w3QIDAQAB"
#define RFC_H		"from:to:subject:date:message-id:from:subject:date"

struct fx {
	struct dns_resolver	*dns;
	struct verifier		*v;
	EVP_PKEY		*ed, *rsa;	/* A.1 private keys */
	char			*signed_msg, *unsigned_msg;
	size_t			 signed_len, unsigned_len;
	char			*value;		/* lib signer output */
	char			*work;		/* a modified copy */
};

/* slurp - a file under tests/data/ (from $DKIMLENS_TOP or the cwd) */
static char *
slurp(const char *rel, size_t *len_out)
{
	const char	*top = getenv("DKIMLENS_TOP");
	char		 path[1024], *data;
	FILE		*f;
	long		 n;

	snprintf(path, sizeof(path), "%s/tests/data/%s",
	    top != NULL ? top : ".", rel);
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
		fclose(f);
		return NULL;
	}
	rewind(f);
	if ((data = malloc((size_t)n + 1)) == NULL ||
	    fread(data, 1, (size_t)n, f) != (size_t)n) {
		free(data);
		fclose(f);
		return NULL;
	}
	data[n] = '\0';
	fclose(f);
	if (len_out != NULL)
		*len_out = (size_t)n;
	return data;
}

/* load_keys - the A.1 private keys */
static int
load_keys(struct fx *fx)
{
	char		*text, *pem;
	unsigned char	 raw[64];
	size_t		 rawlen;
	BIO		*bio;

	if ((text = slurp("rfc/rfc8463-a1-ed25519.b64", NULL)) == NULL)
		return -1;
	if (b64_decode(text, strlen(text), raw, sizeof(raw), &rawlen) !=
	    B64_OK || rawlen != 32) {
		free(text);
		return -1;
	}
	free(text);
	fx->ed = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, raw, 32);
	if ((pem = slurp("rfc/rfc8463-a1-rsa.pem", &rawlen)) == NULL)
		return -1;
	bio = BIO_new_mem_buf(pem, (int)rawlen);
	fx->rsa = bio == NULL ? NULL : PEM_read_bio_PrivateKey(bio, NULL,
	    NULL, NULL);
	BIO_free(bio);
	free(pem);
	return fx->ed != NULL && fx->rsa != NULL ? 0 : -1;
}

/* setup - A.2 in the fixture DNS, A.1 keys, A.3 messages */
static int
setup(void **state)
{
	static struct fx	 fx;
	struct dns_settings	 ds;
	char			*zone;

	memset(&fx, 0, sizeof(fx));
	fake_dns_reset();
	if ((zone = slurp("rfc/rfc8463-a2-dns.txt", NULL)) == NULL)
		return -1;
	if (fake_dns_load(zone) == -1) {
		free(zone);
		return -1;
	}
	free(zone);
	memset(&ds, 0, sizeof(ds));
	ds.nameservers = "127.0.0.1";
	if ((fx.dns = dns_resolver_new(&ds, NULL)) == NULL ||
	    load_keys(&fx) == -1 ||
	    (fx.signed_msg = slurp("rfc/rfc8463-a3-signed.eml",
	    &fx.signed_len)) == NULL ||
	    (fx.unsigned_msg = slurp("rfc/rfc8463-a3-unsigned.eml",
	    &fx.unsigned_len)) == NULL)
		return -1;
	*state = &fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*fx = *state;

	verifier_free(fx->v);
	dns_resolver_free(fx->dns);
	EVP_PKEY_free(fx->ed);
	EVP_PKEY_free(fx->rsa);
	free(fx->signed_msg);
	free(fx->unsigned_msg);
	free(fx->value);
	free(fx->work);
	fake_dns_reset();
	return 0;
}

static int
vheader(void *arg, const char *name, const char *value, struct errbuf *err)
{
	return verifier_header(arg, name, value, err);
}

/* verify - the lib verifier on msg at time now */
static void
verify(struct fx *fx, const char *msg, time_t now)
{
	struct verify_settings	 vs;
	struct errbuf		 err;
	size_t			 off, len = strlen(msg);

	memset(&vs, 0, sizeof(vs));
	vs.dns = fx->dns;
	vs.now = now;
	verifier_free(fx->v);
	errbuf_clear(&err);
	assert_non_null(fx->v = verifier_new(&vs, &err));
	assert_int_equal(msg_split(msg, len, vheader, fx->v, &off, &err), 0);
	assert_int_equal(verifier_eoh(fx->v, &err), 0);
	assert_int_equal(verifier_body(fx->v, msg + off, len - off, &err), 0);
	assert_int_equal(verifier_eom(fx->v, &err), 0);
}

/* expect - result i has verdict and reason */
static void
expect(struct fx *fx, size_t i, enum verdict vd, enum reason why,
    const char *label)
{
	const struct verify_sig	*vs;

	assert_true(verifier_nsigs(fx->v) > i);
	vs = verifier_sig(fx->v, i);
	if (vs->result.verdict != vd || vs->result.reason != why)
		fail_msg("%s: signature %zu (%s) is %s/%s (%s), want %s/%s",
		    label, i, vs->a, verdict_name(vs->result.verdict),
		    reason_code(vs->result.reason), vs->result.detail,
		    verdict_name(vd), reason_code(why));
}

/* edit - fx->work = fx->signed_msg with the first "from" made "to" */
static void
edit(struct fx *fx, const char *from, const char *to)
{
	const char	*at;

	assert_non_null(at = strstr(fx->signed_msg, from));
	free(fx->work);
	assert_non_null(fx->work = malloc(fx->signed_len + strlen(to) + 1));
	sprintf(fx->work, "%.*s%s%s", (int)(at - fx->signed_msg),
	    fx->signed_msg, to, at + strlen(from));
}

/*
 * ---- the oracle: tests/unit/oracle.c's RFC 6376 3.4.2 field selection
 * and canonicalization, the 3.7 hash input written out here ----
 */

/*
 * ohash_input - the relaxed header hash input for the signature in field
 * sigidx of msg: the RFC_H fields bottom-up, then that field with its b=
 * value (the last tag) emptied.
 */
static void
ohash_input(const char *msg, size_t sigidx, struct buf *out)
{
	struct ofields	 of;
	char		*sv, *cut;
	size_t		 off;

	memset(&of, 0, sizeof(of));
	assert_int_equal(msg_split(msg, strlen(msg), collect, &of, &off,
	    NULL), 0);
	oheaders(&of, "from:to:subject:date:message-id:from:subject:date", 1,
	    out);
	assert_true(sigidx < of.n);
	assert_non_null(sv = strdup(of.f[sigidx].value));
	assert_non_null(cut = strrchr(sv, ';'));
	assert_non_null(cut = strchr(cut, '='));
	cut[1] = '\0';
	ofield_canon(1, of.f[sigidx].name, sv, out);
	free(sv);
	ofields_free(&of);
}

/* osign - base64 signature of data with key (Ed25519 over SHA-256) */
static void
osign(EVP_PKEY *key, const struct buf *data, char *out)
{
	unsigned char	 dg[32], sig[512];
	unsigned int	 dglen;
	size_t		 siglen = sizeof(sig);
	EVP_MD_CTX	*ctx;

	assert_non_null(ctx = EVP_MD_CTX_new());
	if (EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519) {
		assert_int_equal(EVP_Digest(data->data, data->len, dg, &dglen,
		    EVP_sha256(), NULL), 1);
		assert_int_equal(EVP_DigestSignInit(ctx, NULL, NULL, NULL,
		    key), 1);
		assert_int_equal(EVP_DigestSign(ctx, sig, &siglen, dg, dglen),
		    1);
	} else {
		assert_int_equal(EVP_DigestSignInit(ctx, NULL, EVP_sha256(),
		    NULL, key), 1);
		assert_int_equal(EVP_DigestSign(ctx, sig, &siglen,
		    (unsigned char *)data->data, data->len), 1);
	}
	EVP_MD_CTX_free(ctx);
	b64_encode(sig, siglen, out);
}

/*
 * ---- tests ----
 */

/* test_a2_keys_are_the_public_halves_of_a1 - the vectors agree */
static void
test_a2_keys_are_the_public_halves_of_a1(void **state)
{
	struct fx	*fx = *state;
	unsigned char	 raw[32], *der = NULL;
	size_t		 rawlen = sizeof(raw);
	char		 b64[400];
	int		 n;

	assert_int_equal(EVP_PKEY_get_raw_public_key(fx->ed, raw, &rawlen), 1);
	b64_encode(raw, rawlen, b64);
	assert_string_equal(b64, RFC_P_ED);
	assert_true((n = i2d_PUBKEY(fx->rsa, &der)) > 0);
	b64_encode(der, (size_t)n, b64);
	OPENSSL_free(der);
	assert_string_equal(b64, RFC_P_RSA);
	assert_int_equal(EVP_PKEY_get_bits(fx->rsa), 1024);
}

/* test_a3_signatures_reproduce_with_the_oracle - the vectors agree */
static void
test_a3_signatures_reproduce_with_the_oracle(void **state)
{
	struct fx	*fx = *state;
	struct buf	 data;
	char		 b[400];

	buf_init(&data, 0);
	ohash_input(fx->signed_msg, 0, &data);
	osign(fx->ed, &data, b);
	assert_string_equal(b, RFC_B_ED);
	buf_reset(&data);
	ohash_input(fx->signed_msg, 1, &data);
	osign(fx->rsa, &data, b);
	assert_string_equal(b, RFC_B_RSA);
	buf_free(&data);
}

/* test_both_a3_signatures_verify - at the RFC's t= and years later */
static void
test_both_a3_signatures_verify(void **state)
{
	struct fx		*fx = *state;
	const struct verify_sig	*vs;

	verify(fx, fx->signed_msg, RFC_T);
	assert_int_equal(verifier_nsigs(fx->v), 2);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "ed25519-sha256 at t=");
	expect(fx, 1, VERDICT_PASS, REASON_OK, "rsa-sha256 at t=");
	vs = verifier_sig(fx->v, 0);
	assert_string_equal(vs->a, "ed25519-sha256");
	assert_string_equal(vs->d, "football.example.com");
	assert_string_equal(vs->s, "brisbane");
	assert_string_equal(vs->i, "@football.example.com");
	assert_string_equal(vs->key_name,
	    "brisbane._domainkey.football.example.com");
	assert_int_equal(vs->role, ROLE_AUTHOR);
	vs = verifier_sig(fx->v, 1);
	assert_string_equal(vs->a, "rsa-sha256");
	assert_string_equal(vs->s, "test");
	assert_int_equal(vs->key_bits, 1024);
	assert_int_equal(vs->role, ROLE_AUTHOR);
	assert_string_equal(verifier_from_domain(fx->v),
	    "football.example.com");
	assert_int_equal(verifier_verdict(fx->v), MSG_PASS);
	/* no x=: still valid in 2023 */
	verify(fx, fx->signed_msg, 1700000000);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "ed25519-sha256 in 2023");
	expect(fx, 1, VERDICT_PASS, REASON_OK, "rsa-sha256 in 2023");
}

/* test_a3_with_lf_line_ends_verifies - as a Unix mailbox stores it */
static void
test_a3_with_lf_line_ends_verifies(void **state)
{
	struct fx	*fx = *state;
	size_t		 i, o = 0;

	assert_non_null(fx->work = malloc(fx->signed_len + 1));
	for (i = 0; i < fx->signed_len; i++)
		if (fx->signed_msg[i] != '\r')
			fx->work[o++] = fx->signed_msg[i];
	fx->work[o] = '\0';
	verify(fx, fx->work, RFC_T);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "ed25519-sha256, LF");
	expect(fx, 1, VERDICT_PASS, REASON_OK, "rsa-sha256, LF");
}

/* test_a3_tampered_copies_fail - body and a signed header */
static void
test_a3_tampered_copies_fail(void **state)
{
	struct fx	*fx = *state;

	edit(fx, "We lost the game.", "We won the game.");
	verify(fx, fx->work, RFC_T);
	expect(fx, 0, VERDICT_FAIL, REASON_BODY_HASH_MISMATCH, "body, ed");
	expect(fx, 1, VERDICT_FAIL, REASON_BODY_HASH_MISMATCH, "body, rsa");
	assert_int_equal(verifier_verdict(fx->v), MSG_FAIL);
	edit(fx, "Subject: Is dinner ready?", "Subject: Is lunch ready?");
	verify(fx, fx->work, RFC_T);
	expect(fx, 0, VERDICT_FAIL, REASON_SIGNATURE_MISMATCH, "subject, ed");
	expect(fx, 1, VERDICT_FAIL, REASON_SIGNATURE_MISMATCH, "subject, rsa");
	/* h= lists from twice: a second From breaks both */
	edit(fx, "From: Joe", "From: Mallory <m@evil.example>\r\nFrom: Joe");
	verify(fx, fx->work, RFC_T);
	expect(fx, 0, VERDICT_FAIL, REASON_SIGNATURE_MISMATCH, "from, ed");
	expect(fx, 1, VERDICT_FAIL, REASON_SIGNATURE_MISMATCH, "from, rsa");
	/* relaxed/relaxed: whitespace changes do not matter */
	edit(fx, "Subject: Is dinner ready?", "Subject:  Is dinner\r\n ready?");
	verify(fx, fx->work, RFC_T);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "refolded subject, ed");
	expect(fx, 1, VERDICT_PASS, REASON_OK, "refolded subject, rsa");
}

/* test_a3_key_swapped_fails - each signature needs its own key */
static void
test_a3_key_swapped_fails(void **state)
{
	struct fx	*fx = *state;

	edit(fx, "s=brisbane;", "s=test;");
	verify(fx, fx->work, RFC_T);
	assert_int_not_equal(verifier_sig(fx->v, 0)->result.verdict,
	    VERDICT_PASS);
	assert_int_equal(verifier_sig(fx->v, 0)->result.reason,
	    REASON_KEY_TYPE_MISMATCH);
}

static int
sheader(void *arg, const char *name, const char *value, struct errbuf *err)
{
	return signer_header(arg, name, value, err);
}

/* lib_sign - the A.3 message signed by lib/sign.c as the RFC did */
static void
lib_sign(struct fx *fx, enum sign_alg alg, EVP_PKEY *key, const char *sel)
{
	struct sign_settings	 ss;
	struct signer		*s;
	struct errbuf		 err;
	size_t			 off;

	memset(&ss, 0, sizeof(ss));
	ss.alg = alg;
	ss.hcanon = CANON_RELAXED;
	ss.bcanon = CANON_RELAXED;
	ss.domain = "football.example.com";
	ss.selector = sel;
	ss.identity = "@football.example.com";
	ss.key = key;
	ss.headers = RFC_H;
	ss.oversign = "";
	ss.now = RFC_T;
	errbuf_clear(&err);
	if ((s = signer_new(&ss, &err)) == NULL)
		fail_msg("signer_new: %s", err.msg);
	assert_int_equal(msg_split(fx->unsigned_msg, fx->unsigned_len,
	    sheader, s, &off, &err), 0);
	assert_int_equal(signer_eoh(s, &err), 0);
	assert_int_equal(signer_body(s, fx->unsigned_msg + off,
	    fx->unsigned_len - off, &err), 0);
	free(fx->value);
	fx->value = NULL;
	if (signer_eom(s, &fx->value, &err) == -1)
		fail_msg("signer_eom: %s", err.msg);
	signer_free(s);
	free(fx->work);
	assert_non_null(fx->work = malloc(strlen(fx->value) +
	    fx->unsigned_len + 32));
	sprintf(fx->work, "DKIM-Signature:%s\r\n%s", fx->value,
	    fx->unsigned_msg);
}

/* tag - a tag's value in fx->value, FWS removed */
static void
tag(struct fx *fx, const char *name, char *out, size_t outlen)
{
	char		 pat[16];
	const char	*p;
	size_t		 n = 0;

	snprintf(pat, sizeof(pat), "%s=", name);
	for (p = fx->value; (p = strstr(p, pat)) != NULL; p++)
		if (p == fx->value || strchr(" \t\n;", p[-1]) != NULL)
			break;
	if (p == NULL)
		fail_msg("no %s= in %s", name, fx->value);
	for (p += strlen(pat); *p != '\0' && *p != ';'; p++)
		if (strchr(" \t\r\n", *p) == NULL && n + 1 < outlen)
			out[n++] = *p;
	out[n] = '\0';
}

/* check_lib_signature - the RFC's tags, the oracle's b=, it verifies */
static void
check_lib_signature(struct fx *fx, EVP_PKEY *key, const char *label)
{
	struct buf	 data;
	char		 t[400], want[400];

	tag(fx, "bh", t, sizeof(t));
	assert_string_equal(t, RFC_BH);
	tag(fx, "t", t, sizeof(t));
	assert_string_equal(t, "1528637909");
	tag(fx, "d", t, sizeof(t));
	assert_string_equal(t, "football.example.com");
	tag(fx, "i", t, sizeof(t));
	assert_string_equal(t, "@football.example.com");
	tag(fx, "c", t, sizeof(t));
	assert_string_equal(t, "relaxed/relaxed");
	tag(fx, "h", t, sizeof(t));
	if (strcasecmp(t, RFC_H) != 0)
		fail_msg("%s: h=%s", label, t);
	buf_init(&data, 0);
	ohash_input(fx->work, 0, &data);
	osign(key, &data, want);
	buf_free(&data);
	tag(fx, "b", t, sizeof(t));
	if (strcmp(t, want) != 0)
		fail_msg("%s: b=%s\n  oracle b=%s", label, t, want);
	verify(fx, fx->work, RFC_T);
	expect(fx, 0, VERDICT_PASS, REASON_OK, label);
}

/* test_lib_signs_a3_with_the_ed25519_key - bh= and deterministic b= */
static void
test_lib_signs_a3_with_the_ed25519_key(void **state)
{
	struct fx	*fx = *state;

	lib_sign(fx, SIGN_ED25519_SHA256, fx->ed, "brisbane");
	check_lib_signature(fx, fx->ed, "lib ed25519-sha256");
}

/* test_lib_signs_a3_with_the_rsa_key - bh= and deterministic b= */
static void
test_lib_signs_a3_with_the_rsa_key(void **state)
{
	struct fx	*fx = *state;

	lib_sign(fx, SIGN_RSA_SHA256, fx->rsa, "test");
	check_lib_signature(fx, fx->rsa, "lib rsa-sha256");
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_a2_keys_are_the_public_halves_of_a1),
		T(test_a3_signatures_reproduce_with_the_oracle),
		T(test_both_a3_signatures_verify),
		T(test_a3_with_lf_line_ends_verifies),
		T(test_a3_tampered_copies_fail),
		T(test_a3_key_swapped_fails),
		T(test_lib_signs_a3_with_the_ed25519_key),
		T(test_lib_signs_a3_with_the_rsa_key),
	};

	return cmocka_run_group_tests_name("rfc8463", tests, NULL, NULL);
}
