/*
 * test_verify - verifying messages (lib/verify.h) against fixture DNS
 *
 * Signatures here are made by an oracle in this file, not by lib/sign.c:
 * RFC 6376 3.4 canonicalization and 3.7 hashing written out plainly and
 * signed with OpenSSL directly, so that a verifier bug cannot hide behind
 * the same bug in the signer, and so that signatures lib/sign.c refuses
 * to make (rsa-sha1, 512-bit RSA) can be tested.  Test bodies are already
 * canonical (no trailing WSP, single spaces, one final CRLF), so simple
 * and relaxed body canonicalization leave them alone.
 *
 * Keys are made once per run; the DNS fixture is loaded per test; "now"
 * is fixed (NOW) through verify_settings.now.
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
#include "lib/dns.h"
#include "lib/errbuf.h"
#include "lib/keycache.h"
#include "lib/lookup.h"
#include "lib/msg.h"
#include "lib/reason.h"
#include "lib/role.h"
#include "lib/verdict.h"
#include "lib/verify.h"
#include "tests/unit/fake_dns.h"
#include "tests/unit/oracle.h"

#define NOW	((time_t)1700000000)

/* names at the edges of the fixed fields (issue 8 item 5) */
#define L60	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define S127	L60 "." L60 ".abcde"		/* fits s[128] exactly */

static const char message[] =
    "From: Joe SixPack <joe@example.com>\r\n"
    "To: Suzie Q <suzie@example.net>\r\n"
    "Subject: Is dinner ready?\r\n"
    "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
    "Message-ID: <20231114221320.1@example.com>\r\n"
    "\r\n"
    "Hi.\r\n"
    "\r\n"
    "We lost the game. Are you hungry yet?\r\n"
    "\r\n"
    "Joe.\r\n";

/* This run's keys and their published forms. */
static EVP_PKEY	*rsa_key, *rsa512_key, *ed_key;
static char	 rsa_pub[400], rsa512_pub[200], ed_pub[64];

struct fx {
	struct dns_resolver	*dns;
	struct verifier		*v;
	struct verify_settings	 set;
	char			*msg;		/* last message made */
};

/*
 * ---- the oracle signer ----
 */

struct osig {
	const char	*a;	/* a=; NULL: rsa-sha256 */
	const char	*c;	/* c=; NULL: none written (simple/simple) */
	const char	*d, *s;
	const char	*h;	/* colon list */
	const char	*extra;	/* more tags, each ending in "; ", or NULL */
	long long	 l;	/* bytes of body hashed; -1: all */
	EVP_PKEY	*key;
	const EVP_MD	*md;	/* EVP_sha256() or EVP_sha1(); NULL ed25519 */
};

/* osign - msg with a DKIM-Signature made as o says prepended; owned */
static char *
osign(const char *msg, const struct osig *o)
{
	struct ofields	 of;
	struct buf	 val, data, out;
	const char	*body;
	unsigned char	 bh[EVP_MAX_MD_SIZE], dg[32], sig[1024];
	char		 bh64[100], sig64[1400];
	unsigned int	 bhlen, dglen;
	size_t		 bodylen, siglen = sizeof(sig), off;
	EVP_MD_CTX	*ctx;
	const EVP_MD	*bmd = o->md != NULL ? o->md : EVP_sha256();

	memset(&of, 0, sizeof(of));
	assert_int_equal(msg_split(msg, strlen(msg), collect, &of, &off,
	    NULL), 0);
	body = msg + off;
	bodylen = strlen(body);
	if (o->l >= 0 && (size_t)o->l < bodylen)
		bodylen = (size_t)o->l;
	assert_int_equal(EVP_Digest(body, bodylen, bh, &bhlen, bmd, NULL), 1);
	b64_encode(bh, bhlen, bh64);
	buf_init(&val, 0);
	assert_int_equal(buf_printf(&val, " v=1; a=%s; %s%s%sd=%s; s=%s; "
	    "h=%s; %sbh=%s; b=", o->a != NULL ? o->a : "rsa-sha256",
	    o->c != NULL ? "c=" : "", o->c != NULL ? o->c : "",
	    o->c != NULL ? "; " : "", o->d, o->s, o->h,
	    o->extra != NULL ? o->extra : "", bh64), 0);
	buf_init(&data, 0);
	oheaders(&of, o->h, o->c != NULL && strncmp(o->c, "relaxed", 7) == 0,
	    &data);
	ofield_canon(o->c != NULL && strncmp(o->c, "relaxed", 7) == 0,
	    "DKIM-Signature", val.data, &data);
	assert_non_null(ctx = EVP_MD_CTX_new());
	if (o->md == NULL) {
		/* RFC 8463 3: PureEdDSA over the SHA-256 of the data */
		assert_int_equal(EVP_Digest(data.data, data.len, dg, &dglen,
		    EVP_sha256(), NULL), 1);
		assert_int_equal(EVP_DigestSignInit(ctx, NULL, NULL, NULL,
		    o->key), 1);
		assert_int_equal(EVP_DigestSign(ctx, sig, &siglen, dg, dglen),
		    1);
	} else {
		assert_int_equal(EVP_DigestSignInit(ctx, NULL, o->md, NULL,
		    o->key), 1);
		assert_int_equal(EVP_DigestSign(ctx, sig, &siglen,
		    (unsigned char *)data.data, data.len), 1);
	}
	EVP_MD_CTX_free(ctx);
	b64_encode(sig, siglen, sig64);
	buf_init(&out, 0);
	assert_int_equal(buf_printf(&out, "DKIM-Signature:%s%s\r\n%s",
	    val.data, sig64, msg), 0);
	buf_free(&val);
	buf_free(&data);
	ofields_free(&of);
	return buf_release(&out);
}

/*
 * ---- fixtures ----
 */

/* group_setup - keys for the whole run */
static int
group_setup(void **state)
{
	(void)state;
	if ((rsa_key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024)) ==
	    NULL || (rsa512_key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
	    (size_t)512)) == NULL || (ed_key = EVP_PKEY_Q_keygen(NULL, NULL,
	    "ED25519")) == NULL)
		return -1;
	if (pub_b64(rsa_key, rsa_pub) == -1 ||
	    pub_b64(rsa512_key, rsa512_pub) == -1 ||
	    pub_b64(ed_key, ed_pub) == -1)
		return -1;
	return 0;
}

/* group_teardown - free the keys */
static int
group_teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(rsa_key);
	EVP_PKEY_free(rsa512_key);
	EVP_PKEY_free(ed_key);
	return 0;
}

