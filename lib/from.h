/*
 * from - the author of a message: its one RFC 5322 From mailbox
 *
 * The only From parser of dkimlens: the verifier (author role), the
 * signer's table lookup (milter) and anything else that needs the author
 * address ask here, so that no two readings of one From field can differ.
 *
 * RFC 5322 3.6.2 and 3.4: a From field is a mailbox-list; the author is
 * defined only when the header holds exactly one From field (RFC 6376
 * 8.15, RFC 7489 6.6.1) with exactly one mailbox: name-addr
 * ([display-name] "<" addr-spec ">") or a bare addr-spec, with comments
 * and folding anywhere between tokens.  The local-part is kept as written
 * (quoted strings with their quotes); the domain must be a host name
 * (dot-separated labels of letters, digits, '-' and '_', see
 * lib/keyname.h), is lowercased, and one trailing dot is dropped.  A
 * domain that is a quoted string, a domain literal, holds other bytes, or
 * anything that does not parse gives no author (FROM_UNPARSABLE): never a
 * guess.  Groups (RFC 5322 3.4 "name: ...;") are not a mailbox.
 *
 * Owns nothing; never allocates.  Never: DNS, alignment (lib/role.h).
 */
#ifndef DKIMLENS_FROM_H
#define DKIMLENS_FROM_H

#include <stddef.h>

#include "lib/hdr.h"
#include "lib/reason.h"

#define FROM_ADDR_MAX	512	/* address out buffer that always fits */
#define FROM_DOMAIN_MAX	256	/* domain out buffer (253 + NUL) */

enum from_status {
	FROM_OK,		/* one field, one mailbox, a host name */
	FROM_NONE,		/* no From field */
	FROM_MULTIPLE,		/* several From fields */
	FROM_MAILBOXES,		/* several mailboxes in the field */
	FROM_UNPARSABLE		/* not one mailbox with a host-name domain */
};

/*
 * from_parse - the single mailbox of one From field value (what follows
 * the colon).  On FROM_OK, addr_out holds "local@domain" and domain_out
 * the domain (either may be NULL with its length 0); on any other status
 * both are "".  An address that does not fit addrlen is FROM_UNPARSABLE:
 * a FROM_ADDR_MAX buffer always fits what parses.
 */
enum from_status from_parse(const char *value, char *addr_out,
	    size_t addrlen, char *domain_out, size_t domainlen);

/*
 * from_author - the author of a whole header: from_parse() of its From
 * field when there is exactly one, else FROM_NONE or FROM_MULTIPLE with
 * the outputs "".
 */
enum from_status from_author(const struct hdrlist *hl, char *addr_out,
	    size_t addrlen, char *domain_out, size_t domainlen);

/* from_reason - the lib/reason.h code of a status (REASON_OK for FROM_OK) */
enum reason from_reason(enum from_status st);

#endif
