/*
 * sign - make one DKIM-Signature for a message (RFC 6376 section 5)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "lib/b64.h"
#include "lib/bodyhash.h"
#include "lib/buf.h"
#include "lib/from.h"
#include "lib/hdr.h"
#include "lib/keyname.h"
#include "lib/role.h"
#include "lib/sig.h"
#include "lib/sign.h"

#define SIGN_MAX_NAMES	SIG_MAX_HEADERS	/* names in h=, as verifiers take */

struct signer {
	enum sign_alg	 alg;
	enum canon	 hcanon, bcanon;
	char		*domain, *selector, *identity;
	char		*headers, *oversign, *never;
	EVP_PKEY	*key;		/* borrowed */
	time_t		 now;
	long		 expire_secs;
	struct hdrlist	 hdrs;
	struct bodyhash	*bh;
	int		 eoh;
};

/* sign_alg_parse - the a= word to an algorithm */
int
sign_alg_parse(const char *s, enum sign_alg *alg_out)
{
	if (strcasecmp(s, "rsa-sha256") == 0)
		*alg_out = SIGN_RSA_SHA256;
	else if (strcasecmp(s, "ed25519-sha256") == 0)
		*alg_out = SIGN_ED25519_SHA256;
	else
		return -1;
	return 0;
}

/* sign_alg_name - the a= word */
const char *
sign_alg_name(enum sign_alg alg)
{
	return alg == SIGN_ED25519_SHA256 ? "ed25519-sha256" : "rsa-sha256";
}

/* signer_free - free */
void
signer_free(struct signer *s)
{
	if (s == NULL)
		return;
	free(s->domain);
	free(s->selector);
	free(s->identity);
	free(s->headers);
	free(s->oversign);
	free(s->never);
	hdrlist_free(&s->hdrs);
	bodyhash_free(s->bh);
	free(s);
}

static char *
dup_or_null(const char *s, int *failed)
{
	char	*p;

	if (s == NULL)
		return NULL;
	if ((p = strdup(s)) == NULL)
		*failed = 1;
	return p;
}

/* identity_ok - i= is [local-part]@domain, domain at or below d= */
static int
identity_ok(const char *i, const char *d)
{
	const char	*at = strrchr(i, '@'), *p;

	if (at == NULL || !keyname_domain_ok(at + 1, 0) ||
	    !role_is_under(at + 1, d))
		return 0;
	for (p = i; p < at; p++)
		if ((unsigned char)*p <= 0x20 || *p == ';' ||
		    (unsigned char)*p >= 0x7f)
			return 0;
	return 1;
}

/* list_has_name - a colon or comma separated name list contains name */
static int
list_has_name(const char *list, const char *name)
{
	const char	*p, *e;
	size_t		 len, n = strlen(name);

	for (p = list; *p != '\0'; p = *e == '\0' ? e : e + 1) {
		p += strspn(p, " \t");
		e = p + strcspn(p, ":,");
		len = (size_t)(e - p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == n && strncasecmp(p, name, n) == 0)
			return 1;
	}
	return 0;
}