/* setup - the DNS fixture, a resolver, default settings */
static int
setup(void **state)
{
	static struct fx	 fx;
	struct dns_settings	 ds;
	struct buf		 z;
	int			 rc;

	memset(&fx, 0, sizeof(fx));
	fake_dns_reset();
	buf_init(&z, 0);
	rc = buf_printf(&z,
	    "sel._domainkey.example.com TXT \"v=DKIM1; k=rsa; p=%s\"\n"
	    "s2._domainkey.example.com TXT \"v=DKIM1; p=%s\"\n"
	    "s3._domainkey.example.com TXT \"v=DKIM1; p=%s\"\n"
	    "ed._domainkey.example.com TXT \"v=DKIM1; k=ed25519; p=%s\"\n"
	    "weak._domainkey.example.com TXT \"v=DKIM1; k=rsa; p=%s\"\n"
	    "revoked._domainkey.example.com TXT \"v=DKIM1; k=rsa; p=\"\n"
	    "gone._domainkey.example.com NXDOMAIN\n"
	    "broken._domainkey.example.com SERVFAIL\n"
	    "slow._domainkey.example.com TIMEOUT\n"
	    "sha1only._domainkey.example.com TXT \"v=DKIM1; h=sha1; p=%s\"\n"
	    "strict._domainkey.example.com TXT \"v=DKIM1; t=s; p=%s\"\n"
	    "testing._domainkey.example.com TXT \"v=DKIM1; t=y; p=%s\"\n"
	    "two._domainkey.example.com TXT \"v=DKIM1; p=%s\"\n"
	    "two._domainkey.example.com TXT \"v=DKIM1; p=%s\"\n"
	    "alias._domainkey.example.com CNAME sel.keys.example.org\n"
	    "sel.keys.example.org TXT \"v=DKIM1; \" \"p=%s\"\n"
	    "apex._domainkey.example.com.example.com TXT \"v=DKIM1; p=%s\"\n"
	    "sel._domainkey.mail.example.com TXT \"v=DKIM1; p=%s\"\n"
	    "sel._domainkey.amazonses.com TXT \"v=DKIM1; p=%s\"\n"
	    "sel._domainkey.example.net TXT \"v=DKIM1; p=%s\"\n"
	    "sel._domainkey.qqq.com TXT \"v=DKIM1; p=%s\"\n"
	    S127 "._domainkey.example.com TXT \"v=DKIM1; p=%s\"\n"
	    "nul._domainkey.example.com TXT \"v=DKIM1; p=%s; \\000h=sha1\"\n",
	    rsa_pub, rsa_pub, rsa_pub, ed_pub, rsa512_pub, rsa_pub, rsa_pub,
	    rsa_pub, rsa_pub, rsa_pub, rsa_pub, rsa_pub, rsa_pub, rsa_pub,
	    rsa_pub, rsa_pub, rsa_pub, rsa_pub);
	if (rc == -1 || fake_dns_load(z.data) == -1) {
		buf_free(&z);
		return -1;
	}
	buf_free(&z);
	memset(&ds, 0, sizeof(ds));
	ds.nameservers = "127.0.0.1";
	ds.no_cache = 1;
	if ((fx.dns = dns_resolver_new(&ds, NULL)) == NULL)
		return -1;
	fx.set.dns = fx.dns;
	fx.set.now = NOW;
	*state = &fx;
	return 0;
}

/* teardown - verifier, resolver, message, fixture */
static int
teardown(void **state)
{
	struct fx	*fx = *state;

	verifier_free(fx->v);
	dns_resolver_free(fx->dns);
	free(fx->msg);
	fake_dns_reset();
	return 0;
}

/* vheader - msg_header_fn feeding a verifier */
static int
vheader(void *arg, const char *name, const char *value, struct errbuf *err)
{
	return verifier_header(arg, name, value, err);
}

/* verify - run msg through a new verifier, body in chunks of step */
static void
verify(struct fx *fx, const char *msg, size_t step)
{
	struct errbuf	 err;
	size_t		 off, len = strlen(msg), n;

	verifier_free(fx->v);
	errbuf_clear(&err);
	fx->v = verifier_new(&fx->set, &err);
	if (fx->v == NULL)
		fail_msg("verifier_new: %s", err.msg);
	if (msg_split(msg, len, vheader, fx->v, &off, &err) == -1)
		fail_msg("msg_split: %s", err.msg);
	assert_int_equal(verifier_eoh(fx->v, &err), 0);
	for (; off < len; off += n) {
		n = len - off < step ? len - off : step;
		assert_int_equal(verifier_body(fx->v, msg + off, n, &err), 0);
	}
	assert_int_equal(verifier_eom(fx->v, &err), 0);
}

/* sig_at - result i, which must exist */
static const struct verify_sig *
sig_at(struct fx *fx, size_t i)
{
	const struct verify_sig	*vs;

	assert_true(verifier_nsigs(fx->v) > i);
	assert_non_null(vs = verifier_sig(fx->v, i));
	return vs;
}

/* expect - signature i has verdict and reason; the label on failure */
static void
expect(struct fx *fx, size_t i, enum verdict vd, enum reason why,
    const char *label)
{
	const struct verify_sig	*vs = sig_at(fx, i);

	if (vs->result.verdict != vd || vs->result.reason != why)
		fail_msg("%s: signature %zu is %s/%s (%s), want %s/%s", label,
		    i, verdict_name(vs->result.verdict),
		    reason_code(vs->result.reason), vs->result.detail,
		    verdict_name(vd), reason_code(why));
}

/* expect_not_pass - reason why, verdict anything but pass */
static void
expect_not_pass(struct fx *fx, size_t i, enum reason why, const char *label)
{
	const struct verify_sig	*vs = sig_at(fx, i);

	if (vs->result.verdict == VERDICT_PASS || vs->result.reason != why)
		fail_msg("%s: signature %zu is %s/%s (%s), want not pass/%s",
		    label, i, verdict_name(vs->result.verdict),
		    reason_code(vs->result.reason), vs->result.detail,
		    reason_code(why));
}

/* sign_with - set fx->msg to message signed with a simple osig */
static void
sign_with(struct fx *fx, const char *msg, const char *a, const char *c,
    const char *d, const char *s, const char *extra, long long l,
    EVP_PKEY *key, const EVP_MD *md)
{
	struct osig	 o;

	memset(&o, 0, sizeof(o));
	o.a = a;
	o.c = c;
	o.d = d;
	o.s = s;
	o.h = "from:to:subject:date:message-id";
	o.extra = extra;
	o.l = l;
	o.key = key;
	o.md = md;
	free(fx->msg);
	fx->msg = osign(msg, &o);
}

/* replace - a copy of s with the first "from" replaced by "to"; owned */
static char *
replace(const char *s, const char *from, const char *to)
{
	const char	*at = strstr(s, from);
	struct buf	 b;

	assert_non_null(at);
	buf_init(&b, 0);
	assert_int_equal(buf_append(&b, s, (size_t)(at - s)), 0);
	assert_int_equal(buf_puts(&b, to), 0);
	assert_int_equal(buf_puts(&b, at + strlen(from)), 0);
	return buf_release(&b);
}

/*
 * ---- passing signatures ----
 */

/* test_rsa_sha256_signature_passes - and the result names it */
static void
test_rsa_sha256_signature_passes(void **state)
{
	struct fx		*fx = *state;
	const struct verify_sig	*vs;

	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com", "sel",
	    NULL, -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	assert_int_equal(verifier_nsigs(fx->v), 1);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "rsa-sha256");
	vs = sig_at(fx, 0);
	assert_int_equal(vs->role, ROLE_AUTHOR);
	assert_string_equal(vs->d, "example.com");
	assert_string_equal(vs->s, "sel");
	assert_string_equal(vs->a, "rsa-sha256");
	assert_string_equal(vs->i, "@example.com");
	assert_string_equal(vs->key_name, "sel._domainkey.example.com");
	assert_int_equal(vs->key_bits, 1024);
	assert_int_equal(vs->key_testing, 0);
	assert_int_equal(strlen(vs->b8), 8);
	assert_non_null(strstr(fx->msg, vs->b8));
	assert_true(vs->body_length == -1);
	assert_int_equal(vs->body_extra, 0);
	assert_string_equal(verifier_from_domain(fx->v), "example.com");
	assert_int_equal(verifier_verdict(fx->v), MSG_PASS);
}

