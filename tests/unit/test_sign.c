/*
 * test_sign - making DKIM-Signature fields (lib/sign.h, RFC 6376 5)
 *
 * Every signature made here is checked twice: by lib/verify.c against the
 * fixture DNS (the round trip), and by an oracle in this file that
 * canonicalizes the signed fields itself (RFC 6376 3.4, 5.4.2, 3.7) and
 * verifies b= with OpenSSL directly, so that a shared bug in the signer
 * and the verifier cannot make the round trip pass.  Keys are made once
 * per run; t= is fixed through sign_settings.now.
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

#define NOW	((time_t)1700000000)

/* Canonical under both body algorithms: the oracle hashes it as is. */
static const char message[] =
    "Received: from mx.example.net by mx.example.com\r\n"
    "From: Joe SixPack <joe@example.com>\r\n"
    "To: Suzie Q <suzie@example.net>\r\n"
    "Subject: Is dinner ready?\r\n"
    "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
    "Message-ID: <20231114221320.1@example.com>\r\n"
    "X-Custom: not in the default set\r\n"
    "\r\n"
    "Hi.\r\n"
    "\r\n"
    "We lost the game. Are you hungry yet?\r\n"
    "\r\n"
    "Joe.\r\n";

/* Not canonical: folds, WSP runs, trailing WSP and empty lines, LF. */
static const char messy[] =
    "From:   Joe   SixPack\n\t<joe@example.com>  \n"
    "Subject: Is dinner\r\n  ready?\t\r\n"
    "To: suzie@example.net\r\n"
    "\r\n"
    "  Hi.  \r\n"
    "\n"
    "We  lost\tthe game.\t\r\n"
    "\r\n\r\n\r\n";

static EVP_PKEY	*rsa_key, *rsa512_key, *ed_key;
static char	 rsa_pub[400], ed_pub[64];

struct fx {
	struct dns_resolver	*dns;
	struct sign_settings	 ss;
	char			*value;		/* last signature made */
	char			*signed_msg;	/* the message with it */
	struct verifier		*v;
};

/*
 * ---- the oracle ----
 */

/*
 * otag - the value of tag in a tag list, FWS removed, into out; 0 when
 * found.  Written here rather than taken from lib/taglist.c.
 */
static int
otag(const char *list, const char *tag, char *out, size_t outlen)
{
	const char	*p = list, *e, *eq, *q;
	size_t		 n, tl = strlen(tag);

	for (;;) {
		e = p + strcspn(p, ";");
		if ((eq = memchr(p, '=', (size_t)(e - p))) != NULL) {
			while (p < eq && strchr(" \t\r\n", *p) != NULL)
				p++;
			q = eq;
			while (q > p && strchr(" \t\r\n", q[-1]) != NULL)
				q--;
			if ((size_t)(q - p) == tl && memcmp(p, tag, tl) == 0) {
				for (n = 0, q = eq + 1; q < e; q++)
					if (strchr(" \t\r\n", *q) == NULL &&
					    n + 1 < outlen)
						out[n++] = *q;
				out[n] = '\0';
				return 0;
			}
		}
		if (*e == '\0')
			return -1;
		p = e + 1;
	}
}

/*
 * overify - check the topmost DKIM-Signature of msg with key: bh= against
 * the SHA-256 of the body canonicalized by the oracle (obody), b= over
 * the independently built header hash input.  Fails the test.
 */
