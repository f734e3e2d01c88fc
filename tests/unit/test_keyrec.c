/*
 * test_keyrec - DKIM key records (lib/keyrec.h, RFC 6376 3.6.1, RFC 8463)
 *
 * Keys are made once per run with EVP_PKEY_Q_keygen (RSA 1024 and 512,
 * Ed25519) and published in records built per row; the RFC 8463 A.2
 * records are used as printed.  Rejections assert the reason code.
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
#include <openssl/x509.h>

#include "lib/b64.h"
#include "lib/keyrec.h"
#include "lib/reason.h"
#include "lib/verdict.h"

/* RFC 8463 A.2, the character-strings joined as lib/dnspkt.c joins them */
#define RFC8463_ED25519	"v=DKIM1; k=ed25519; " \
	"p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
#define RFC8463_RSA	"v=DKIM1; k=rsa; " \
	"p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWR" \
	"iGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutAC" \
	"DfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3" \
	"Ip3G+2kryOTIKT+l/K4w3QIDAQAB"

/* Public keys of this run, base64, made by group_setup. */
static char	 rsa1024[400];		/* SubjectPublicKeyInfo */
static char	 rsa1024_pkcs1[400];	/* bare RSAPublicKey */
static char	 rsa512[200];		/* SubjectPublicKeyInfo, "==" end */
static char	 ed25519[64];		/* raw 32 bytes, one "=" */
static char	 ed25519_33[64];	/* 33 bytes: not a key */
static char	 rsa_junk[400];		/* SPKI plus a trailing byte */

struct fx {
	struct keyrec		*kr;
	struct verdict_result	 r;
	char			 rec[1024];
};

/* pub_b64 - base64 of a key's SPKI (spki 1) or its bare form */
static int
pub_b64(EVP_PKEY *k, int spki, int extra_byte, char *out)
{
	unsigned char	*der = NULL, buf[1024];
	int		 n;

	n = spki ? i2d_PUBKEY(k, &der) : i2d_PublicKey(k, &der);
	if (n <= 0 || (size_t)n + 1 > sizeof(buf))
		return -1;
	memcpy(buf, der, (size_t)n);
	OPENSSL_free(der);
	if (extra_byte)
		buf[n++] = 0;
	b64_encode(buf, (size_t)n, out);
	return 0;
}

/* group_setup - make this run's keys */
static int
group_setup(void **state)
{
	EVP_PKEY	*r1 = NULL, *r5 = NULL, *ed = NULL;
	unsigned char	 raw[33];
	size_t		 rawlen = 32;
	int		 rc = -1;

	(void)state;
	if ((r1 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024)) == NULL ||
	    (r5 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)512)) == NULL ||
	    (ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) == NULL)
		goto done;
	if (pub_b64(r1, 1, 0, rsa1024) == -1 ||
	    pub_b64(r1, 0, 0, rsa1024_pkcs1) == -1 ||
	    pub_b64(r1, 1, 1, rsa_junk) == -1 ||
	    pub_b64(r5, 1, 0, rsa512) == -1 ||
	    EVP_PKEY_get_raw_public_key(ed, raw, &rawlen) != 1 || rawlen != 32)
		goto done;
	b64_encode(raw, 32, ed25519);
	raw[32] = 7;
	b64_encode(raw, 33, ed25519_33);
	rc = 0;
done:
	EVP_PKEY_free(r1);
	EVP_PKEY_free(r5);
	EVP_PKEY_free(ed);
	return rc;
}

/* setup - nothing parsed */
static int
setup(void **state)
{
	static struct fx	 fx;

	memset(&fx, 0, sizeof(fx));
	*state = &fx;
	return 0;
}

/* teardown - free the record */
static int
teardown(void **state)
{
	struct fx	*fx = *state;

	keyrec_free(fx->kr);
	fx->kr = NULL;
	return 0;
}

/* parse_ok - parse fx->rec, failing the test with the reason if refused */
static void
parse_ok(struct fx *fx, const char *label)
{
	keyrec_free(fx->kr);
	fx->kr = NULL;
	if (keyrec_parse(fx->rec, &fx->kr, &fx->r) != 0)
		fail_msg("%s: refused: %s (%s)", label,
		    reason_code(fx->r.reason), fx->r.detail);
	assert_non_null(fx->kr);
}