/* test_ed25519_sha256_signature_passes - RFC 8463 */
static void
test_ed25519_sha256_signature_passes(void **state)
{
	struct fx	*fx = *state;

	sign_with(fx, message, "ed25519-sha256", "relaxed/relaxed",
	    "example.com", "ed", NULL, -1, ed_key, NULL);
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "ed25519-sha256");
	assert_string_equal(sig_at(fx, 0)->a, "ed25519-sha256");
	assert_int_equal(verifier_verdict(fx->v), MSG_PASS);
}

/* test_every_canonicalization_pair_passes - c= for both algorithms */
static void
test_every_canonicalization_pair_passes(void **state)
{
	struct fx	*fx = *state;
	static const char *const cs[] = { NULL, "simple", "relaxed",
	    "simple/simple", "simple/relaxed", "relaxed/simple",
	    "relaxed/relaxed" };
	char		 label[64];
	size_t		 i;

	for (i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
		snprintf(label, sizeof(label), "rsa c=%s",
		    cs[i] == NULL ? "(none)" : cs[i]);
		sign_with(fx, message, NULL, cs[i], "example.com", "sel",
		    NULL, -1, rsa_key, EVP_sha256());
		verify(fx, fx->msg, 4096);
		expect(fx, 0, VERDICT_PASS, REASON_OK, label);
		snprintf(label, sizeof(label), "ed25519 c=%s",
		    cs[i] == NULL ? "(none)" : cs[i]);
		sign_with(fx, message, "ed25519-sha256", cs[i], "example.com",
		    "ed", NULL, -1, ed_key, NULL);
		verify(fx, fx->msg, 4096);
		expect(fx, 0, VERDICT_PASS, REASON_OK, label);
	}
}

/* test_body_fed_byte_by_byte_passes - streaming does not matter */
static void
test_body_fed_byte_by_byte_passes(void **state)
{
	struct fx	*fx = *state;

	sign_with(fx, message, NULL, "relaxed/simple", "example.com", "sel",
	    NULL, -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 1);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "byte by byte");
	verify(fx, fx->msg, 3);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "three bytes at a time");
}

/* test_lf_only_message_passes - a store with bare LF line ends */
static void
test_lf_only_message_passes(void **state)
{
	struct fx	*fx = *state;
	char		*lf;
	size_t		 i, o = 0;

	sign_with(fx, message, NULL, "simple/simple", "example.com", "sel",
	    NULL, -1, rsa_key, EVP_sha256());
	assert_non_null(lf = strdup(fx->msg));
	for (i = 0; fx->msg[i] != '\0'; i++)
		if (fx->msg[i] != '\r')
			lf[o++] = fx->msg[i];
	lf[o] = '\0';
	verify(fx, lf, 7);
	free(lf);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "LF only, simple/simple");
}

/* test_key_through_cname_passes - selector delegated with a CNAME */
static void
test_key_through_cname_passes(void **state)
{
	struct fx	*fx = *state;

	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com",
	    "alias", NULL, -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "via CNAME, split strings");
}

/* test_header_names_case_insensitive_in_h - h=FROM:To matches From, to */
static void
test_header_names_case_insensitive_in_h(void **state)
{
	struct fx	*fx = *state;
	struct osig	 o;
	char		*m;

	memset(&o, 0, sizeof(o));
	o.c = "relaxed/relaxed";
	o.d = "example.com";
	o.s = "sel";
	o.h = "FROM:To:SUBJECT";
	o.l = -1;
	o.key = rsa_key;
	o.md = EVP_sha256();
	fx->msg = osign(message, &o);
	/* a lowercase field name for the signature itself */
	m = replace(fx->msg, "DKIM-Signature:", "dkim-signature:");
	verify(fx, m, 4096);
	free(m);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "h= case");
}

/* test_unsigned_header_added_later_passes - only h= fields count */
static void
test_unsigned_header_added_later_passes(void **state)
{
	struct fx	*fx = *state;
	char		*m;

	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com", "sel",
	    NULL, -1, rsa_key, EVP_sha256());
	m = replace(fx->msg, "To: ", "X-Mailing-List: added\r\nCc: x@y\r\nTo: ");
	verify(fx, m, 4096);
	free(m);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "extra unsigned fields");
}

/* test_relaxed_header_survives_refolding - simple does not */
static void
test_relaxed_header_survives_refolding(void **state)
{
	struct fx	*fx = *state;
	char		*m;

	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com", "sel",
	    NULL, -1, rsa_key, EVP_sha256());
	m = replace(fx->msg, "Subject: Is dinner ready?",
	    "subject:   Is dinner\r\n\tready? ");
	verify(fx, m, 4096);
	free(m);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "relaxed, refolded");
	sign_with(fx, message, NULL, "simple/relaxed", "example.com", "sel",
	    NULL, -1, rsa_key, EVP_sha256());
	m = replace(fx->msg, "Subject: Is dinner ready?",
	    "Subject: Is dinner\r\n ready?");
	verify(fx, m, 4096);
	free(m);
	expect(fx, 0, VERDICT_FAIL, REASON_SIGNATURE_MISMATCH,
	    "simple, refolded");
}

/* test_relaxed_body_survives_whitespace_changes - simple does not */
static void
test_relaxed_body_survives_whitespace_changes(void **state)
{
	struct fx	*fx = *state;
	char		*m;

	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com", "sel",
	    NULL, -1, rsa_key, EVP_sha256());
	m = replace(fx->msg, "We lost the game.",
	    "We  lost\tthe game. \t");
	verify(fx, m, 4096);
	free(m);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "relaxed body, WSP changed");
	free(fx->msg);
	fx->msg = NULL;
	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com", "sel",
	    NULL, -1, rsa_key, EVP_sha256());
	m = malloc(strlen(fx->msg) + 10);
	assert_non_null(m);
	sprintf(m, "%s\r\n\r\n\r\n", fx->msg);
	verify(fx, m, 4096);
	free(m);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "trailing empty lines added");
	sign_with(fx, message, NULL, "relaxed/simple", "example.com", "sel",
	    NULL, -1, rsa_key, EVP_sha256());
	m = replace(fx->msg, "We lost the game.", "We lost the game. ");
	verify(fx, m, 4096);
	free(m);
	expect(fx, 0, VERDICT_FAIL, REASON_BODY_HASH_MISMATCH,
	    "simple body, trailing WSP added");
}

/*
 * ---- failing signatures ----
 */

/* test_body_changed_is_body_hash_mismatch - fail */
static void
test_body_changed_is_body_hash_mismatch(void **state)
{
	struct fx	*fx = *state;
	char		*m;

	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com", "sel",
	    NULL, -1, rsa_key, EVP_sha256());
	m = replace(fx->msg, "We lost", "We won");
	verify(fx, m, 4096);
	free(m);
	expect(fx, 0, VERDICT_FAIL, REASON_BODY_HASH_MISMATCH, "body edited");
	assert_int_equal(verifier_verdict(fx->v), MSG_FAIL);
}

