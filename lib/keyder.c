/*
 * keyder - a key's DER judged: structure, OpenSSL's decoding, and the key
 * against SES BYODKIM (see lib/keyint.h)
 *
 * It owns the walk of the outer SEQUENCE (X.690 8.1), just far enough to
 * name the structure (PKCS#1, PKCS#8, encrypted PKCS#8, SEC1, DSA, SPKI,
 * a certificate) and to find where the key stops, so that a truncated or
 * damaged key gets a precise finding rather than OpenSSL's "unsupported";
 * then OpenSSL's decoder, and the key's type, size and (RSA) consistency.
 * It never reads a file and never prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "lib/keyfile.h"
#include "lib/keyint.h"

/* ssl_reason - the first OpenSSL error's reason text; clears the queue */
static void
ssl_reason(char *out, size_t outlen)
{
	unsigned long	 e;
	const char	*r;

	e = ERR_peek_error();
	r = e != 0 ? ERR_reason_error_string(e) : NULL;
	snprintf(out, outlen, "%s", r != NULL ? r : "OpenSSL gave no reason");
	ERR_clear_error();
}

/* ---------------------------------------------------------------------
 * DER (X.690 8.1): just enough to name the structure and find where it
 * stops.
 */

#define TAG_INTEGER	0x02
#define TAG_BITSTRING	0x03
#define TAG_OCTETSTRING	0x04
#define TAG_SEQUENCE	0x30
#define MAX_KIDS	12

struct tlv {
	unsigned int		 tag;
	size_t			 hdr;	/* tag and length octets */
	size_t			 len;	/* value octets */
	const unsigned char	*val;
};

/* tlv_read - one TLV at p; 0, 1 when avail is too short, -1 malformed */
static int
tlv_read(const unsigned char *p, size_t avail, struct tlv *t)
{
	size_t	 n, i, l;

	if (avail < 2)
		return 1;
	t->tag = p[0];
	if ((p[0] & 0x1f) == 0x1f)
		return -1;	/* high tag number: no key uses one */
	if (p[1] < 0x80) {
		l = p[1];
		t->hdr = 2;
	} else if (p[1] == 0x80)
		return -1;	/* indefinite length: BER, never DER */
	else {
		n = p[1] & 0x7f;
		if (n > 4)
			return -1;
		if (avail < 2 + n)
			return 1;
		for (l = 0, i = 0; i < n; i++)
			l = l << 8 | p[2 + i];
		t->hdr = 2 + n;
	}
	t->len = l;
	t->val = p + t->hdr;
	return l > avail - t->hdr ? 1 : 0;
}

/* classify - name the structure from the tags of the outer SEQUENCE */
static enum keyfile_structure
classify(const struct tlv *k, size_t n)
{
	size_t	 i, nint = 0;

	for (i = 0; i < n && i < MAX_KIDS; i++)
		if (k[i].tag == TAG_INTEGER)
			nint++;
		else
			break;
	if (nint >= 9)
		return KEYFILE_ST_PKCS1;
	if (n == 2 && nint == 2)
		return KEYFILE_ST_RSA_PUBLIC;
	if (n == 6 && nint == 6)
		return KEYFILE_ST_DSA;
	if (n >= 3 && k[0].tag == TAG_INTEGER && k[1].tag == TAG_SEQUENCE &&
	    k[2].tag == TAG_OCTETSTRING)
		return KEYFILE_ST_PKCS8;
	if (n == 2 && k[0].tag == TAG_SEQUENCE &&
	    k[1].tag == TAG_OCTETSTRING)
		return KEYFILE_ST_PKCS8_ENCRYPTED;
	if (n == 2 && k[0].tag == TAG_SEQUENCE && k[1].tag == TAG_BITSTRING)
		return KEYFILE_ST_SPKI;
	if (n == 3 && k[0].tag == TAG_SEQUENCE && k[1].tag == TAG_SEQUENCE &&
	    k[2].tag == TAG_BITSTRING)
		return KEYFILE_ST_CERT;
	if (n >= 2 && k[0].tag == TAG_INTEGER && k[1].tag == TAG_OCTETSTRING)
		return KEYFILE_ST_SEC1;
	return KEYFILE_ST_UNKNOWN;
}