/* parse_bad - parse fx->rec, expecting a permerror with reason want */
static void
parse_bad(struct fx *fx, const char *label, enum reason want,
    enum reason also)
{
	keyrec_free(fx->kr);
	fx->kr = (struct keyrec *)fx;	/* must be reset to NULL */
	if (keyrec_parse(fx->rec, &fx->kr, &fx->r) != -1) {
		fail_msg("%s: accepted", label);
	}
	if (fx->kr != NULL) {
		fx->kr = NULL;
		fail_msg("%s: *out not NULL on failure", label);
	}
	if (fx->r.verdict != VERDICT_PERMERROR)
		fail_msg("%s: verdict %s, want permerror", label,
		    verdict_name(fx->r.verdict));
	if (fx->r.reason != want &&
	    (also == REASON_OK || fx->r.reason != also))
		fail_msg("%s: reason %s (%s), want %s", label,
		    reason_code(fx->r.reason), fx->r.detail,
		    reason_code(want));
}

/* test_rsa_record_parses - RSA 1024 SPKI, defaults */
static void
test_rsa_record_parses(void **state)
{
	struct fx	*fx = *state;

	snprintf(fx->rec, sizeof(fx->rec), "v=DKIM1; k=rsa; p=%s", rsa1024);
	parse_ok(fx, "rsa");
	assert_int_equal(fx->kr->type, KEYREC_RSA);
	assert_non_null(fx->kr->pkey);
	assert_int_equal(EVP_PKEY_get_base_id(fx->kr->pkey), EVP_PKEY_RSA);
	assert_int_equal(fx->kr->bits, 1024);
	assert_int_equal(fx->kr->testing, 0);
	assert_int_equal(fx->kr->strict, 0);
	assert_int_equal(fx->kr->sha256_ok, 1);
	assert_int_equal(fx->kr->revoked, 0);
}

/* test_p_alone_defaults_to_rsa - v= and k= are optional */
static void
test_p_alone_defaults_to_rsa(void **state)
{
	struct fx	*fx = *state;

	snprintf(fx->rec, sizeof(fx->rec), "p=%s", rsa1024);
	parse_ok(fx, "p only");
	assert_int_equal(fx->kr->type, KEYREC_RSA);
	assert_int_equal(fx->kr->bits, 1024);
}

/* test_bare_rsapublickey_is_accepted - some publish PKCS#1 */
static void
test_bare_rsapublickey_is_accepted(void **state)
{
	struct fx	*fx = *state;

	snprintf(fx->rec, sizeof(fx->rec), "v=DKIM1; p=%s", rsa1024_pkcs1);
	parse_ok(fx, "pkcs1");
	assert_int_equal(fx->kr->bits, 1024);
}

/* test_rsa_512_parses_with_its_size - the verifier refuses it later */
static void
test_rsa_512_parses_with_its_size(void **state)
{
	struct fx	*fx = *state;

	snprintf(fx->rec, sizeof(fx->rec), "v=DKIM1; k=rsa; p=%s", rsa512);
	parse_ok(fx, "rsa 512");
	assert_int_equal(fx->kr->bits, 512);
}

/* test_ed25519_record_parses - RFC 8463 4.2: raw 32-byte key */
static void
test_ed25519_record_parses(void **state)
{
	struct fx	*fx = *state;

	snprintf(fx->rec, sizeof(fx->rec), "v=DKIM1; k=ed25519; p=%s",
	    ed25519);
	parse_ok(fx, "ed25519");
	assert_int_equal(fx->kr->type, KEYREC_ED25519);
	assert_int_equal(EVP_PKEY_get_base_id(fx->kr->pkey), EVP_PKEY_ED25519);
	assert_int_equal(fx->kr->revoked, 0);
}

/* test_rfc8463_records_parse - A.2 as published, strings joined */
static void
test_rfc8463_records_parse(void **state)
{
	struct fx	*fx = *state;

	snprintf(fx->rec, sizeof(fx->rec), "%s", RFC8463_ED25519);
	parse_ok(fx, "rfc8463 brisbane");
	assert_int_equal(fx->kr->type, KEYREC_ED25519);
	snprintf(fx->rec, sizeof(fx->rec), "%s", RFC8463_RSA);
	parse_ok(fx, "rfc8463 test");
	assert_int_equal(fx->kr->type, KEYREC_RSA);
	assert_int_equal(fx->kr->bits, 1024);
}