static void
overify(const char *msg, EVP_PKEY *key, const char *label)
{
	struct ofields	 of;
	struct buf	 data, body;
	char		 c[64], h[1024], bh[128], b[1024], *sigval, *cut;
	unsigned char	 raw[512], dg[32], bhraw[32];
	size_t		 off, rawlen, bhlen;
	unsigned int	 dglen;
	int		 relaxed;
	EVP_MD_CTX	*ctx;

	memset(&of, 0, sizeof(of));
	assert_int_equal(msg_split(msg, strlen(msg), collect, &of, &off,
	    NULL), 0);
	assert_true(of.n > 0);
	assert_string_equal(of.f[0].name, "DKIM-Signature");
	if (otag(of.f[0].value, "c", c, sizeof(c)) == -1)
		strcpy(c, "simple/simple");
	relaxed = strncmp(c, "relaxed", 7) == 0;
	assert_int_equal(otag(of.f[0].value, "h", h, sizeof(h)), 0);
	assert_int_equal(otag(of.f[0].value, "bh", bh, sizeof(bh)), 0);
	assert_int_equal(otag(of.f[0].value, "b", b, sizeof(b)), 0);
	buf_init(&body, 0);
	obody(strstr(c, "/relaxed") != NULL, msg + off, strlen(msg + off),
	    &body);
	assert_int_equal(EVP_Digest(body.data, body.len, bhraw, &dglen,
	    EVP_sha256(), NULL), 1);
	buf_free(&body);
	assert_int_equal(b64_decode(bh, strlen(bh), raw, sizeof(raw),
	    &bhlen), B64_OK);
	if (bhlen != 32 || memcmp(raw, bhraw, 32) != 0)
		fail_msg("%s: oracle: bh= is not the body's SHA-256", label);
	/* RFC 6376 3.7: the field itself, b= value empty, no CRLF */
	assert_non_null(sigval = strdup(of.f[0].value));
	assert_non_null(cut = strrchr(sigval, ';'));
	assert_non_null(cut = strchr(cut, '='));
	cut[1] = '\0';
	buf_init(&data, 0);
	oheaders(&of, h, relaxed, &data);
	ofield_canon(relaxed, of.f[0].name, sigval, &data);
	assert_int_equal(b64_decode(b, strlen(b), raw, sizeof(raw), &rawlen),
	    B64_OK);
	assert_non_null(ctx = EVP_MD_CTX_new());
	if (EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519) {
		assert_int_equal(EVP_Digest(data.data, data.len, dg, &dglen,
		    EVP_sha256(), NULL), 1);
		assert_int_equal(EVP_DigestVerifyInit(ctx, NULL, NULL, NULL,
		    key), 1);
		if (EVP_DigestVerify(ctx, raw, rawlen, dg, dglen) != 1)
			fail_msg("%s: oracle: ed25519 b= does not verify",
			    label);
	} else {
		assert_int_equal(EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(),
		    NULL, key), 1);
		if (EVP_DigestVerify(ctx, raw, rawlen,
		    (unsigned char *)data.data, data.len) != 1)
			fail_msg("%s: oracle: rsa b= does not verify", label);
	}
	EVP_MD_CTX_free(ctx);
	buf_free(&data);
	free(sigval);
	ofields_free(&of);
}

/*
 * ---- fixtures ----
 */

static int
group_setup(void **state)
{
	(void)state;
	if ((rsa_key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024)) ==
	    NULL || (rsa512_key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
	    (size_t)512)) == NULL || (ed_key = EVP_PKEY_Q_keygen(NULL, NULL,
	    "ED25519")) == NULL)
		return -1;
	if (pub_b64(rsa_key, rsa_pub) == -1 || pub_b64(ed_key, ed_pub) == -1)
		return -1;
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(rsa_key);
	EVP_PKEY_free(rsa512_key);
	EVP_PKEY_free(ed_key);
	return 0;
}

