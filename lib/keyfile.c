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
 * This file owns the problems and their fixes (the SES BYODKIM rules as
 * text), the report, the loaders, the public forms and new keys; the
 * analysis of the bytes is keyscan.c's and keyder.c's, file input and the
 * ownership rule keyperm.c's (see lib/keyint.h).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "lib/b64.h"
#include "lib/errbuf.h"
#include "lib/keyfile.h"
#include "lib/keyint.h"

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

/* keyfile_shquote - name quoted for a shell command line, into out */
void
keyfile_shquote(const char *name, char *out, size_t outlen)
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
	if (keyscan_run(name, data, len, &r, &der_junk, err) == -1)
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
		if ((s = b64_encode_alloc(raw, rawlen)) == NULL)
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
	if ((s = b64_encode_alloc(der, (size_t)n)) == NULL)
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
	if ((s = b64_encode_alloc(der, len)) == NULL)
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
		    errbuf_strerror(errno, eb, sizeof(eb)), errno == EEXIST ?
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
	errbuf_set(err, "%s: %s", path, errbuf_strerror(errno, eb, sizeof(eb)));
	if (fd != -1)
		close(fd);
	unlink(path);
	OPENSSL_clear_free(pem, len);
	return -1;
}