/* test_signed_header_changed_is_signature_mismatch - fail */
static void
test_signed_header_changed_is_signature_mismatch(void **state)
{
	struct fx	*fx = *state;
	char		*m;

	sign_with(fx, message, "ed25519-sha256", "relaxed/relaxed",
	    "example.com", "ed", NULL, -1, ed_key, NULL);
	m = replace(fx->msg, "Subject: Is dinner ready?",
	    "Subject: Is lunch ready?");
	verify(fx, m, 4096);
	free(m);
	expect(fx, 0, VERDICT_FAIL, REASON_SIGNATURE_MISMATCH,
	    "subject edited");
	assert_int_equal(verifier_verdict(fx->v), MSG_FAIL);
}

/* test_signature_tag_changed_is_signature_mismatch - the field is hashed */
static void
test_signature_tag_changed_is_signature_mismatch(void **state)
{
	struct fx	*fx = *state;
	char		*m;

	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com", "sel",
	    "t=1699990000; ", -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "t= as signed");
	m = replace(fx->msg, "t=1699990000", "t=1699990001");
	verify(fx, m, 4096);
	free(m);
	expect(fx, 0, VERDICT_FAIL, REASON_SIGNATURE_MISMATCH, "t= edited");
}

/* test_from_added_above_an_oversigned_from_fails - RFC 6376 5.4.2 */
static void
test_from_added_above_an_oversigned_from_fails(void **state)
{
	struct fx	*fx = *state;
	struct osig	 o;
	char		*m;

	memset(&o, 0, sizeof(o));
	o.c = "relaxed/relaxed";
	o.d = "example.com";
	o.s = "sel";
	o.h = "from:from:to:subject";	/* one From more than present */
	o.l = -1;
	o.key = rsa_key;
	o.md = EVP_sha256();
	fx->msg = osign(message, &o);
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "oversigned From");
	m = replace(fx->msg, "From: Joe", "From: Mallory <m@evil.example>\r\n"
	    "From: Joe");
	verify(fx, m, 4096);
	free(m);
	expect(fx, 0, VERDICT_FAIL, REASON_SIGNATURE_MISMATCH,
	    "second From added");
}

/* test_key_nxdomain_is_key_not_found - permerror */
static void
test_key_nxdomain_is_key_not_found(void **state)
{
	struct fx	*fx = *state;

	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com", "gone",
	    NULL, -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PERMERROR, REASON_KEY_NOT_FOUND, "NXDOMAIN");
	assert_int_equal(verifier_verdict(fx->v), MSG_PERMERROR);
	/* a name with no records at all is NXDOMAIN too */
	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com",
	    "never", NULL, -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PERMERROR, REASON_KEY_NOT_FOUND, "unknown name");
}

/* test_key_dns_failure_is_temperror - SERVFAIL and timeout */
static void
test_key_dns_failure_is_temperror(void **state)
{
	struct fx	*fx = *state;

	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com",
	    "broken", NULL, -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_TEMPERROR, REASON_KEY_DNS_ERROR, "SERVFAIL");
	assert_int_equal(verifier_verdict(fx->v), MSG_DNS_ERROR);
	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com", "slow",
	    NULL, -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_TEMPERROR, REASON_KEY_DNS_ERROR, "TIMEOUT");
	assert_int_equal(verifier_verdict(fx->v), MSG_DNS_ERROR);
}

/* test_duplicated_apex_gets_a_hint - the seeds' "domain appended" case */
static void
test_duplicated_apex_gets_a_hint(void **state)
{
	struct fx		*fx = *state;
	const struct verify_sig	*vs;

	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com", "apex",
	    NULL, -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PERMERROR, REASON_KEY_NOT_FOUND, "apex");
	vs = sig_at(fx, 0);
	assert_true(vs->hint[0] != '\0');
	assert_non_null(strstr(vs->hint,
	    "apex._domainkey.example.com.example.com"));
}

/* test_revoked_key_never_passes - RFC 6376 3.6.1 empty p= */
static void
test_revoked_key_never_passes(void **state)
{
	struct fx	*fx = *state;

	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com",
	    "revoked", NULL, -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect_not_pass(fx, 0, REASON_KEY_REVOKED, "revoked");
	assert_int_not_equal(verifier_verdict(fx->v), MSG_PASS);
}

/* test_rsa_sha1_never_passes - RFC 8301 3.1, even when it is valid */
static void
test_rsa_sha1_never_passes(void **state)
{
	struct fx		*fx = *state;
	const struct verify_sig	*vs;

	sign_with(fx, message, "rsa-sha1", "relaxed/relaxed", "example.com",
	    "sel", NULL, -1, rsa_key, EVP_sha1());
	verify(fx, fx->msg, 4096);
	expect_not_pass(fx, 0, REASON_SIG_SHA1, "rsa-sha1");
	vs = sig_at(fx, 0);
	/* the report can still name it */
	assert_string_equal(vs->d, "example.com");
	assert_string_equal(vs->s, "sel");
	assert_string_equal(vs->a, "rsa-sha1");
	assert_int_equal(strlen(vs->b8), 8);
	assert_int_equal(fake_dns_queries(), 0);
	assert_int_not_equal(verifier_verdict(fx->v), MSG_PASS);
}

/* test_rsa_512_key_never_passes - RFC 8301 3.2 */
static void
test_rsa_512_key_never_passes(void **state)
{
	struct fx		*fx = *state;

	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com", "weak",
	    NULL, -1, rsa512_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect_not_pass(fx, 0, REASON_KEY_TOO_SHORT, "512-bit key");
	assert_int_equal(sig_at(fx, 0)->key_bits, 512);
}

/* test_minimum_key_bits_setting - MinimumKeyBits 2048 refuses 1024 */
static void
test_minimum_key_bits_setting(void **state)
{
	struct fx	*fx = *state;

	fx->set.min_key_bits = 2048;
	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com", "sel",
	    NULL, -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect_not_pass(fx, 0, REASON_KEY_TOO_SHORT, "1024 < 2048");
	/* ed25519 keys have no RSA size to check */
	sign_with(fx, message, "ed25519-sha256", "relaxed/relaxed",
	    "example.com", "ed", NULL, -1, ed_key, NULL);
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "ed25519 with 2048 minimum");
}

/* test_key_hash_list_without_sha256_fails - key h=sha1 */
static void
test_key_hash_list_without_sha256_fails(void **state)
{
	struct fx	*fx = *state;

	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com",
	    "sha1only", NULL, -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect_not_pass(fx, 0, REASON_KEY_HASH_MISMATCH, "key h=sha1");
}

/* test_key_type_must_match_algorithm - k=ed25519 for a=rsa-sha256 */
static void
test_key_type_must_match_algorithm(void **state)
{
	struct fx	*fx = *state;

	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com", "ed",
	    NULL, -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect_not_pass(fx, 0, REASON_KEY_TYPE_MISMATCH, "rsa sig, ed key");
	sign_with(fx, message, "ed25519-sha256", "relaxed/relaxed",
	    "example.com", "sel", NULL, -1, ed_key, NULL);
	verify(fx, fx->msg, 4096);
	expect_not_pass(fx, 0, REASON_KEY_TYPE_MISMATCH, "ed sig, rsa key");
}

/* test_strict_key_refuses_subdomain_identity - key t=s */
static void
test_strict_key_refuses_subdomain_identity(void **state)
{
	struct fx	*fx = *state;

	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com",
	    "strict", "i=joe@mail.example.com; ", -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect_not_pass(fx, 0, REASON_KEY_STRICT_IDENTITY, "t=s, subdomain");
	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com",
	    "strict", "i=joe@example.com; ", -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "t=s, same domain");
}

