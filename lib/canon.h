/*
 * canon - header and body canonicalization (RFC 6376 section 3.4)
 *
 * Header canonicalization works on one field at a time; body
 * canonicalization streams: chunks go in, canonical bytes come out through
 * a callback, with trailing empty lines held back until more text proves
 * they are not at the end (RFC 6376 3.4.3, 3.4.4).  Input may use CRLF or
 * bare LF line ends; both come out as CRLF.
 */
#ifndef DKIMLENS_CANON_H
#define DKIMLENS_CANON_H

#include <stddef.h>

#include "lib/buf.h"

enum canon { CANON_SIMPLE, CANON_RELAXED };

/* canon_parse - "simple/relaxed" etc. into header and body canon; 0/-1.
 * A single word sets the header canon and body simple (RFC 6376 3.5 c=) */
int	canon_parse(const char *s, enum canon *h_out, enum canon *b_out);

/* canon_name - "simple" or "relaxed" */
const char *canon_name(enum canon c);

/*
 * canon_header - append the canonical form of one field to out:
 * simple: name ":" value as given (line ends made CRLF), plus CRLF;
 * relaxed: lowercased name, ":", unfolded value with WSP runs reduced and
 * trimmed, CRLF.  When strip_b is 1 the value of the b= tag is removed
 * (the DKIM-Signature being verified or made, RFC 6376 3.7), and no
 * trailing CRLF is added.  Returns 0 or -1 (buffer cap).
 */
int	canon_header(enum canon c, const char *name, const char *value,
	    int strip_b, struct buf *out);

typedef void canon_out_fn(void *arg, const unsigned char *data, size_t len);

struct canon_body;

/* canon_body_new - NULL on memory failure */
struct canon_body *canon_body_new(enum canon c, canon_out_fn *out, void *arg);

/* canon_body_update - feed a chunk */
void	canon_body_update(struct canon_body *cb, const void *data,
	    size_t len);

/* canon_body_final - flush; the empty-body rule of 3.4.3/3.4.4 applies */
void	canon_body_final(struct canon_body *cb);

/* canon_body_free - NULL allowed */
void	canon_body_free(struct canon_body *cb);

#endif