/* decode_pkey - OpenSSL's decoder for one structure; NULL with why */
static EVP_PKEY *
decode_pkey(const unsigned char *der, size_t len, const char *structure,
    const char *keytype, int selection, char *why, size_t whylen)
{
	OSSL_DECODER_CTX	*dctx;
	EVP_PKEY		*pkey = NULL;
	const unsigned char	*p = der;
	size_t			 l = len;

	dctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, "DER", structure,
	    keytype, selection, NULL, NULL);
	if (dctx == NULL || OSSL_DECODER_CTX_get_num_decoders(dctx) == 0) {
		ssl_reason(why, whylen);
		OSSL_DECODER_CTX_free(dctx);
		return NULL;
	}
	if (OSSL_DECODER_from_data(dctx, &p, &l) != 1) {
		ssl_reason(why, whylen);
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	OSSL_DECODER_CTX_free(dctx);
	return pkey;
}

/* describe - fill key_type and bits from pkey */
static void
describe(struct keyfile_report *r, EVP_PKEY *pkey)
{
	const char	*t;
	char		 group[32];

	t = EVP_PKEY_get0_type_name(pkey);
	if (t == NULL)
		t = "unknown";
	if (EVP_PKEY_is_a(pkey, "EC") &&
	    EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME,
	    group, sizeof(group), NULL) == 1)
		snprintf(r->key_type, sizeof(r->key_type), "EC %s", group);
	else
		snprintf(r->key_type, sizeof(r->key_type), "%s", t);
	r->bits = EVP_PKEY_get_bits(pkey) > 0 ?
	    (unsigned int)EVP_PKEY_get_bits(pkey) : 0;
	ERR_clear_error();
}

/* rsa_consistent - EVP_PKEY_check: n = p*q, d and the CRT values agree */
static int
rsa_consistent(EVP_PKEY *pkey, char *why, size_t whylen)
{
	EVP_PKEY_CTX	*ctx;
	int		 rc;

	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL)) == NULL) {
		ssl_reason(why, whylen);
		return -1;
	}
	rc = EVP_PKEY_check(ctx);
	EVP_PKEY_CTX_free(ctx);
	if (rc != 1) {
		ssl_reason(why, whylen);
		return 0;
	}
	return 1;
}

/* judge_key - the key's type and size against SES BYODKIM */
static void
judge_key(struct scan *sc, EVP_PKEY *pkey)
{
	struct keyfile_report	*r = sc->r;
	char			 why[128];
	int			 rc;

	describe(r, pkey);
	if (EVP_PKEY_is_a(pkey, "RSA")) {
		if (r->is_private &&
		    (rc = rsa_consistent(pkey, why, sizeof(why))) != 1) {
			if (rc == -1)
				sc->failed = 1;
			else
				keyscan_add(sc, KEYFILE_PROB_INCONSISTENT_RSA,
				    "the RSA private key fails OpenSSL's "
				    "consistency check (%s)", why);
		}
		if (r->bits != 1024 && r->bits != 2048)
			keyscan_add(sc, KEYFILE_PROB_RSA_SIZE,
			    "RSA key of %u bits; "
			    "SES BYODKIM takes 1024 or 2048 bits only",
			    r->bits);
	} else if (EVP_PKEY_is_a(pkey, "ED25519"))
		keyscan_add(sc, KEYFILE_PROB_NOT_RSA,
		    "Ed25519 key: DKIM can use it "
		    "(RFC 8463) but SES BYODKIM takes RSA only");
	else
		keyscan_add(sc, KEYFILE_PROB_NOT_RSA,
		    "%s key: SES BYODKIM takes RSA "
		    "only%s", r->key_type, EVP_PKEY_is_a(pkey, "RSA-PSS") ?
		    " (an RSA-PSS key cannot make rsa-sha256 signatures)" :
		    " and DKIM has no algorithm for it");
}

/*
 * der_walk - the outer SEQUENCE of sc->der: where the key stops, what
 * follows it, and its elements (the first MAX_KIDS in kids).  0, or -1
 * with a finding added.
 */