/* test_testing_key_passes_and_is_flagged - key t=y */
static void
test_testing_key_passes_and_is_flagged(void **state)
{
	struct fx	*fx = *state;

	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com",
	    "testing", NULL, -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "t=y");
	assert_int_equal(sig_at(fx, 0)->key_testing, 1);
}

/* test_several_key_records_is_an_error - RFC 6376 3.6.2.2 */
static void
test_several_key_records_is_an_error(void **state)
{
	struct fx	*fx = *state;

	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com", "two",
	    NULL, -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect_not_pass(fx, 0, REASON_KEY_MULTIPLE, "two TXT records");
}

/* test_expiry_uses_settings_now - x= against verify_settings.now */
static void
test_expiry_uses_settings_now(void **state)
{
	struct fx	*fx = *state;

	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com", "sel",
	    "t=1699999000; x=1700000500; ", -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "before x=");
	fx->set.now = 1700000501;
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PERMERROR, REASON_SIG_EXPIRED, "after x=");
	assert_int_equal(fake_dns_queries(), 1);
}

/*
 * ---- l= ----
 */

/* test_l_covers_body_and_appended_text_is_flagged - pass, body_extra */
static void
test_l_covers_body_and_appended_text_is_flagged(void **state)
{
	struct fx		*fx = *state;
	const struct verify_sig	*vs;
	const char		*body = strstr(message, "\r\n\r\n") + 4;
	long long		 l = (long long)strlen(body);
	char			 extra[32], *m;

	snprintf(extra, sizeof(extra), "l=%lld; ", l);
	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com", "sel",
	    extra, l, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "l= whole body");
	vs = sig_at(fx, 0);
	assert_true(vs->body_length == l);
	assert_int_equal(vs->body_extra, 0);
	m = malloc(strlen(fx->msg) + 64);
	assert_non_null(m);
	sprintf(m, "%sClick here: http://phish.example/\r\n", fx->msg);
	verify(fx, m, 4096);
	free(m);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "l= with appended text");
	vs = sig_at(fx, 0);
	assert_true(vs->body_length == l);
	assert_int_equal(vs->body_extra, 1);
}

/* test_l_shorter_body_hashes_a_prefix - l= smaller than the body */
static void
test_l_shorter_body_hashes_a_prefix(void **state)
{
	struct fx	*fx = *state;

	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com", "sel",
	    "l=5; ", 5, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "l=5");
	assert_int_equal(sig_at(fx, 0)->body_extra, 1);
}

/* test_l_longer_than_body_fails - the body was truncated */
static void
test_l_longer_than_body_fails(void **state)
{
	struct fx	*fx = *state;

	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com", "sel",
	    "l=5000; ", -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	assert_int_not_equal(sig_at(fx, 0)->result.verdict, VERDICT_PASS);
}

/*
 * ---- roles and message verdicts ----
 */

/* test_roles_and_message_verdicts - author, esp-only, third-party, none */
static void
test_roles_and_message_verdicts(void **state)
{
	struct fx	*fx = *state;

	sign_with(fx, message, NULL, "relaxed/relaxed", "mail.example.com",
	    "sel", NULL, -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "subdomain of From");
	assert_int_equal(sig_at(fx, 0)->role, ROLE_AUTHOR);
	assert_int_equal(verifier_verdict(fx->v), MSG_PASS);

	sign_with(fx, message, NULL, "relaxed/relaxed", "amazonses.com",
	    "sel", NULL, -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "amazonses.com");
	assert_int_equal(sig_at(fx, 0)->role, ROLE_ESP);
	assert_int_equal(verifier_verdict(fx->v), MSG_ESP_ONLY);
	assert_true(verifier_hint(fx->v)[0] != '\0');
	assert_string_equal(msg_verdict_name(MSG_ESP_ONLY), "esp-only");

	sign_with(fx, message, NULL, "relaxed/relaxed", "example.net", "sel",
	    NULL, -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "example.net");
	assert_int_equal(sig_at(fx, 0)->role, ROLE_THIRD_PARTY);
	assert_int_equal(verifier_verdict(fx->v), MSG_THIRD_PARTY);

	verify(fx, message, 4096);
	assert_int_equal(verifier_nsigs(fx->v), 0);
	assert_null(verifier_sig(fx->v, 0));
	assert_int_equal(verifier_verdict(fx->v), MSG_NONE);
	assert_string_equal(msg_verdict_name(MSG_NONE), "none");
}

/* test_esp_list_setting_changes_the_role - EspDomains */
static void
test_esp_list_setting_changes_the_role(void **state)
{
	struct fx	*fx = *state;

	fx->set.esp_domains = "example.net";
	sign_with(fx, message, NULL, "relaxed/relaxed", "example.net", "sel",
	    NULL, -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	assert_int_equal(sig_at(fx, 0)->role, ROLE_ESP);
	assert_int_equal(verifier_verdict(fx->v), MSG_ESP_ONLY);
	sign_with(fx, message, NULL, "relaxed/relaxed", "amazonses.com",
	    "sel", NULL, -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	assert_int_equal(sig_at(fx, 0)->role, ROLE_THIRD_PARTY);
}

/* test_author_pass_wins_over_other_failures - esp fails, author passes */
static void
test_author_pass_wins_over_other_failures(void **state)
{
	struct fx	*fx = *state;
	struct osig	 o;
	char		*esp;

	memset(&o, 0, sizeof(o));
	o.c = "relaxed/relaxed";
	o.d = "amazonses.com";
	o.s = "gone";
	o.h = "from";
	o.l = -1;
	o.key = rsa_key;
	o.md = EVP_sha256();
	esp = osign(message, &o);
	o.d = "example.com";
	o.s = "sel";
	fx->msg = osign(esp, &o);
	free(esp);
	verify(fx, fx->msg, 4096);
	assert_int_equal(verifier_nsigs(fx->v), 2);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "author on top");
	expect(fx, 1, VERDICT_PERMERROR, REASON_KEY_NOT_FOUND, "esp below");
	assert_int_equal(verifier_verdict(fx->v), MSG_PASS);
}

/* test_from_domain_is_found_in_from_forms - addr-spec, name-addr */
static void
test_from_domain_is_found_in_from_forms(void **state)
{
	struct fx	*fx = *state;
	static const struct {
		const char	*from;
		const char	*domain;
	} rows[] = {
		{ "From: joe@Example.COM\r\n", "example.com" },
		{ "From: Joe <joe@example.com>\r\n", "example.com" },
		{ "From: \"Joe @ Work\" <joe@mail.example.org>\r\n",
		  "mail.example.org" },
		{ "From: Joe\r\n <joe@example.com>\r\n", "example.com" },
		{ "From: joe@example.com (Joe)\r\n", "example.com" },
		{ "From: (Joe) joe@example.com\r\n", "example.com" },
		{ "From: undisclosed\r\n", "" },
		/* several mailboxes: no single author domain */
		{ "From: a@example.com, b@example.org\r\n", "" },
	};
	char		 m[256];
	size_t		 i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		snprintf(m, sizeof(m), "%sTo: x@y\r\n\r\nHi.\r\n",
		    rows[i].from);
		verify(fx, m, 4096);
		if (strcmp(verifier_from_domain(fx->v), rows[i].domain) != 0)
			fail_msg("%.*s: from domain \"%s\", want \"%s\"",
			    (int)strlen(rows[i].from) - 2, rows[i].from,
			    verifier_from_domain(fx->v), rows[i].domain);
	}
}

