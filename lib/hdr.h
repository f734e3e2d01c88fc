/*
 * hdr - the header fields of one message, as signing and verifying need
 *
 * Keeps each field's name and value exactly as received (value: what
 * follows the colon, folds included), in order, under a cap on count and
 * bytes.  Selects and canonicalizes the fields a signature covers (RFC
 * 6376 5.4.2: for each name in h=, the last unused instance counting from
 * the bottom; a name with no instance left adds nothing).
 */
#ifndef DKIMLENS_HDR_H
#define DKIMLENS_HDR_H

#include <stddef.h>

#include "lib/buf.h"
#include "lib/canon.h"
#include "lib/errbuf.h"

#define HDR_MAX_FIELDS	1000
#define HDR_MAX_BYTES	(1024 * 1024)

struct hdr_field {
	char	*name;
	char	*value;
};

struct hdrlist {
	struct hdr_field	*f;
	size_t			 n;
	size_t			 bytes;
};

/* hdrlist_init - an empty list */
void	hdrlist_init(struct hdrlist *hl);

/* hdrlist_fits - 1 when one more field stays within both caps, else 0 */
int	hdrlist_fits(const struct hdrlist *hl, const char *name,
	    const char *value);

/* hdrlist_add - append a copy of one field; -1 with err at a cap */
int	hdrlist_add(struct hdrlist *hl, const char *name, const char *value,
	    struct errbuf *err) __attribute__((warn_unused_result));

/* hdrlist_free - free all fields */
void	hdrlist_free(struct hdrlist *hl);

/* hdr_name_is - name equals want, case-insensitive, trailing WSP ignored */
int	hdr_name_is(const char *name, const char *want);

/*
 * hdr_skip_cfws - skip folding whitespace and (nested, quoted-pair aware)
 * comments, RFC 5322 3.2.2; returns the first other character.
 */
const char *hdr_skip_cfws(const char *p);

/* hdrlist_count - how many fields are called name */
size_t	hdrlist_count(const struct hdrlist *hl, const char *name);

/*
 * hdrlist_canon_signed - append to out the canonical form of the fields
 * named in names[0..nnames), selected bottom-up as RFC 6376 5.4.2 says.
 * Returns 0, or -1 on memory failure or buffer cap.
 */
int	hdrlist_canon_signed(const struct hdrlist *hl, enum canon c,
	    char *const *names, size_t nnames, struct buf *out);

#endif
