/*
 * sign - make one DKIM-Signature for a message (RFC 6376 section 5)
 *
 * A signer is fed the message like a verifier (header fields, end of
 * headers, body chunks) and returns the DKIM-Signature field value at the
 * end, ready to prepend.  Several signers may sign one message (e.g.
 * rsa-sha256 and ed25519-sha256).  The key is borrowed (EVP_PKEY, RSA of
 * at least 1024 bits or Ed25519) and must match the algorithm.
 *
 * Headers signed: the given colon-separated list, or by default the RFC
 * 6376 5.4.1 set that is present in the message; each name in the oversign
 * list (default "From") is signed once more than it occurs, so that a
 * later-added field of that name breaks the signature.
 */
#ifndef DKIMLENS_SIGN_H
#define DKIMLENS_SIGN_H

#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>

#include "lib/canon.h"
#include "lib/errbuf.h"

enum sign_alg { SIGN_RSA_SHA256, SIGN_ED25519_SHA256 };

#define SIGN_DEFAULT_HEADERS "From:Reply-To:Subject:Date:To:Cc:" \
	"Resent-Date:Resent-From:Resent-To:Resent-Cc:In-Reply-To:" \
	"References:List-Id:List-Help:List-Unsubscribe:List-Subscribe:" \
	"List-Post:List-Owner:List-Archive:Message-ID:Content-Type:" \
	"Content-Transfer-Encoding:MIME-Version:Sender:Resent-Sender:" \
	"Resent-Message-ID"

struct sign_settings {
	enum sign_alg	 alg;
	enum canon	 hcanon, bcanon;	/* default relaxed/relaxed */
	const char	*domain;		/* d= */
	const char	*selector;		/* s= */
	const char	*identity;		/* i=, or NULL */
	EVP_PKEY	*key;			/* borrowed */
	const char	*headers;	/* NULL: SIGN_DEFAULT_HEADERS present */
	const char	*oversign;	/* NULL: "From"; "" for none */
	const char	*never;		/* colon list never signed, or NULL */
	time_t		 now;		/* 0: time(NULL); t= */
	long		 expire_secs;	/* 0: no x= */
};

struct signer;

/* sign_alg_parse - "rsa-sha256" / "ed25519-sha256" into *out; 0 or -1 */
int	sign_alg_parse(const char *s, enum sign_alg *alg_out);

/* sign_alg_name - "rsa-sha256", "ed25519-sha256" */
const char *sign_alg_name(enum sign_alg alg);

/* signer_new - NULL with err when the settings or key do not fit */
struct signer *signer_new(const struct sign_settings *settings,
	    struct errbuf *err);

/* signer_free - NULL allowed */
void	signer_free(struct signer *s);

/* signer_header - as verifier_header() */
int	signer_header(struct signer *s, const char *name, const char *value,
	    struct errbuf *err);

/* signer_eoh - end of headers */
int	signer_eoh(struct signer *s, struct errbuf *err);

/* signer_body - a chunk of body */
int	signer_body(struct signer *s, const void *data, size_t len,
	    struct errbuf *err);

/*
 * signer_eom - compute the signature.  *value_out is an owned, folded
 * DKIM-Signature field value (without "DKIM-Signature:", starting with a
 * space, folds as "\r\n\t"); the caller frees it.
 */
int	signer_eom(struct signer *s, char **value_out, struct errbuf *err);

#endif