/*
 * ---- several signatures ----
 */

/* test_bad_signatures_do_no_dns_query - rejected before any lookup */
static void
test_bad_signatures_do_no_dns_query(void **state)
{
	struct fx	*fx = *state;
	static const struct {
		const char	*field;
		enum reason	 want;
	} rows[] = {
		{ "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel; "
		  "h=from; b=AAAA\r\n", REASON_SIG_MISSING_TAG },
		{ "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel; "
		  "h=from; bh=!!; b=AAAA\r\n", REASON_SIG_BAD_BASE64 },
		{ "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel; "
		  "h=to; bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=; "
		  "b=AAAA\r\n", REASON_SIG_NO_FROM },
		{ "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel; "
		  "h=from; x=1600000000; "
		  "bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=; "
		  "b=AAAA\r\n", REASON_SIG_EXPIRED },
		{ "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel; "
		  "h=from; i=@example.net; "
		  "bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=; "
		  "b=AAAA\r\n", REASON_SIG_BAD_IDENTITY },
		{ "DKIM-Signature: garbage\r\n", REASON_SIG_SYNTAX },
	};
	char		 m[1024];
	size_t		 i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		fake_dns_reset();
		snprintf(m, sizeof(m), "%s%s", rows[i].field, message);
		verify(fx, m, 4096);
		expect(fx, 0, VERDICT_PERMERROR, rows[i].want,
		    reason_code(rows[i].want));
		if (fake_dns_queries() != 0)
			fail_msg("%s: %zu DNS queries", reason_code(rows[i].want),
			    fake_dns_queries());
		assert_int_equal(verifier_verdict(fx->v), MSG_PERMERROR);
	}
}

/* test_results_follow_header_order - topmost signature first */
static void
test_results_follow_header_order(void **state)
{
	struct fx	*fx = *state;
	struct osig	 o;
	char		*m1, *m2;

	memset(&o, 0, sizeof(o));
	o.c = "relaxed/relaxed";
	o.d = "example.com";
	o.h = "from:to";
	o.l = -1;
	/* bottom: ed25519, passes */
	o.a = "ed25519-sha256";
	o.s = "ed";
	o.key = ed_key;
	m1 = osign(message, &o);
	/* middle: key not found */
	o.a = NULL;
	o.s = "gone";
	o.key = rsa_key;
	o.md = EVP_sha256();
	m2 = osign(m1, &o);
	/* top: broken */
	fx->msg = malloc(strlen(m2) + 64);
	assert_non_null(fx->msg);
	sprintf(fx->msg, "DKIM-Signature: v=1; broken\r\n%s", m2);
	free(m1);
	free(m2);
	verify(fx, fx->msg, 4096);
	assert_int_equal(verifier_nsigs(fx->v), 3);
	expect(fx, 0, VERDICT_PERMERROR, REASON_SIG_SYNTAX, "top");
	expect(fx, 1, VERDICT_PERMERROR, REASON_KEY_NOT_FOUND, "middle");
	expect(fx, 2, VERDICT_PASS, REASON_OK, "bottom");
	assert_string_equal(sig_at(fx, 1)->s, "gone");
	assert_string_equal(sig_at(fx, 2)->s, "ed");
	assert_int_equal(verifier_verdict(fx->v), MSG_PASS);
}

/* test_unparsable_signature_names_nothing - no stale or stray names */
static void
test_unparsable_signature_names_nothing(void **state)
{
	struct fx		*fx = *state;
	const struct verify_sig	*vs;
	static const char m[] =
	    "DKIM-Signature: v=1; a=rsa-sha1; d=example.com; s=sel; h=from; "
	    "bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=; b=AAAA\r\n"
	    "DKIM-Signature: not a tag list\r\n"
	    "DKIM-Signature: v=1; d=example.org; d=example.org\r\n";
	size_t			 i;

	fx->msg = malloc(strlen(m) + strlen(message) + 1);
	assert_non_null(fx->msg);
	sprintf(fx->msg, "%s%s", m, message);
	verify(fx, fx->msg, 4096);
	assert_int_equal(verifier_nsigs(fx->v), 3);
	expect_not_pass(fx, 0, REASON_SIG_SHA1, "rsa-sha1");
	assert_string_equal(sig_at(fx, 0)->d, "example.com");
	expect(fx, 1, VERDICT_PERMERROR, REASON_SIG_SYNTAX, "not a tag list");
	expect(fx, 2, VERDICT_PERMERROR, REASON_SIG_DUP_TAG, "duplicate d=");
	/* the two that never parsed far enough have no d=, s=, a=, b= */
	for (i = 1; i < 3; i++) {
		vs = sig_at(fx, i);
		if (vs->d[0] != '\0' || vs->s[0] != '\0' ||
		    vs->a[0] != '\0' || vs->b8[0] != '\0' ||
		    vs->key_name[0] != '\0')
			fail_msg("signature %zu is reported as d=%.40s s=%.40s "
			    "a=%.20s b=%.8s key %.60s", i, vs->d, vs->s,
			    vs->a, vs->b8, vs->key_name);
	}
	assert_int_equal(fake_dns_queries(), 0);
}

/* sign_n - message with n passing signatures, selectors sel, s2, s3 */
static char *
sign_n(size_t n)
{
	static const char *const sels[] = { "sel", "s2", "s3" };
	struct osig	 o;
	char		*m, *prev;
	size_t		 i;

	memset(&o, 0, sizeof(o));
	o.c = "relaxed/relaxed";
	o.d = "example.com";
	o.h = "from:subject";
	o.l = -1;
	o.key = rsa_key;
	o.md = EVP_sha256();
	assert_non_null(m = strdup(message));
	for (i = 0; i < n; i++) {
		o.s = sels[i % 3];
		prev = m;
		m = osign(prev, &o);
		free(prev);
	}
	return m;
}

/* test_max_signatures_exceeded_is_too_many - the extra get no work */
static void
test_max_signatures_exceeded_is_too_many(void **state)
{
	struct fx	*fx = *state;

	fx->set.max_signatures = 2;
	fx->msg = sign_n(3);
	verify(fx, fx->msg, 4096);
	assert_int_equal(verifier_nsigs(fx->v), 3);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "first");
	expect(fx, 1, VERDICT_PASS, REASON_OK, "second");
	expect_not_pass(fx, 2, REASON_SIG_TOO_MANY, "third");
	assert_int_equal(fake_dns_queries(), 2);
	assert_int_equal(verifier_verdict(fx->v), MSG_PASS);
}

/* test_default_max_signatures_is_eight - VERIFY_MAX_SIGNATURES */
static void
test_default_max_signatures_is_eight(void **state)
{
	struct fx	*fx = *state;
	size_t		 i;

	fx->msg = sign_n(VERIFY_MAX_SIGNATURES + 1);
	verify(fx, fx->msg, 4096);
	assert_int_equal(verifier_nsigs(fx->v), VERIFY_MAX_SIGNATURES + 1);
	for (i = 0; i < VERIFY_MAX_SIGNATURES; i++)
		expect(fx, i, VERDICT_PASS, REASON_OK, "within the default");
	expect_not_pass(fx, VERIFY_MAX_SIGNATURES, REASON_SIG_TOO_MANY,
	    "ninth");
	assert_int_equal(fake_dns_queries(), VERIFY_MAX_SIGNATURES);
}

