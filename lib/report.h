/*
 * report - the verdict line: one line per message for the mail log
 *
 * The line is stable and greppable: the queue id, then key=value fields
 * in this fixed order (dkimlens-milter(8) documents each):
 *
 *   QUEUEID: verdict=V from=DOMAIN [reason="..."]
 *       [sigN=d:D,s:S,a:A,role:ROLE,result:RESULT[,reason:CODE]
 *        [sigN_detail="..."]]... [ignored=K]
 *       [signedN=d:D,s:S,a:A[,key:STATE]]... [removedN=d:D,s:S,a:A]...
 *       [hint="..."] [note="..."] action=ACTION
 *
 * verdict is pass, esp-only, third-party, fail, dns-error, permerror,
 * none (verification, lib/verify.h), or signed, unsigned, skipped, error
 * (the milter's own outcomes).  Outgoing mail that already carries
 * signatures has both: sigN for each signature found, signedN for each
 * one added (STATE: the key's selector in DNS, lib/keystate.h), removedN
 * for each one removed (SesRelayRemoveEspSignatures).  sigN numbers the
 * DKIM-Signature fields
 * from the top; those beyond MaxSignatures are only counted in ignored=.
 * RESULT is the RFC 8601 result, CODE the lib/reason.h token.  hint is
 * the fix for what was found; note is what the milter adds about its own
 * decision (e.g. outgoing mail for which no key matched).
 *
 * Escaping (values come from the message): a value made only of letters,
 * digits and ._-+/@:,= is written bare; any other value is written in
 * double quotes with '"' and '\' backslash-escaped and bytes outside
 * printable ASCII as \xNN.  Inside sigN/signedN the parts d, s and a are
 * never quoted: any byte outside letters, digits and ._-+/= becomes \xNN,
 * so the field stays one token.  An empty value is "".
 *
 * Owns nothing beyond the returned string.  Never: logging it.
 */
#ifndef DKIMLENS_REPORT_H
#define DKIMLENS_REPORT_H

#include <stddef.h>

#include "lib/buf.h"
#include "lib/verify.h"

#define REPORT_MAX		16384	/* bytes in one line */

/* One signature dkimlens added (or removed). */
struct report_made {
	const char	*d;
	const char	*s;
	const char	*a;	/* "rsa-sha256", "ed25519-sha256" */
	const char	*key;	/* keystate name, or NULL */
};

/* Everything a line says; NULL or 0 leaves a field out. */
struct report {
	const char			 *queue_id;	/* NULL: NOQUEUE */
	const char			 *verdict;	/* required */
	const char			 *from_domain;	/* NULL: "" */
	const char			 *reason;
	const struct verify_sig * const	 *sigs;		/* top first */
	size_t				  nsigs;
	const struct report_made	 *made;		/* signatures added */
	size_t				  nmade;
	const struct report_made	 *removed;	/* and removed */
	size_t				  nremoved;
	const char			 *hint;
	const char			 *note;
	const char			 *action;	/* NULL: accept */
};

/* report_format - the line, without newline; owned, NULL on ENOMEM */
char	*report_format(const struct report *r)
	    __attribute__((warn_unused_result));

/*
 * report_value - append v to b as a field value (bare or quoted, see
 * above).  0, or -1 at the buffer cap.
 */
int	report_value(struct buf *b, const char *v)
	    __attribute__((warn_unused_result));

/*
 * report_reason - the message-level reason of a verified message: for
 * fail, dns-error and permerror, "TEXT: DETAIL" of the signature that
 * decided it (an author signature first); else "".  Written into out,
 * always NUL-terminated; returns out.
 */
const char *report_reason(const struct verifier *v, char *out,
	    size_t outlen);

/*
 * report_verifier - the whole line for a verified message (sigs, verdict,
 * reason and hint taken from v; note may be NULL).  Owned string, NULL on
 * ENOMEM.
 */
char	*report_verifier(const char *queue_id, const struct verifier *v,
	    const char *note, const char *action)
	    __attribute__((warn_unused_result));

/*
 * report_outgoing - the line of outgoing mail: r's verdict, signatures
 * added and removed, hint, note and action as given, plus, when v is not
 * NULL, the signatures the message already carried as v verified them
 * (sigN) and v's hint when r has none (but not v's "the From domain is
 * not DKIM-signing" of esp-only and third-party mail when r has signatures
 * added).  Owned string, NULL on ENOMEM.
 */
char	*report_outgoing(const struct report *r, const struct verifier *v)
	    __attribute__((warn_unused_result));

#endif
