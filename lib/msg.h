/*
 * msg - split a whole message in memory into header fields and body
 *
 * For the offline front ends (keytool sign/verify, tests, fuzzers): the
 * milter gets fields and body from libmilter instead.  LF and CRLF line
 * ends are both accepted.  Each field is handed to a callback with its
 * name and its value as it follows the colon, folds kept as CRLF.
 */
#ifndef DKIMLENS_MSG_H
#define DKIMLENS_MSG_H

#include <stddef.h>

#include "lib/errbuf.h"

typedef int msg_header_fn(void *arg, const char *name, const char *value,
	    struct errbuf *err);

/*
 * msg_split - call hdr for each header field in order; set *body_off to
 * the offset of the body (after the empty line; len when there is none).
 * Returns 0, -1 with err set if a callback failed or a header line has no
 * colon (named with its line number).
 */
int	msg_split(const char *data, size_t len, msg_header_fn *hdr, void *arg,
	    size_t *body_off, struct errbuf *err);

#endif