/*
 * ---- the key cache (lib/keycache.h) ----
 */

/* use_cache - fx gets a resolver that caches, and so a key cache */
static struct keycache *
use_cache(struct fx *fx)
{
	struct dns_settings	 ds;
	struct keycache		*kc;

	dns_resolver_free(fx->dns);
	memset(&ds, 0, sizeof(ds));
	ds.nameservers = "127.0.0.1";
	assert_non_null(fx->dns = dns_resolver_new(&ds, NULL));
	fx->set.dns = fx->dns;
	assert_non_null(kc = dns_resolver_keycache(fx->dns));
	return kc;
}

/* cache_counts - hits and misses so far */
static void
cache_counts(struct keycache *kc, unsigned long hits, unsigned long misses)
{
	unsigned long	 h, m;

	keycache_stats(kc, &h, &m, NULL);
	if (h != hits || m != misses)
		fail_msg("key cache: %lu hits, %lu misses; want %lu, %lu", h,
		    m, hits, misses);
}

/*
 * test_cached_key_used_across_messages - the second and third messages
 * take the parsed key from the cache (no query, no job on the pool), and
 * a cached key still fails a tampered body
 */
static void
test_cached_key_used_across_messages(void **state)
{
	struct fx		*fx = *state;
	struct keycache		*kc = use_cache(fx);
	struct lookup_pool	*pool;
	struct errbuf		 err;
	char			*bad;
	unsigned int		 bits;

	assert_non_null(pool = lookup_pool_new(2, &err));
	fx->set.pool = pool;
	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com", "sel",
	    NULL, -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 7);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "first message");
	bits = sig_at(fx, 0)->key_bits;
	assert_true(bits >= 1024);
	cache_counts(kc, 0, 1);
	assert_int_equal(fake_dns_queries(), 1);
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "second message");
	assert_int_equal(sig_at(fx, 0)->key_bits, bits);
	cache_counts(kc, 1, 1);
	bad = replace(fx->msg, "hungry", "angry");
	verify(fx, bad, 4096);
	free(bad);
	expect(fx, 0, VERDICT_FAIL, REASON_BODY_HASH_MISMATCH,
	    "tampered, cached key");
	cache_counts(kc, 2, 1);
	assert_int_equal(fake_dns_queries(), 1);
	/* the cached key outlives the verifiers that used it */
	verifier_free(fx->v);
	fx->v = NULL;
	lookup_pool_free(pool);
	fx->set.pool = NULL;
}

/* test_cached_negative_answer - NXDOMAIN kept, hint probes not redone */
static void
test_cached_negative_answer(void **state)
{
	struct fx	*fx = *state;
	struct keycache	*kc = use_cache(fx);
	size_t		 q;
	char		 detail[sizeof(sig_at(fx, 0)->result.detail)];

	sign_with(fx, message, NULL, NULL, "example.com", "gone", NULL, -1,
	    rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PERMERROR, REASON_KEY_NOT_FOUND, "first");
	snprintf(detail, sizeof(detail), "%s", sig_at(fx, 0)->result.detail);
	q = fake_dns_queries();
	assert_true(q >= 1);
	cache_counts(kc, 0, 1);
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PERMERROR, REASON_KEY_NOT_FOUND, "second");
	assert_string_equal(sig_at(fx, 0)->result.detail, detail);
	cache_counts(kc, 1, 1);
	assert_int_equal(fake_dns_queries(), q);
}

/* test_dns_failure_not_cached - SERVFAIL is asked again next time */
static void
test_dns_failure_not_cached(void **state)
{
	struct fx	*fx = *state;
	struct keycache	*kc = use_cache(fx);

	sign_with(fx, message, NULL, NULL, "example.com", "broken", NULL, -1,
	    rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_TEMPERROR, REASON_KEY_DNS_ERROR, "first");
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_TEMPERROR, REASON_KEY_DNS_ERROR, "second");
	cache_counts(kc, 0, 2);
	assert_int_equal(fake_dns_queries(), 2);
}

/* test_verifier_needs_a_resolver - settings without dns */
static void
test_verifier_needs_a_resolver(void **state)
{
	struct verify_settings	 s;
	struct errbuf		 err;

	(void)state;
	memset(&s, 0, sizeof(s));
	errbuf_clear(&err);
	assert_null(verifier_new(&s, &err));
	assert_true(err.msg[0] != '\0');
	verifier_free(NULL);
}

/* test_verdict_names - the words of verdict lines */
static void
test_verdict_names(void **state)
{
	(void)state;
	assert_string_equal(msg_verdict_name(MSG_PASS), "pass");
	assert_string_equal(msg_verdict_name(MSG_THIRD_PARTY), "third-party");
	assert_string_equal(msg_verdict_name(MSG_FAIL), "fail");
	assert_string_equal(verdict_name(VERDICT_TEMPERROR), "temperror");
	assert_string_equal(verdict_name(VERDICT_PERMERROR), "permerror");
}

/*
 * ---- mail that attacks the verifier (issue 8) ----
 */

/* test_quoted_from_domain_has_no_author - item 3: ceo@"x".com */
static void
test_quoted_from_domain_has_no_author(void **state)
{
	struct fx	*fx = *state;
	char		*m;

	m = replace(message, "From: Joe SixPack <joe@example.com>",
	    "From: Boss <ceo@\"x\".com>");
	sign_with(fx, m, NULL, "relaxed/relaxed", "qqq.com", "sel", NULL, -1,
	    rsa_key, EVP_sha256());
	free(m);
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "d=qqq.com");
	assert_string_equal(verifier_from_domain(fx->v), "");
	assert_int_not_equal(sig_at(fx, 0)->role, ROLE_AUTHOR);
	assert_int_not_equal(verifier_verdict(fx->v), MSG_PASS);
	assert_int_equal(verifier_from_reason(fx->v), REASON_FROM_UNPARSABLE);
	assert_non_null(strstr(verifier_hint(fx->v), "From"));
}

/* test_several_from_fields_have_no_author - item 4, RFC 6376 8.15 */
static void
test_several_from_fields_have_no_author(void **state)
{
	struct fx	*fx = *state;
	char		*m;

	/* signed with From once in h= (not oversigned), as SES signs */
	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com", "sel",
	    NULL, -1, rsa_key, EVP_sha256());
	m = malloc(strlen(fx->msg) + 64);
	assert_non_null(m);
	sprintf(m, "From: CEO <ceo@example.com>\r\n%s", fx->msg);
	verify(fx, m, 4096);
	free(m);
	/* the signature itself still verifies: h= picks the bottom From */
	expect(fx, 0, VERDICT_PASS, REASON_OK, "signature");
	assert_int_not_equal(sig_at(fx, 0)->role, ROLE_AUTHOR);
	assert_int_not_equal(verifier_verdict(fx->v), MSG_PASS);
	assert_string_equal(verifier_from_domain(fx->v), "");
	assert_int_equal(verifier_from_reason(fx->v), REASON_FROM_MULTIPLE);
	assert_non_null(strstr(verifier_hint(fx->v), "several From"));
}

