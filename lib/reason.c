/*
 * reason - stable codes for why a signature got its verdict
 *
 * One table: code, token, text for people, hint (the fix, when known).
 */
#include <stddef.h>

#include "lib/reason.h"

static const struct {
	enum reason	 code;
	const char	*token;
	const char	*text;
	const char	*hint;
} reasons[] = {
	{ REASON_OK, "ok", "signature verified", NULL },
	{ REASON_SIG_SYNTAX, "sig-syntax", "malformed DKIM-Signature",
	  "the signer produced a broken header; check the signing software" },
	{ REASON_SIG_DUP_TAG, "sig-duplicate-tag",
	  "duplicate tag in DKIM-Signature", NULL },
	{ REASON_SIG_MISSING_TAG, "sig-missing-tag",
	  "required tag missing in DKIM-Signature", NULL },
	{ REASON_SIG_BAD_VERSION, "sig-bad-version",
	  "DKIM-Signature v= is not 1", NULL },
	{ REASON_SIG_BAD_ALGORITHM, "sig-bad-algorithm",
	  "unknown signing algorithm", NULL },
	{ REASON_SIG_SHA1, "sig-sha1", "rsa-sha1 is not accepted (RFC 8301)",
	  "sign with rsa-sha256 or ed25519-sha256" },
	{ REASON_SIG_BAD_BASE64, "sig-bad-base64",
	  "bad base64 in DKIM-Signature", NULL },
	{ REASON_SIG_BAD_CANON, "sig-bad-canon",
	  "unknown canonicalization", NULL },
	{ REASON_SIG_BAD_DOMAIN, "sig-bad-domain",
	  "d= is not a valid domain name", NULL },
	{ REASON_SIG_BAD_SELECTOR, "sig-bad-selector",
	  "s= is not a valid selector", NULL },
	{ REASON_SIG_NO_FROM, "sig-no-from", "h= does not include From", NULL },
	{ REASON_SIG_BAD_IDENTITY, "sig-bad-identity",
	  "i= is not within d=", NULL },
	{ REASON_SIG_BAD_LENGTH, "sig-bad-length", "l= is not a number", NULL },
	{ REASON_SIG_BAD_TIME, "sig-bad-time",
	  "t= or x= is not a timestamp", NULL },
	{ REASON_SIG_EXPIRED, "sig-expired", "signature expired (x=)",
	  "the message was delivered after the signature expired; lengthen "
	  "the signer's expiry or re-send" },
	{ REASON_SIG_X_BEFORE_T, "sig-x-before-t",
	  "x= is earlier than t=", NULL },
	{ REASON_SIG_FUTURE, "sig-future", "t= is in the future",
	  "check the signing host's clock" },
	{ REASON_SIG_BAD_QUERY, "sig-bad-query",
	  "q= names no supported query method", NULL },
	{ REASON_SIG_TOO_MANY, "sig-too-many",
	  "more signatures than MaxSignatures; not checked", NULL },
	{ REASON_KEY_NOT_FOUND, "key-not-found", "no key record for selector",
	  "publish the selector's TXT (or CNAME) record, or check that s= "
	  "and d= name the record you published" },
	{ REASON_KEY_DNS_ERROR, "key-dns-error", "key lookup failed",
	  "check that every authoritative name server of the domain answers" },
	{ REASON_KEY_SYNTAX, "key-syntax", "malformed key record",
	  "republish the record as v=DKIM1; k=rsa; p=BASE64 without stray "
	  "spaces or quotes" },
	{ REASON_KEY_BAD_VERSION, "key-bad-version",
	  "key record v= is not DKIM1", NULL },
	{ REASON_KEY_REVOKED, "key-revoked", "key revoked (empty p=)",
	  "the domain revoked this selector; sign with a published key" },
	{ REASON_KEY_BAD_BASE64, "key-bad-base64", "bad base64 in key record",
	  "copy the p= value again: characters are missing or stray "
	  "(base64 padding '=' included)" },
	{ REASON_KEY_BAD_KEY, "key-bad-key",
	  "key record p= is not a public key", NULL },
	{ REASON_KEY_TYPE_MISMATCH, "key-type-mismatch",
	  "key type does not match signature algorithm", NULL },
	{ REASON_KEY_HASH_MISMATCH, "key-hash-mismatch",
	  "key record h= does not allow the hash", NULL },
	{ REASON_KEY_SERVICE, "key-service",
	  "key record s= does not allow email", NULL },
	{ REASON_KEY_STRICT_IDENTITY, "key-strict-identity",
	  "key t=s forbids a subdomain in i=", NULL },
	{ REASON_KEY_TOO_SHORT, "key-too-short",
	  "RSA key shorter than 1024 bits (RFC 8301)",
	  "publish an RSA key of 1024 (better 2048) bits" },
	{ REASON_KEY_MULTIPLE, "key-multiple",
	  "several DKIM key records at the selector",
	  "remove all but one TXT record at the selector name" },
	{ REASON_BODY_HASH_MISMATCH, "body-hash-mismatch",
	  "body hash mismatch",
	  "the body was modified in transit (footer, disclaimer, "
	  "re-encoding) after signing" },
	{ REASON_SIGNATURE_MISMATCH, "signature-mismatch",
	  "signature did not verify",
	  "a signed header was modified in transit, or the published key "
	  "is not the one that signed" },
	{ REASON_INTERNAL, "internal", "internal error", NULL },
	{ REASON_NO_SIGNATURE, "no-signature", "no DKIM signature", NULL },
	{ REASON_SIG_TAG_TOO_LONG, "sig-tag-too-long",
	  "d=, s= or a= is too long to be a DKIM name", NULL },
	{ REASON_KEY_NAME_TOO_LONG, "key-name-too-long",
	  "selector and domain make a key name over 253 octets",
	  "choose a shorter selector: s._domainkey.d must fit a DNS name" },
	{ REASON_KEY_NUL, "key-nul", "key record holds a NUL byte",
	  "republish the key record as plain text" },
	{ REASON_FROM_NONE, "from-none", "the message has no From field",
	  NULL },
	{ REASON_FROM_MULTIPLE, "from-multiple",
	  "several From fields: the message has no author domain "
	  "(RFC 6376 8.15, RFC 7489 6.6.1)",
	  "a From field was added to a signed message; a valid message has "
	  "exactly one, and signers should oversign From" },
	{ REASON_FROM_MAILBOXES, "from-mailboxes",
	  "several mailboxes in From: the message has no single author "
	  "domain (RFC 7489 6.6.1)", NULL },
	{ REASON_FROM_UNPARSABLE, "from-unparsable",
	  "From does not hold one parsable address: the message has no "
	  "author domain", NULL },
};

static int
lookup(enum reason r)
{
	size_t	 i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].code == r)
			return (int)i;
	return -1;
}

/* reason_text - short description of a reason */
const char *
reason_text(enum reason r)
{
	int	 i = lookup(r);

	return i < 0 ? "unknown reason" : reasons[i].text;
}

/* reason_hint - the fix, or NULL */
const char *
reason_hint(enum reason r)
{
	int	 i = lookup(r);

	return i < 0 ? NULL : reasons[i].hint;
}

/* reason_code - stable token */
const char *
reason_code(enum reason r)
{
	int	 i = lookup(r);

	return i < 0 ? "unknown" : reasons[i].token;
}
