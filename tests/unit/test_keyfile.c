/*
 * test_keyfile - key decoding, the SES BYODKIM verdicts, the public key
 * forms and key files (lib/keyfile.c)
 *
 * Keys are generated once per run with OpenSSL's EVP API and encoded in
 * every form the tests need; damaged forms are made from those bytes.
 * The table tests assert the exact set of problems for each input.
 */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include "lib/errbuf.h"
#include "lib/keyfile.h"

struct blob {
	unsigned char	*p;
	size_t		 len;
};

static EVP_PKEY	*rsa1024, *rsa512, *ed, *ec;

/* encode - pkey in output ("DER"/"PEM") and structure, as a blob */
static struct blob
encode(EVP_PKEY *pkey, int selection, const char *output,
    const char *structure, const char *cipher)
{
	OSSL_ENCODER_CTX	*ctx;
	struct blob		 b = { NULL, 0 };

	ctx = OSSL_ENCODER_CTX_new_for_pkey(pkey, selection, output,
	    structure, NULL);
	assert_non_null(ctx);
	if (cipher != NULL) {
		assert_int_equal(OSSL_ENCODER_CTX_set_cipher(ctx, cipher,
		    NULL), 1);
		assert_int_equal(OSSL_ENCODER_CTX_set_passphrase(ctx,
		    (const unsigned char *)"secret", 6), 1);
	}
	assert_int_equal(OSSL_ENCODER_to_data(ctx, &b.p, &b.len), 1);
	OSSL_ENCODER_CTX_free(ctx);
	return b;
}

/* b64 - one-line base64 of a blob, as a blob without the NUL */
static struct blob
b64(struct blob in)
{
	struct blob	 b;

	b.p = malloc(4 * ((in.len + 2) / 3) + 1);
	assert_non_null(b.p);
	b.len = (size_t)EVP_EncodeBlock(b.p, in.p, (int)in.len);
	return b;
}

/* cat - a + b (either may be NULL/0) as a new blob */
static struct blob
cat(const void *a, size_t alen, const void *bp, size_t blen)
{
	struct blob	 b;

	b.p = malloc(alen + blen + 1);
	assert_non_null(b.p);
	if (alen > 0)
		memcpy(b.p, a, alen);
	if (blen > 0)
		memcpy(b.p + alen, bp, blen);
	b.len = alen + blen;
	return b;
}

static void
blob_free(struct blob *b)
{
	OPENSSL_free(b->p);
	b->p = NULL;
}

/* inconsistent - rsa1024's numbers with e changed: d*e != 1 mod lambda */
static EVP_PKEY *
inconsistent(void)
{
	static const char *const names[] = { OSSL_PKEY_PARAM_RSA_N,
	    OSSL_PKEY_PARAM_RSA_D, OSSL_PKEY_PARAM_RSA_FACTOR1,
	    OSSL_PKEY_PARAM_RSA_FACTOR2, OSSL_PKEY_PARAM_RSA_EXPONENT1,
	    OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1 };
	OSSL_PARAM_BLD	*bld;
	OSSL_PARAM	*params;
	EVP_PKEY_CTX	*ctx;
	EVP_PKEY	*pkey = NULL;
	BIGNUM		*bn[7], *e;
	size_t		 i;

	assert_non_null(bld = OSSL_PARAM_BLD_new());
	for (i = 0; i < 7; i++) {
		bn[i] = NULL;
		assert_int_equal(EVP_PKEY_get_bn_param(rsa1024, names[i],
		    &bn[i]), 1);
		assert_int_equal(OSSL_PARAM_BLD_push_BN(bld, names[i], bn[i]),
		    1);
	}
	assert_non_null(e = BN_new());
	assert_int_equal(BN_set_word(e, 65539), 1);
	assert_int_equal(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E,
	    e), 1);
	assert_non_null(params = OSSL_PARAM_BLD_to_param(bld));
	assert_non_null(ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL));
	assert_int_equal(EVP_PKEY_fromdata_init(ctx), 1);
	assert_int_equal(EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEYPAIR,
	    params), 1);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	for (i = 0; i < 7; i++)
		BN_clear_free(bn[i]);
	BN_free(e);
	return pkey;
}

