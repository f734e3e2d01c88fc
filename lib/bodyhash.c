/*
 * bodyhash - streaming body hash of one canonicalization (RFC 6376 3.7)
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "lib/bodyhash.h"

struct bodyhash {
	enum canon		 c;
	long long		 limit;		/* -1: none */
	long long		 total;		/* canonical bytes seen */
	int			 failed;	/* an EVP update failed */
	int			 done;		/* final computed */
	unsigned char		 digest[BODYHASH_LEN];
	EVP_MD_CTX		*md;
	struct canon_body	*cb;
};

/* hash - canonical bytes arrive here; hash up to the limit */
static void
hash(void *arg, const unsigned char *data, size_t len)
{
	struct bodyhash	*bh = arg;
	long long	 room;

	if (bh->limit >= 0) {
		room = bh->limit - bh->total;
		if (room < 0)
			room = 0;
		if ((long long)len > room) {
			bh->total += (long long)len;
			len = (size_t)room;
		} else
			bh->total += (long long)len;
	} else
		bh->total += (long long)len;
	if (len > 0 && EVP_DigestUpdate(bh->md, data, len) != 1)
		bh->failed = 1;
}

/* bodyhash_new - start a SHA-256 body hash */
struct bodyhash *
bodyhash_new(enum canon c, long long limit, struct errbuf *err)
{
	struct bodyhash	*bh;

	if ((bh = calloc(1, sizeof(*bh))) == NULL) {
		errbuf_set(err, "out of memory");
		return NULL;
	}
	bh->c = c;
	bh->limit = limit;
	if ((bh->md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(bh->md, EVP_sha256(), NULL) != 1) {
		errbuf_ssl(err, "body hash: SHA-256 init");
		goto fail;
	}
	if ((bh->cb = canon_body_new(c, hash, bh)) == NULL) {
		errbuf_set(err, "out of memory");
		goto fail;
	}
	return bh;
fail:
	bodyhash_free(bh);
	return NULL;
}

/* bodyhash_update - feed raw body bytes */
void
bodyhash_update(struct bodyhash *bh, const void *data, size_t len)
{
	canon_body_update(bh->cb, data, len);
}

/* bodyhash_final - finish the hash */
int
bodyhash_final(struct bodyhash *bh, unsigned char *out, long long *total_out,
    struct errbuf *err)
{
	unsigned int	 n = 0;

	/* signatures may share a body hash: finish it once, then replay */
	if (!bh->done) {
		canon_body_final(bh->cb);
		if (bh->failed || EVP_DigestFinal_ex(bh->md, bh->digest, &n)
		    != 1 || n != BODYHASH_LEN)
			return errbuf_ssl(err, "body hash: SHA-256");
		bh->done = 1;
	}
	memcpy(out, bh->digest, BODYHASH_LEN);
	if (total_out != NULL)
		*total_out = bh->total;
	return 0;
}

/* bodyhash_canon - its canonicalization */
enum canon
bodyhash_canon(const struct bodyhash *bh)
{
	return bh->c;
}

/* bodyhash_limit - its length limit, -1 for none */
long long
bodyhash_limit(const struct bodyhash *bh)
{
	return bh->limit;
}

/* bodyhash_free - free */
void
bodyhash_free(struct bodyhash *bh)
{
	if (bh == NULL)
		return;
	canon_body_free(bh->cb);
	EVP_MD_CTX_free(bh->md);
	free(bh);
}
