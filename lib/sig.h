/*
 * sig - parse and validate one DKIM-Signature field (RFC 6376 3.5, 6.1.1)
 *
 * sig_parse() takes the field value (what follows "DKIM-Signature:") and
 * either fills a struct sig or returns a verdict_result saying exactly what
 * is wrong: a missing or duplicate tag, bad base64, i= not within d=, an
 * unknown a=, v= not 1, h= without From, x= before t=, an expired
 * signature, ...  RFC 8301: a=rsa-sha1 is refused (REASON_SIG_SHA1).
 * Owns nothing outside the struct; never looks anything up.
 */
#ifndef DKIMLENS_SIG_H
#define DKIMLENS_SIG_H

#include <stddef.h>
#include <time.h>

#include "lib/canon.h"
#include "lib/verdict.h"

#define SIG_MAX_HEADERS		256	/* names in h= */
#define SIG_MAX_B		1024	/* decoded b= bytes */
#define SIG_FUTURE_SLACK	(12 * 3600)	/* t= clock skew allowed, s */

enum sig_alg { SIG_ALG_RSA_SHA256, SIG_ALG_ED25519_SHA256,
	SIG_ALG_RSA_SHA1 };

struct sig {
	enum sig_alg	 alg;
	char		 a[32];		/* a= as written */
	enum canon	 hcanon, bcanon;
	char		 d[256];	/* lowercased */
	char		 s[128];
	char		 i[260];	/* "@d" when absent */
	char		*h[SIG_MAX_HEADERS];	/* names, owned */
	size_t		 nh;
	unsigned char	 bh[64];	/* decoded bh= */
	size_t		 bh_len;
	unsigned char	 b[SIG_MAX_B];	/* decoded b= */
	size_t		 b_len;
	char		 b8[9];		/* first 8 chars of b= as written */
	long long	 l;		/* -1 when absent */
	long long	 t, x;		/* -1 when absent */
	char		*z;		/* z= copied headers, or NULL */
};

/*
 * sig_parse - parse value.  On success returns 0 with *sig_out owned (free
 * with sig_free); on bad input returns -1 with r filled (permerror and the
 * reason), *sig_out NULL.  now is the time used for x= checks.  When the
 * signature parsed far enough to know d=, s=, a= and the first of b=, they
 * are written to partial (may be NULL) so that a report can still name it.
 */
int	sig_parse(const char *value, time_t now, struct sig **sig_out,
	    struct verdict_result *r, struct sig *partial);

/* sig_free - NULL allowed */
void	sig_free(struct sig *sig);

/* sig_alg_name - "rsa-sha256", "ed25519-sha256", "rsa-sha1" */
const char *sig_alg_name(enum sig_alg alg);

#endif
