/*
 * reason - stable codes for why a signature got its verdict
 *
 * One table (lib/reason.c) holds, per code, a short text for people
 * ("body hash mismatch") and, where the seeds know one, a hint naming the
 * fix.  Codes are part of the tests' interface: add, never renumber.
 */
#ifndef DKIMLENS_REASON_H
#define DKIMLENS_REASON_H

enum reason {
	REASON_OK,			/* signature verified */
	/* signature field syntax, RFC 6376 3.5 / 6.1.1 */
	REASON_SIG_SYNTAX,		/* not a tag=value list */
	REASON_SIG_DUP_TAG,		/* a tag appears twice */
	REASON_SIG_MISSING_TAG,		/* a required tag is absent */
	REASON_SIG_BAD_VERSION,		/* v= is not 1 */
	REASON_SIG_BAD_ALGORITHM,	/* a= unknown */
	REASON_SIG_SHA1,		/* rsa-sha1: RFC 8301 */
	REASON_SIG_BAD_BASE64,		/* b= or bh= not base64 */
	REASON_SIG_BAD_CANON,		/* c= unknown */
	REASON_SIG_BAD_DOMAIN,		/* d= not a domain name */
	REASON_SIG_BAD_SELECTOR,	/* s= not a selector */
	REASON_SIG_NO_FROM,		/* h= does not include From */
	REASON_SIG_BAD_IDENTITY,	/* i= not within d= */
	REASON_SIG_BAD_LENGTH,		/* l= not a number */
	REASON_SIG_BAD_TIME,		/* t= or x= not a number */
	REASON_SIG_EXPIRED,		/* x= in the past */
	REASON_SIG_X_BEFORE_T,		/* x= earlier than t= */
	REASON_SIG_FUTURE,		/* t= far in the future */
	REASON_SIG_BAD_QUERY,		/* q= not dns/txt */
	REASON_SIG_TOO_MANY,		/* over MaxSignatures */
	/* key record, RFC 6376 3.6.1 */
	REASON_KEY_NOT_FOUND,		/* NXDOMAIN / NODATA */
	REASON_KEY_DNS_ERROR,		/* SERVFAIL, timeout: temperror */
	REASON_KEY_SYNTAX,		/* record is not a tag list */
	REASON_KEY_BAD_VERSION,		/* v= not DKIM1 or not first */
	REASON_KEY_REVOKED,		/* empty p= */
	REASON_KEY_BAD_BASE64,		/* p= not base64 */
	REASON_KEY_BAD_KEY,		/* p= does not decode to a key */
	REASON_KEY_TYPE_MISMATCH,	/* k= does not match a= */
	REASON_KEY_HASH_MISMATCH,	/* h= excludes the hash */
	REASON_KEY_SERVICE,		/* s= excludes email */
	REASON_KEY_STRICT_IDENTITY,	/* t=s and i= domain differs */
	REASON_KEY_TOO_SHORT,		/* RSA under MinimumKeyBits */
	REASON_KEY_MULTIPLE,		/* several key records */
	/* verification */
	REASON_BODY_HASH_MISMATCH,	/* bh= differs */
	REASON_SIGNATURE_MISMATCH,	/* b= does not verify */
	REASON_INTERNAL,		/* OpenSSL or memory failure */
	REASON_NO_SIGNATURE,		/* message has none */
	/* names cut short, bytes cut off (issue 8) */
	REASON_SIG_TAG_TOO_LONG,	/* d=, s= or a= longer than kept */
	REASON_KEY_NAME_TOO_LONG,	/* s._domainkey.d over 253 octets */
	REASON_KEY_NUL,			/* NUL byte inside the key record */
	/* the author, RFC 5322 3.6.2, RFC 6376 8.15, RFC 7489 6.6.1 */
	REASON_FROM_NONE,		/* no From field */
	REASON_FROM_MULTIPLE,		/* several From fields */
	REASON_FROM_MAILBOXES,		/* several mailboxes in From */
	REASON_FROM_UNPARSABLE,		/* From does not parse */
	REASON_LAST
};

/* reason_text - short description, e.g. "body hash mismatch" */
const char *reason_text(enum reason r);

/* reason_hint - the fix in one sentence, or NULL when none is known */
const char *reason_hint(enum reason r);

/* reason_code - stable token for logs and JSON, e.g. "body-hash-mismatch" */
const char *reason_code(enum reason r);

#endif
