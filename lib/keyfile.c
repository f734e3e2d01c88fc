/*
 * keyfile - private and public key files: load them, and check them the
 * way Amazon SES BYODKIM will
 *
 * One analysis serves every entry point: the input's encoding is found
 * (PEM text, bare base64 text, or binary DER), the DER is walked by hand
 * far enough to name its structure (so that a truncated or damaged key
 * gets a precise finding rather than OpenSSL's "unsupported"), then
 * OpenSSL decodes it and, for RSA, checks that its numbers belong
 * together.  keyfile_check() reports all of it; the loaders turn the first
 * finding that makes the key unusable into an error sentence.
 *
 * This file is past 1,000 lines because the encodings, their failure
 * modes and the fix for each belong together; the pieces are separated
 * by section comments.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "lib/errbuf.h"
#include "lib/keyfile.h"

/* ---------------------------------------------------------------------
 * The problems: stable name, severity, fix.  KEYFILE in a fix stands for
 * the file name, filled in per finding.
 */

static const struct {
	const char	*name;
	int		 warning;
	const char	*fix;
} problems[KEYFILE_PROB_COUNT] = {
	[KEYFILE_PROB_EMPTY] = { "empty", 0,
	    "give the private key file itself; to make a new key: "
	    "dkimlens-keytool genkey --selector SELECTOR --domain DOMAIN" },
	[KEYFILE_PROB_UNKNOWN_FORMAT] = { "unknown-format", 0,
	    "SES BYODKIM takes an RSA private key in PKCS#1 or PKCS#8 "
	    "(PEM, DER or base64); make a dedicated DKIM key: "
	    "dkimlens-keytool genkey --selector SELECTOR --domain DOMAIN" },
	[KEYFILE_PROB_ENCRYPTED] = { "encrypted", 0,
	    "SES needs the key without a passphrase; write a decrypted "
	    "copy (it asks for the passphrase): umask 077; openssl pkey "
	    "-in KEYFILE -out KEYFILE.plain; then check KEYFILE.plain" },
	[KEYFILE_PROB_NOT_RSA] = { "not-rsa", 0,
	    "SES BYODKIM takes RSA keys only; make one: dkimlens-keytool "
	    "genkey --type rsa --bits 2048 --selector SELECTOR --domain "
	    "DOMAIN (an Ed25519 key can still sign beside it in "
	    "dkimlens-milter)" },
	[KEYFILE_PROB_RSA_SIZE] = { "rsa-size", 0,
	    "SES BYODKIM takes RSA keys of exactly 1024 or 2048 bits; make "
	    "one: dkimlens-keytool genkey --bits 2048 --selector SELECTOR "
	    "--domain DOMAIN" },
	[KEYFILE_PROB_PUBLIC_KEY] = { "public-key", 0,
	    "SES wants the private key (BEGIN RSA PRIVATE KEY or BEGIN "
	    "PRIVATE KEY), the file this public key was made from; the "
	    "public key goes in DNS: dkimlens-keytool record KEYFILE" },
	[KEYFILE_PROB_CERTIFICATE] = { "certificate", 0,
	    "a certificate holds only a public key; give the private key "
	    "instead, or make a new one: dkimlens-keytool genkey "
	    "--selector SELECTOR --domain DOMAIN" },
	[KEYFILE_PROB_BAD_BASE64] = { "bad-base64", 0,
	    "copy the key again without editing it: base64 is only A-Z, "
	    "a-z, 0-9, + and /, with = padding at the very end" },
	[KEYFILE_PROB_BASE64_OF_PEM] = { "base64-of-pem", 0,
	    "do not base64-encode the PEM file; SES wants the base64 "
	    "already inside it: decode it (base64 -d KEYFILE > key.pem) "
	    "and check key.pem, which prints the string to upload" },
	[KEYFILE_PROB_TRUNCATED] = { "truncated", 0,
	    "the key is cut short; copy the whole key again (from "
	    "-----BEGIN to -----END) from its original file" },
	[KEYFILE_PROB_CORRUPT_DER] = { "corrupt-der", 0,
	    "the key data is damaged; take it again from its original "
	    "file, or make a new key: dkimlens-keytool genkey --selector "
	    "SELECTOR --domain DOMAIN" },
	[KEYFILE_PROB_INCONSISTENT_RSA] = { "inconsistent-rsa", 0,
	    "the RSA numbers in the key do not belong together (an edited "
	    "or mixed-up key); use the original file or make a new key: "
	    "dkimlens-keytool genkey --selector SELECTOR --domain DOMAIN" },
	[KEYFILE_PROB_TRAILING_JUNK] = { "trailing-junk", 0,
	    "delete everything after the key (after the -----END line, or "
	    "after its last base64 character or DER byte)" },
	[KEYFILE_PROB_LEADING_JUNK] = { "leading-junk", 0,
	    "delete everything before the -----BEGIN line" },
	[KEYFILE_PROB_MULTIPLE_KEYS] = { "multiple-keys", 0,
	    "keep one key per file: copy the private key you mean to "
	    "upload, from its -----BEGIN line to its -----END line, into a "
	    "file of its own and check that" },
	[KEYFILE_PROB_CRLF] = { "crlf", 1,
	    "tolerated; to use Unix line ends: sed -i 's/\\r$//' KEYFILE" },
	[KEYFILE_PROB_BOM] = { "bom", 1,
	    "tolerated; to remove the byte order mark: "
	    "sed -i '1s/^\\xEF\\xBB\\xBF//' KEYFILE" },
	[KEYFILE_PROB_FILE_PERMISSIONS] = { "file-permissions", 1,
	    "make the key readable by its owner only: chmod 600 KEYFILE" },
};

/* keyfile_problem_name - the stable name */
const char *
keyfile_problem_name(enum keyfile_problem p)
{
	if ((unsigned int)p >= KEYFILE_PROB_COUNT)
		return "unknown";
	return problems[p].name;
}

/* keyfile_problem_is_warning - 1 for tolerated problems */
int
keyfile_problem_is_warning(enum keyfile_problem p)
{
	if ((unsigned int)p >= KEYFILE_PROB_COUNT)
		return 0;
	return problems[p].warning;
}

/* keyfile_problem_fix - the fix, KEYFILE standing for the file */
const char *
keyfile_problem_fix(enum keyfile_problem p)
{
	if ((unsigned int)p >= KEYFILE_PROB_COUNT)
		return "";
	return problems[p].fix;
}

/* keyfile_encoding_name - a name for an encoding */
const char *
keyfile_encoding_name(enum keyfile_encoding e)
{
	switch (e) {
	case KEYFILE_ENC_PEM:
		return "PEM";
	case KEYFILE_ENC_DER:
		return "DER";
	case KEYFILE_ENC_BASE64:
		return "base64";
	default:
		return "unknown";
	}
}

/* keyfile_structure_name - a name for a structure */
const char *
keyfile_structure_name(enum keyfile_structure s)
{
	switch (s) {
	case KEYFILE_ST_PKCS1:
		return "PKCS#1";
	case KEYFILE_ST_PKCS8:
		return "PKCS#8";
	case KEYFILE_ST_PKCS8_ENCRYPTED:
		return "encrypted PKCS#8";
	case KEYFILE_ST_SEC1:
		return "SEC1 EC";
	case KEYFILE_ST_DSA:
		return "DSA";
	case KEYFILE_ST_SPKI:
		return "SubjectPublicKeyInfo";
	case KEYFILE_ST_RSA_PUBLIC:
		return "PKCS#1 public";
	case KEYFILE_ST_CERT:
		return "X.509 certificate";
	case KEYFILE_ST_OTHER:
		return "other";
	default:
		return "unknown";
	}
}

/* ---------------------------------------------------------------------
 * Small helpers.
 */

/* errtext - strerror_r into buf (strerror is not thread-safe) */
static const char *
errtext(int e, char *buf, size_t len)
{
	if (strerror_r(e, buf, len) != 0)
		snprintf(buf, len, "error %d", e);
	return buf;
}