/* test_selector_over_127_is_permerror_not_cut - item 5 */
static void
test_selector_over_127_is_permerror_not_cut(void **state)
{
	struct fx	*fx = *state;

	/* the key exists at the first 127 octets of s= only */
	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com",
	    S127 "x", NULL, -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PERMERROR, REASON_SIG_TAG_TOO_LONG, "s= 128");
	assert_string_equal(sig_at(fx, 0)->s, "");
	assert_string_equal(sig_at(fx, 0)->key_name, "");
	assert_int_equal(fake_dns_queries(), 0);
	assert_int_equal(verifier_verdict(fx->v), MSG_PERMERROR);
}

/* test_overlong_d_and_a_are_permerror_not_cut - item 5 */
static void
test_overlong_d_and_a_are_permerror_not_cut(void **state)
{
	struct fx	*fx = *state;

	sign_with(fx, message, "rsa-sha256" L60, "relaxed/relaxed",
	    "example.com", "sel", NULL, -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PERMERROR, REASON_SIG_TAG_TOO_LONG, "a= 70");
	assert_string_equal(sig_at(fx, 0)->a, "");
	sign_with(fx, message, NULL, "relaxed/relaxed",
	    L60 "." L60 "." L60 "." L60 ".xx.example.com", "sel", NULL, -1,
	    rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PERMERROR, REASON_SIG_TAG_TOO_LONG, "d= 258");
	assert_string_equal(sig_at(fx, 0)->d, "");
}

/* test_key_name_over_253_is_permerror_not_dns_error - item 5 */
static void
test_key_name_over_253_is_permerror_not_dns_error(void **state)
{
	struct fx	*fx = *state;
	char		*m;

	/* s= 121 and d= 125 octets fit their fields; the name is 258 */
	m = replace(message, "joe@example.com>", "joe@" L60 "." L60 ".com>");
	sign_with(fx, m, NULL, "relaxed/relaxed", L60 "." L60 ".com",
	    L60 "." L60, NULL, -1, rsa_key, EVP_sha256());
	free(m);
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PERMERROR, REASON_KEY_NAME_TOO_LONG, "258");
	assert_int_equal(sig_at(fx, 0)->role, ROLE_AUTHOR);
	assert_int_equal(verifier_verdict(fx->v), MSG_PERMERROR);
	assert_int_equal(fake_dns_queries(), 0);
}

/* test_q_is_a_list_matched_exactly - item 8: q=xdns/txty */
static void
test_q_is_a_list_matched_exactly(void **state)
{
	struct fx	*fx = *state;

	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com", "sel",
	    "q=xdns/txty; ", -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PERMERROR, REASON_SIG_BAD_QUERY, "xdns/txty");
	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com", "sel",
	    "q=other/x : dns/txt; ", -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PASS, REASON_OK, "list with dns/txt");
}

/* test_nul_in_key_record_is_key_nul - item 8: not cut at the NUL */
static void
test_nul_in_key_record_is_key_nul(void **state)
{
	struct fx	*fx = *state;

	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com", "nul",
	    NULL, -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PERMERROR, REASON_KEY_NUL, "NUL");
}

/* test_revoked_key_is_permerror - item 8: RFC 6376 6.1.2, RFC 8601 */
static void
test_revoked_key_is_permerror(void **state)
{
	struct fx	*fx = *state;

	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com",
	    "revoked", NULL, -1, rsa_key, EVP_sha256());
	verify(fx, fx->msg, 4096);
	expect(fx, 0, VERDICT_PERMERROR, REASON_KEY_REVOKED, "revoked");
	assert_int_equal(verifier_verdict(fx->v), MSG_PERMERROR);
}

/* test_testing_key_failure_is_no_better_than_unsigned - RFC 6376 3.6.1 */
static void
test_testing_key_failure_is_no_better_than_unsigned(void **state)
{
	struct fx	*fx = *state;
	char		*m;

	sign_with(fx, message, NULL, "relaxed/relaxed", "example.com",
	    "testing", NULL, -1, rsa_key, EVP_sha256());
	m = replace(fx->msg, "We lost", "We won ");
	verify(fx, m, 4096);
	free(m);
	expect(fx, 0, VERDICT_FAIL, REASON_BODY_HASH_MISMATCH, "t=y");
	assert_int_equal(sig_at(fx, 0)->key_testing, 1);
	/* the verdict unsigned mail gets: OnNoSignature, never gentler */
	assert_int_equal(verifier_verdict(fx->v), MSG_NONE);
	assert_non_null(strstr(verifier_hint(fx->v), "t=y"));
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_rsa_sha256_signature_passes),
		T(test_ed25519_sha256_signature_passes),
		T(test_every_canonicalization_pair_passes),
		T(test_body_fed_byte_by_byte_passes),
		T(test_lf_only_message_passes),
		T(test_key_through_cname_passes),
		T(test_header_names_case_insensitive_in_h),
		T(test_unsigned_header_added_later_passes),
		T(test_relaxed_header_survives_refolding),
		T(test_relaxed_body_survives_whitespace_changes),
		T(test_body_changed_is_body_hash_mismatch),
		T(test_signed_header_changed_is_signature_mismatch),
		T(test_signature_tag_changed_is_signature_mismatch),
		T(test_from_added_above_an_oversigned_from_fails),
		T(test_key_nxdomain_is_key_not_found),
		T(test_cached_key_used_across_messages),
		T(test_cached_negative_answer),
		T(test_dns_failure_not_cached),
		T(test_key_dns_failure_is_temperror),
		T(test_duplicated_apex_gets_a_hint),
		T(test_revoked_key_never_passes),
		T(test_rsa_sha1_never_passes),
		T(test_rsa_512_key_never_passes),
		T(test_minimum_key_bits_setting),
		T(test_key_hash_list_without_sha256_fails),
		T(test_key_type_must_match_algorithm),
		T(test_strict_key_refuses_subdomain_identity),
		T(test_testing_key_passes_and_is_flagged),
		T(test_several_key_records_is_an_error),
		T(test_expiry_uses_settings_now),
		T(test_l_covers_body_and_appended_text_is_flagged),
		T(test_l_shorter_body_hashes_a_prefix),
		T(test_l_longer_than_body_fails),
		T(test_roles_and_message_verdicts),
		T(test_esp_list_setting_changes_the_role),
		T(test_author_pass_wins_over_other_failures),
		T(test_from_domain_is_found_in_from_forms),
		T(test_bad_signatures_do_no_dns_query),
		T(test_results_follow_header_order),
		T(test_unparsable_signature_names_nothing),
		T(test_max_signatures_exceeded_is_too_many),
		T(test_default_max_signatures_is_eight),
		T(test_verifier_needs_a_resolver),
		T(test_verdict_names),
		T(test_quoted_from_domain_has_no_author),
		T(test_several_from_fields_have_no_author),
		T(test_selector_over_127_is_permerror_not_cut),
		T(test_overlong_d_and_a_are_permerror_not_cut),
		T(test_key_name_over_253_is_permerror_not_dns_error),
		T(test_q_is_a_list_matched_exactly),
		T(test_nul_in_key_record_is_key_nul),
		T(test_revoked_key_is_permerror),
		T(test_testing_key_failure_is_no_better_than_unsigned),
	};

	return cmocka_run_group_tests_name("verify", tests, group_setup,
	    group_teardown);
}