/* test_whitespace_inside_p_is_ignored - FWS as in a folded zone file */
static void
test_whitespace_inside_p_is_ignored(void **state)
{
	struct fx	*fx = *state;
	char		 spaced[600];
	size_t		 i, o = 0;

	for (i = 0; rsa1024[i] != '\0'; i++) {
		spaced[o++] = rsa1024[i];
		if (i % 40 == 39) {
			memcpy(spaced + o, "\r\n\t ", 4);
			o += 4;
		}
	}
	spaced[o] = '\0';
	snprintf(fx->rec, sizeof(fx->rec), "v=DKIM1; k=rsa; p= %s ", spaced);
	parse_ok(fx, "spaced p=");
	assert_int_equal(fx->kr->bits, 1024);
}

/* test_revoked_key_parses_as_revoked - RFC 6376 3.6.1 empty p= */
static void
test_revoked_key_parses_as_revoked(void **state)
{
	struct fx	*fx = *state;
	static const char *const rows[] = { "v=DKIM1; p=", "v=DKIM1; k=rsa; p=;",
	    "v=DKIM1; p= \t", "p=", "v=DKIM1; k=ed25519; p=" };
	size_t		 i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		snprintf(fx->rec, sizeof(fx->rec), "%s", rows[i]);
		parse_ok(fx, rows[i]);
		if (!fx->kr->revoked || fx->kr->pkey != NULL)
			fail_msg("\"%s\": revoked %d, pkey %p", rows[i],
			    fx->kr->revoked, (void *)fx->kr->pkey);
	}
}

/* test_flags_hash_and_service_lists - t=, h=, s= */
static void
test_flags_hash_and_service_lists(void **state)
{
	struct fx	*fx = *state;
	static const struct {
		const char	*tags;
		int		 testing, strict, sha256_ok;
	} rows[] = {
		{ "t=y", 1, 0, 1 },
		{ "t=s", 0, 1, 1 },
		{ "t=y:s", 1, 1, 1 },
		{ "t= s : y ", 1, 1, 1 },
		{ "t=x", 0, 0, 1 },		/* unknown flags are ignored */
		{ "h=sha256", 0, 0, 1 },
		{ "h=sha1:sha256", 0, 0, 1 },
		{ "h=sha1", 0, 0, 0 },
		{ "h=sha512", 0, 0, 0 },
		{ "s=email", 0, 0, 1 },
		{ "s=*", 0, 0, 1 },
		{ "s=other:email", 0, 0, 1 },
		{ "n=a note; g=*", 0, 0, 1 },	/* unknown tags ignored */
	};
	size_t		 i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		snprintf(fx->rec, sizeof(fx->rec), "v=DKIM1; %s; p=%s",
		    rows[i].tags, rsa1024);
		parse_ok(fx, rows[i].tags);
		if (fx->kr->testing != rows[i].testing ||
		    fx->kr->strict != rows[i].strict ||
		    fx->kr->sha256_ok != rows[i].sha256_ok)
			fail_msg("%s: testing %d strict %d sha256_ok %d",
			    rows[i].tags, fx->kr->testing, fx->kr->strict,
			    fx->kr->sha256_ok);
	}
}

