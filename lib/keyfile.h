/*
 * keyfile - private and public key files: load them, and check them the
 * way Amazon SES BYODKIM will
 *
 * Accepts PEM PKCS#1 ("BEGIN RSA PRIVATE KEY"), PEM PKCS#8 ("BEGIN PRIVATE
 * KEY"), DER, and bare base64 of either DER form, with or without line
 * breaks, CRLF or a UTF-8 BOM.  keyfile_check() names every problem found
 * (see enum keyfile_problem) with the fix.
 *
 * Owns: the reading and decoding of key files, the BYODKIM verdict on a
 * key, the public key forms published in DNS (RFC 6376 3.6.1, RFC 8463 4),
 * key generation and writing a new private key file (mode 0600, never over
 * an existing file).
 * Never: prints, exits or logs; asks for a passphrase (an encrypted key is
 * a problem, not a prompt).
 * Errors: bad key data is a finding (keyfile_check) or, for the loaders, a
 * -1 whose sentence names the file and the problem; -1 alone means the
 * environment failed (no memory, unreadable file, OpenSSL failure).
 * Private key bytes handled here (PEM, DER, base64) are OPENSSL_cleanse()d
 * before they are freed.
 */
#ifndef DKIMLENS_KEYFILE_H
#define DKIMLENS_KEYFILE_H

#include <sys/types.h>

#include <stddef.h>

#include <openssl/evp.h>

#include "lib/errbuf.h"

#define KEYFILE_MAX_BYTES	(1024 * 1024)	/* larger files are refused */
#define KEYFILE_MAX_FINDINGS	16
#define KEYFILE_DETAIL_MAX	240
#define KEYFILE_FIX_MAX		320
#define KEYFILE_TXT_STRING_MAX	255	/* RFC 1035 3.3: one character-string */

/*
 * Key file input.  Every key file is read through keyfile_read(): opened
 * once with O_NOFOLLOW|O_NONBLOCK, so a symbolic link as the key's own
 * name is refused ("is a symbolic link; point KeyFile at the file
 * itself") and a FIFO never blocks; only a regular file is accepted (a
 * FIFO, device, directory or socket is refused, naming what it is); the
 * checks below run on that descriptor and the data is read from it.
 *
 * The rule for a private key (keyfile_secure, keyfile_load_signing, the
 * file-permissions finding of keyfile_check_file), one for the milter and
 * keytool: the key is owned by root or by its reader, the user that will
 * read it (the milter's UserID; keytool's invoking user or --user), and
 * no group or other bits are set; when the reader is not root, a key
 * owned by root is refused too, since the reader cannot open it; each
 * directory on the path as written (and, through a symbolic link in the
 * middle of the path, each directory where the link lives and where it
 * leads) is owned by root or the reader and is not writable by group or
 * others unless it has the sticky bit.  A refusal names the path, the
 * owner and mode found, and the command that fixes it.
 */
#define KEYFILE_READER_OWNER	((uid_t)-1)	/* reader: the key's owner,
						 * for root's keytool when no
						 * --user names the reader */

/* What the rule found about a key file. */
struct keyfile_perm {
	int	 ok;				/* 1 when the rule holds */
	char	 what[KEYFILE_DETAIL_MAX];	/* path, owner, mode, danger */
	char	 fix[KEYFILE_FIX_MAX];		/* the command */
};

/*
 * keyfile_read - the whole key file, read as described above; at most
 * KEYFILE_MAX_BYTES.  When perm_out is not NULL the rule is applied for
 * reader (a uid, or KEYFILE_READER_OWNER) and its verdict left there; a
 * broken rule does not make the read fail.  0 with *data_out owned (free
 * with keyfile_data_free), or -1 with err naming the file and why.
 */
int	keyfile_read(const char *path, uid_t reader,
	    struct keyfile_perm *perm_out, unsigned char **data_out,
	    size_t *len_out, struct errbuf *err)
	    __attribute__((warn_unused_result));

/* keyfile_data_free - cleanse and free keyfile_read's data; NULL allowed */
void	keyfile_data_free(unsigned char *data, size_t len);

/*
 * keyfile_load_private - load a private key (RSA or Ed25519) from path in
 * any accepted form, read with keyfile_read() (the rule not applied).  0
 * with *pkey_out owned (EVP_PKEY_free), or -1 with err naming the file
 * and the problem.  SES-only rules (RSA size, Ed25519) are not applied
 * here; an RSA key whose numbers do not belong together is refused.
 */
int	keyfile_load_private(const char *path, EVP_PKEY **pkey_out,
	    struct errbuf *err) __attribute__((warn_unused_result));

/*
 * keyfile_load_signing - as keyfile_load_private, and a key that breaks
 * the rule for reader is refused: -1 with err "what; fix: command".  The
 * milter's key loader: the rule and the data come from one open.
 */