/* setup - fixture DNS with both keys, RSA relaxed/relaxed settings */
static int
setup(void **state)
{
	static struct fx	 fx;
	struct dns_settings	 ds;
	char			 z[1024];

	memset(&fx, 0, sizeof(fx));
	fake_dns_reset();
	snprintf(z, sizeof(z),
	    "rsa._domainkey.example.com TXT \"v=DKIM1; k=rsa; p=%s\"\n"
	    "ed._domainkey.example.com TXT \"v=DKIM1; k=ed25519; p=%s\"\n",
	    rsa_pub, ed_pub);
	if (fake_dns_load(z) == -1)
		return -1;
	memset(&ds, 0, sizeof(ds));
	ds.nameservers = "127.0.0.1";
	if ((fx.dns = dns_resolver_new(&ds, NULL)) == NULL)
		return -1;
	fx.ss.alg = SIGN_RSA_SHA256;
	fx.ss.hcanon = CANON_RELAXED;
	fx.ss.bcanon = CANON_RELAXED;
	fx.ss.domain = "example.com";
	fx.ss.selector = "rsa";
	fx.ss.key = rsa_key;
	fx.ss.now = NOW;
	*state = &fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*fx = *state;

	free(fx->value);
	free(fx->signed_msg);
	verifier_free(fx->v);
	dns_resolver_free(fx->dns);
	fake_dns_reset();
	return 0;
}

static int
sheader(void *arg, const char *name, const char *value, struct errbuf *err)
{
	return signer_header(arg, name, value, err);
}

static int
vheader(void *arg, const char *name, const char *value, struct errbuf *err)
{
	return verifier_header(arg, name, value, err);
}

/*
 * sign - sign msg with fx->ss, body in chunks of step; sets fx->value and
 * fx->signed_msg.  Returns signer_eom's status (the test decides).
 */
static int
sign(struct fx *fx, const char *msg, size_t step)
{
	struct signer	*s;
	struct errbuf	 err;
	size_t		 off, len = strlen(msg), n;
	int		 rc;

	free(fx->value);
	free(fx->signed_msg);
	fx->value = fx->signed_msg = NULL;
	errbuf_clear(&err);
	if ((s = signer_new(&fx->ss, &err)) == NULL)
		fail_msg("signer_new: %s", err.msg);
	if (msg_split(msg, len, sheader, s, &off, &err) == -1)
		fail_msg("msg_split: %s", err.msg);
	assert_int_equal(signer_eoh(s, &err), 0);
	for (; off < len; off += n) {
		n = len - off < step ? len - off : step;
		assert_int_equal(signer_body(s, msg + off, n, &err), 0);
	}
	rc = signer_eom(s, &fx->value, &err);
	signer_free(s);
	if (rc == 0) {
		assert_non_null(fx->value);
		fx->signed_msg = malloc(strlen(fx->value) + len + 32);
		assert_non_null(fx->signed_msg);
		sprintf(fx->signed_msg, "DKIM-Signature:%s\r\n%s", fx->value,
		    msg);
	} else
		assert_null(fx->value);
	return rc;
}

/* verify - the lib verifier on fx->signed_msg (or msg); first result */
static const struct verify_sig *
verify(struct fx *fx, const char *msg)
{
	struct verify_settings	 vs;
	struct errbuf		 err;
	size_t			 off, len;

	if (msg == NULL)
		msg = fx->signed_msg;
	len = strlen(msg);
	memset(&vs, 0, sizeof(vs));
	vs.dns = fx->dns;
	vs.now = NOW + 60;
	verifier_free(fx->v);
	assert_non_null(fx->v = verifier_new(&vs, &err));
	assert_int_equal(msg_split(msg, len, vheader, fx->v, &off, &err), 0);
	assert_int_equal(verifier_eoh(fx->v, &err), 0);
	assert_int_equal(verifier_body(fx->v, msg + off, len - off, &err), 0);
	assert_int_equal(verifier_eom(fx->v, &err), 0);
	assert_true(verifier_nsigs(fx->v) >= 1);
	return verifier_sig(fx->v, 0);
}

/* expect_pass - the lib verifier passes the topmost signature */
static void
expect_pass(struct fx *fx, const char *label)
{
	const struct verify_sig	*vs = verify(fx, NULL);

	if (vs->result.verdict != VERDICT_PASS)
		fail_msg("%s: verifier says %s/%s (%s)\n%s", label,
		    verdict_name(vs->result.verdict),
		    reason_code(vs->result.reason), vs->result.detail,
		    fx->signed_msg);
}