/* signer_new - check settings and key, start the body hash */
struct signer *
signer_new(const struct sign_settings *st, struct errbuf *err)
{
	struct signer		*s;
	struct verdict_result	 why;
	char			 name[KEYNAME_MAX + 1];
	int			 failed = 0, id;

	if (st->domain == NULL || *st->domain == '\0' ||
	    st->selector == NULL || *st->selector == '\0') {
		errbuf_set(err, "signing needs a domain and a selector");
		return NULL;
	}
	if (!keyname_domain_ok(st->domain, 0)) {
		errbuf_set(err, "'%s' is not a valid signing domain (d=)",
		    st->domain);
		return NULL;
	}
	if (!keyname_domain_ok(st->selector, 1)) {
		errbuf_set(err, "'%s' is not a valid selector (s=)",
		    st->selector);
		return NULL;
	}
	/* the name verifiers will look up: refused here, not cut there */
	if (keyname_build(st->selector, st->domain, name, sizeof(name),
	    &why) == -1) {
		errbuf_set(err, "cannot sign as s=%s d=%s: %s", st->selector,
		    st->domain, why.detail);
		return NULL;
	}
	if (st->identity != NULL && !identity_ok(st->identity, st->domain)) {
		errbuf_set(err, "identity '%s' must be an address at %s or a "
		    "subdomain of it (RFC 6376 3.5 i=)", st->identity,
		    st->domain);
		return NULL;
	}
	if (st->headers != NULL && list_has_name(st->headers,
	    "DKIM-Signature")) {
		errbuf_set(err, "the header list must not name DKIM-Signature "
		    "(RFC 6376 5.4)");
		return NULL;
	}
	if (st->key == NULL) {
		errbuf_set(err, "signing needs a private key");
		return NULL;
	}
	id = EVP_PKEY_get_base_id(st->key);
	if (st->alg == SIGN_RSA_SHA256 && id != EVP_PKEY_RSA) {
		errbuf_set(err, "rsa-sha256 needs an RSA key, %s._domainkey.%s "
		    "has a %s key", st->selector, st->domain,
		    id == EVP_PKEY_ED25519 ? "Ed25519" : "non-RSA");
		return NULL;
	}
	if (st->alg == SIGN_ED25519_SHA256 && id != EVP_PKEY_ED25519) {
		errbuf_set(err, "ed25519-sha256 needs an Ed25519 key, "
		    "%s._domainkey.%s has %s", st->selector, st->domain,
		    id == EVP_PKEY_RSA ? "an RSA key" : "another key type");
		return NULL;
	}
	/* RFC 8301 3.2: signers MUST use RSA keys of at least 1024 bits */
	if (id == EVP_PKEY_RSA && EVP_PKEY_get_bits(st->key) < 1024) {
		errbuf_set(err, "RSA key of %d bits is too short to sign with "
		    "(RFC 8301: at least 1024)", EVP_PKEY_get_bits(st->key));
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		errbuf_set(err, "out of memory");
		return NULL;
	}
	hdrlist_init(&s->hdrs);
	s->alg = st->alg;
	s->hcanon = st->hcanon;
	s->bcanon = st->bcanon;
	s->key = st->key;
	s->now = st->now == 0 ? time(NULL) : st->now;
	s->expire_secs = st->expire_secs;
	s->domain = dup_or_null(st->domain, &failed);
	s->selector = dup_or_null(st->selector, &failed);
	s->identity = dup_or_null(st->identity, &failed);
	s->headers = dup_or_null(st->headers, &failed);
	s->oversign = dup_or_null(st->oversign != NULL ? st->oversign :
	    "From", &failed);
	s->never = dup_or_null(st->never, &failed);
	if (failed) {
		errbuf_set(err, "out of memory");
		goto fail;
	}
	if ((s->bh = bodyhash_new(s->bcanon, -1, err)) == NULL)
		goto fail;
	return s;
fail:
	signer_free(s);
	return NULL;
}

/* signer_header - keep one header field */
int
signer_header(struct signer *s, const char *name, const char *value,
    struct errbuf *err)
{
	if (s->eoh)
		return errbuf_set(err, "header after end of headers");
	return hdrlist_add(&s->hdrs, name, value, err);
}

/* signer_eoh - end of headers */
int
signer_eoh(struct signer *s, struct errbuf *err)
{
	(void)err;
	s->eoh = 1;
	return 0;
}

/* signer_body - hash a chunk of body */
int
signer_body(struct signer *s, const void *data, size_t len,
    struct errbuf *err)
{
	(void)err;
	bodyhash_update(s->bh, data, len);
	return 0;
}

