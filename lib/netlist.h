/*
 * netlist - a set of hosts: addresses, networks and host names
 *
 * What InternalHosts holds (OpenDKIM's InternalHosts/TrustedHosts syntax):
 * entries separated by commas, blanks or lines; each an IPv4 or IPv6
 * address, a network in CIDR form (192.0.2.0/24, 2001:db8::/32), a host
 * name (mail.example.com), or a domain suffix (.example.com or
 * *.example.com, matching the names below it).  An entry starting with
 * '!' excludes: a host is in the set when a plain entry matches it and
 * no '!' entry does.  The list is given inline or as a file ("file:PATH",
 * "refile:PATH" or an absolute path), one or more entries per line, '#'
 * starting a comment.  IPv4-mapped IPv6 addresses (::ffff:192.0.2.1)
 * match the IPv4 entries.
 *
 * Errors name the place: "FILE:LINE: '300.1.1.1' is not an address".
 * Owns: the parsed entries.  Never: DNS lookups (host names are matched
 * against the name the MTA reports for the client, as OpenDKIM does).
 */
#ifndef DKIMLENS_NETLIST_H
#define DKIMLENS_NETLIST_H

#include <stddef.h>

#include "lib/errbuf.h"

#define NETLIST_MAX_ENTRIES	100000	/* entries in one list */

struct netlist;

/*
 * netlist_load - parse spec (inline list or file, see above).  where names
 * the inline list in messages ("dkimlens.conf:12: InternalHosts").
 * Returns an owned list (free with netlist_free), or NULL with err set.
 */
struct netlist *netlist_load(const char *spec, const char *where,
	    struct errbuf *err) __attribute__((warn_unused_result));

/* netlist_free - NULL allowed */
void	netlist_free(struct netlist *nl);

/*
 * netlist_match - 1 when the client with address addr (presentation form,
 * may be NULL) and host name host (may be NULL) is in the set, else 0.
 */
int	netlist_match(const struct netlist *nl, const char *addr,
	    const char *host);

/* netlist_count - number of entries, for messages */
size_t	netlist_count(const struct netlist *nl);

#endif