/* findmem - the first needle in hay (memmem is a GNU extension) */
static const unsigned char *
findmem(const void *hay, size_t haylen, const char *needle, size_t nlen)
{
	const unsigned char	*h = hay;
	size_t			 i;

	if (nlen == 0 || nlen > haylen)
		return NULL;
	for (i = 0; i + nlen <= haylen; i++)
		if (h[i] == (unsigned char)needle[0] &&
		    memcmp(h + i, needle, nlen) == 0)
			return h + i;
	return NULL;
}

/* shquote - name quoted for a shell command line, into out */
static void
shquote(const char *name, char *out, size_t outlen)
{
	const char	*p;
	size_t		 n = 0;
	int		 plain = *name != '\0';

	for (p = name; *p != '\0'; p++)
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./+-:@%,=", *p) ==
		    NULL)
			plain = 0;
	if (plain) {
		snprintf(out, outlen, "%s", name);
		return;
	}
	if (outlen < 3) {
		if (outlen > 0)
			*out = '\0';
		return;
	}
	out[n++] = '\'';
	for (p = name; *p != '\0' && n + 6 < outlen; p++) {
		if (*p == '\'') {
			memcpy(out + n, "'\\''", 4);
			n += 4;
		} else
			out[n++] = *p;
	}
	out[n++] = '\'';
	out[n] = '\0';
}

/* subst - copy tmpl into out, replacing each KEYFILE with value */
static void
subst(const char *tmpl, const char *value, char *out, size_t outlen)
{
	const char	*p, *q;
	size_t		 n = 0, k, vlen = strlen(value);

	for (p = tmpl; *p != '\0' && n + 1 < outlen; ) {
		if ((q = strstr(p, "KEYFILE")) == NULL)
			q = p + strlen(p);
		k = (size_t)(q - p);
		if (k > outlen - 1 - n)
			k = outlen - 1 - n;
		memcpy(out + n, p, k);
		n += k;
		p += k;
		if (*p == '\0' || n + 1 >= outlen)
			break;
		k = vlen < outlen - 1 - n ? vlen : outlen - 1 - n;
		memcpy(out + n, value, k);
		n += k;
		p += strlen("KEYFILE");
	}
	out[n] = '\0';
}

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
 * The analysis context and findings.
 */

struct scan {
	const char		*name;		/* for messages */
	char			 qname[96];	/* shell-quoted, for fixes */
	struct keyfile_report	*r;
	unsigned char		*der;		/* owned, cleansed: decoded */
	size_t			 derlen;
	size_t			 dercap;
	size_t			 keylen;	/* the key's bytes in der */
	int			 der_junk;	/* bytes after the DER */
	int			 nopad;		/* base64 lacked its padding */
	int			 failed;	/* environment failure */
};

static void	 add(struct scan *, enum keyfile_problem, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/* add - record a finding (once per problem) */
static void
add(struct scan *sc, enum keyfile_problem p, const char *fmt, ...)
{
	struct keyfile_report	*r = sc->r;
	struct keyfile_finding	*f;
	va_list			 ap;

	if (keyfile_report_has(r, p) || r->nfindings >= KEYFILE_MAX_FINDINGS)
		return;
	f = &r->findings[r->nfindings++];
	f->problem = p;
	va_start(ap, fmt);
	vsnprintf(f->detail, sizeof(f->detail), fmt, ap);
	va_end(ap);
	subst(problems[p].fix, sc->qname, f->fix, sizeof(f->fix));
}

/* keyfile_report_has - 1 when the report holds problem p */
int
keyfile_report_has(const struct keyfile_report *r, enum keyfile_problem p)
{
	size_t	 i;

	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i].problem == p)
			return 1;
	return 0;
}

/* keyfile_report_valid - 1 when every finding is a warning */
int
keyfile_report_valid(const struct keyfile_report *r)
{
	size_t	 i;

	for (i = 0; i < r->nfindings; i++)
		if (!problems[r->findings[i].problem].warning)
			return 0;
	return r->pkey != NULL && r->is_private;
}

/* keyfile_report_free - free a report */
void
keyfile_report_free(struct keyfile_report *r)
{
	if (r == NULL)
		return;
	EVP_PKEY_free(r->pkey);
	keyfile_secret_free(r->upload);
	free(r);
}

/* keyfile_secret_free - cleanse and free */
void
keyfile_secret_free(char *s)
{
	if (s == NULL)
		return;
	OPENSSL_cleanse(s, strlen(s));
	free(s);
}

/* ---------------------------------------------------------------------
 * Base64 (RFC 4648 4).  Local rather than lib/b64 because a finding must
 * say where the first bad character is, and a key split into several
 * padded pieces must decode piece by piece to be recognised.
 */

static int
b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * b64dec - decode in (whitespace skipped) into out (capacity at least
 * inlen * 3 / 4 + 3).  0, or -1 with *bad_out the offset of the bad
 * character.  *nopad_out is set when the final padding is missing.
 */
static int
b64dec(const unsigned char *in, size_t inlen, unsigned char *out,
    size_t *outlen, size_t *bad_out, int *nopad_out)
{
	unsigned int	 q = 0;
	size_t		 i, n = 0, o = 0;
	int		 v, need = 0;

	*nopad_out = 0;
	for (i = 0; i < inlen; i++) {
		if (in[i] == ' ' || in[i] == '\t' || in[i] == '\r' ||
		    in[i] == '\n')
			continue;
		if (in[i] == '=') {
			if (need > 0) {
				need--;
				continue;
			}
			if (n < 2) {
				*bad_out = i;
				return -1;
			}
			if (n == 2)
				out[o++] = (unsigned char)(q >> 4);
			else {
				out[o++] = (unsigned char)(q >> 10);
				out[o++] = (unsigned char)(q >> 2);
			}
			need = n == 2 ? 1 : 0;
			n = 0;
			q = 0;
			continue;
		}
		if ((v = b64val(in[i])) == -1 || need > 0) {
			*bad_out = i;
			return -1;
		}
		q = q << 6 | (unsigned int)v;
		if (++n == 4) {
			out[o++] = (unsigned char)(q >> 16);
			out[o++] = (unsigned char)(q >> 8);
			out[o++] = (unsigned char)q;
			n = 0;
			q = 0;
		}
	}
	if (need > 0)
		*nopad_out = 1;
	if (n == 2) {
		out[o++] = (unsigned char)(q >> 4);
		*nopad_out = 1;
	} else if (n == 3) {
		out[o++] = (unsigned char)(q >> 10);
		out[o++] = (unsigned char)(q >> 2);
		*nopad_out = 1;
	} else if (n == 1)
		*nopad_out = 1;
	*outlen = o;
	return 0;
}

/* b64enc - one line of base64, owned, or NULL */
static char *
b64enc(const unsigned char *in, size_t len)
{
	char	*out;
	size_t	 cap;

	if (len > INT_MAX / 2)
		return NULL;
	cap = 4 * ((len + 2) / 3) + 1;
	if ((out = malloc(cap)) == NULL)
		return NULL;
	EVP_EncodeBlock((unsigned char *)out, in, (int)len);
	return out;
}

/* lineof - 1-based line and column of offset off in text */
static void
lineof(const unsigned char *text, size_t off, size_t *line, size_t *col)
{
	size_t	 i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else
			(*col)++;
	}
}