/* h_count - how many times h= (of fx->value) names name */
static size_t
h_count(struct fx *fx, const char *name)
{
	char		 h[1024];
	const char	*p, *e;
	size_t		 n = 0;

	assert_int_equal(otag(fx->value, "h", h, sizeof(h)), 0);
	for (p = h; *p != '\0'; p = *e == '\0' ? e : e + 1) {
		e = p + strcspn(p, ":");
		if ((size_t)(e - p) == strlen(name) &&
		    strncasecmp(p, name, strlen(name)) == 0)
			n++;
	}
	return n;
}

/*
 * ---- tests ----
 */

/* test_roundtrip_every_algorithm_and_canonicalization - 2 x 4 */
static void
test_roundtrip_every_algorithm_and_canonicalization(void **state)
{
	struct fx	*fx = *state;
	enum canon	 h, b;
	int		 ed;
	char		 label[64], tag[64], want[64];

	for (ed = 0; ed <= 1; ed++)
		for (h = CANON_SIMPLE; h <= CANON_RELAXED; h++)
			for (b = CANON_SIMPLE; b <= CANON_RELAXED; b++) {
				fx->ss.alg = ed ? SIGN_ED25519_SHA256 :
				    SIGN_RSA_SHA256;
				fx->ss.key = ed ? ed_key : rsa_key;
				fx->ss.selector = ed ? "ed" : "rsa";
				fx->ss.hcanon = h;
				fx->ss.bcanon = b;
				snprintf(label, sizeof(label), "%s %s/%s",
				    sign_alg_name(fx->ss.alg), canon_name(h),
				    canon_name(b));
				assert_int_equal(sign(fx, message, 4096), 0);
				expect_pass(fx, label);
				overify(fx->signed_msg, fx->ss.key, label);
				assert_int_equal(otag(fx->value, "a", tag,
				    sizeof(tag)), 0);
				assert_string_equal(tag,
				    sign_alg_name(fx->ss.alg));
				snprintf(want, sizeof(want), "%s/%s",
				    canon_name(h), canon_name(b));
				assert_int_equal(otag(fx->value, "c", tag,
				    sizeof(tag)), 0);
				assert_string_equal(tag, want);
				assert_int_equal(otag(fx->value, "v", tag,
				    sizeof(tag)), 0);
				assert_string_equal(tag, "1");
				assert_int_equal(otag(fx->value, "d", tag,
				    sizeof(tag)), 0);
				assert_string_equal(tag, "example.com");
				assert_int_equal(otag(fx->value, "s", tag,
				    sizeof(tag)), 0);
				assert_string_equal(tag, fx->ss.selector);
				assert_int_equal(otag(fx->value, "t", tag,
				    sizeof(tag)), 0);
				assert_string_equal(tag, "1700000000");
				assert_int_equal(otag(fx->value, "x", tag,
				    sizeof(tag)), -1);
			}
}

/* to_crlf - a copy of s with every bare LF made CRLF */
static char *
to_crlf(const char *s)
{
	char	*out, *o;
	size_t	 i;

	assert_non_null(out = malloc(2 * strlen(s) + 1));
	for (i = 0, o = out; s[i] != '\0'; i++) {
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			*o++ = '\r';
		*o++ = s[i];
	}
	*o = '\0';
	return out;
}

/*
 * test_roundtrip_messy_message - folds, WSP, LF, trailing empty lines:
 * the library's verifier passes it and so does the independent oracle
 */
static void
test_roundtrip_messy_message(void **state)
{
	struct fx	*fx = *state;
	enum canon	 h, b;
	int		 ed;
	char		 label[64], *crlf;

	for (ed = 0; ed <= 1; ed++)
		for (h = CANON_SIMPLE; h <= CANON_RELAXED; h++)
			for (b = CANON_SIMPLE; b <= CANON_RELAXED; b++) {
				fx->ss.alg = ed ? SIGN_ED25519_SHA256 :
				    SIGN_RSA_SHA256;
				fx->ss.key = ed ? ed_key : rsa_key;
				fx->ss.selector = ed ? "ed" : "rsa";
				fx->ss.hcanon = h;
				fx->ss.bcanon = b;
				snprintf(label, sizeof(label), "messy %s %s/%s",
				    sign_alg_name(fx->ss.alg), canon_name(h),
				    canon_name(b));
				assert_int_equal(sign(fx, messy, 5), 0);
				expect_pass(fx, label);
				/* the oracle reads it as it travels: CRLF */
				crlf = to_crlf(fx->signed_msg);
				overify(crlf, fx->ss.key, label);
				free(crlf);
			}
}