static int
group_setup(void **state)
{
	(void)state;
	rsa1024 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	rsa512 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)512);
	ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	return rsa1024 == NULL || rsa512 == NULL || ed == NULL || ec == NULL;
}

static int
group_teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(rsa1024);
	EVP_PKEY_free(rsa512);
	EVP_PKEY_free(ed);
	EVP_PKEY_free(ec);
	return 0;
}

/* problems - the report's problem names, sorted by enum, space-separated */
static void
problems(const struct keyfile_report *r, char *out, size_t outlen)
{
	int	 p;

	out[0] = '\0';
	for (p = 0; p < KEYFILE_PROB_COUNT; p++)
		if (keyfile_report_has(r, (enum keyfile_problem)p))
			snprintf(out + strlen(out), outlen - strlen(out),
			    "%s%s", out[0] != '\0' ? " " : "",
			    keyfile_problem_name((enum keyfile_problem)p));
}

/* check_blob - check b; assert validity and the problem set */
static struct keyfile_report *
check_blob(const char *label, struct blob b, int valid, const char *want)
{
	struct keyfile_report	*r = NULL;
	struct errbuf		 err;
	char			 got[256];

	assert_int_equal(keyfile_check(label, b.p, b.len, &r, &err), 0);
	assert_non_null(r);
	problems(r, got, sizeof(got));
	if (strcmp(got, want) != 0 || keyfile_report_valid(r) != valid)
		print_error("%s: want %s [%s], got %s [%s]\n", label,
		    valid ? "valid" : "invalid", want,
		    keyfile_report_valid(r) ? "valid" : "invalid", got);
	assert_string_equal(got, want);
	assert_int_equal(keyfile_report_valid(r), valid);
	return r;
}

/* Every accepted form is valid, keeps its structure, and uploads its DER. */
static void
test_check_accepts_every_form(void **state)
{
	struct blob		 p1der, p8der, p1pem, p8pem, in, up, t;
	struct keyfile_report	*r;
	static const char	 crlf[] = "\r\n";
	size_t			 i;

	(void)state;
	p1der = encode(rsa1024, EVP_PKEY_KEYPAIR, "DER", "type-specific",
	    NULL);
	p8der = encode(rsa1024, EVP_PKEY_KEYPAIR, "DER", "PrivateKeyInfo",
	    NULL);
	p1pem = encode(rsa1024, EVP_PKEY_KEYPAIR, "PEM", "type-specific",
	    NULL);
	p8pem = encode(rsa1024, EVP_PKEY_KEYPAIR, "PEM", "PrivateKeyInfo",
	    NULL);
	struct {
		const char		*label;
		struct blob		 in;
		struct blob		 der;
		enum keyfile_encoding	 enc;
		enum keyfile_structure	 st;
	} rows[] = {
		{ "PEM PKCS#1", p1pem, p1der, KEYFILE_ENC_PEM,
		    KEYFILE_ST_PKCS1 },
		{ "PEM PKCS#8", p8pem, p8der, KEYFILE_ENC_PEM,
		    KEYFILE_ST_PKCS8 },
		{ "DER PKCS#1", p1der, p1der, KEYFILE_ENC_DER,
		    KEYFILE_ST_PKCS1 },
		{ "DER PKCS#8", p8der, p8der, KEYFILE_ENC_DER,
		    KEYFILE_ST_PKCS8 },
		{ "base64 PKCS#1", b64(p1der), p1der, KEYFILE_ENC_BASE64,
		    KEYFILE_ST_PKCS1 },
		{ "base64 PKCS#8", b64(p8der), p8der, KEYFILE_ENC_BASE64,
		    KEYFILE_ST_PKCS8 },
	};

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		r = check_blob(rows[i].label, rows[i].in, 1, "");
		assert_int_equal(r->encoding, rows[i].enc);
		assert_int_equal(r->structure, rows[i].st);
		assert_string_equal(r->key_type, "RSA");
		assert_int_equal(r->bits, 1024);
		up = b64(rows[i].der);
		assert_non_null(r->upload);
		assert_int_equal(strlen(r->upload), up.len);
		assert_memory_equal(r->upload, up.p, up.len);
		blob_free(&up);
		keyfile_report_free(r);
	}
	/* base64 broken into lines, CRLF and all, is the same key */
	in = b64(p1der);
	t.p = malloc(in.len * 2 + 2);
	assert_non_null(t.p);
	for (t.len = 0, i = 0; i < in.len; i++) {
		t.p[t.len++] = in.p[i];
		if (i % 64 == 63) {
			memcpy(t.p + t.len, crlf, 2);
			t.len += 2;
		}
	}
	r = check_blob("base64 in CRLF lines", t, 1, "crlf");
	assert_int_equal(r->structure, KEYFILE_ST_PKCS1);
	keyfile_report_free(r);
	blob_free(&t);
	t = cat("\xef\xbb\xbf", 3, p8pem.p, p8pem.len);
	r = check_blob("PEM with a BOM", t, 1, "bom");
	keyfile_report_free(r);
	blob_free(&t);
	blob_free(&in);
	blob_free(&rows[4].in);
	blob_free(&rows[5].in);
	blob_free(&p1der);
	blob_free(&p8der);
	blob_free(&p1pem);
	blob_free(&p8pem);
}