/* decode_b64 - decode text[0..len) into sc->der; 0, or -1 (finding added) */
static int
decode_b64(struct scan *sc, const unsigned char *text, size_t len,
    const unsigned char *whole, size_t base)
{
	size_t	 bad, line, col;
	char	 ch[16];

	OPENSSL_clear_free(sc->der, sc->dercap);
	sc->der = NULL;
	sc->derlen = sc->dercap = 0;
	sc->dercap = len / 4 * 3 + 4;
	if ((sc->der = malloc(sc->dercap)) == NULL) {
		sc->dercap = 0;
		sc->failed = 1;
		return -1;
	}
	if (b64dec(text, len, sc->der, &sc->derlen, &bad, &sc->nopad) == -1) {
		lineof(whole, base + bad, &line, &col);
		if (text[bad] >= 0x21 && text[bad] < 0x7f)
			snprintf(ch, sizeof(ch), "'%c'", text[bad]);
		else
			snprintf(ch, sizeof(ch), "byte 0x%02x", text[bad]);
		add(sc, KEYFILE_PROB_BAD_BASE64, "line %zu, column %zu: %s "
		    "is not a base64 character%s", line, col, ch,
		    text[bad] == '=' ? " here (padding belongs at the end)" :
		    text[bad] == '-' || text[bad] == '_' ?
		    " (base64url alphabet, not base64)" : "");
		return -1;
	}
	return 0;
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
				add(sc, KEYFILE_PROB_INCONSISTENT_RSA,
				    "the RSA private key fails OpenSSL's "
				    "consistency check (%s)", why);
		}
		if (r->bits != 1024 && r->bits != 2048)
			add(sc, KEYFILE_PROB_RSA_SIZE, "RSA key of %u bits; "
			    "SES BYODKIM takes 1024 or 2048 bits only",
			    r->bits);
	} else if (EVP_PKEY_is_a(pkey, "ED25519"))
		add(sc, KEYFILE_PROB_NOT_RSA, "Ed25519 key: DKIM can use it "
		    "(RFC 8463) but SES BYODKIM takes RSA only");
	else
		add(sc, KEYFILE_PROB_NOT_RSA, "%s key: SES BYODKIM takes RSA "
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
		add(sc, KEYFILE_PROB_TRUNCATED, "no key data at all");
		return -1;
	}
	if (sc->der[0] != TAG_SEQUENCE) {
		if (avail >= 10 && memcmp(sc->der, "-----BEGIN", 10) == 0)
			add(sc, KEYFILE_PROB_BASE64_OF_PEM, "the base64 "
			    "decodes to PEM text (a whole PEM file was "
			    "base64-encoded)");
		else
			add(sc, KEYFILE_PROB_CORRUPT_DER, "the data starts "
			    "with byte 0x%02x, not an ASN.1 SEQUENCE (0x30) as "
			    "every key does", sc->der[0]);
		return -1;
	}
	if ((rc = tlv_read(sc->der, avail, &outer)) == -1) {
		add(sc, KEYFILE_PROB_CORRUPT_DER, "the outer SEQUENCE has an "
		    "invalid length encoding (0x%02x)", sc->der[1]);
		return -1;
	}
	if (rc == 1) {
		if (avail >= 2 && avail >= outer.hdr)
			add(sc, KEYFILE_PROB_TRUNCATED, "the DER says %zu "
			    "bytes but only %zu are present", outer.hdr +
			    outer.len, avail);
		else
			add(sc, KEYFILE_PROB_TRUNCATED, "only %zu bytes of "
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
			add(sc, KEYFILE_PROB_MULTIPLE_KEYS, "a second DER "
			    "structure of %zu bytes follows the first",
			    t.hdr + t.len);
		else
			add(sc, KEYFILE_PROB_TRAILING_JUNK, "%zu bytes after "
			    "the end of the key's DER structure (%zu bytes)",
			    avail - sc->keylen, sc->keylen);
	}
	for (n = 0, off = 0; off < outer.len; n++) {
		if (tlv_read(outer.val + off, outer.len - off, &t) != 0) {
			add(sc, KEYFILE_PROB_CORRUPT_DER, "element %zu of the "
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
		add(sc, KEYFILE_PROB_CORRUPT_DER, "an X.509 certificate "
		    "OpenSSL cannot read (%s)", why);
		return;
	}
	pkey = X509_get_pubkey(x509);
	X509_free(x509);
	ERR_clear_error();
	add(sc, KEYFILE_PROB_CERTIFICATE, "an X.509 certificate, not a "
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
		add(sc, KEYFILE_PROB_ENCRYPTED, "an encrypted PKCS#8 key "
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
		add(sc, KEYFILE_PROB_CORRUPT_DER, "OpenSSL cannot read the "
		    "%s key (%s)", keyfile_structure_name(r->structure), why);
		return;
	}
	r->pkey = pkey;
	if (selection == EVP_PKEY_PUBLIC_KEY) {
		describe(r, pkey);
		add(sc, KEYFILE_PROB_PUBLIC_KEY, "a public key (%s), not a "
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
static void
analyse_der(struct scan *sc, enum keyfile_structure expect)
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
		add(sc, KEYFILE_PROB_UNKNOWN_FORMAT, "a PKCS#12 (.p12/.pfx) "
		    "bundle; extract the key with: openssl pkcs12 -in %s "
		    "-nocerts -nodes -out key.pem", sc->qname);
		return;
	}
	if (r->structure == KEYFILE_ST_UNKNOWN) {
		add(sc, KEYFILE_PROB_CORRUPT_DER, "the DER is not a key "
		    "structure OpenSSL or SES knows (PKCS#1, PKCS#8)");
		return;
	}
	if (expect != KEYFILE_ST_UNKNOWN && expect != r->structure) {
		add(sc, KEYFILE_PROB_CORRUPT_DER, "the PEM header says %s "
		    "but the data is %s (the header was changed by hand?)",
		    keyfile_structure_name(expect),
		    keyfile_structure_name(r->structure));
		return;
	}
	der_decode(sc);
}

/* ---------------------------------------------------------------------
 * PEM (RFC 7468, and RFC 1421 headers for OpenSSL's legacy encryption).
 */

#define MAX_BLOCKS	8

struct pemblock {
	char	 label[48];
	size_t	 body;		/* offset of the first body byte */
	size_t	 bodyend;	/* offset of the END line */
	int	 ended;
	int	 encrypted;	/* Proc-Type: 4,ENCRYPTED */
	int	 mismatch;	/* END label differs */
};

static const struct {
	const char		*label;
	enum keyfile_structure	 st;
} labels[] = {
	{ "RSA PRIVATE KEY",		KEYFILE_ST_PKCS1 },
	{ "PRIVATE KEY",		KEYFILE_ST_PKCS8 },
	{ "ENCRYPTED PRIVATE KEY",	KEYFILE_ST_PKCS8_ENCRYPTED },
	{ "EC PRIVATE KEY",		KEYFILE_ST_SEC1 },
	{ "DSA PRIVATE KEY",		KEYFILE_ST_DSA },
	{ "PUBLIC KEY",			KEYFILE_ST_SPKI },
	{ "RSA PUBLIC KEY",		KEYFILE_ST_RSA_PUBLIC },
	{ "CERTIFICATE",		KEYFILE_ST_CERT },
	{ "X509 CERTIFICATE",		KEYFILE_ST_CERT },
};

/* label_structure - the structure a PEM label promises */
static enum keyfile_structure
label_structure(const char *label)
{
	size_t	 i;

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcmp(label, labels[i].label) == 0)
			return labels[i].st;
	return KEYFILE_ST_OTHER;
}

/* is_params - labels that accompany a key rather than being one */
static int
is_params(const char *label)
{
	size_t	 n = strlen(label);

	return n >= 10 && strcmp(label + n - 10, "PARAMETERS") == 0;
}

/* pemline - is line [s, e) "-----WORD LABEL-----"?  copies the label */
static int
pemline(const unsigned char *s, size_t len, const char *word, char *label,
    size_t labellen)
{
	size_t	 wl = strlen(word), ll;

	if (len < 5 + wl + 5 || memcmp(s, "-----", 5) != 0 ||
	    memcmp(s + 5, word, wl) != 0 ||
	    memcmp(s + len - 5, "-----", 5) != 0)
		return 0;
	ll = len - 10 - wl;
	if (ll >= labellen)
		ll = labellen - 1;
	memcpy(label, s + 5 + wl, ll);
	label[ll] = '\0';
	return 1;
}

struct pemscan {
	struct pemblock	 blk[MAX_BLOCKS];
	size_t		 nblocks;	/* all BEGIN lines, even past MAX */
};

/*
 * pem_junk - a non-blank line outside every block.  The line is
 * described, never quoted: text after an END line inside a key (a stray
 * END line) is the rest of the private key.
 */
static void
pem_junk(struct scan *sc, const unsigned char *line, size_t ll,
    size_t lineno, size_t nblocks)
{
	size_t	 i, j;
	int	 b64 = 1;

	for (i = 0; i < ll && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	if (i == ll)
		return;
	for (j = i; j < ll && b64; j++)
		b64 = b64val(line[j]) >= 0 || line[j] == '=';
	if (nblocks == 0)
		add(sc, KEYFILE_PROB_LEADING_JUNK, "line %zu: %zu characters "
		    "of %s before the -----BEGIN line (not shown: it may be "
		    "key material)", lineno, ll - i, b64 ? "base64" : "text");
	else
		add(sc, KEYFILE_PROB_TRAILING_JUNK, "line %zu: %zu characters "
		    "of %s after the -----END line (not shown: it may be key "
		    "material)", lineno, ll - i, b64 ? "base64" : "text");
}

/* pem_lines - find the blocks of t, their headers, and text around them */
static void
pem_lines(struct scan *sc, const unsigned char *t, size_t len,
    struct pemscan *ps)
{
	struct pemblock		*cur = NULL;
	const unsigned char	*line, *nl;
	size_t			 ll, off, lineno = 0;
	char			 label[48];
	int			 datalines = 0;

	memset(ps, 0, sizeof(*ps));
	for (off = 0; off < len; off = (size_t)(nl - t) + 1) {
		line = t + off;
		lineno++;
		if ((nl = memchr(line, '\n', len - off)) == NULL)
			nl = t + len;
		ll = (size_t)(nl - line);
		while (ll > 0 && (line[ll - 1] == '\r' ||
		    line[ll - 1] == ' ' || line[ll - 1] == '\t'))
			ll--;
		if (pemline(line, ll, "BEGIN ", label, sizeof(label))) {
			if (cur != NULL && !cur->ended)
				add(sc, KEYFILE_PROB_TRUNCATED, "the %s block "
				    "has no -----END line before line %zu",
				    cur->label, lineno);
			cur = ps->nblocks < MAX_BLOCKS ?
			    &ps->blk[ps->nblocks] : NULL;
			ps->nblocks++;
			if (cur != NULL) {
				snprintf(cur->label, sizeof(cur->label), "%s",
				    label);
				cur->body = (size_t)(nl - t) + (nl < t + len);
			}
			datalines = 0;
		} else if (pemline(line, ll, "END ", label, sizeof(label))) {
			if (cur != NULL && !cur->ended) {
				cur->bodyend = off;
				cur->ended = 1;
				cur->mismatch = strcmp(label, cur->label) != 0;
			} else
				add(sc, KEYFILE_PROB_TRAILING_JUNK, "line %zu: "
				    "-----END %s----- without its -----BEGIN "
				    "line", lineno, label);
		} else if (cur != NULL && !cur->ended) {
			/* RFC 1421 headers come before the base64 */
			if (datalines == 0 && ll > 0 &&
			    memchr(line, ':', ll) != NULL) {
				if (ll >= 10 && memcmp(line, "Proc-Type:", 10)
				    == 0 && findmem(line, ll, "ENCRYPTED", 9)
				    != NULL)
					cur->encrypted = 1;
				cur->body = (size_t)(nl - t) + (nl < t + len);
			} else if (ll > 0)
				datalines++;
		} else
			pem_junk(sc, line, ll, lineno, ps->nblocks);
	}
}

/* pem_pick - the block holding the key; several keys are a finding */
static struct pemblock *
pem_pick(struct scan *sc, struct pemscan *ps)
{
	struct pemblock	*key = NULL;
	size_t		 i, nkeys = 0;
	char		 list[160];

	list[0] = '\0';
	for (i = 0; i < ps->nblocks && i < MAX_BLOCKS; i++) {
		if (is_params(ps->blk[i].label))
			continue;
		nkeys++;
		if (strlen(list) + strlen(ps->blk[i].label) + 3 < sizeof(list))
			snprintf(list + strlen(list), sizeof(list) -
			    strlen(list), "%s%s", nkeys > 1 ? ", " : "",
			    ps->blk[i].label);
		if (key == NULL || (strstr(key->label, "PRIVATE KEY") == NULL &&
		    strstr(ps->blk[i].label, "PRIVATE KEY") != NULL))
			key = &ps->blk[i];
	}
	if (ps->nblocks > MAX_BLOCKS)
		nkeys += ps->nblocks - MAX_BLOCKS;
	if (nkeys > 1)
		add(sc, KEYFILE_PROB_MULTIPLE_KEYS, "%zu PEM blocks in one "
		    "file: %s", nkeys, list);
	return key != NULL ? key : &ps->blk[0];
}

/* analyse_pem - text holding PEM blocks */
static void
analyse_pem(struct scan *sc, const unsigned char *t, size_t len)
{
	struct keyfile_report	*r = sc->r;
	struct pemscan		 ps;
	struct pemblock		*key;

	pem_lines(sc, t, len, &ps);
	if (ps.nblocks == 0) {
		add(sc, KEYFILE_PROB_UNKNOWN_FORMAT, "a -----BEGIN marker, "
		    "but not at the start of a line");
		return;
	}
	key = pem_pick(sc, &ps);
	snprintf(r->pem_label, sizeof(r->pem_label), "%s", key->label);
	r->structure = label_structure(key->label);
	if (!key->ended) {
		add(sc, KEYFILE_PROB_TRUNCATED, "the %s block has no -----END "
		    "%s----- line: the file is cut short", key->label,
		    key->label);
		key->bodyend = len;
	}
	if (key->mismatch)
		add(sc, KEYFILE_PROB_CORRUPT_DER, "the -----END line does not "
		    "match -----BEGIN %s-----", key->label);
	if (r->structure == KEYFILE_ST_OTHER) {
		add(sc, KEYFILE_PROB_UNKNOWN_FORMAT, "a PEM \"%s\"%s",
		    key->label, strcmp(key->label, "OPENSSH PRIVATE KEY") ==
		    0 ? " (an ssh-keygen key, not a DKIM key)" :
		    strstr(key->label, "REQUEST") != NULL ?
		    " (a certificate signing request)" : "");
		return;
	}
	if (key->encrypted) {
		add(sc, KEYFILE_PROB_ENCRYPTED, "a passphrase-protected %s "
		    "(Proc-Type: 4,ENCRYPTED)", key->label);
		return;
	}
	if (key->body > key->bodyend)
		key->body = key->bodyend;
	if (decode_b64(sc, t + key->body, key->bodyend - key->body, t,
	    key->body) == -1)
		return;
	analyse_der(sc, r->structure);
	if (sc->nopad && !keyfile_report_has(r, KEYFILE_PROB_TRUNCATED))
		add(sc, KEYFILE_PROB_BAD_BASE64, "the base64 lacks its final "
		    "'=' padding");
}

/* ---------------------------------------------------------------------
 * Bare base64 and the entry point of the analysis.
 */

/* analyse_b64 - text that should be base64 of a DER key */
static void
analyse_b64(struct scan *sc, const unsigned char *t, size_t len)
{
	const unsigned char	*e;
	size_t			 n = len, i;
	char			 label[48];

	if (len >= 20 && memcmp(t, "PuTTY-User-Key-File-", 20) == 0) {
		add(sc, KEYFILE_PROB_UNKNOWN_FORMAT, "a PuTTY key (.ppk), "
		    "not a DKIM key");
		return;
	}
	if (len >= 4 && memcmp(t, "ssh-", 4) == 0) {
		add(sc, KEYFILE_PROB_UNKNOWN_FORMAT, "an OpenSSH public "
		    "key line, not a DKIM key");
		return;
	}
	if (findmem(t, len, "v=DKIM1", 7) != NULL ||
	    (len > 2 && findmem(t, len, "p=", 2) != NULL &&
	    memchr(t, ';', len) != NULL)) {
		add(sc, KEYFILE_PROB_PUBLIC_KEY, "a DKIM TXT record (the "
		    "public key published in DNS), not a private key");
		return;
	}
	/* A footer whose header was deleted: junk after the base64. */
	if ((e = findmem(t, len, "-----END ", 9)) != NULL) {
		n = (size_t)(e - t);
		for (i = 9; n + i < len && t[n + i] != '\n'; i++)
			;
		if (pemline(e, i > 0 && e[i - 1] == '\r' ? i - 1 : i, "END ",
		    label, sizeof(label)))
			add(sc, KEYFILE_PROB_TRAILING_JUNK, "-----END "
			    "%s----- without its -----BEGIN line", label);
		else
			add(sc, KEYFILE_PROB_TRAILING_JUNK, "a \"-----END\" "
			    "line after the base64");
	}
	if (decode_b64(sc, t, n, t, 0) == -1)
		return;
	analyse_der(sc, KEYFILE_ST_UNKNOWN);
	if (sc->nopad && !keyfile_report_has(sc->r, KEYFILE_PROB_TRUNCATED) &&
	    !keyfile_report_has(sc->r, KEYFILE_PROB_BASE64_OF_PEM))
		add(sc, KEYFILE_PROB_BAD_BASE64, "the base64 lacks its final "
		    "'=' padding (or characters are missing)");
}

/* is_text - printable ASCII and whitespace only */
static int
is_text(const unsigned char *p, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if ((p[i] < 0x20 || p[i] >= 0x7f) && p[i] != '\n' &&
		    p[i] != '\r' && p[i] != '\t')
			return 0;
	return 1;
}

/* analyse - the whole input; findings and key go to sc->r */
static void
analyse(struct scan *sc, const unsigned char *data, size_t len)
{
	struct keyfile_report	*r = sc->r;
	size_t			 i;

	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		add(sc, KEYFILE_PROB_BOM, "the file starts with a UTF-8 byte "
		    "order mark (EF BB BF), as Windows editors write");
		data += 3;
		len -= 3;
	} else if (len >= 2 && (memcmp(data, "\xff\xfe", 2) == 0 ||
	    memcmp(data, "\xfe\xff", 2) == 0)) {
		add(sc, KEYFILE_PROB_UNKNOWN_FORMAT, "UTF-16 text (a UTF-16 "
		    "byte order mark); save the key as plain ASCII text");
		return;
	}
	for (i = 0; i < len; i++)
		if (data[i] != ' ' && data[i] != '\t' && data[i] != '\r' &&
		    data[i] != '\n')
			break;
	if (i == len) {
		add(sc, KEYFILE_PROB_EMPTY, len == 0 ? "the file is empty" :
		    "the file holds only whitespace");
		return;
	}
	if (findmem(data, len, "-----BEGIN ", 11) != NULL ||
	    is_text(data, len)) {
		if (memchr(data, '\r', len) != NULL)
			add(sc, KEYFILE_PROB_CRLF, "CRLF (Windows) line ends");
		if (findmem(data, len, "-----BEGIN ", 11) != NULL) {
			r->encoding = KEYFILE_ENC_PEM;
			analyse_pem(sc, data, len);
		} else {
			r->encoding = KEYFILE_ENC_BASE64;
			analyse_b64(sc, data, len);
		}
		return;
	}
	r->encoding = KEYFILE_ENC_DER;
	if ((sc->der = malloc(len)) == NULL) {
		sc->failed = 1;
		return;
	}
	sc->dercap = sc->derlen = len;
	memcpy(sc->der, data, len);
	analyse_der(sc, KEYFILE_ST_UNKNOWN);
}

/* scan_run - analyse data into a new report; -1 only on failure */
static int
scan_run(const char *name, const unsigned char *data, size_t len,
    struct keyfile_report **out, int *der_junk_out, struct errbuf *err)
{
	struct scan		 sc;
	struct keyfile_report	*r;

	*out = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return errbuf_set(err, "%s: out of memory", name);
	memset(&sc, 0, sizeof(sc));
	sc.name = name;
	sc.r = r;
	shquote(name, sc.qname, sizeof(sc.qname));
	analyse(&sc, data, len);
	if (!sc.failed && keyfile_report_valid(r) &&
	    (r->structure == KEYFILE_ST_PKCS1 ||
	    r->structure == KEYFILE_ST_PKCS8) &&
	    (r->upload = b64enc(sc.der, sc.keylen)) == NULL)
		sc.failed = 1;
	OPENSSL_clear_free(sc.der, sc.dercap);
	if (sc.failed) {
		keyfile_report_free(r);
		return errbuf_ssl(err, "%s: cannot analyse the key (out of "
		    "memory or OpenSSL failure)", name);
	}
	if (der_junk_out != NULL)
		*der_junk_out = sc.der_junk;
	*out = r;
	return 0;
}

/* keyfile_check - judge data as an SES BYODKIM private key */
int
keyfile_check(const char *name, const unsigned char *data, size_t len,
    struct keyfile_report **out, struct errbuf *err)
{
	return scan_run(name != NULL ? name : "KEYFILE", data, len, out, NULL,
	    err);
}

/* ---------------------------------------------------------------------
 * Files.  A key file has one way in (keyfile_read): it is opened once,
 * without following a final symbolic link and without blocking (opening
 * a FIFO would otherwise wait for a writer, and with it every later
 * reload of the milter), accepted only when that descriptor is a regular
 * file, judged on that descriptor and read from it.  The directories are
 * checked along the path as written; a symbolic link in the middle of the
 * path is followed, and the directories where the link lives and where it
 * leads are all checked.
 *
 * The rule, stated once and applied by the milter and keytool alike: the
 * key belongs to root or to the user that reads it (the milter's UserID,
 * keytool's invoking user or --user), nobody else may read or write it,
 * and no directory above it may be writable by anyone but root or that
 * user.  A key owned by root that a non-root reader is meant to read is
 * refused too: the reader could not open it.
 */

#define MAX_LINKS	40	/* symbolic links followed on one path */

/* printable - s with bytes outside printable ASCII as \xNN, into out */
static void
printable(const char *s, char *out, size_t outlen)
{
	const unsigned char	*p;
	size_t			 n = 0;

	for (p = (const unsigned char *)s; *p != '\0' && n + 5 < outlen; p++) {
		if (*p < 0x20 || *p > 0x7e)
			n += (size_t)snprintf(out + n, outlen - n, "\\x%02x",
			    *p);
		else
			out[n++] = (char)*p;
	}
	if (outlen > 0)
		out[n < outlen ? n : outlen - 1] = '\0';
}

/* kind - what a file that is not a regular file is, for a message */
static const char *
kind(mode_t m)
{
	if (S_ISFIFO(m))
		return "a FIFO (named pipe)";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

/* not_regular - the refusal of path, whose mode is m; -1 */
static int
not_regular(const char *path, mode_t m, struct errbuf *err)
{
	char	 target[PATH_MAX], shown[PATH_MAX];
	ssize_t	 n;

	if (S_ISLNK(m)) {
		if ((n = readlink(path, target, sizeof(target) - 1)) < 0)
			n = 0;
		target[n] = '\0';
		printable(target, shown, sizeof(shown));
		return errbuf_set(err, "%s: is a symbolic link%s%s; key files "
		    "are never opened through one: point KeyFile (or the "
		    "KeyTable entry) at the file itself", path,
		    n > 0 ? " to " : "", shown);
	}
	return errbuf_set(err, "%s: is %s, not a regular file; a key file "
	    "must be a plain file holding the key", path, kind(m));
}

/*
 * open_key - open path for reading as described above; the descriptor,
 * with *st_out from fstat(), or -1 with err set.  A file that is not a
 * regular file is refused before it is opened where lstat() tells (so a
 * device is not even opened) and again on the descriptor.
 */
static int
open_key(const char *path, struct stat *st_out, struct errbuf *err)
{
	struct stat	 st;
	char		 eb[128];
	int		 fd, e;

	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return not_regular(path, st.st_mode, err);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC |
	    O_NOCTTY);
	if (fd == -1) {
		e = errno;
		if (e == ELOOP && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
			return not_regular(path, st.st_mode, err);
		return errbuf_set(err, "%s: %s", path, errtext(e, eb,
		    sizeof(eb)));
	}
	if (fstat(fd, st_out) == -1) {
		e = errno;
		close(fd);
		return errbuf_set(err, "%s: %s", path, errtext(e, eb,
		    sizeof(eb)));
	}
	if (!S_ISREG(st_out->st_mode)) {
		close(fd);
		return not_regular(path, st_out->st_mode, err);
	}
	return fd;
}

/* read_fd - the whole of fd, owned (cleanse before freeing), or -1 */
static int
read_fd(int fd, const char *path, unsigned char **out, size_t *len_out,
    struct errbuf *err)
{
	unsigned char	*buf = NULL, *nbuf;
	size_t		 len = 0, cap = 0, ncap;
	ssize_t		 n;
	char		 eb[128];

	for (;;) {
		if (len == cap) {
			if (cap > KEYFILE_MAX_BYTES) {
				errbuf_set(err, "%s: larger than %d bytes, "
				    "not a key file", path, KEYFILE_MAX_BYTES);
				goto fail;
			}
			ncap = cap == 0 ? 8192 : cap * 2;
			if ((nbuf = malloc(ncap)) == NULL) {
				errbuf_set(err, "%s: out of memory", path);
				goto fail;
			}
			if (len > 0)
				memcpy(nbuf, buf, len);
			OPENSSL_clear_free(buf, cap);
			buf = nbuf;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			errbuf_set(err, "%s: %s", path,
			    errtext(errno, eb, sizeof(eb)));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (buf == NULL && (buf = malloc(1)) == NULL)
		return errbuf_set(err, "%s: out of memory", path);
	*out = buf;
	*len_out = len;
	return 0;
fail:
	OPENSSL_clear_free(buf, cap);
	return -1;
}

/* owner - the user name of uid, or "uid N" */
static void
owner(uid_t uid, char *out, size_t outlen)
{
	struct passwd	 pw, *res = NULL;
	char		 buf[1024];

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res != NULL)
		snprintf(out, outlen, "%s", pw.pw_name);
	else
		snprintf(out, outlen, "uid %lu", (unsigned long)uid);
}

/* The rule being applied to one key, and what it found. */
struct rule {
	const char	*path;		/* the key, as written */
	char		 qpath[PATH_MAX + 8];	/* shell-quoted */
	uid_t		 reader;	/* root or the user reading the key */
	int		 guessed;	/* reader taken from the key's owner */
	char		 rname[64];
	char		*what;
	size_t		 whatlen;
	char		*fix;
	size_t		 fixlen;
};

/* trusted - root or the reader */
static int
trusted(const struct rule *ru, uid_t uid)
{
	return uid == 0 || uid == ru->reader;
}

/* bad_path - a path on the way cannot be examined; -1 */
static int
bad_path(struct rule *ru, const char *name, int e)
{
	char	 eb[128];

	snprintf(ru->what, ru->whatlen, "%s: %s", name, errtext(e, eb,
	    sizeof(eb)));
	snprintf(ru->fix, ru->fixlen, "check the path");
	return -1;
}

/* check_dir - a directory (or a link) on the way to the key; 0 or -1 */
static int
check_dir(struct rule *ru, const char *name, const struct stat *st)
{
	char	 who[64], q[PATH_MAX + 8];
	int	 link = S_ISLNK(st->st_mode);

	owner(st->st_uid, who, sizeof(who));
	shquote(name, q, sizeof(q));
	if (!link && (st->st_mode & (S_IWGRP | S_IWOTH)) != 0 &&
	    (st->st_mode & S_ISVTX) == 0) {
		snprintf(ru->what, ru->whatlen, "directory %s: mode %04o, "
		    "owner %s: writable by %s, who can replace the key", name,
		    (unsigned int)(st->st_mode & 07777), who,
		    (st->st_mode & S_IWOTH) != 0 ? "others" : "its group");
		snprintf(ru->fix, ru->fixlen, "chmod go-w %s", q);
		return -1;
	}
	if (trusted(ru, st->st_uid))
		return 0;
	snprintf(ru->what, ru->whatlen, "%s %s: owner %s: owned by neither "
	    "root nor %s (the user that reads the key), so %s can replace "
	    "the key", link ? "symbolic link" : "directory", name, who,
	    ru->rname, who);
	if (ru->guessed && ru->reader == 0)
		snprintf(ru->fix, ru->fixlen, "chown %s%s %s; or, if %s reads "
		    "the key (dkimlens-milter's UserID): chown %s %s",
		    link ? "-h " : "", ru->rname, q, who, who, ru->qpath);
	else
		snprintf(ru->fix, ru->fixlen, "chown %s%s %s",
		    link ? "-h " : "", ru->rname, q);
	return -1;
}

/*
 * walk - check every directory from / down to the key's, along path as
 * written (a relative path from the working directory); a symbolic link
 * met on the way is checked, read, and its target walked from the
 * directory holding it.  Then the name must still be the file opened
 * (st): nothing was swapped in between.  0, or -1 with what and fix.
 */
static int
walk(struct rule *ru, const struct stat *key)
{
	struct stat	 st;
	char		 cur[PATH_MAX], todo[PATH_MAX], tmp[PATH_MAX];
	char		 comp[PATH_MAX], next[PATH_MAX], target[PATH_MAX];
	const char	*p, *rest;
	char		*slash;
	size_t		 k;
	ssize_t		 n;
	int		 links = 0;

	if (ru->path[0] == '/')
		snprintf(cur, sizeof(cur), "/");
	else if (getcwd(cur, sizeof(cur)) == NULL)
		return bad_path(ru, "the working directory", errno);
	if ((size_t)snprintf(todo, sizeof(todo), "%s", ru->path) >=
	    sizeof(todo))
		return bad_path(ru, ru->path, ENAMETOOLONG);
	/* every directory from / down to the working directory */
	snprintf(tmp, sizeof(tmp), "%s", cur);
	for (;;) {
		if (lstat(tmp, &st) == -1)
			return bad_path(ru, tmp, errno);
		if (check_dir(ru, tmp, &st) == -1)
			return -1;
		if (strcmp(tmp, "/") == 0)
			break;
		slash = strrchr(tmp, '/');
		if (slash == tmp)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	p = todo;
	for (;;) {
		while (*p == '/')
			p++;
		k = strcspn(p, "/");
		memcpy(comp, p, k);
		comp[k] = '\0';
		rest = p + k;
		while (*rest == '/')
			rest++;
		if (*rest == '\0')
			break;		/* comp is the key's own name */
		p = rest;
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			slash = strrchr(cur, '/');
			if (slash == cur)
				slash[1] = '\0';
			else if (slash != NULL)
				*slash = '\0';
			continue;
		}
		if ((size_t)snprintf(next, sizeof(next), "%s%s%s", cur,
		    strcmp(cur, "/") == 0 ? "" : "/", comp) >= sizeof(next))
			return bad_path(ru, ru->path, ENAMETOOLONG);
		if (lstat(next, &st) == -1)
			return bad_path(ru, next, errno);
		if (S_ISDIR(st.st_mode)) {
			if (check_dir(ru, next, &st) == -1)
				return -1;
			snprintf(cur, sizeof(cur), "%s", next);
			continue;
		}
		if (!S_ISLNK(st.st_mode))
			return bad_path(ru, next, ENOTDIR);
		if (check_dir(ru, next, &st) == -1)
			return -1;
		if (++links > MAX_LINKS)
			return bad_path(ru, ru->path, ELOOP);
		if ((n = readlink(next, target, sizeof(target) - 1)) < 0)
			return bad_path(ru, next, errno);
		target[n] = '\0';
		if ((size_t)snprintf(tmp, sizeof(tmp), "%s/%s", target, p) >=
		    sizeof(tmp))
			return bad_path(ru, ru->path, ENAMETOOLONG);
		memcpy(todo, tmp, sizeof(todo));
		p = todo;
		if (target[0] == '/')
			snprintf(cur, sizeof(cur), "/");
	}
	if ((size_t)snprintf(next, sizeof(next), "%s%s%s", cur,
	    strcmp(cur, "/") == 0 ? "" : "/", comp) >= sizeof(next))
		return bad_path(ru, ru->path, ENAMETOOLONG);
	if (lstat(next, &st) == -1)
		return bad_path(ru, next, errno);
	if (st.st_dev != key->st_dev || st.st_ino != key->st_ino) {
		snprintf(ru->what, ru->whatlen, "%s: the file changed while "
		    "it was being opened", ru->path);
		snprintf(ru->fix, ru->fixlen, "find out who replaces it; only "
		    "root or %s may be able to", ru->rname);
		return -1;
	}
	return 0;
}

/*
 * judge - the rule on the key opened at path (st from its descriptor);
 * 0, or -1 with what (path, owner, mode, danger) and fix (the command).
 */
static int
judge(const char *path, const struct stat *st, uid_t reader, char *what,
    size_t whatlen, char *fix, size_t fixlen)
{
	struct rule	 ru;
	char		 who[64];
	unsigned int	 mode = (unsigned int)(st->st_mode & 07777);

	memset(&ru, 0, sizeof(ru));
	ru.path = path;
	ru.what = what;
	ru.whatlen = whatlen;
	ru.fix = fix;
	ru.fixlen = fixlen;
	ru.guessed = reader == KEYFILE_READER_OWNER;
	ru.reader = ru.guessed ? st->st_uid : reader;
	owner(ru.reader, ru.rname, sizeof(ru.rname));
	owner(st->st_uid, who, sizeof(who));
	shquote(path, ru.qpath, sizeof(ru.qpath));
	if ((st->st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		snprintf(what, whatlen, "%s: mode %04o, owner %s: %s by %s",
		    path, mode, who, (st->st_mode & (S_IWGRP | S_IWOTH)) != 0 ?
		    "readable or writable" : "readable",
		    (st->st_mode & S_IRWXG) != 0 && (st->st_mode & S_IRWXO) !=
		    0 ? "group and others" : (st->st_mode & S_IRWXG) != 0 ?
		    "group" : "others");
		snprintf(fix, fixlen, "chmod 600 %s", ru.qpath);
		return -1;
	}
	if (!trusted(&ru, st->st_uid)) {
		snprintf(what, whatlen, "%s: mode %04o, owner %s: owned by "
		    "neither root nor %s (the user that reads it), so %s can "
		    "replace it", path, mode, who, ru.rname, who);
		snprintf(fix, fixlen, "chown %s %s", ru.rname, ru.qpath);
		return -1;
	}
	if (st->st_uid != ru.reader && ru.reader != 0) {
		snprintf(what, whatlen, "%s: mode %04o, owner %s: %s, the user "
		    "that reads it, cannot read it", path, mode, who, ru.rname);
		snprintf(fix, fixlen, "chown %s %s", ru.rname, ru.qpath);
		return -1;
	}
	return walk(&ru, st);
}

/* keyfile_read - open, judge and read a key file */
int
keyfile_read(const char *path, uid_t reader, struct keyfile_perm *perm_out,
    unsigned char **data_out, size_t *len_out, struct errbuf *err)
{
	struct stat	 st;
	int		 fd, rc;

	*data_out = NULL;
	*len_out = 0;
	if ((fd = open_key(path, &st, err)) == -1)
		return -1;
	if (perm_out != NULL) {
		memset(perm_out, 0, sizeof(*perm_out));
		perm_out->ok = judge(path, &st, reader, perm_out->what,
		    sizeof(perm_out->what), perm_out->fix,
		    sizeof(perm_out->fix)) == 0;
	}
	rc = read_fd(fd, path, data_out, len_out, err);
	close(fd);
	return rc;
}

/* keyfile_data_free - cleanse and free what keyfile_read returned */
void
keyfile_data_free(unsigned char *data, size_t len)
{
	OPENSSL_clear_free(data, len);
}

/* keyfile_secure - the rule on path, without reading it */
int
keyfile_secure(const char *path, uid_t reader, struct errbuf *err)
{
	struct stat	 st;
	char		 what[KEYFILE_DETAIL_MAX], fix[KEYFILE_FIX_MAX];
	int		 fd, rc;

	if ((fd = open_key(path, &st, err)) == -1)
		return -1;
	rc = judge(path, &st, reader, what, sizeof(what), fix, sizeof(fix));
	close(fd);
	if (rc == 0)
		return 0;
	return errbuf_set(err, "%s; fix: %s", what, fix);
}

/* keyfile_check_file - read and check a key file */
int
keyfile_check_file(const char *path, uid_t reader,
    struct keyfile_report **out, struct errbuf *err)
{
	struct keyfile_report	*r;
	struct keyfile_finding	*f;
	struct keyfile_perm	 perm;
	unsigned char		*data;
	size_t			 len;

	*out = NULL;
	if (keyfile_read(path, reader, &perm, &data, &len, err) == -1)
		return -1;
	if (keyfile_check(path, data, len, &r, err) == -1) {
		keyfile_data_free(data, len);
		return -1;
	}
	keyfile_data_free(data, len);
	if (!perm.ok && r->nfindings < KEYFILE_MAX_FINDINGS) {
		f = &r->findings[r->nfindings++];
		f->problem = KEYFILE_PROB_FILE_PERMISSIONS;
		snprintf(f->detail, sizeof(f->detail), "%s", perm.what);
		snprintf(f->fix, sizeof(f->fix), "%s", perm.fix);
	}
	*out = r;
	return 0;
}

/* ---------------------------------------------------------------------
 * Loading.
 */

/* load_common - scan data and hand over the key, or say why not */
static int
load_common(const char *name, const unsigned char *data, size_t len,
    int want_private, EVP_PKEY **pkey_out, struct errbuf *err)
{
	struct keyfile_report		*r;
	const struct keyfile_finding	*f;
	size_t				 i;
	int				 der_junk;

	*pkey_out = NULL;
	if (name == NULL)
		name = "key";
	if (scan_run(name, data, len, &r, &der_junk, err) == -1)
		return -1;
	for (i = 0; i < r->nfindings; i++) {
		f = &r->findings[i];
		switch (f->problem) {
		case KEYFILE_PROB_RSA_SIZE:
		case KEYFILE_PROB_CRLF:
		case KEYFILE_PROB_BOM:
		case KEYFILE_PROB_FILE_PERMISSIONS:
			continue;
		case KEYFILE_PROB_LEADING_JUNK:
		case KEYFILE_PROB_TRAILING_JUNK:
			/*
			 * Text around a PEM block (OpenSSL ignores it too) or
			 * a footer left after bare base64 leaves the key
			 * well defined; bytes after the DER do not.
			 */
			if (!der_junk)
				continue;
			break;
		case KEYFILE_PROB_NOT_RSA:
			if (r->pkey != NULL && EVP_PKEY_is_a(r->pkey,
			    "ED25519"))
				continue;
			break;
		case KEYFILE_PROB_PUBLIC_KEY:
		case KEYFILE_PROB_CERTIFICATE:
			if (!want_private)
				continue;
			break;
		default:
			break;
		}
		errbuf_set(err, "%s: %s: %s", name,
		    keyfile_problem_name(f->problem), f->detail);
		goto fail;
	}
	if (r->pkey == NULL || (want_private && !r->is_private)) {
		errbuf_set(err, "%s: no usable key found", name);
		goto fail;
	}
	*pkey_out = r->pkey;
	r->pkey = NULL;
	keyfile_report_free(r);
	return 0;
fail:
	keyfile_report_free(r);
	return -1;
}

/* keyfile_parse_private - a private key from memory */
int
keyfile_parse_private(const char *name, const unsigned char *data,
    size_t len, EVP_PKEY **pkey_out, struct errbuf *err)
{
	return load_common(name, data, len, 1, pkey_out, err);
}

/* keyfile_parse_public - a key (public half at least) from memory */
int
keyfile_parse_public(const char *name, const unsigned char *data,
    size_t len, EVP_PKEY **pkey_out, struct errbuf *err)
{
	return load_common(name, data, len, 0, pkey_out, err);
}

/* load_path - read path (judged against reader when check) and load it */
static int
load_path(const char *path, int want_private, int check, uid_t reader,
    EVP_PKEY **pkey_out, struct errbuf *err)
{
	struct keyfile_perm	 perm;
	unsigned char		*data;
	size_t			 len;
	int			 rc;

	*pkey_out = NULL;
	if (keyfile_read(path, reader, check ? &perm : NULL, &data, &len,
	    err) == -1)
		return -1;
	if (check && !perm.ok) {
		keyfile_data_free(data, len);
		return errbuf_set(err, "%s; fix: %s", perm.what, perm.fix);
	}
	rc = load_common(path, data, len, want_private, pkey_out, err);
	keyfile_data_free(data, len);
	return rc;
}

/* keyfile_load_private - a private key from a file */
int
keyfile_load_private(const char *path, EVP_PKEY **pkey_out,
    struct errbuf *err)
{
	return load_path(path, 1, 0, 0, pkey_out, err);
}

/* keyfile_load_signing - a private key from a file that passes the rule */
int
keyfile_load_signing(const char *path, uid_t reader, EVP_PKEY **pkey_out,
    struct errbuf *err)
{
	return load_path(path, 1, 1, reader, pkey_out, err);
}

/* keyfile_load_public - a key (public half at least) from a file */
int
keyfile_load_public(const char *path, EVP_PKEY **pkey_out,
    struct errbuf *err)
{
	return load_path(path, 0, 0, 0, pkey_out, err);
}

/* ---------------------------------------------------------------------
 * Public forms: p=, the TXT value, the zone-file line.
 */

/* keyfile_public_b64 - base64 of SubjectPublicKeyInfo, or raw Ed25519 */
char *
keyfile_public_b64(EVP_PKEY *pkey, struct errbuf *err)
{
	unsigned char	*der = NULL, raw[32];
	size_t		 rawlen = sizeof(raw);
	char		*s;
	int		 n;

	if (pkey == NULL) {
		errbuf_set(err, "no key");
		return NULL;
	}
	if (EVP_PKEY_is_a(pkey, "ED25519")) {
		/* RFC 8463 4: the raw public key, not an SPKI */
		if (EVP_PKEY_get_raw_public_key(pkey, raw, &rawlen) != 1) {
			errbuf_ssl(err, "cannot get the Ed25519 public key");
			return NULL;
		}
		if ((s = b64enc(raw, rawlen)) == NULL)
			errbuf_set(err, "out of memory");
		return s;
	}
	if (!EVP_PKEY_is_a(pkey, "RSA")) {
		errbuf_set(err, "a %s key has no DKIM key record (RSA or "
		    "Ed25519 only)", EVP_PKEY_get0_type_name(pkey) != NULL ?
		    EVP_PKEY_get0_type_name(pkey) : "non-RSA");
		return NULL;
	}
	if ((n = i2d_PUBKEY(pkey, &der)) <= 0) {
		errbuf_ssl(err, "cannot encode the public key");
		return NULL;
	}
	if ((s = b64enc(der, (size_t)n)) == NULL)
		errbuf_set(err, "out of memory");
	OPENSSL_free(der);
	return s;
}

/* keyfile_txt_record - "v=DKIM1; k=rsa; p=..." */
char *
keyfile_txt_record(EVP_PKEY *pkey, struct errbuf *err)
{
	char	*p, *s;
	size_t	 n;
	int	 ed;

	if ((p = keyfile_public_b64(pkey, err)) == NULL)
		return NULL;
	ed = EVP_PKEY_is_a(pkey, "ED25519");
	n = strlen(p) + 32;
	if ((s = malloc(n)) == NULL) {
		free(p);
		errbuf_set(err, "out of memory");
		return NULL;
	}
	snprintf(s, n, "v=DKIM1; k=%s; p=%s", ed ? "ed25519" : "rsa", p);
	free(p);
	return s;
}

/* keyfile_zone_record - the zone-file line, strings of <= 255 chars */
char *
keyfile_zone_record(const char *selector, const char *domain,
    const char *txt, struct errbuf *err)
{
	char	*s;
	size_t	 dlen, tlen, cap, n, off, k;

	if (selector == NULL || domain == NULL || txt == NULL) {
		errbuf_set(err, "zone record: selector, domain and value "
		    "are all needed");
		return NULL;
	}
	dlen = strlen(domain);
	if (dlen > 0 && domain[dlen - 1] == '.')
		dlen--;
	tlen = strlen(txt);
	if (strchr(txt, '"') != NULL || strchr(txt, '\\') != NULL) {
		errbuf_set(err, "zone record: the value holds a quote or "
		    "backslash");
		return NULL;
	}
	cap = strlen(selector) + dlen + tlen + 4 * (tlen / 255 + 1) + 64;
	if ((s = malloc(cap)) == NULL) {
		errbuf_set(err, "out of memory");
		return NULL;
	}
	n = (size_t)snprintf(s, cap, "%s._domainkey.%.*s. IN TXT (", selector,
	    (int)dlen, domain);
	for (off = 0; off < tlen || off == 0; off += k) {
		k = tlen - off < KEYFILE_TXT_STRING_MAX ? tlen - off :
		    KEYFILE_TXT_STRING_MAX;
		n += (size_t)snprintf(s + n, cap - n, " \"%.*s\"", (int)k,
		    txt + off);
		if (k == 0)
			break;
	}
	snprintf(s + n, cap - n, " )");
	return s;
}

/* ---------------------------------------------------------------------
 * New keys.
 */

/* keyfile_generate - a new RSA or Ed25519 key */
int
keyfile_generate(const char *type, unsigned int bits, EVP_PKEY **pkey_out,
    struct errbuf *err)
{
	EVP_PKEY	*pkey;

	*pkey_out = NULL;
	if (strcmp(type, "rsa") == 0) {
		if (bits < 1024 || bits > 8192)
			return errbuf_set(err, "RSA key size %u: use 1024 to "
			    "8192 bits", bits);
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
	} else if (strcmp(type, "ed25519") == 0)
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	else
		return errbuf_set(err, "key type %s: use rsa or ed25519",
		    type);
	if (pkey == NULL)
		return errbuf_ssl(err, "cannot generate a %s key", type);
	*pkey_out = pkey;
	return 0;
}

/* encode_private - DER or PEM of pkey in form; OPENSSL_clear_free it */
static int
encode_private(EVP_PKEY *pkey, enum keyfile_form form, const char *type,
    unsigned char **out, size_t *len_out, struct errbuf *err)
{
	OSSL_ENCODER_CTX	*ectx;
	unsigned char		*data = NULL;
	size_t			 len = 0;

	*out = NULL;
	if (form == KEYFILE_FORM_PKCS1 && !EVP_PKEY_is_a(pkey, "RSA"))
		return errbuf_set(err, "PKCS#1 holds RSA keys only; use "
		    "PKCS#8 for %s", EVP_PKEY_get0_type_name(pkey));
	ectx = OSSL_ENCODER_CTX_new_for_pkey(pkey, EVP_PKEY_KEYPAIR, type,
	    form == KEYFILE_FORM_PKCS1 ? "type-specific" : "PrivateKeyInfo",
	    NULL);
	if (ectx == NULL || OSSL_ENCODER_CTX_get_num_encoders(ectx) == 0) {
		OSSL_ENCODER_CTX_free(ectx);
		return errbuf_ssl(err, "no OpenSSL encoder for this key");
	}
	if (OSSL_ENCODER_to_data(ectx, &data, &len) != 1) {
		OSSL_ENCODER_CTX_free(ectx);
		return errbuf_ssl(err, "cannot encode the private key");
	}
	OSSL_ENCODER_CTX_free(ectx);
	*out = data;
	*len_out = len;
	return 0;
}

/* keyfile_upload_b64 - the SES upload string */
char *
keyfile_upload_b64(EVP_PKEY *pkey, enum keyfile_form form,
    struct errbuf *err)
{
	unsigned char	*der;
	size_t		 len;
	char		*s;

	if (encode_private(pkey, form, "DER", &der, &len, err) == -1)
		return NULL;
	if ((s = b64enc(der, len)) == NULL)
		errbuf_set(err, "out of memory");
	OPENSSL_clear_free(der, len);
	return s;
}

/* keyfile_write_private - a new PEM file, mode 0600, never replacing */
int
keyfile_write_private(const char *path, EVP_PKEY *pkey,
    enum keyfile_form form, struct errbuf *err)
{
	unsigned char	*pem = NULL;
	size_t		 len = 0, off = 0;
	ssize_t		 n;
	char		 eb[128];
	int		 fd;

	if (encode_private(pkey, form, "PEM", &pem, &len, err) == -1)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		errbuf_set(err, "%s: %s%s", path,
		    errtext(errno, eb, sizeof(eb)), errno == EEXIST ?
		    " (not replacing an existing key)" : "");
		OPENSSL_clear_free(pem, len);
		return -1;
	}
	if (fchmod(fd, 0600) == -1)
		goto fail;
	while (off < len) {
		n = write(fd, pem + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		off += (size_t)n;
	}
	if (fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	OPENSSL_clear_free(pem, len);
	return 0;
fail:
	errbuf_set(err, "%s: %s", path, errtext(errno, eb, sizeof(eb)));
	if (fd != -1)
		close(fd);
	unlink(path);
	OPENSSL_clear_free(pem, len);
	return -1;
}
