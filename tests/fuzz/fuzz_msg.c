/*
 * fuzz_msg - whole messages: msg_split, then the signer and the verifier
 *
 * Every header field goes to an Ed25519 signer (fixed key) and to a
 * verifier; the body follows in chunks.  No DNS: each DKIM-Signature
 * value gets "; x=1" appended before the verifier sees it, so that every
 * signature fails in sig_parse (duplicate x=, x= not after t=, or
 * expired) before a key lookup could start; the resolver points at a
 * closed loopback port as a backstop.  The verifier's results then go
 * through ares_format and ares_is_ours.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "lib/ares.h"
#include "lib/buf.h"
#include "lib/dns.h"
#include "lib/errbuf.h"
#include "lib/msg.h"
#include "lib/reason.h"
#include "lib/sign.h"
#include "lib/verify.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
	struct signer	*s;
	struct verifier	*v;
	struct buf	 tmp;
};

static EVP_PKEY			*key;
static struct dns_resolver	*dns;

/* init - a fixed Ed25519 key and a resolver that is never used */
static int
init(void)
{
	static const unsigned char seed[32] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct dns_settings	 ds;

	if (key != NULL)
		return 0;
	memset(&ds, 0, sizeof(ds));
	ds.nameservers = "127.0.0.1:9";
	ds.timeout_ms = 1;
	ds.no_cache = 1;
	key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed,
	    sizeof(seed));
	dns = dns_resolver_new(&ds, NULL);
	return key != NULL && dns != NULL ? 0 : -1;
}

/* refused - a reason a signature gets before any key lookup: the
 * signature reasons, and the names too long to look up */
static int
refused(enum reason r)
{
	return (r >= REASON_SIG_SYNTAX && r <= REASON_SIG_TOO_MANY) ||
	    r == REASON_SIG_TAG_TOO_LONG || r == REASON_KEY_NAME_TOO_LONG;
}

/* is_sig - the field name is DKIM-Signature (trailing WSP ignored) */
static int
is_sig(const char *name)
{
	size_t	 n = strlen(name);

	while (n > 0 && (name[n - 1] == ' ' || name[n - 1] == '\t'))
		n--;
	return n == 14 && strncasecmp(name, "DKIM-Signature", 14) == 0;
}

static int
header(void *arg, const char *name, const char *value, struct errbuf *err)
{
	struct ctx	*c = arg;

	if (c->s != NULL)
		(void)signer_header(c->s, name, value, err);
	if (is_sig(name)) {
		buf_reset(&c->tmp);
		if (buf_puts(&c->tmp, value) == -1 ||
		    buf_puts(&c->tmp, "; x=1") == -1)
			return -1;
		value = c->tmp.data;
	}
	return verifier_header(c->v, name, value, err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctx		 c;
	struct sign_settings	 ss;
	struct verify_settings	 vs;
	const struct verify_sig	*r;
	char			*value = NULL, *ar;
	size_t			 off = 0, i, n;

	if (init() == -1)
		return 0;
	memset(&c, 0, sizeof(c));
	buf_init(&c.tmp, 0);
	memset(&ss, 0, sizeof(ss));
	ss.alg = SIGN_ED25519_SHA256;
	ss.hcanon = size > 0 && (data[0] & 1) ? CANON_RELAXED : CANON_SIMPLE;
	ss.bcanon = size > 0 && (data[0] & 2) ? CANON_RELAXED : CANON_SIMPLE;
	ss.domain = "example.com";
	ss.selector = "fuzz";
	ss.key = key;
	ss.now = 1700000000;
	c.s = signer_new(&ss, NULL);
	memset(&vs, 0, sizeof(vs));
	vs.dns = dns;
	vs.now = 1700000000;
	if ((c.v = verifier_new(&vs, NULL)) == NULL)
		goto done;
	if (msg_split((const char *)data, size, header, &c, &off, NULL) == -1)
		goto done;
	if (off > size)
		abort();
	if (verifier_eoh(c.v, NULL) == -1)
		goto done;
	if (c.s != NULL && signer_eoh(c.s, NULL) == -1)
		goto done;
	for (i = off; i < size; i += n) {
		n = (size_t)data[i] % 61 + 1;
		if (n > size - i)
			n = size - i;
		(void)verifier_body(c.v, data + i, n, NULL);
		if (c.s != NULL)
			(void)signer_body(c.s, data + i, n, NULL);
	}
	if (verifier_eom(c.v, NULL) == 0) {
		for (i = 0; i < verifier_nsigs(c.v); i++) {
			r = verifier_sig(c.v, i);
			/* every signature was refused before a lookup */
			if (r == NULL || r->result.verdict == VERDICT_PASS ||
			    r->key_bits != 0 || !refused(r->result.reason))
				abort();
		}
		if ((ar = ares_format("fuzz.example", c.v)) != NULL) {
			if (ares_is_ours(ar, "fuzz.example") != 1)
				abort();
			free(ar);
		}
	}
	if (c.s != NULL && signer_eom(c.s, &value, NULL) == 0) {
		if (value == NULL || value[0] != ' ')
			abort();
		(void)ares_is_ours(value, "example.com");
	}
done:
	free(value);
	signer_free(c.s);
	verifier_free(c.v);
	buf_free(&c.tmp);
	return 0;
}