/* Each named problem, from its own input. */
static void
test_check_names_each_problem(void **state)
{
	struct blob		 p1der, p1pem, enc, encder, pub, edpem, ecpem;
	struct blob		 small, bad, in, trunc, junk, two, b64pem;
	struct blob		 corrupt, incons, p1b64, empty = { NULL, 0 };
	struct keyfile_report	*r;
	EVP_PKEY		*ik;
	size_t			 i, k;

	(void)state;
	p1der = encode(rsa1024, EVP_PKEY_KEYPAIR, "DER", "type-specific",
	    NULL);
	p1pem = encode(rsa1024, EVP_PKEY_KEYPAIR, "PEM", "type-specific",
	    NULL);
	enc = encode(rsa1024, EVP_PKEY_KEYPAIR, "PEM",
	    "EncryptedPrivateKeyInfo", "AES-128-CBC");
	encder = encode(rsa1024, EVP_PKEY_KEYPAIR, "DER",
	    "EncryptedPrivateKeyInfo", "AES-128-CBC");
	pub = encode(rsa1024, EVP_PKEY_PUBLIC_KEY, "PEM",
	    "SubjectPublicKeyInfo", NULL);
	edpem = encode(ed, EVP_PKEY_KEYPAIR, "PEM", "PrivateKeyInfo", NULL);
	ecpem = encode(ec, EVP_PKEY_KEYPAIR, "PEM", "type-specific", NULL);
	small = encode(rsa512, EVP_PKEY_KEYPAIR, "PEM", "PrivateKeyInfo",
	    NULL);
	ik = inconsistent();
	incons = encode(ik, EVP_PKEY_KEYPAIR, "DER", "type-specific", NULL);
	EVP_PKEY_free(ik);
	p1b64 = b64(p1der);
	bad = cat(p1b64.p, p1b64.len, "!", 1);
	trunc = cat(p1der.p, p1der.len / 2, NULL, 0);
	junk = cat(p1der.p, p1der.len, "\n", 1);
	two = cat(p1der.p, p1der.len, p1der.p, p1der.len);
	b64pem = b64(p1pem);
	corrupt = cat(p1der.p, p1der.len, NULL, 0);
	/* the version INTEGER becomes an OCTET STRING */
	corrupt.p[4] = 0x04;
	in = cat(p1pem.p, p1pem.len, "comment\n", 8);

	struct {
		const char	*label;
		struct blob	 in;
		const char	*want;
	} rows[] = {
		{ "empty", empty, "empty" },
		{ "encrypted PKCS#8", enc, "encrypted" },
		{ "encrypted PKCS#8 DER", encder, "encrypted" },
		{ "Ed25519", edpem, "not-rsa" },
		{ "EC", ecpem, "not-rsa" },
		{ "RSA 512", small, "rsa-size" },
		{ "public key", pub, "public-key" },
		{ "bad base64", bad, "bad-base64" },
		{ "base64 of PEM", b64pem, "base64-of-pem" },
		{ "truncated DER", trunc, "truncated" },
		{ "corrupt DER", corrupt, "corrupt-der" },
		{ "inconsistent RSA", incons, "inconsistent-rsa" },
		{ "newline after DER", junk, "trailing-junk" },
		{ "text after PEM", in, "trailing-junk" },
		{ "two DER keys", two, "multiple-keys" },
	};
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		r = check_blob(rows[i].label, rows[i].in, 0, rows[i].want);
		assert_null(r->upload);
		for (k = 0; k < r->nfindings; k++) {
			assert_true(r->findings[k].detail[0] != '\0');
			assert_true(r->findings[k].fix[0] != '\0');
		}
		keyfile_report_free(r);
	}
	blob_free(&p1der);
	blob_free(&p1pem);
	blob_free(&enc);
	blob_free(&encder);
	blob_free(&pub);
	blob_free(&edpem);
	blob_free(&ecpem);
	blob_free(&small);
	blob_free(&incons);
	blob_free(&p1b64);
	blob_free(&bad);
	blob_free(&trunc);
	blob_free(&junk);
	blob_free(&two);
	blob_free(&b64pem);
	blob_free(&corrupt);
	blob_free(&in);
}