int	keyfile_load_signing(const char *path, uid_t reader,
	    EVP_PKEY **pkey_out, struct errbuf *err)
	    __attribute__((warn_unused_result));

/*
 * keyfile_parse_private - as keyfile_load_private, from memory; name is
 * used in messages.
 */
int	keyfile_parse_private(const char *name, const unsigned char *data,
	    size_t len, EVP_PKEY **pkey_out, struct errbuf *err)
	    __attribute__((warn_unused_result));

/*
 * keyfile_load_public, keyfile_parse_public - as the private loaders, but
 * also accept a public key (SubjectPublicKeyInfo, PKCS#1 RSAPublicKey) or
 * an X.509 certificate; *pkey_out may then hold only a public key.  RSA or
 * Ed25519 only.
 */
int	keyfile_load_public(const char *path, EVP_PKEY **pkey_out,
	    struct errbuf *err) __attribute__((warn_unused_result));
int	keyfile_parse_public(const char *name, const unsigned char *data,
	    size_t len, EVP_PKEY **pkey_out, struct errbuf *err)
	    __attribute__((warn_unused_result));

/*
 * keyfile_secure - apply the rule for reader to path (opened as
 * keyfile_read does, not read).  0 when it holds; -1 with err giving the
 * path, the owner and mode found, and the command that fixes it, or why
 * the file could not be opened.
 */
int	keyfile_secure(const char *path, uid_t reader, struct errbuf *err);

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

/*
 * keyfile_zone_record - the zone-file line publishing txt at
 * selector._domainkey.domain:
 *   s1._domainkey.example.com. IN TXT ( "v=DKIM1; k=rsa; p=..." "..." )
 * with txt cut into character-strings of at most KEYFILE_TXT_STRING_MAX
 * characters (RFC 1035 3.3.14).  A trailing dot on domain is allowed.
 * Owned string, or NULL with err set.
 */
char	*keyfile_zone_record(const char *selector, const char *domain,
	    const char *txt, struct errbuf *err);

/* The structure holding a private key, as SES BYODKIM names them. */
enum keyfile_form {
	KEYFILE_FORM_PKCS1,	/* RSAPrivateKey, RFC 8017 A.1.2 */
	KEYFILE_FORM_PKCS8	/* PrivateKeyInfo, RFC 5208 5 / RFC 5958 2 */
};

/*
 * keyfile_generate - a new key: type "rsa" (bits 1024 to 8192) or
 * "ed25519" (bits ignored).  0 with *pkey_out owned, or -1 with err set.
 */
int	keyfile_generate(const char *type, unsigned int bits,
	    EVP_PKEY **pkey_out, struct errbuf *err)
	    __attribute__((warn_unused_result));

/*
 * keyfile_upload_b64 - the private key's DER in form, base64 on one line
 * without header or footer: what SES BYODKIM asks for.  PKCS#1 is RSA
 * only.  Owned string holding key material: free it with
 * keyfile_secret_free(); NULL with err set.
 */
char	*keyfile_upload_b64(EVP_PKEY *pkey, enum keyfile_form form,
	    struct errbuf *err);

/* keyfile_secret_free - cleanse and free a string holding key material */
void	keyfile_secret_free(char *s);

/*
 * keyfile_write_private - write pkey as PEM in form to a new file path,
 * mode 0600; an existing path (or symlink) is never replaced.  0, or -1
 * with err set and nothing left behind.
 */
int	keyfile_write_private(const char *path, EVP_PKEY *pkey,
	    enum keyfile_form form, struct errbuf *err)
	    __attribute__((warn_unused_result));

/*
 * Checking a key the way SES BYODKIM will.  Every problem has a stable
 * name (keyfile_problem_name(): "encrypted", "rsa-size", ...) that output
 * and tests use, a severity, and a fix.  Warnings (crlf, bom,
 * file-permissions) are tolerated: the key is still valid for SES.
 */
enum keyfile_problem {
	KEYFILE_PROB_EMPTY,		/* "empty": no data */
	KEYFILE_PROB_UNKNOWN_FORMAT,	/* "unknown-format": OpenSSH, CSR... */
	KEYFILE_PROB_ENCRYPTED,		/* "encrypted": passphrase-protected */
	KEYFILE_PROB_NOT_RSA,		/* "not-rsa": EC, Ed25519, DSA... */
	KEYFILE_PROB_RSA_SIZE,		/* "rsa-size": not 1024 or 2048 */
	KEYFILE_PROB_PUBLIC_KEY,	/* "public-key": no private half */
	KEYFILE_PROB_CERTIFICATE,	/* "certificate": X.509 cert */
	KEYFILE_PROB_BAD_BASE64,	/* "bad-base64" */
	KEYFILE_PROB_BASE64_OF_PEM,	/* "base64-of-pem": PEM encoded again */
	KEYFILE_PROB_TRUNCATED,		/* "truncated": DER or PEM cut short */
	KEYFILE_PROB_CORRUPT_DER,	/* "corrupt-der": not a key structure */
	KEYFILE_PROB_INCONSISTENT_RSA,	/* "inconsistent-rsa": n != p*q... */
	KEYFILE_PROB_TRAILING_JUNK,	/* "trailing-junk": data after key */
	KEYFILE_PROB_LEADING_JUNK,	/* "leading-junk": text before key */
	KEYFILE_PROB_MULTIPLE_KEYS,	/* "multiple-keys": several objects */
	KEYFILE_PROB_CRLF,		/* "crlf": warning */
	KEYFILE_PROB_BOM,		/* "bom": warning */
	KEYFILE_PROB_FILE_PERMISSIONS,	/* "file-permissions": warning */
	KEYFILE_PROB_COUNT
};