static int
der_walk(struct scan *sc, struct tlv *kids, size_t *nkids)
{
	struct tlv		 outer, t;
	const unsigned char	*p;
	size_t			 off, n, avail = sc->derlen;
	int			 rc;

	if (avail == 0) {
		keyscan_add(sc, KEYFILE_PROB_TRUNCATED, "no key data at all");
		return -1;
	}
	if (sc->der[0] != TAG_SEQUENCE) {
		if (avail >= 10 && memcmp(sc->der, "-----BEGIN", 10) == 0)
			keyscan_add(sc, KEYFILE_PROB_BASE64_OF_PEM,
			    "the base64 "
			    "decodes to PEM text (a whole PEM file was "
			    "base64-encoded)");
		else
			keyscan_add(sc, KEYFILE_PROB_CORRUPT_DER,
			    "the data starts "
			    "with byte 0x%02x, not an ASN.1 SEQUENCE (0x30) as "
			    "every key does", sc->der[0]);
		return -1;
	}
	if ((rc = tlv_read(sc->der, avail, &outer)) == -1) {
		keyscan_add(sc, KEYFILE_PROB_CORRUPT_DER,
		    "the outer SEQUENCE has an "
		    "invalid length encoding (0x%02x)", sc->der[1]);
		return -1;
	}
	if (rc == 1) {
		if (avail >= 2 && avail >= outer.hdr)
			keyscan_add(sc, KEYFILE_PROB_TRUNCATED,
			    "the DER says %zu "
			    "bytes but only %zu are present", outer.hdr +
			    outer.len, avail);
		else
			keyscan_add(sc, KEYFILE_PROB_TRUNCATED,
			    "only %zu bytes of "
			    "key data", avail);
		return -1;
	}
	sc->keylen = outer.hdr + outer.len;
	if (sc->keylen < avail) {
		sc->der_junk = 1;
		p = sc->der + sc->keylen;
		if (p[0] == TAG_SEQUENCE &&
		    tlv_read(p, avail - sc->keylen, &t) == 0 &&
		    t.hdr + t.len == avail - sc->keylen)
			keyscan_add(sc, KEYFILE_PROB_MULTIPLE_KEYS,
			    "a second DER "
			    "structure of %zu bytes follows the first",
			    t.hdr + t.len);
		else
			keyscan_add(sc, KEYFILE_PROB_TRAILING_JUNK,
			    "%zu bytes after "
			    "the end of the key's DER structure (%zu bytes)",
			    avail - sc->keylen, sc->keylen);
	}
	for (n = 0, off = 0; off < outer.len; n++) {
		if (tlv_read(outer.val + off, outer.len - off, &t) != 0) {
			keyscan_add(sc, KEYFILE_PROB_CORRUPT_DER,
			    "element %zu of the "
			    "key (at byte %zu) is malformed or overruns the "
			    "key", n + 1, outer.hdr + off);
			return -1;
		}
		if (n < MAX_KIDS)
			kids[n] = t;
		off += t.hdr + t.len;
	}
	*nkids = n;
	return 0;
}

/* der_cert - an X.509 certificate: its public key, and the finding */
static void
der_cert(struct scan *sc)
{
	const unsigned char	*p = sc->der;
	EVP_PKEY		*pkey;
	X509			*x509;
	char			 why[128];

	if ((x509 = d2i_X509(NULL, &p, (long)sc->keylen)) == NULL) {
		ssl_reason(why, sizeof(why));
		keyscan_add(sc, KEYFILE_PROB_CORRUPT_DER,
		    "an X.509 certificate "
		    "OpenSSL cannot read (%s)", why);
		return;
	}
	pkey = X509_get_pubkey(x509);
	X509_free(x509);
	ERR_clear_error();
	keyscan_add(sc, KEYFILE_PROB_CERTIFICATE, "an X.509 certificate, not a "
	    "private key");
	if (pkey != NULL)
		describe(sc->r, pkey);
	sc->r->pkey = pkey;
}