/* The loaders take RSA and Ed25519 in every form; SES rules don't apply. */
static void
test_load_accepts_rsa_and_ed25519(void **state)
{
	struct blob	 forms[6];
	struct errbuf	 err;
	EVP_PKEY	*k;
	size_t		 i;

	(void)state;
	forms[0] = encode(ed, EVP_PKEY_KEYPAIR, "PEM", "PrivateKeyInfo", NULL);
	forms[1] = encode(ed, EVP_PKEY_KEYPAIR, "DER", "PrivateKeyInfo", NULL);
	forms[2] = b64(forms[1]);
	forms[3] = encode(rsa512, EVP_PKEY_KEYPAIR, "PEM", "type-specific",
	    NULL);
	forms[4] = encode(rsa1024, EVP_PKEY_KEYPAIR, "DER", "PrivateKeyInfo",
	    NULL);
	forms[5] = b64(forms[4]);
	for (i = 0; i < 6; i++) {
		k = NULL;
		assert_int_equal(keyfile_parse_private("k", forms[i].p,
		    forms[i].len, &k, &err), 0);
		assert_non_null(k);
		assert_int_equal(EVP_PKEY_eq(k, i < 3 ? ed : i == 3 ? rsa512 :
		    rsa1024), 1);
		EVP_PKEY_free(k);
	}
	for (i = 0; i < 6; i++)
		blob_free(&forms[i]);
}

/* The loaders refuse what cannot sign, naming the problem. */
static void
test_load_refuses_unusable_keys(void **state)
{
	struct blob	 pub, ecpem;
	struct errbuf	 err;
	EVP_PKEY	*k = NULL;

	(void)state;
	pub = encode(rsa1024, EVP_PKEY_PUBLIC_KEY, "PEM",
	    "SubjectPublicKeyInfo", NULL);
	ecpem = encode(ec, EVP_PKEY_KEYPAIR, "PEM", "PrivateKeyInfo", NULL);
	assert_int_equal(keyfile_parse_private("pub.pem", pub.p, pub.len, &k,
	    &err), -1);
	assert_null(k);
	assert_non_null(strstr(err.msg, "pub.pem: public-key"));
	assert_int_equal(keyfile_parse_private("ec.pem", ecpem.p, ecpem.len,
	    &k, &err), -1);
	assert_non_null(strstr(err.msg, "ec.pem: not-rsa"));
	/* a public key is fine where a public key is asked for */
	assert_int_equal(keyfile_parse_public("pub.pem", pub.p, pub.len, &k,
	    &err), 0);
	assert_int_equal(EVP_PKEY_eq(k, rsa1024), 1);
	EVP_PKEY_free(k);
	blob_free(&pub);
	blob_free(&ecpem);
}