enum keyfile_encoding {
	KEYFILE_ENC_UNKNOWN, KEYFILE_ENC_PEM, KEYFILE_ENC_DER,
	KEYFILE_ENC_BASE64
};

enum keyfile_structure {
	KEYFILE_ST_UNKNOWN,
	KEYFILE_ST_PKCS1,		/* RSAPrivateKey */
	KEYFILE_ST_PKCS8,		/* PrivateKeyInfo */
	KEYFILE_ST_PKCS8_ENCRYPTED,	/* EncryptedPrivateKeyInfo */
	KEYFILE_ST_SEC1,		/* ECPrivateKey, RFC 5915 */
	KEYFILE_ST_DSA,			/* OpenSSL's traditional DSA key */
	KEYFILE_ST_SPKI,		/* SubjectPublicKeyInfo */
	KEYFILE_ST_RSA_PUBLIC,		/* RSAPublicKey */
	KEYFILE_ST_CERT,		/* X.509 Certificate */
	KEYFILE_ST_OTHER		/* a PEM label keyfile does not read */
};

struct keyfile_finding {
	enum keyfile_problem	 problem;
	char			 detail[KEYFILE_DETAIL_MAX]; /* what, where */
	char			 fix[KEYFILE_FIX_MAX];	/* names the file */
};

struct keyfile_report {
	enum keyfile_encoding	 encoding;
	enum keyfile_structure	 structure;
	char			 pem_label[48];	/* the key's PEM label, "" */
	char			 key_type[48];	/* "RSA", "ED25519", "EC ..." */
	unsigned int		 bits;		/* 0 when unknown */
	int			 is_private;	/* pkey holds a private key */
	EVP_PKEY		*pkey;		/* owned; NULL if not decoded */
	char			*upload;	/* owned (secret); SES upload
						 * string, only when valid */
	size_t			 nfindings;
	struct keyfile_finding	 findings[KEYFILE_MAX_FINDINGS];
};

/*
 * keyfile_check - decode data (from file name, used in messages and fix
 * commands) and judge it as an SES BYODKIM private key.  0 with *out
 * owned (keyfile_report_free) whatever the verdict; -1 only when the
 * environment failed (err set).
 */
int	keyfile_check(const char *name, const unsigned char *data, size_t len,
	    struct keyfile_report **out, struct errbuf *err)
	    __attribute__((warn_unused_result));

/*
 * keyfile_check_file - read path with keyfile_read() and keyfile_check()
 * it, adding a file-permissions finding when the rule for reader fails.
 * -1 with err set when the file cannot be opened or read (a symbolic
 * link, a FIFO, a device...).
 */
int	keyfile_check_file(const char *path, uid_t reader,
	    struct keyfile_report **out, struct errbuf *err)
	    __attribute__((warn_unused_result));

/* keyfile_report_free - NULL allowed; cleanses the upload string */
void	keyfile_report_free(struct keyfile_report *r);

/* keyfile_report_valid - 1 when no finding is an error (warnings allowed) */
int	keyfile_report_valid(const struct keyfile_report *r);

/* keyfile_report_has - 1 when the report holds a finding of problem p */
int	keyfile_report_has(const struct keyfile_report *r,
	    enum keyfile_problem p);

/* keyfile_problem_name - stable name: "encrypted", "not-rsa", ... */
const char *keyfile_problem_name(enum keyfile_problem p);

/* keyfile_problem_is_warning - 1 for the tolerated problems */
int	keyfile_problem_is_warning(enum keyfile_problem p);

/* keyfile_problem_fix - the fix, with KEYFILE standing for the file */
const char *keyfile_problem_fix(enum keyfile_problem p);

/* keyfile_encoding_name - "PEM", "DER", "base64" or "unknown" */
const char *keyfile_encoding_name(enum keyfile_encoding e);

/* keyfile_structure_name - "PKCS#1", "PKCS#8", "encrypted PKCS#8", ... */
const char *keyfile_structure_name(enum keyfile_structure s);

#endif