/* test_empty_body_roundtrip - simple hashes CRLF, relaxed nothing */
static void
test_empty_body_roundtrip(void **state)
{
	struct fx	*fx = *state;
	static const char m[] = "From: joe@example.com\r\nSubject: x\r\n\r\n";
	char		 bh[64];

	fx->ss.bcanon = CANON_SIMPLE;
	assert_int_equal(sign(fx, m, 4096), 0);
	expect_pass(fx, "empty body, simple");
	assert_int_equal(otag(fx->value, "bh", bh, sizeof(bh)), 0);
	/* RFC 6376 3.4.3: SHA-256 of CRLF */
	assert_string_equal(bh, "frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=");
	fx->ss.bcanon = CANON_RELAXED;
	assert_int_equal(sign(fx, m, 4096), 0);
	expect_pass(fx, "empty body, relaxed");
	assert_int_equal(otag(fx->value, "bh", bh, sizeof(bh)), 0);
	/* RFC 6376 3.4.4: SHA-256 of nothing */
	assert_string_equal(bh, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
}

/* test_changes_after_signing_are_detected - body and signed header */
static void
test_changes_after_signing_are_detected(void **state)
{
	struct fx		*fx = *state;
	const struct verify_sig	*vs;
	char			*m, *at;

	assert_int_equal(sign(fx, message, 4096), 0);
	assert_non_null(m = strdup(fx->signed_msg));
	assert_non_null(at = strstr(m, "We lost"));
	memcpy(at, "We won ", 7);
	vs = verify(fx, m);
	assert_int_equal(vs->result.reason, REASON_BODY_HASH_MISMATCH);
	free(m);
	assert_non_null(m = strdup(fx->signed_msg));
	assert_non_null(at = strstr(m, "dinner"));
	memcpy(at, "supper", 6);
	vs = verify(fx, m);
	assert_int_equal(vs->result.reason, REASON_SIGNATURE_MISMATCH);
	free(m);
}

/* test_oversigns_from_by_default - one more From than present */
static void
test_oversigns_from_by_default(void **state)
{
	struct fx	*fx = *state;
	static const char two[] = "From: a@example.com\r\nFrom: b@example.com\r\n"
	    "Subject: x\r\n\r\nHi.\r\n";
	char		*m;

	assert_int_equal(sign(fx, message, 4096), 0);
	assert_int_equal(h_count(fx, "From"), 2);
	expect_pass(fx, "oversigned");
	overify(fx->signed_msg, rsa_key, "oversigned");
	/* a From added on top breaks it (RFC 6376 8.15) */
	m = malloc(strlen(fx->signed_msg) + 64);
	assert_non_null(m);
	sprintf(m, "From: mallory@evil.example\r\n%s", fx->signed_msg);
	assert_int_equal(verify(fx, m)->result.reason,
	    REASON_SIGNATURE_MISMATCH);
	free(m);
	/* two From fields: no single author, not signed (RFC 6376 8.15) */
	assert_int_equal(sign(fx, two, 4096), -1);
}

/* test_oversign_list_setting - "" none; another name oversigned too */
static void
test_oversign_list_setting(void **state)
{
	struct fx	*fx = *state;

	fx->ss.oversign = "";
	assert_int_equal(sign(fx, message, 4096), 0);
	assert_int_equal(h_count(fx, "From"), 1);
	expect_pass(fx, "no oversigning");
	fx->ss.oversign = "From:Subject";
	assert_int_equal(sign(fx, message, 4096), 0);
	assert_int_equal(h_count(fx, "From"), 2);
	assert_int_equal(h_count(fx, "Subject"), 2);
	expect_pass(fx, "From and Subject oversigned");
}

/* test_default_headers_only_those_present - RFC 6376 5.4.1 set */
static void
test_default_headers_only_those_present(void **state)
{
	struct fx	*fx = *state;
	static const char *const present[] = { "From", "To", "Subject",
	    "Date", "Message-ID" };
	static const char *const absent[] = { "Cc", "Reply-To",
	    "In-Reply-To", "References", "List-Id", "Sender", "MIME-Version",
	    "Content-Type", "Resent-From", "Received", "X-Custom",
	    "DKIM-Signature" };
	size_t		 i;

	fx->ss.oversign = "";
	assert_int_equal(sign(fx, message, 4096), 0);
	for (i = 0; i < sizeof(present) / sizeof(present[0]); i++)
		if (h_count(fx, present[i]) != 1)
			fail_msg("%s is in h= %zu times, want 1", present[i],
			    h_count(fx, present[i]));
	for (i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		if (h_count(fx, absent[i]) != 0)
			fail_msg("%s is in h= but not in the message or not "
			    "in the default set", absent[i]);
}

/* test_default_headers_sign_every_instance - two To fields, two in h= */
static void
test_default_headers_sign_every_instance(void **state)
{
	struct fx	*fx = *state;
	static const char m[] = "From: joe@example.com\r\nTo: a@example.net\r\n"
	    "Subject: x\r\nTo: b@example.net\r\n\r\nHi.\r\n";

	assert_int_equal(sign(fx, m, 4096), 0);
	assert_int_equal(h_count(fx, "To"), 2);
	expect_pass(fx, "two To fields");
	overify(fx->signed_msg, rsa_key, "two To fields");
}

/* test_explicit_header_list_used_as_given - no default, no oversign */
static void
test_explicit_header_list_used_as_given(void **state)
{
	struct fx	*fx = *state;
	char		 h[256];

	fx->ss.headers = "From:Subject:X-Custom:Cc";
	assert_int_equal(sign(fx, message, 4096), 0);
	assert_int_equal(otag(fx->value, "h", h, sizeof(h)), 0);
	if (strcasecmp(h, "From:Subject:X-Custom:Cc") != 0)
		fail_msg("h=%s", h);
	expect_pass(fx, "explicit list");
	overify(fx->signed_msg, rsa_key, "explicit list");
}

/* test_never_list_is_left_out - SesRelay: SES rewrites these fields */
static void
test_never_list_is_left_out(void **state)
{
	struct fx	*fx = *state;

	fx->ss.never = "Message-ID:Date:Return-Path:Bounces-To";
	fx->ss.oversign = "From:Date";
	assert_int_equal(sign(fx, message, 4096), 0);
	assert_int_equal(h_count(fx, "Message-ID"), 0);
	assert_int_equal(h_count(fx, "Date"), 0);
	assert_int_equal(h_count(fx, "From"), 2);
	assert_int_equal(h_count(fx, "Subject"), 1);
	expect_pass(fx, "never list");
	overify(fx->signed_msg, rsa_key, "never list");
	/* An explicit list loses them too. */
	fx->ss.headers = "From:Date:Subject:message-id";
	assert_int_equal(sign(fx, message, 4096), 0);
	assert_int_equal(h_count(fx, "Date"), 0);
	assert_int_equal(h_count(fx, "Message-ID"), 0);
	overify(fx->signed_msg, rsa_key, "explicit list with never");
}

/* test_header_list_must_include_from - RFC 6376 5.4 */
static void
test_header_list_must_include_from(void **state)
{
	struct fx	*fx = *state;
	static const char nofrom[] = "To: a@example.net\r\nSubject: x\r\n\r\n"
	    "Hi.\r\n";

	fx->ss.headers = "To:Subject";
	assert_int_equal(sign(fx, message, 4096), -1);
	fx->ss.headers = NULL;
	assert_int_equal(sign(fx, nofrom, 4096), -1);
}

/* test_identity_and_expiry_tags - i= and x= = t= + expire_secs */
static void
test_identity_and_expiry_tags(void **state)
{
	struct fx	*fx = *state;
	char		 tag[64];

	fx->ss.identity = "joe@mail.example.com";
	fx->ss.expire_secs = 3600;
	assert_int_equal(sign(fx, message, 4096), 0);
	assert_int_equal(otag(fx->value, "i", tag, sizeof(tag)), 0);
	assert_string_equal(tag, "joe@mail.example.com");
	assert_int_equal(otag(fx->value, "t", tag, sizeof(tag)), 0);
	assert_string_equal(tag, "1700000000");
	assert_int_equal(otag(fx->value, "x", tag, sizeof(tag)), 0);
	assert_string_equal(tag, "1700003600");
	expect_pass(fx, "i= and x=");
	assert_string_equal(verifier_sig(fx->v, 0)->i, "joe@mail.example.com");
}

/* test_value_is_folded_for_the_header - 78 columns, CRLF TAB folds */
static void
test_value_is_folded_for_the_header(void **state)
{
	struct fx	*fx = *state;
	const char	*p, *line;
	size_t		 col;

	fx->ss.headers = "From:To:Subject:Date:Message-ID:Received:X-Custom";
	assert_int_equal(sign(fx, message, 4096), 0);
	assert_true(fx->value[0] == ' ');
	/* the first line carries "DKIM-Signature:" */
	col = strlen("DKIM-Signature:");
	for (p = line = fx->value; *p != '\0'; p++) {
		if (*p == '\r') {
			assert_true(p[1] == '\n');
			assert_true(p[2] == ' ' || p[2] == '\t');
			if (col + (size_t)(p - line) > 78)
				fail_msg("line of %zu columns: %.*s",
				    col + (size_t)(p - line), (int)(p - line),
				    line);
			p++;
			line = p + 1;
			col = 0;
		} else
			assert_true(*p != '\n');
	}
	if (col + (size_t)(p - line) > 78)
		fail_msg("last line of %zu columns", col + (size_t)(p - line));
	assert_non_null(strstr(fx->value, "\r\n"));
}

/* test_output_independent_of_chunking_and_line_ends - deterministic */
static void
test_output_independent_of_chunking_and_line_ends(void **state)
{
	struct fx	*fx = *state;
	char		*whole, *lf;
	size_t		 i, o = 0;

	fx->ss.alg = SIGN_ED25519_SHA256;
	fx->ss.key = ed_key;
	fx->ss.selector = "ed";
	assert_int_equal(sign(fx, message, 4096), 0);
	assert_non_null(whole = strdup(fx->value));
	assert_int_equal(sign(fx, message, 1), 0);
	assert_string_equal(fx->value, whole);
	assert_non_null(lf = strdup(message));
	for (i = 0; message[i] != '\0'; i++)
		if (message[i] != '\r')
			lf[o++] = message[i];
	lf[o] = '\0';
	assert_int_equal(sign(fx, lf, 13), 0);
	assert_string_equal(fx->value, whole);
	free(lf);
	free(whole);
}

#define L60	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define L63	L60 "bbb"

/* test_signer_refuses_unusable_settings - NULL with a reason */
static void
test_signer_refuses_unusable_settings(void **state)
{
	struct fx		*fx = *state;
	static const struct {
		const char	*label;
		const char	*domain, *selector, *identity, *headers;
		int		 ed_alg;
		int		 key;	/* 0 none, 1 rsa, 2 ed, 3 rsa512 */
	} rows[] = {
		{ "no domain", NULL, "rsa", NULL, NULL, 0, 1 },
		{ "empty domain", "", "rsa", NULL, NULL, 0, 1 },
		{ "no selector", "example.com", NULL, NULL, NULL, 0, 1 },
		{ "no key", "example.com", "rsa", NULL, NULL, 0, 0 },
		{ "rsa-sha256 with an ed25519 key", "example.com", "rsa", NULL,
		  NULL, 0, 2 },
		{ "ed25519-sha256 with an RSA key", "example.com", "ed", NULL,
		  NULL, 1, 1 },
		{ "512-bit RSA (RFC 8301)", "example.com", "rsa", NULL, NULL,
		  0, 3 },
		{ "bad domain", "exa mple.com", "rsa", NULL, NULL, 0, 1 },
		{ "bad selector", "example.com", "a;b", NULL, NULL, 0, 1 },
		{ "identity outside d=", "example.com", "rsa", "joe@example.net",
		  NULL, 0, 1 },
		{ "identity without '@'", "example.com", "rsa", "example.com",
		  NULL, 0, 1 },
		{ "DKIM-Signature in the list", "example.com", "rsa", NULL,
		  "From:DKIM-Signature", 0, 1 },
		/* issue 8: valid labels, but the key name is 261 octets */
		{ "key name over 253", L60 "." L60 "." L60 ".com", L63, NULL,
		  NULL, 0, 1 },
		{ "selector label over 63", "example.com", L63 "x", NULL, NULL,
		  0, 1 },
	};
	struct sign_settings	 ss;
	struct errbuf		 err;
	struct signer		*s;
	EVP_PKEY		*keys[4];
	size_t			 i;

	keys[0] = NULL;
	keys[1] = rsa_key;
	keys[2] = ed_key;
	keys[3] = rsa512_key;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		ss = fx->ss;
		ss.domain = rows[i].domain;
		ss.selector = rows[i].selector;
		ss.identity = rows[i].identity;
		ss.headers = rows[i].headers;
		ss.alg = rows[i].ed_alg ? SIGN_ED25519_SHA256 : SIGN_RSA_SHA256;
		ss.key = keys[rows[i].key];
		errbuf_clear(&err);
		if ((s = signer_new(&ss, &err)) != NULL) {
			signer_free(s);
			fail_msg("%s: accepted", rows[i].label);
		}
		if (err.msg[0] == '\0')
			fail_msg("%s: no reason given", rows[i].label);
	}
	signer_free(NULL);
}

/* test_alg_parse_and_names - a= words both ways */
static void
test_alg_parse_and_names(void **state)
{
	enum sign_alg	 a;

	(void)state;
	assert_int_equal(sign_alg_parse("rsa-sha256", &a), 0);
	assert_int_equal(a, SIGN_RSA_SHA256);
	assert_int_equal(sign_alg_parse("ed25519-sha256", &a), 0);
	assert_int_equal(a, SIGN_ED25519_SHA256);
	assert_int_equal(sign_alg_parse("rsa-sha1", &a), -1);
	assert_int_equal(sign_alg_parse("", &a), -1);
	assert_string_equal(sign_alg_name(SIGN_RSA_SHA256), "rsa-sha256");
	assert_string_equal(sign_alg_name(SIGN_ED25519_SHA256),
	    "ed25519-sha256");
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_roundtrip_every_algorithm_and_canonicalization),
		T(test_roundtrip_messy_message),
		T(test_empty_body_roundtrip),
		T(test_changes_after_signing_are_detected),
		T(test_oversigns_from_by_default),
		T(test_oversign_list_setting),
		T(test_default_headers_only_those_present),
		T(test_default_headers_sign_every_instance),
		T(test_explicit_header_list_used_as_given),
		T(test_never_list_is_left_out),
		T(test_header_list_must_include_from),
		T(test_identity_and_expiry_tags),
		T(test_value_is_folded_for_the_header),
		T(test_output_independent_of_chunking_and_line_ends),
		T(test_signer_refuses_unusable_settings),
		T(test_alg_parse_and_names),
	};

	return cmocka_run_group_tests_name("sign", tests, group_setup,
	    group_teardown);
}