/* p= is SubjectPublicKeyInfo for RSA and the raw key for Ed25519. */
static void
test_public_forms(void **state)
{
	unsigned char	*der = NULL, raw[32];
	size_t		 rawlen = sizeof(raw);
	struct blob	 d, want;
	struct errbuf	 err;
	char		*p, *txt;
	int		 n;

	(void)state;
	assert_true((n = i2d_PUBKEY(rsa1024, &der)) > 0);
	d.p = der;
	d.len = (size_t)n;
	want = b64(d);
	assert_non_null(p = keyfile_public_b64(rsa1024, &err));
	assert_int_equal(strlen(p), want.len);
	assert_memory_equal(p, want.p, want.len);
	assert_non_null(txt = keyfile_txt_record(rsa1024, &err));
	assert_int_equal(strncmp(txt, "v=DKIM1; k=rsa; p=", 18), 0);
	assert_string_equal(txt + 18, p);
	free(p);
	free(txt);
	blob_free(&want);
	OPENSSL_free(der);

	assert_int_equal(EVP_PKEY_get_raw_public_key(ed, raw, &rawlen), 1);
	d.p = raw;
	d.len = rawlen;
	want = b64(d);
	assert_non_null(txt = keyfile_txt_record(ed, &err));
	assert_int_equal(strncmp(txt, "v=DKIM1; k=ed25519; p=", 22), 0);
	assert_int_equal(strlen(txt + 22), 44);
	assert_memory_equal(txt + 22, want.p, 44);
	free(txt);
	free(want.p);
	assert_null(keyfile_public_b64(ec, &err));
	assert_non_null(strstr(err.msg, "RSA or Ed25519"));
}

/* Zone-file line: trailing dot once, strings of at most 255 characters. */
static void
test_zone_record_splits_at_255(void **state)
{
	struct errbuf	 err;
	char		 txt[601], *z;
	const char	*q;
	size_t		 i, n;
	size_t		 lens[4], nlens = 0;

	(void)state;
	for (i = 0; i < 600; i++)
		txt[i] = (char)('a' + i % 26);
	txt[600] = '\0';
	assert_non_null(z = keyfile_zone_record("s1", "example.com.", txt,
	    &err));
	assert_int_equal(strncmp(z, "s1._domainkey.example.com. IN TXT ( \"",
	    37), 0);
	assert_int_equal(strcmp(z + strlen(z) - 2, " )"), 0);
	for (q = z; (q = strchr(q, '"')) != NULL; q += n + 2) {
		n = (size_t)(strchr(q + 1, '"') - q - 1);
		assert_true(nlens < 4);
		lens[nlens++] = n;
	}
	assert_int_equal(nlens, 3);
	assert_int_equal(lens[0], 255);
	assert_int_equal(lens[1], 255);
	assert_int_equal(lens[2], 90);
	free(z);
	assert_non_null(z = keyfile_zone_record("s1", "example.com", "v=DKIM1",
	    &err));
	assert_string_equal(z, "s1._domainkey.example.com. IN TXT "
	    "( \"v=DKIM1\" )");
	free(z);
	assert_null(keyfile_zone_record("s1", "example.com", "a\"b", &err));
}