/* der_decode - decode the structure found with OpenSSL, and judge it */
static void
der_decode(struct scan *sc)
{
	struct keyfile_report	*r = sc->r;
	const char		*structure = NULL, *keytype = NULL;
	EVP_PKEY		*pkey;
	char			 why[128];
	int			 selection = EVP_PKEY_KEYPAIR;

	switch (r->structure) {
	case KEYFILE_ST_PKCS1:
		structure = "type-specific";
		keytype = "RSA";
		break;
	case KEYFILE_ST_PKCS8:
		structure = "PrivateKeyInfo";
		break;
	case KEYFILE_ST_PKCS8_ENCRYPTED:
		keyscan_add(sc, KEYFILE_PROB_ENCRYPTED,
		    "an encrypted PKCS#8 key "
		    "(EncryptedPrivateKeyInfo): it needs a passphrase");
		return;
	case KEYFILE_ST_SEC1:
		structure = "type-specific";
		keytype = "EC";
		break;
	case KEYFILE_ST_DSA:
		structure = "type-specific";
		keytype = "DSA";
		break;
	case KEYFILE_ST_SPKI:
		structure = "SubjectPublicKeyInfo";
		selection = EVP_PKEY_PUBLIC_KEY;
		break;
	case KEYFILE_ST_RSA_PUBLIC:
		structure = "type-specific";
		keytype = "RSA";
		selection = EVP_PKEY_PUBLIC_KEY;
		break;
	case KEYFILE_ST_CERT:
		der_cert(sc);
		return;
	default:
		return;
	}
	pkey = decode_pkey(sc->der, sc->keylen, structure, keytype,
	    selection, why, sizeof(why));
	if (pkey == NULL) {
		keyscan_add(sc, KEYFILE_PROB_CORRUPT_DER,
		    "OpenSSL cannot read the "
		    "%s key (%s)", keyfile_structure_name(r->structure), why);
		return;
	}
	r->pkey = pkey;
	if (selection == EVP_PKEY_PUBLIC_KEY) {
		describe(r, pkey);
		keyscan_add(sc, KEYFILE_PROB_PUBLIC_KEY,
		    "a public key (%s), not a "
		    "private key", keyfile_structure_name(r->structure));
		return;
	}
	r->is_private = 1;
	judge_key(sc, pkey);
}

/*
 * analyse_der - the DER in sc->der: where it stops, what it is, and the
 * key in it.  expect is what the PEM label promised (or UNKNOWN).
 */
void
keyder_analyse(struct scan *sc, enum keyfile_structure expect)
{
	struct keyfile_report	*r = sc->r;
	struct tlv		 kids[MAX_KIDS];
	size_t			 n;

	if (der_walk(sc, kids, &n) == -1)
		return;
	r->structure = classify(kids, n);
	if (r->structure == KEYFILE_ST_UNKNOWN && n >= 2 &&
	    kids[0].tag == TAG_INTEGER && kids[0].len == 1 &&
	    kids[0].val[0] == 3 && kids[1].tag == TAG_SEQUENCE) {
		/* RFC 7292 4: PFX, version 3 */
		r->structure = KEYFILE_ST_OTHER;
		keyscan_add(sc, KEYFILE_PROB_UNKNOWN_FORMAT,
		    "a PKCS#12 (.p12/.pfx) "
		    "bundle; extract the key with: openssl pkcs12 -in %s "
		    "-nocerts -nodes -out key.pem", sc->qname);
		return;
	}
	if (r->structure == KEYFILE_ST_UNKNOWN) {
		keyscan_add(sc, KEYFILE_PROB_CORRUPT_DER,
		    "the DER is not a key "
		    "structure OpenSSL or SES knows (PKCS#1, PKCS#8)");
		return;
	}
	if (expect != KEYFILE_ST_UNKNOWN && expect != r->structure) {
		keyscan_add(sc, KEYFILE_PROB_CORRUPT_DER,
		    "the PEM header says %s "
		    "but the data is %s (the header was changed by hand?)",
		    keyfile_structure_name(expect),
		    keyfile_structure_name(r->structure));
		return;
	}
	der_decode(sc);
}

