/*
 * keyrec - parse a DKIM key record (RFC 6376 3.6.1, RFC 8463)
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "lib/b64.h"
#include "lib/keyrec.h"
#include "lib/taglist.h"

#define KEY_DER_MAX	2048	/* decoded p= bytes (RSA 8192 is ~1.1 KB) */

/* keyrec_hold - one more holder */
struct keyrec *
keyrec_hold(struct keyrec *kr)
{
	__atomic_add_fetch(&kr->refs, 1, __ATOMIC_RELAXED);
	return kr;
}

/* keyrec_free - let go; the last holder frees */
void
keyrec_free(struct keyrec *kr)
{
	if (kr == NULL || __atomic_sub_fetch(&kr->refs, 1, __ATOMIC_ACQ_REL)
	    > 0)
		return;
	EVP_PKEY_free(kr->pkey);
	free(kr);
}

static EVP_PKEY *
decode_rsa(const unsigned char *der, size_t len)
{
	const unsigned char	*p = der;
	EVP_PKEY		*pkey;

	/* RFC 6376 3.6.1: p= is SubjectPublicKeyInfo ... */
	if ((pkey = d2i_PUBKEY(NULL, &p, (long)len)) != NULL &&
	    p == der + len)
		return pkey;
	EVP_PKEY_free(pkey);
	/* ... but some publish the bare RSAPublicKey (PKCS#1) */
	p = der;
	if ((pkey = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)len)) != NULL
	    && p == der + len)
		return pkey;
	EVP_PKEY_free(pkey);
	return NULL;
}

/* keyrec_parse - parse a joined TXT record */
int
keyrec_parse(const char *record, struct keyrec **out,
    struct verdict_result *r)
{
	struct taglist		 tl;
	enum taglist_status	 st;
	struct keyrec		*kr;
	const char		*v, *p;
	unsigned char		*der = NULL;
	size_t			 derlen;
	enum b64_status		 bst;
	char			 where[64];

	*out = NULL;
	verdict_set(r, VERDICT_PASS, REASON_OK, NULL);
	if ((kr = calloc(1, sizeof(*kr))) == NULL) {
		verdict_set(r, VERDICT_TEMPERROR, REASON_INTERNAL,
		    "out of memory");
		return -1;
	}
	kr->refs = 1;
	st = taglist_parse(record, &tl, where, sizeof(where));
	if (st != TAGLIST_OK) {
		if (st == TAGLIST_NOMEM)
			verdict_set(r, VERDICT_TEMPERROR, REASON_INTERNAL,
			    "out of memory");
		else
			verdict_set(r, VERDICT_PERMERROR, REASON_KEY_SYNTAX,
			    "%s near '%s'", st == TAGLIST_DUPLICATE ?
			    "duplicate tag" : "not a tag=value list", where);
		goto fail;
	}
	/* RFC 6376 3.6.1 v=: if present, first, and exactly DKIM1 */
	if ((v = taglist_get(&tl, "v")) != NULL &&
	    (strcmp(tl.name[0], "v") != 0 || strcmp(v, "DKIM1") != 0)) {
		verdict_set(r, VERDICT_PERMERROR, REASON_KEY_BAD_VERSION,
		    strcmp(tl.name[0], "v") != 0 ? "v= is not the first tag" :
		    "v=%.20s", v);
		goto fail;
	}
	kr->type = KEYREC_RSA;
	if ((v = taglist_get(&tl, "k")) != NULL) {
		if (strcmp(v, "rsa") == 0)
			kr->type = KEYREC_RSA;
		else if (strcmp(v, "ed25519") == 0)
			kr->type = KEYREC_ED25519;
		else {
			verdict_set(r, VERDICT_PERMERROR, REASON_KEY_BAD_KEY,
			    "unknown key type k=%.20s", v);
			goto fail;
		}
	}
	kr->sha256_ok = (v = taglist_get(&tl, "h")) == NULL ||
	    taglist_list_has(v, "sha256");
	if ((v = taglist_get(&tl, "s")) != NULL && !taglist_list_has(v, "*") &&
	    !taglist_list_has(v, "email")) {
		verdict_set(r, VERDICT_PERMERROR, REASON_KEY_SERVICE, "s=%.30s",
		    v);
		goto fail;
	}
	if ((v = taglist_get(&tl, "t")) != NULL) {
		kr->testing = taglist_list_has(v, "y");
		kr->strict = taglist_list_has(v, "s");
	}
	if ((p = taglist_get(&tl, "p")) == NULL) {
		verdict_set(r, VERDICT_PERMERROR, REASON_KEY_SYNTAX,
		    "no p= tag");
		goto fail;
	}
	if (*p == '\0') {
		kr->revoked = 1;
		goto done;
	}
	if ((der = malloc(KEY_DER_MAX)) == NULL) {
		verdict_set(r, VERDICT_TEMPERROR, REASON_INTERNAL,
		    "out of memory");
		goto fail;
	}
	bst = b64_decode(p, strlen(p), der, KEY_DER_MAX, &derlen);
	if (bst != B64_OK) {
		verdict_set(r, VERDICT_PERMERROR, REASON_KEY_BAD_BASE64,
		    "p=: %s", b64_status_text(bst));
		goto fail;
	}
	if (kr->type == KEYREC_ED25519) {
		/* RFC 8463 4: the raw 32-byte public key */
		if (derlen != 32 || (kr->pkey = EVP_PKEY_new_raw_public_key(
		    EVP_PKEY_ED25519, NULL, der, derlen)) == NULL) {
			verdict_set(r, VERDICT_PERMERROR, REASON_KEY_BAD_KEY,
			    "k=ed25519 p= is %zu bytes, not 32", derlen);
			goto fail;
		}
	} else if ((kr->pkey = decode_rsa(der, derlen)) == NULL ||
	    EVP_PKEY_get_base_id(kr->pkey) != EVP_PKEY_RSA) {
		verdict_set(r, VERDICT_PERMERROR, REASON_KEY_BAD_KEY,
		    "p= (%zu bytes) is not an RSA public key", derlen);
		goto fail;
	}
	kr->bits = (unsigned int)EVP_PKEY_get_bits(kr->pkey);
done:
	free(der);
	taglist_free(&tl);
	*out = kr;
	return 0;
fail:
	free(der);
	taglist_free(&tl);
	keyrec_free(kr);
	return -1;
}