/* Files: written 0600 and never over another; permissions checked. */
static void
test_files(void **state)
{
	char		 dir[] = "/tmp/test_keyfile.XXXXXX", path[64];
	struct errbuf	 err;
	struct stat	 st;
	struct keyfile_report *r;
	EVP_PKEY	*k = NULL;
	char		*up;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/k.private", dir);
	assert_int_equal(keyfile_write_private(path, rsa1024,
	    KEYFILE_FORM_PKCS8, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(keyfile_write_private(path, ed, KEYFILE_FORM_PKCS8,
	    &err), -1);
	assert_non_null(strstr(err.msg, "not replacing"));
	assert_int_equal(keyfile_load_private(path, &k, &err), 0);
	assert_int_equal(EVP_PKEY_eq(k, rsa1024), 1);
	EVP_PKEY_free(k);
	assert_int_equal(keyfile_secure(path, geteuid(), &err), 0);
	assert_int_equal(keyfile_check_file(path, geteuid(), &r, &err), 0);
	assert_true(keyfile_report_valid(r));
	assert_false(keyfile_report_has(r, KEYFILE_PROB_FILE_PERMISSIONS));
	up = keyfile_upload_b64(rsa1024, KEYFILE_FORM_PKCS8, &err);
	assert_non_null(up);
	assert_string_equal(up, r->upload);
	keyfile_secret_free(up);
	keyfile_report_free(r);

	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(keyfile_secure(path, geteuid(), &err), -1);
	assert_non_null(strstr(err.msg, "mode 0644"));
	assert_non_null(strstr(err.msg, "fix: chmod 600 "));
	assert_int_equal(keyfile_load_signing(path, geteuid(), &k, &err), -1);
	assert_null(k);
	assert_non_null(strstr(err.msg, "fix: chmod 600 "));
	assert_int_equal(keyfile_check_file(path, geteuid(), &r, &err), 0);
	assert_true(keyfile_report_valid(r));	/* a warning only */
	assert_true(keyfile_report_has(r, KEYFILE_PROB_FILE_PERMISSIONS));
	keyfile_report_free(r);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(chmod(dir, 0777), 0);
	assert_int_equal(keyfile_secure(path, geteuid(), &err), -1);
	assert_non_null(strstr(err.msg, "fix: chmod go-w "));
	assert_int_equal(chmod(dir, 0700), 0);
	assert_int_equal(keyfile_load_private("/nonexistent/k", &k, &err), -1);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* tmpkey - a new directory (mode 0700) holding k.pem, rsa1024, mode 0600 */
static void
tmpkey(char *dir, size_t dirlen, char *path, size_t pathlen)
{
	struct errbuf	 err;

	snprintf(dir, dirlen, "/tmp/test_keyfile.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, pathlen, "%s/k.pem", dir);
	assert_int_equal(keyfile_write_private(path, rsa1024,
	    KEYFILE_FORM_PKCS1, &err), 0);
}

/* elapsed_ms - since t0 */
static long
elapsed_ms(const struct timespec *t0)
{
	struct timespec	 t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * A key file is a regular file: a FIFO is refused at once (it used to
 * block the open for good), a device, directory or socket by name, and a
 * symbolic link as the key's own name is never followed.
 */
static void
test_read_refuses_what_is_not_a_regular_file(void **state)
{
	char		 dir[64], path[96], fifo[96], link[96], zero[96];
	struct errbuf	 err;
	struct timespec	 t0;
	struct keyfile_report *r = NULL;
	unsigned char	*data = NULL;
	size_t		 len = 0;
	EVP_PKEY	*k = NULL;

	(void)state;
	tmpkey(dir, sizeof(dir), path, sizeof(path));
	snprintf(fifo, sizeof(fifo), "%s/fifo.pem", dir);
	snprintf(link, sizeof(link), "%s/link.pem", dir);
	snprintf(zero, sizeof(zero), "%s/zero.pem", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(symlink("k.pem", link), 0);
	assert_int_equal(symlink("/dev/zero", zero), 0);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(keyfile_load_private(fifo, &k, &err), -1);
	assert_non_null(strstr(err.msg, "is a FIFO (named pipe), not a "
	    "regular file"));
	assert_int_equal(keyfile_check_file(fifo, geteuid(), &r, &err), -1);
	assert_null(r);
	assert_int_equal(keyfile_secure(fifo, geteuid(), &err), -1);
	assert_non_null(strstr(err.msg, "is a FIFO"));
	assert_true(elapsed_ms(&t0) < 2000);

	assert_int_equal(keyfile_read(link, geteuid(), NULL, &data, &len,
	    &err), -1);
	assert_null(data);
	assert_non_null(strstr(err.msg, "link.pem: is a symbolic link to "
	    "k.pem"));
	assert_non_null(strstr(err.msg, "at the file itself"));
	assert_int_equal(keyfile_load_signing(zero, geteuid(), &k, &err), -1);
	assert_non_null(strstr(err.msg, "is a symbolic link to /dev/zero"));
	assert_null(strstr(err.msg, "chmod"));
	assert_int_equal(keyfile_load_private("/dev/null", &k, &err), -1);
	assert_non_null(strstr(err.msg, "is a character device"));
	assert_int_equal(keyfile_load_private(dir, &k, &err), -1);
	assert_non_null(strstr(err.msg, "is a directory"));
	assert_null(k);

	/* the key itself reads, and its data is the key */
	assert_int_equal(keyfile_load_signing(path, geteuid(), &k, &err), 0);
	assert_int_equal(EVP_PKEY_eq(k, rsa1024), 1);
	EVP_PKEY_free(k);
	unlink(zero);
	unlink(link);
	unlink(fifo);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

/*
 * The directories are checked along the path as written: a symbolic link
 * to a safe directory, placed in a group-writable one, makes the key
 * replaceable, though the link's target alone is fine.
 */
static void
test_rule_checks_the_directory_holding_a_link(void **state)
{
	char		 dir[64], path[96], gw[96], via[160], real[96];
	struct errbuf	 err;
	struct keyfile_perm perm;
	unsigned char	*data = NULL;
	size_t		 len = 0;

	(void)state;
	tmpkey(dir, sizeof(dir), path, sizeof(path));
	snprintf(real, sizeof(real), "%s/safe", dir);
	assert_int_equal(mkdir(real, 0700), 0);
	snprintf(real, sizeof(real), "%s/safe/k.pem", dir);
	assert_int_equal(rename(path, real), 0);
	snprintf(gw, sizeof(gw), "%s/gw", dir);
	assert_int_equal(mkdir(gw, 0700), 0);
	assert_int_equal(chmod(gw, 0775), 0);
	snprintf(via, sizeof(via), "%s/gw/link", dir);
	assert_int_equal(symlink("../safe", via), 0);
	snprintf(via, sizeof(via), "%s/gw/link/k.pem", dir);

	assert_int_equal(keyfile_secure(real, geteuid(), &err), 0);
	assert_int_equal(keyfile_secure(via, geteuid(), &err), -1);
	assert_non_null(strstr(err.msg, "/gw: mode 0775"));
	assert_non_null(strstr(err.msg, "fix: chmod go-w "));
	/* keyfile_read still reads it; the verdict is in perm */
	assert_int_equal(keyfile_read(via, geteuid(), &perm, &data, &len,
	    &err), 0);
	assert_false(perm.ok);
	assert_non_null(strstr(perm.fix, "chmod go-w "));
	assert_true(len > 0);
	keyfile_data_free(data, len);
	assert_int_equal(chmod(gw, 0755), 0);
	assert_int_equal(keyfile_secure(via, geteuid(), &err), 0);

	snprintf(via, sizeof(via), "%s/gw/link", dir);
	unlink(via);
	rmdir(gw);
	unlink(real);
	snprintf(real, sizeof(real), "%s/safe", dir);
	rmdir(real);
	assert_int_equal(rmdir(dir), 0);
}

/*
 * One ownership rule for the milter and keytool: owned by root or by the
 * reader.  The README's setup (a key owned by the milter's UserID, mode
 * 0600, in a 0700 directory of UserID) passes for that reader and for
 * root's keytool without --user (KEYFILE_READER_OWNER); judged for root
 * it is replaceable by its owner, and a root-owned key is refused for a
 * reader that could not open it.  Needs root to give files away.
 */
static void
test_rule_owner_is_root_or_the_reader(void **state)
{
	const uid_t	 nobody = 65534, other = 1;
	char		 dir[64], path[96];
	struct errbuf	 err;

	(void)state;
	assert_int_equal(geteuid(), 0);
	tmpkey(dir, sizeof(dir), path, sizeof(path));
	assert_int_equal(chown(dir, nobody, (gid_t)-1), 0);
	assert_int_equal(chown(path, nobody, (gid_t)-1), 0);

	assert_int_equal(keyfile_secure(path, nobody, &err), 0);
	assert_int_equal(keyfile_secure(path, KEYFILE_READER_OWNER, &err), 0);
	assert_int_equal(keyfile_secure(path, 0, &err), -1);
	assert_non_null(strstr(err.msg, "owned by neither root nor root"));
	assert_non_null(strstr(err.msg, "fix: chown root "));

	/* the advice the old keytool gave: a key its reader cannot open */
	assert_int_equal(chown(path, 0, (gid_t)-1), 0);
	assert_int_equal(keyfile_secure(path, nobody, &err), -1);
	assert_non_null(strstr(err.msg, "cannot read it"));
	assert_non_null(strstr(err.msg, "fix: chown nobody "));

	/* a third user's key or directory: the fix names the reader */
	assert_int_equal(chown(path, other, (gid_t)-1), 0);
	assert_int_equal(keyfile_secure(path, nobody, &err), -1);
	assert_non_null(strstr(err.msg, "owned by neither root nor nobody"));
	assert_non_null(strstr(err.msg, "fix: chown nobody "));
	assert_int_equal(chown(path, nobody, (gid_t)-1), 0);
	assert_int_equal(chown(dir, other, (gid_t)-1), 0);
	assert_int_equal(keyfile_secure(path, nobody, &err), -1);
	assert_non_null(strstr(err.msg, "directory "));
	assert_non_null(strstr(err.msg, "fix: chown nobody "));
	assert_int_equal(keyfile_secure(path, KEYFILE_READER_OWNER, &err), -1);

	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

/*
 * No private key byte in any finding: with an END line inside a key,
 * the rest of the key is "text after the END line", named by line.
 */
static void
test_findings_never_quote_key_material(void **state)
{
	struct blob	 pem, head, bad;
	struct keyfile_report *r;
	struct errbuf	 err;
	char		 frag[13];
	size_t		 i, j, cut = 0, lines = 0;

	(void)state;
	pem = encode(rsa1024, EVP_PKEY_KEYPAIR, "PEM", "type-specific", NULL);
	for (i = 0; i < pem.len && lines < 5; i++)
		if (pem.p[i] == '\n' && ++lines == 5)
			cut = i + 1;
	head = cat(pem.p, cut, "-----END RSA PRIVATE KEY-----\n", 30);
	bad = cat(head.p, head.len, pem.p + cut, pem.len - cut);
	free(head.p);
	assert_int_equal(keyfile_check("k.pem", bad.p, bad.len, &r, &err), 0);
	assert_true(keyfile_report_has(r, KEYFILE_PROB_TRAILING_JUNK));
	for (i = 0; i < r->nfindings; i++) {
		if (r->findings[i].problem == KEYFILE_PROB_TRAILING_JUNK)
			assert_non_null(strstr(r->findings[i].detail,
			    "line 7: "));
		/* every 12-character piece of every key line */
		for (j = cut; j + 12 <= pem.len; j++) {
			if (memchr(pem.p + j, '\n', 12) != NULL ||
			    memchr(pem.p + j, '-', 12) != NULL ||
			    memchr(pem.p + j, ' ', 12) != NULL)
				continue;
			memcpy(frag, pem.p + j, 12);
			frag[12] = '\0';
			assert_null(strstr(r->findings[i].detail, frag));
			assert_null(strstr(r->findings[i].fix, frag));
		}
	}
	keyfile_report_free(r);
	free(bad.p);
	blob_free(&pem);
}

/* The names are an interface: output and tests use them. */
static void
test_problem_names_are_stable(void **state)
{
	static const char *const want[KEYFILE_PROB_COUNT] = {
		"empty", "unknown-format", "encrypted", "not-rsa", "rsa-size",
		"public-key", "certificate", "bad-base64", "base64-of-pem",
		"truncated", "corrupt-der", "inconsistent-rsa",
		"trailing-junk", "leading-junk", "multiple-keys", "crlf",
		"bom", "file-permissions" };
	int	 p;

	(void)state;
	for (p = 0; p < KEYFILE_PROB_COUNT; p++) {
		assert_string_equal(keyfile_problem_name(
		    (enum keyfile_problem)p), want[p]);
		assert_true(keyfile_problem_fix((enum keyfile_problem)p)[0] !=
		    '\0');
		assert_int_equal(keyfile_problem_is_warning(
		    (enum keyfile_problem)p), p == KEYFILE_PROB_CRLF ||
		    p == KEYFILE_PROB_BOM ||
		    p == KEYFILE_PROB_FILE_PERMISSIONS);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_accepts_every_form),
		cmocka_unit_test(test_check_names_each_problem),
		cmocka_unit_test(test_load_accepts_rsa_and_ed25519),
		cmocka_unit_test(test_load_refuses_unusable_keys),
		cmocka_unit_test(test_public_forms),
		cmocka_unit_test(test_zone_record_splits_at_255),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_read_refuses_what_is_not_a_regular_file),
		cmocka_unit_test(test_rule_checks_the_directory_holding_a_link),
		cmocka_unit_test(test_rule_owner_is_root_or_the_reader),
		cmocka_unit_test(test_findings_never_quote_key_material),
		cmocka_unit_test(test_problem_names_are_stable),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
