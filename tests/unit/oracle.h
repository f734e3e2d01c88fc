/*
 * oracle - an independent reference for the sign and verify tests
 *
 * Header field collection, RFC 6376 3.4.1/3.4.2 header canonicalization and
 * 5.4.2 field selection written apart from lib/ (canon.c, hdr.c), so that a
 * bug shared by the library's signer and verifier cannot make a round trip
 * pass.  A test that includes this header is linked with oracle.c.
 * Failures are cmocka assertion failures.
 */
#ifndef DKIMLENS_TESTS_ORACLE_H
#define DKIMLENS_TESTS_ORACLE_H

#include <stddef.h>

#include <openssl/evp.h>

#include "lib/buf.h"
#include "lib/errbuf.h"

struct ofield {
	char	*name;
	char	*value;
};

struct ofields {
	struct ofield	 f[64];
	size_t		 n;
};

/* collect - msg_header_fn keeping copies of the fields in a struct ofields */
int	collect(void *arg, const char *name, const char *value,
	    struct errbuf *err);

/* ofields_free - free the copies */
void	ofields_free(struct ofields *of);

/* ofield_canon - one field, simple or relaxed, without the final CRLF */
void	ofield_canon(int relaxed, const char *name, const char *value,
	    struct buf *out);

/* oheaders - the canonical fields named by the colon list h, each + CRLF */
void	oheaders(const struct ofields *of, const char *h, int relaxed,
	    struct buf *out);

/* obody - the body, simple or relaxed (RFC 6376 3.4.3, 3.4.4); a line
 * ends at LF or CRLF */
void	obody(int relaxed, const char *body, size_t len, struct buf *out);

/* pub_b64 - the p= value of a key (SPKI DER, or raw 32 bytes for Ed25519,
 * RFC 8463), base64 into out (at least 400 bytes); 0 or -1 */
int	pub_b64(EVP_PKEY *k, char *out);

#endif
