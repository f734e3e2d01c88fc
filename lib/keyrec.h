/*
 * keyrec - parse a DKIM key record (RFC 6376 3.6.1, RFC 8463)
 *
 * Input is the TXT record's character-strings already joined (lib/dnspkt.c
 * joins them).  Checks v= (DKIM1, first if present), k= (rsa, ed25519),
 * h= (hash list), s= (service list), t= flags (y testing, s strict), and
 * p= (empty: revoked; bad base64; not a key).  The public key becomes an
 * EVP_PKEY: RSA from SubjectPublicKeyInfo (or bare RSAPublicKey, which
 * some publishers use), Ed25519 from the raw 32 bytes of RFC 8463.
 */
#ifndef DKIMLENS_KEYREC_H
#define DKIMLENS_KEYREC_H

#include <stddef.h>

#include <openssl/evp.h>

#include "lib/verdict.h"

enum keyrec_type { KEYREC_RSA, KEYREC_ED25519 };

struct keyrec {
	enum keyrec_type type;		/* k=, default rsa */
	EVP_PKEY	*pkey;		/* owned; NULL when revoked */
	unsigned int	 bits;		/* key size */
	int		 testing;	/* t=y */
	int		 strict;	/* t=s */
	int		 sha256_ok;	/* h= absent or lists sha256 */
	int		 revoked;	/* p= empty */
	unsigned int	 refs;		/* keyrec_hold; atomic */
};

/*
 * keyrec_parse - parse record.  0 with *out owned (keyrec_free), or -1 with
 * r filled (permerror and why).  A revoked key parses (revoked = 1) so that
 * the caller can say so; the verifier turns it into a fail/permerror.
 */
int	keyrec_parse(const char *record, struct keyrec **out,
	    struct verdict_result *r);

/*
 * keyrec_hold - one more holder of a parsed key, which is never changed
 * after keyrec_parse and may be used by several threads at once (a cached
 * key, lib/keycache.h); returns kr.  Each hold ends with a keyrec_free.
 */
struct keyrec *keyrec_hold(struct keyrec *kr);

/* keyrec_free - let go; the last holder frees it.  NULL allowed */
void	keyrec_free(struct keyrec *kr);

#endif
