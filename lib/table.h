/*
 * table - which keys sign a message: KeyTable, SigningTable, KeyFile
 *
 * Built once from a struct conf (lib/conf.h), in one of two ways:
 *
 * - OpenDKIM's tables.  The KeyTable maps a key name to
 *   "DOMAIN:SELECTOR:KEY"; DOMAIN "%" means the From domain; KEY is a
 *   path (starting with "/", "./" or "../", as OpenDKIM; dkimlens also
 *   takes any value containing a '.', which base64 never does, as a path),
 *   relative paths resolved against the table's directory, or else the key
 *   itself in base64.  The SigningTable maps a sender to "KEYNAME[:SIGNER]"
 *   ('%' in either is the From domain; SIGNER becomes i= when it is within
 *   d=).  As "refile:" its first column holds patterns where '*' matches
 *   anything (*@example.com), tried top to bottom; as a plain file the
 *   first column is looked up as OpenDKIM does: user@host, host, then
 *   user@.parent and .parent for each parent of host, user@*, *.  Only the
 *   first match signs, or every match with MultipleSignatures.
 *
 * - Domain, Selector and KeyFile.  Mail whose From domain is in Domain
 *   (a list, a file, or a refile of patterns; with SubDomains also the
 *   names below) is signed with d= that domain by each Selector/KeyFile
 *   pair: "Selector rsa1, ed1" with "KeyFile rsa.pem, ed.pem" makes two
 *   signatures.
 *
 * Each key signs with its own algorithm: rsa-sha256 for RSA (1024 bits
 * or more, RFC 8301), ed25519-sha256 for Ed25519 (RFC 8463); when
 * SignatureAlgorithm is set, a key of another algorithm is an error.
 * Every key file is read with keyfile_load_signing() for the effective
 * user (the milter's UserID): a symbolic link, a FIFO or device, or a key
 * others can read or replace is refused with the fixing command.
 *
 * Errors name the file and line: "key.table:3: ...", or the config line
 * for KeyFile.  Owns: the entries and the keys (EVP_PKEY); a match
 * borrows them until table_free().  Never: DNS, signing.
 */
#ifndef DKIMLENS_TABLE_H
#define DKIMLENS_TABLE_H

#include <stddef.h>

#include <openssl/evp.h>

#include "lib/conf.h"
#include "lib/errbuf.h"

#define TABLE_MAX_SIGS		8	/* signatures on one message */
#define TABLE_MAX_LINES		100000	/* lines in one table file */

/* One signature to make. */
struct table_sig {
	char		 d[256];	/* d= */
	char		 s[128];	/* s= */
	char		 i[320];	/* i=, or "" */
	int		 alg;		/* CONF_ALG_RSA_SHA256 or _ED25519_ */
	EVP_PKEY	*key;		/* borrowed from the table */
	char		 keyname[128];	/* KeyTable name, or "KeyFile N" */
};

struct table;

/*
 * table_load - load the tables or KeyFile of c and every key they name.
 * Returns an owned table (free with table_free), possibly with no keys
 * when c configures none; NULL with err on the first problem.
 */
struct table *table_load(const struct conf *c, struct errbuf *err)
	    __attribute__((warn_unused_result));

/* table_free - free entries and keys; NULL allowed */
void	table_free(struct table *t);

/* table_nkeys - number of distinct keys loaded */
size_t	table_nkeys(const struct table *t);

/*
 * table_selectors - every signature the table can make whose d= is known
 * without a message (KeyTable lines with a literal domain; KeyFile with
 * each literal Domain entry).  Writes at most max into out and returns
 * how many; d= of '%' lines and Domain patterns are known only per
 * message (table_match).
 */
size_t	table_selectors(const struct table *t, struct table_sig *out,
	    size_t max);

/*
 * table_match - the signatures for a message From addr ("user@domain",
 * as from_author() in lib/from.h gives).  Writes at most max into out and returns how
 * many.  When a SigningTable line matched but named a key the KeyTable
 * does not have, note says so (else note is ""); note may be NULL.
 */
size_t	table_match(const struct table *t, const char *addr,
	    struct table_sig *out, size_t max, char *note, size_t notelen);

/*
 * table_glob - 1 when s matches pattern, where '*' matches any string
 * (OpenDKIM refile patterns), case-insensitive; else 0.
 */
int	table_glob(const char *pattern, const char *s);

#endif
