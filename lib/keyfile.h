/*
 * keyfile - private and public key files: load them, and check them the
 * way Amazon SES BYODKIM will
 *
 * Accepts PEM PKCS#1 ("BEGIN RSA PRIVATE KEY"), PEM PKCS#8 ("BEGIN PRIVATE
 * KEY"), DER, and bare base64 of either DER form, with or without line
 * breaks, CRLF or a UTF-8 BOM.  keyfile_check() names every problem found
 * (see enum keyfile_problem) with the fix.
 */
#ifndef DKIMLENS_KEYFILE_H
#define DKIMLENS_KEYFILE_H

#include <stddef.h>

#include <openssl/evp.h>

#include "lib/errbuf.h"

/*
 * keyfile_load_private - load a private key (RSA or Ed25519) from path in
 * any accepted form.  0 with *pkey_out owned (EVP_PKEY_free), or -1 with
 * err naming the file and the problem.
 */
int	keyfile_load_private(const char *path, EVP_PKEY **pkey_out,
	    struct errbuf *err) __attribute__((warn_unused_result));

/*
 * keyfile_parse_private - as keyfile_load_private, from memory; name is
 * used in messages.
 */
int	keyfile_parse_private(const char *name, const unsigned char *data,
	    size_t len, EVP_PKEY **pkey_out, struct errbuf *err)
	    __attribute__((warn_unused_result));

/*
 * keyfile_secure - check that path is not readable by group or others and
 * that neither it nor a directory above it can be replaced by another user
 * (writable by group/others without the sticky bit, or owned by someone
 * other than root or the current user).  0 when secure; -1 with err giving
 * the path, the owner and mode found, and the command that fixes it.
 */
int	keyfile_secure(const char *path, struct errbuf *err);

/*
 * keyfile_public_b64 - the base64 p= value of a key's public half
 * (SubjectPublicKeyInfo DER for RSA, the raw 32 bytes for Ed25519, RFC
 * 8463); pkey may be a private key.  Owned string, or NULL with err set.
 */
char	*keyfile_public_b64(EVP_PKEY *pkey, struct errbuf *err);

/*
 * keyfile_txt_record - the TXT value "v=DKIM1; k=rsa; p=..." (k=ed25519
 * for Ed25519).  Owned string, or NULL with err set.
 */
char	*keyfile_txt_record(EVP_PKEY *pkey, struct errbuf *err);

#endif
