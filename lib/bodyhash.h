/*
 * bodyhash - streaming body hash of one canonicalization (RFC 6376 3.7)
 *
 * Chunks of raw body go in; they are canonicalized and hashed with SHA-256
 * on the fly, so memory stays constant whatever the body size.  With a
 * length limit (l=) only the first l canonical bytes are hashed and the
 * rest is counted, so the verifier can say that content was appended past
 * l=.  Several signatures with the same canonicalization and limit can
 * share one bodyhash (the verifier does so).
 */
#ifndef DKIMLENS_BODYHASH_H
#define DKIMLENS_BODYHASH_H

#include <stddef.h>

#include "lib/canon.h"
#include "lib/errbuf.h"

#define BODYHASH_LEN	32	/* SHA-256 */

struct bodyhash;

/* bodyhash_new - limit -1 means the whole body; NULL with err on failure */
struct bodyhash *bodyhash_new(enum canon c, long long limit,
	    struct errbuf *err);

/* bodyhash_update - feed raw body bytes (CRLF or LF line ends); not
 * after bodyhash_final() */
void	bodyhash_update(struct bodyhash *bh, const void *data, size_t len);

/*
 * bodyhash_final - finish; writes BODYHASH_LEN bytes to out.  *total_out
 * (may be NULL) gets the canonical body length, which exceeds the limit
 * when content follows the l= point.  May be called again (signatures
 * sharing the hash): later calls return the same values.  Returns 0 or -1
 * (OpenSSL failure).
 */
int	bodyhash_final(struct bodyhash *bh, unsigned char *out,
	    long long *total_out, struct errbuf *err);

/* bodyhash_canon, bodyhash_limit - what it was made with */
enum canon bodyhash_canon(const struct bodyhash *bh);
long long bodyhash_limit(const struct bodyhash *bh);

/* bodyhash_free - NULL allowed */
void	bodyhash_free(struct bodyhash *bh);

#endif