/* test_rejects_bad_records - one row per defect */
static void
test_rejects_bad_records(void **state)
{
	struct fx	*fx = *state;
	char		 nopad[400];
	size_t		 n;

	snprintf(fx->rec, sizeof(fx->rec), "v=DKIM2; p=%s", rsa1024);
	parse_bad(fx, "v=DKIM2", REASON_KEY_BAD_VERSION, REASON_OK);
	snprintf(fx->rec, sizeof(fx->rec), "v=dkim1; p=%s", rsa1024);
	parse_bad(fx, "v= lowercase", REASON_KEY_BAD_VERSION, REASON_OK);
	snprintf(fx->rec, sizeof(fx->rec), "k=rsa; v=DKIM1; p=%s", rsa1024);
	parse_bad(fx, "v= not first", REASON_KEY_BAD_VERSION, REASON_OK);
	snprintf(fx->rec, sizeof(fx->rec), "p=%s; v=DKIM1", rsa1024);
	parse_bad(fx, "v= last", REASON_KEY_BAD_VERSION, REASON_OK);
	snprintf(fx->rec, sizeof(fx->rec), "v=DKIM1; k=dsa; p=%s", rsa1024);
	parse_bad(fx, "unknown k=", REASON_KEY_BAD_KEY,
	    REASON_KEY_TYPE_MISMATCH);
	snprintf(fx->rec, sizeof(fx->rec), "v=DKIM1; s=other; p=%s", rsa1024);
	parse_bad(fx, "s= excludes email", REASON_KEY_SERVICE, REASON_OK);
	snprintf(fx->rec, sizeof(fx->rec), "v=DKIM1; k=rsa; p=MIGf!A0G");
	parse_bad(fx, "bad base64 in p=", REASON_KEY_BAD_BASE64, REASON_OK);
	snprintf(fx->rec, sizeof(fx->rec), "v=DKIM1; k=rsa; p=\"%s\"",
	    rsa1024);
	parse_bad(fx, "quotes around p=", REASON_KEY_BAD_BASE64, REASON_OK);
	/* the seeds' missing '=': the last character lost in copying */
	n = strlen(ed25519);
	snprintf(nopad, sizeof(nopad), "%.*s", (int)(n - 1), ed25519);
	snprintf(fx->rec, sizeof(fx->rec), "v=DKIM1; k=ed25519; p=%s", nopad);
	parse_bad(fx, "ed25519 p= without its '='", REASON_KEY_BAD_BASE64,
	    REASON_OK);
	n = strlen(rsa512);
	snprintf(nopad, sizeof(nopad), "%.*s", (int)(n - 2), rsa512);
	snprintf(fx->rec, sizeof(fx->rec), "v=DKIM1; k=rsa; p=%s", nopad);
	parse_bad(fx, "rsa p= without its '=='", REASON_KEY_BAD_BASE64,
	    REASON_OK);
	n = strlen(rsa1024);
	snprintf(fx->rec, sizeof(fx->rec), "v=DKIM1; k=rsa; p=%.*s",
	    (int)(n - 4), rsa1024);
	parse_bad(fx, "rsa p= truncated by a quantum", REASON_KEY_BAD_KEY,
	    REASON_OK);
	snprintf(fx->rec, sizeof(fx->rec), "v=DKIM1; p=AAAAAAAA");
	parse_bad(fx, "p= not a key", REASON_KEY_BAD_KEY, REASON_OK);
	snprintf(fx->rec, sizeof(fx->rec), "v=DKIM1; p=%s", rsa_junk);
	parse_bad(fx, "p= key with trailing junk", REASON_KEY_BAD_KEY,
	    REASON_OK);
	snprintf(fx->rec, sizeof(fx->rec), "v=DKIM1; k=ed25519; p=%s",
	    ed25519_33);
	parse_bad(fx, "ed25519 p= of 33 bytes", REASON_KEY_BAD_KEY, REASON_OK);
	snprintf(fx->rec, sizeof(fx->rec), "v=DKIM1; k=ed25519; p=%s",
	    rsa1024);
	parse_bad(fx, "k=ed25519 with an RSA key", REASON_KEY_BAD_KEY,
	    REASON_OK);
	snprintf(fx->rec, sizeof(fx->rec), "v=DKIM1; k=rsa; p=%s", ed25519);
	parse_bad(fx, "k=rsa with an ed25519 key", REASON_KEY_BAD_KEY,
	    REASON_OK);
	snprintf(fx->rec, sizeof(fx->rec), "v=DKIM1; k=rsa");
	parse_bad(fx, "no p=", REASON_KEY_SYNTAX, REASON_OK);
	snprintf(fx->rec, sizeof(fx->rec), "%s", "");
	parse_bad(fx, "empty record", REASON_KEY_SYNTAX, REASON_OK);
	snprintf(fx->rec, sizeof(fx->rec), "v=DKIM1; garbage; p=%s", rsa1024);
	parse_bad(fx, "not a tag list", REASON_KEY_SYNTAX, REASON_OK);
	snprintf(fx->rec, sizeof(fx->rec), "v=DKIM1; p=%s; p=%s", rsa1024,
	    rsa1024);
	parse_bad(fx, "duplicate p=", REASON_KEY_SYNTAX, REASON_OK);
	snprintf(fx->rec, sizeof(fx->rec), "v=spf1 include:example.com ~all");
	parse_bad(fx, "an SPF record at the selector", REASON_KEY_SYNTAX,
	    REASON_KEY_BAD_VERSION);
}

/* test_free_null_is_safe - NULL allowed */
static void
test_free_null_is_safe(void **state)
{
	(void)state;
	keyrec_free(NULL);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_rsa_record_parses),
		T(test_p_alone_defaults_to_rsa),
		T(test_bare_rsapublickey_is_accepted),
		T(test_rsa_512_parses_with_its_size),
		T(test_ed25519_record_parses),
		T(test_rfc8463_records_parse),
		T(test_whitespace_inside_p_is_ignored),
		T(test_revoked_key_parses_as_revoked),
		T(test_flags_hash_and_service_lists),
		T(test_rejects_bad_records),
		T(test_free_null_is_safe),
	};

	return cmocka_run_group_tests_name("keyrec", tests, group_setup,
	    NULL);
}
