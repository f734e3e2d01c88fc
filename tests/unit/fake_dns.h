/*
 * fake_dns - lib/dns.h served from a fixture table, for unit tests
 *
 * A unit test of a module above dns (verify, diag, keytool code) that
 * includes this header is linked with tests/unit/fake_dns.o in place of
 * lib/dns*.c (a link seam; see the Makefile): every function of lib/dns.h
 * then answers from the table loaded here, with no socket and no clock.
 *
 * Fixture text, one record per line; blank lines and lines starting with
 * '#' or ';' are ignored; names are case-insensitive, trailing dot
 * optional:
 *
 *   [@SERVER] NAME [TTL] [AUTH|ADDL] TYPE DATA...
 *
 *   sel._domainkey.example.com TXT "v=DKIM1; k=rsa; " "p=MIIB..."
 *   sel._domainkey.example.com 60 TXT "second record"
 *   s1._domainkey.example.com CNAME s1.dkim.example.net
 *   example.com NS ns1.example.com
 *   ns1.example.com A 127.0.0.1
 *   ns1.example.com AAAA ::1
 *   example.com SOA ns1.example.com hostmaster.example.com 1 2 3 4 300
 *   gone.example.com NXDOMAIN
 *   broken.example.com SERVFAIL      (also TIMEOUT, REFUSED, BADRESPONSE,
 *                                     NETERROR)
 *
 * TXT takes one or more character-strings, quoted ("..." with \" \\ and
 * \DDD escapes) or bare words; they are joined with nothing between and
 * nstrings counts them.  Several TXT lines for one name are several
 * records.  TTL defaults to 300.
 *
 * Answers, as the real resolver gives them: records of the asked type at
 * the name give DNS_OK (aa=1); a CNAME is followed by dns_query (each link
 * in cname[], at most DNS_MAX_CNAME, more is DNS_BADRESPONSE); a status
 * line (NXDOMAIN, SERVFAIL, TIMEOUT, ...) at a name gives that status,
 * also at the end of a CNAME chain; a name that has other records, or
 * records below it, gives DNS_NODATA; any other name DNS_NXDOMAIN.
 * rcode is 0, 3, 2, 5 or 1 as a server would send, -1 for TIMEOUT and
 * NETERROR.  Malformed names (empty label, label over 63, name over 253
 * octets) make dns_query return -1 with err set, like lib/dns.c.
 *
 * Sections: a line marked AUTH goes to the authority section of every
 * answer for its owner name or a name below it (the closest such owner
 * wins); a line marked ADDL goes to the additional section when an AUTH
 * NS record in the same answer names its owner.  An answer with no data
 * whose authority holds NS and no SOA is a referral: DNS_NODATA, rcode 0,
 * aa=0.
 *
 * Servers: a line prefixed "@SERVER" ("@192.0.2.1" means port 53, or
 * "@192.0.2.1:5353", "@[::1]:53") belongs to that server's own table.
 * dns_query_at(res, SERVER, ...) answers from SERVER's table when any line
 * names it, else from the unprefixed lines; dns_query() uses only the
 * unprefixed lines.  dns_query_at never follows a CNAME: it returns the
 * CNAME record itself with DNS_OK.  The recurse flag is ignored.
 *
 * Cache: each resolver remembers OK, NXDOMAIN and NODATA answers (not
 * failures) unless settings->no_cache; a hit sets from_cache and is not
 * counted by fake_dns_queries().  Nothing expires, but a cached answer
 * carries ttl as lib/dns.c's do: the smallest TTL of its records, 300
 * for NXDOMAIN and NODATA.  dns_resolver_keycache() gives each resolver
 * that caches a real lib/keycache.c cache.
 *
 * All functions are thread-safe (one mutex).
 */
#ifndef DKIMLENS_FAKE_DNS_H
#define DKIMLENS_FAKE_DNS_H

#include <stddef.h>

#include "lib/dns.h"

/*
 * fake_dns_load - add the fixture lines in text to the table (loads add
 * up).  Returns 0, or -1 after printing "fake_dns: line N: why" to stderr
 * (the lines before the bad one stay loaded).
 */
int	fake_dns_load(const char *text);

/* fake_dns_load_file - the same from a file */
int	fake_dns_load_file(const char *path);

/* fake_dns_reset - empty the table and zero the query counter */
void	fake_dns_reset(void);

/*
 * fake_dns_queries - lookups that reached the table since the last reset:
 * one per dns_query() that was not a cache hit, one per dns_query_at().
 */
size_t	fake_dns_queries(void);

#endif