/* add_name - append a copy of name[0..len) to the h= list */
static int
add_name(char **names, size_t *n, const char *name, size_t len)
{
	if (*n == SIGN_MAX_NAMES)
		return -1;
	if ((names[*n] = strndup(name, len)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

/* in_list - the len bytes at name are one of a colon list's names */
static int
in_list(const char *list, const char *name, size_t len)
{
	const char	*p, *e;

	for (p = list; p != NULL && *p != '\0'; p = *e == '\0' ? e : e + 1) {
		e = p + strcspn(p, ":");
		if ((size_t)(e - p) == len && strncasecmp(p, name, len) == 0)
			return 1;
	}
	return 0;
}

/*
 * pick_headers - the names for h=: the explicit list as given; or each
 * name of the default set once per occurrence in the message, then each
 * oversigned name once more (RFC 6376 8.15).  A name in the never list
 * (SesRelay: the fields SES adds or rewrites) is left out of both.
 */
static int
pick_headers(struct signer *s, char **names, size_t *n)
{
	const char	*list, *p, *e;
	size_t		 len, k, count;
	char		 one[128];

	*n = 0;
	list = s->headers != NULL ? s->headers : SIGN_DEFAULT_HEADERS;
	for (p = list; *p != '\0'; p = *e == '\0' ? e : e + 1) {
		e = p + strcspn(p, ":,");
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		len = (size_t)(e - p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 0 || len >= sizeof(one))
			continue;
		memcpy(one, p, len);
		one[len] = '\0';
		if (in_list(s->never, one, len))
			continue;
		count = s->headers != NULL ? 1 : hdrlist_count(&s->hdrs, one);
		for (k = 0; k < count; k++)
			if (add_name(names, n, one, len) == -1)
				return -1;
		if (s->headers == NULL && s->oversign != NULL) {
			/* oversign: one more than present */
			const char *q = s->oversign, *qe;

			for (; *q != '\0'; q = *qe == '\0' ? qe : qe + 1) {
				qe = q + strcspn(q, ":, ");
				if ((size_t)(qe - q) == len &&
				    strncasecmp(q, one, len) == 0 &&
				    add_name(names, n, one, len) == -1)
					return -1;
			}
		}
	}
	return 0;
}

/* fold_append - append text, folding with CRLF TAB before column 78 */
static int
fold_append(struct buf *b, size_t *col, const char *text)
{
	size_t	 len = strlen(text);

	if (*col + len > 78 && *col > 1) {
		if (buf_puts(b, "\r\n\t") == -1)
			return -1;
		*col = 1;
	}
	*col += len;
	return buf_puts(b, text);
}

static int
make_signature(struct signer *s, const struct buf *data, unsigned char *sig,
    size_t *siglen, struct errbuf *err)
{
	EVP_MD_CTX	*ctx;
	unsigned char	 digest[32];
	unsigned int	 dlen = 0;
	int		 rc = -1;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return errbuf_set(err, "out of memory");
	if (s->alg == SIGN_ED25519_SHA256) {
		/* RFC 8463 3: Ed25519 over the SHA-256 of the data */
		if (EVP_Digest(data->data, data->len, digest, &dlen,
		    EVP_sha256(), NULL) != 1 ||
		    EVP_DigestSignInit(ctx, NULL, NULL, NULL, s->key) != 1 ||
		    EVP_DigestSign(ctx, sig, siglen, digest, dlen) != 1) {
			errbuf_ssl(err, "Ed25519 signing failed");
			goto done;
		}
	} else if (EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL,
	    s->key) != 1 || EVP_DigestSign(ctx, sig, siglen,
	    (const unsigned char *)data->data, data->len) != 1) {
		errbuf_ssl(err, "RSA signing failed");
		goto done;
	}
	rc = 0;
done:
	EVP_MD_CTX_free(ctx);
	return rc;
}

/* signer_eom - build and sign the DKIM-Signature */
int
signer_eom(struct signer *s, char **value_out, struct errbuf *err)
{
	struct buf	 v, data;
	char		*names[SIGN_MAX_NAMES];
	unsigned char	 bh[BODYHASH_LEN], sig[1024];
	char		 bh64[64], b64[1400], tag[600];
	size_t		 n = 0, k, col, siglen = sizeof(sig), blen, chunk;
	int		 rc = -1;

	*value_out = NULL;
	buf_init(&v, 0);
	buf_init(&data, HDR_MAX_BYTES + 4096);
	if (bodyhash_final(s->bh, bh, NULL, err) == -1)
		goto fail;
	b64_encode(bh, sizeof(bh), bh64);
	if (pick_headers(s, names, &n) == -1) {
		errbuf_set(err, "too many header names to sign");
		goto fail;
	}
	if (hdrlist_count(&s->hdrs, "From") == 0) {
		errbuf_set(err, "the message has no From header field; "
		    "RFC 6376 5.4 requires signing it");
		goto fail;
	}
	/*
	 * RFC 6376 8.15, RFC 5322 3.6: a message has one From field; with
	 * several, verifiers cannot tell whose mail it is, and a signature
	 * would vouch for whichever one a reader happens to see.
	 */
	if (from_author(&s->hdrs, NULL, 0, NULL, 0) == FROM_MULTIPLE) {
		errbuf_set(err, "the message has %zu From header fields; "
		    "refusing to sign mail with no single author (RFC 6376 "
		    "8.15)", hdrlist_count(&s->hdrs, "From"));
		goto fail;
	}
	for (k = 0; k < n && strcasecmp(names[k], "From") != 0; k++)
		continue;
	if (k == n) {
		errbuf_set(err, "the header list to sign must include From "
		    "(RFC 6376 5.4)");
		goto fail;
	}
	col = 16;	/* "DKIM-Signature: " */
	snprintf(tag, sizeof(tag), "v=1; a=%s; c=%s/%s;", sign_alg_name(s->alg),
	    canon_name(s->hcanon), canon_name(s->bcanon));
	if (buf_puts(&v, " ") == -1 || fold_append(&v, &col, tag) == -1)
		goto nomem;
	snprintf(tag, sizeof(tag), " d=%s;", s->domain);
	if (fold_append(&v, &col, tag) == -1)
		goto nomem;
	snprintf(tag, sizeof(tag), " s=%s;", s->selector);
	if (fold_append(&v, &col, tag) == -1)
		goto nomem;
	if (s->identity != NULL) {
		snprintf(tag, sizeof(tag), " i=%s;", s->identity);
		if (fold_append(&v, &col, tag) == -1)
			goto nomem;
	}
	snprintf(tag, sizeof(tag), " t=%lld;", (long long)s->now);
	if (fold_append(&v, &col, tag) == -1)
		goto nomem;
	if (s->expire_secs > 0) {
		snprintf(tag, sizeof(tag), " x=%lld;",
		    (long long)s->now + s->expire_secs);
		if (fold_append(&v, &col, tag) == -1)
			goto nomem;
	}
	for (k = 0; k < n; k++) {
		snprintf(tag, sizeof(tag), "%s%s%s", k == 0 ? " h=" : "",
		    names[k], k + 1 == n ? ";" : ":");
		if (fold_append(&v, &col, tag) == -1)
			goto nomem;
	}
	snprintf(tag, sizeof(tag), " bh=%s;", bh64);
	if (fold_append(&v, &col, tag) == -1 ||
	    fold_append(&v, &col, " b=") == -1)
		goto nomem;
	/* RFC 6376 3.7: the signed fields, then this field with b= empty */
	if (hdrlist_canon_signed(&s->hdrs, s->hcanon, names, n, &data) == -1 ||
	    canon_header(s->hcanon, "DKIM-Signature", v.data, 1, &data) == -1)
		goto nomem;
	if (make_signature(s, &data, sig, &siglen, err) == -1)
		goto fail;
	blen = b64_encode(sig, siglen, b64);
	for (k = 0; k < blen; k += chunk) {
		if (col + 8 > 78) {
			if (buf_puts(&v, "\r\n\t ") == -1)
				goto nomem;
			col = 2;
		}
		chunk = 78 - col;
		if (chunk > blen - k)
			chunk = blen - k;
		if (buf_append(&v, b64 + k, chunk) == -1)
			goto nomem;
		col += chunk;
	}
	*value_out = buf_release(&v);
	rc = 0;
	goto fail;
nomem:
	errbuf_set(err, "out of memory building the signature");
fail:
	for (k = 0; k < n; k++)
		free(names[k]);
	if (data.data != NULL)
		OPENSSL_cleanse(data.data, data.len);
	buf_free(&v);
	buf_free(&data);
	return rc;
}
