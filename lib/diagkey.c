/*
 * diagkey - one published TXT value judged as a DKIM key record
 * (diag_key_value, see lib/diag.h)
 *
 * It owns the checks of the value itself: stray characters (quotes,
 * backslashes, control and non-ASCII bytes, spaces around it), items
 * without '=', p= without its padding, what keyrec_parse() says (RFC 6376
 * 3.6.1), a revoked, testing or weak key (RFC 8301 3.2), and whether it is
 * the public half of a given key.  It asks no server and never prints.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "lib/b64.h"
#include "lib/buf.h"
#include "lib/diag.h"
#include "lib/diagint.h"
#include "lib/errbuf.h"
#include "lib/keyrec.h"
#include "lib/reason.h"
#include "lib/verdict.h"

/*
 * stray_scan - what does not belong in a key record: quotes, backslashes,
 * control and non-ASCII bytes (a fail), white space around the value (a
 * warning: RFC 6376 allows it, copy-paste is the usual cause).  The value
 * without them goes to clean (same size as value, plus one).
 */
static void
stray_scan(const char *value, char *clean, char *what, size_t wsize,
    int *bad_out, int *edge_out)
{
	const unsigned char	*p;
	size_t			 nq = 0, nb = 0, nc = 0, nh = 0, n = 0;
	size_t			 len;
	int			 lead, trail;

	len = strlen(value);
	lead = len > 0 && isspace((unsigned char)value[0]);
	trail = len > 0 && isspace((unsigned char)value[len - 1]);
	for (p = (const unsigned char *)value; *p != '\0'; p++) {
		if (*p == '"' || *p == '\'' || *p == '`')
			nq++;
		else if (*p == '\\')
			nb++;
		else if (*p >= 0x80)
			nh++;
		else if (*p < 0x20 && *p != '\t' && *p != '\r' && *p != '\n')
			nc++;
		else {
			clean[n++] = (char)*p;
			continue;
		}
	}
	clean[n] = '\0';
	/* Trim white space left at the ends once the quotes are gone. */
	while (n > 0 && isspace((unsigned char)clean[n - 1])) {
		clean[--n] = '\0';
		trail = 1;
	}
	len = strspn(clean, " \t\r\n");
	memmove(clean, clean + len, n - len + 1);
	lead = lead || len > 0;
	*bad_out = nq + nb + nc + nh > 0;
	*edge_out = lead || trail;
	n = 0;
	what[0] = '\0';
	if (nq > 0)
		n += (size_t)snprintf(what + n, wsize - n, "%zu quote%s", nq,
		    nq > 1 ? "s" : "");
	if (nb > 0 && n < wsize)
		n += (size_t)snprintf(what + n, wsize - n, "%s%zu backslash%s",
		    n > 0 ? ", " : "", nb, nb > 1 ? "es" : "");
	if (nc > 0 && n < wsize)
		n += (size_t)snprintf(what + n, wsize - n, "%s%zu control "
		    "character%s", n > 0 ? ", " : "", nc, nc > 1 ? "s" : "");
	if (nh > 0 && n < wsize)
		n += (size_t)snprintf(what + n, wsize - n, "%s%zu non-ASCII "
		    "byte%s", n > 0 ? ", " : "", nh, nh > 1 ? "s" : "");
	if ((lead || trail) && n < wsize)
		snprintf(what + n, wsize - n, "%s%s", n > 0 ? ", " : "",
		    lead && trail ? "spaces around the value" : lead ?
		    "a leading space" : "a trailing space");
}

/* tag_without_eq - the first "tag=value" item of value without '=' */
static int
tag_without_eq(const char *value, char *out, size_t size)
{
	const char	*p = value, *e;
	size_t		 len;

	while (*p != '\0') {
		p += strspn(p, " \t\r\n;");
		if (*p == '\0')
			break;
		e = strchr(p, ';');
		len = e == NULL ? strlen(p) : (size_t)(e - p);
		if (memchr(p, '=', len) == NULL) {
			snprintf(out, size, "%.*s%s", len > 24 ? 24 : (int)len,
			    p, len > 24 ? "..." : "");
			return 1;
		}
		p += len;
	}
	return 0;
}

/*
 * missing_padding - p= is well-formed base64 except that its length is
 * not a multiple of four: the '=' padding was dropped.  The count of
 * characters in *nchars_out.
 */
static int
missing_padding(const char *value, size_t *nchars_out)
{
	const char	*p;
	size_t		 n = 0;

	/* Find p= as a tag: at the start or after ';'. */
	for (p = value; (p = strstr(p, "p=")) != NULL; p += 2) {
		const char *q = p;

		while (q > value && (q[-1] == ' ' || q[-1] == '\t'))
			q--;
		if (q == value || q[-1] == ';')
			break;
	}
	if (p == NULL)
		return 0;
	for (p += 2; *p != '\0' && *p != ';'; p++) {
		if (isspace((unsigned char)*p))
			continue;
		if (!isalnum((unsigned char)*p) && *p != '+' && *p != '/')
			return 0;
		n++;
	}
	*nchars_out = n;
	return n > 0 && n % 4 != 0;
}

/* pub_b64 - the base64 p= form of a key's public half; owned or NULL */
static char *
pub_b64(EVP_PKEY *key)
{
	unsigned char	*der = NULL, raw[64];
	char		*out = NULL;
	size_t		 rawlen = sizeof(raw);
	int		 len;

	if (EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519) {
		/* RFC 8463 4: the raw 32 bytes. */
		if (EVP_PKEY_get_raw_public_key(key, raw, &rawlen) != 1)
			return NULL;
		return b64_encode_alloc(raw, rawlen);
	}
	if ((len = i2d_PUBKEY(key, &der)) <= 0)
		return NULL;
	out = b64_encode_alloc(der, (size_t)len);
	OPENSSL_free(der);
	return out;
}

/* p_value - the p= value without white space, into out */
static void
p_value(const char *value, char *out, size_t size)
{
	const char	*p;
	size_t		 n = 0;

	out[0] = '\0';
	for (p = value; (p = strstr(p, "p=")) != NULL; p += 2)
		if (p == value || p[-1] == ';' || p[-1] == ' ' ||
		    p[-1] == '\t')
			break;
	if (p == NULL)
		return;
	for (p += 2; *p != '\0' && *p != ';' && n + 1 < size; p++)
		if (!isspace((unsigned char)*p))
			out[n++] = *p;
	out[n] = '\0';
}

/* key_mismatch_evidence - where the published p= and the key's differ */
static void
key_mismatch_evidence(const char *value, EVP_PKEY *key, char *out,
    size_t size)
{
	char	*want, have[4096];
	size_t	 i;

	p_value(value, have, sizeof(have));
	if ((want = pub_b64(key)) == NULL) {
		snprintf(out, size, "the published key is not the public "
		    "half of the given key");
		return;
	}
	for (i = 0; have[i] != '\0' && have[i] == want[i]; i++)
		;
	snprintf(out, size, "published p= differs from the given key's "
	    "public half at character %zu: published \"...%.16s...\", "
	    "expected \"...%.16s...\"", i + 1, have + (i > 4 ? i - 4 : 0),
	    want + (i > 4 ? i - 4 : 0));
	free(want);
}

/* One TXT value being judged. */
struct judged {
	struct diag_report	*rep;
	struct errbuf		*err;
	const char		*name;
	const char		*server;
	const char		*clean;		/* stray characters removed */
	char			 shown[SHOW_MAX + 8];	/* for evidence */
};

/*
 * judge_syntax - tags without '=', then keyrec_parse(): the parsed record
 * in *kr_out, or NULL after a key-record finding.  0 or -1.
 */
static int
judge_syntax(struct judged *j, struct keyrec **kr_out)
{
	struct diag_finding	*f;
	struct verdict_result	 vr;
	const char		*hint;
	char			 tag[32];
	size_t			 nchars;

	*kr_out = NULL;
	if (tag_without_eq(j->clean, tag, sizeof(tag))) {
		f = diag_note(j->rep, j->err, DIAG_KEY_RECORD, DIAG_FAIL,
		    j->name,
		    j->server, "TXT %s: the item \"%s\" has no '=' (every "
		    "item is tag=value, RFC 6376 3.2)", j->shown, tag);
		if (f == NULL)
			return -1;
		diag_setfix(f,
		    "Put the missing '=' back: copy the record again, "
		    "e.g. \"v=DKIM1; k=rsa; p=MIIB...\".");
		return 0;
	}
	if (keyrec_parse(j->clean, kr_out, &vr) == 0)
		return 0;
	if (vr.reason == REASON_INTERNAL)
		return errbuf_set(j->err, "diag: %s", vr.detail);
	if (vr.reason == REASON_KEY_BAD_BASE64 &&
	    missing_padding(j->clean, &nchars)) {
		f = diag_note(j->rep, j->err, DIAG_KEY_RECORD, DIAG_FAIL,
		    j->name,
		    j->server, "TXT %s: p= has %zu base64 characters, not a "
		    "multiple of 4: its '=' padding is missing", j->shown,
		    nchars);
		if (f == NULL)
			return -1;
		diag_setfix(f,
		    "Copy the whole key including the %s at its end.",
		    nchars % 4 == 2 ? "\"==\"" : "\"=\"");
		return 0;
	}
	f = diag_note(j->rep, j->err, DIAG_KEY_RECORD, DIAG_FAIL, j->name,
	    j->server, "TXT %s: %s (%s)", j->shown, reason_text(vr.reason),
	    vr.detail);
	if (f == NULL)
		return -1;
	if ((hint = reason_hint(vr.reason)) != NULL)
		diag_setfix(f, "%c%s.", toupper((unsigned char)hint[0]),
		    hint + 1);
	else
		diag_setfix(f,
		    "Publish the record as generated: v=DKIM1; k=rsa; "
		    "p=<base64 public key>.");
	return 0;
}

/* judge_key - a parsed record: revoked, testing, weak, not --key's */
static int
judge_key(struct judged *j, const struct keyrec *kr, EVP_PKEY *key,
    unsigned int min_bits)
{
	struct diag_finding	*f;

	if (kr->revoked) {
		f = diag_note(j->rep, j->err, DIAG_KEY_REVOKED, DIAG_FAIL,
		    j->name,
		    j->server, "TXT %s: p= is empty, the key is revoked "
		    "(RFC 6376 3.6.1)", j->shown);
		if (f == NULL)
			return -1;
		diag_setfix(f, "Publish the current public key in p=, or stop "
		    "signing with this selector.");
		return 0;
	}
	if (diag_note(j->rep, j->err, DIAG_KEY_RECORD, DIAG_OK, j->name,
	    j->server, "%s %u-bit key: %s", kr->type == KEYREC_ED25519 ?
	    "Ed25519" : "RSA", kr->bits, j->shown) == NULL)
		return -1;
	if (kr->testing) {
		f = diag_note(j->rep, j->err, DIAG_KEY_TESTING, DIAG_WARN,
		    j->name,
		    j->server, "t=y: the domain is testing DKIM; receivers "
		    "may treat its signatures as unsigned (RFC 6376 3.6.1)");
		if (f == NULL)
			return -1;
		diag_setfix(f, "Remove t=y from the record once DKIM works.");
	}
	if (kr->type == KEYREC_RSA && kr->bits < min_bits) {
		f = diag_note(j->rep, j->err, DIAG_KEY_WEAK, DIAG_FAIL, j->name,
		    j->server, "RSA key of %u bits; verifiers reject keys "
		    "under %u bits (RFC 8301 3.2)", kr->bits, min_bits);
		if (f == NULL)
			return -1;
		diag_setfix(f, "Generate a 2048-bit RSA key (dkimlens-keytool "
		    "genkey), publish it under a new selector and sign with "
		    "it.");
	}
	if (key == NULL)
		return 0;
	if (EVP_PKEY_eq(kr->pkey, key) == 1)
		return diag_note(j->rep, j->err, DIAG_KEY_MISMATCH, DIAG_OK,
		    j->name, j->server, "the published key is the public half"
		    " of the given key") == NULL ? -1 : 0;
	if ((f = diag_note(j->rep, j->err, DIAG_KEY_MISMATCH, DIAG_FAIL,
	    j->name,
	    j->server, "%s", "")) == NULL)
		return -1;
	key_mismatch_evidence(j->clean, key, f->evidence,
	    sizeof(f->evidence));
	diag_setfix(f, "Publish the public half of the key you sign with "
	    "(dkimlens-keytool record KEYFILE), or sign with the key that "
	    "matches the record.");
	return 0;
}

/* diag_key_value - judge one TXT value */
int
diag_key_value(struct diag_report *report, const char *name,
    const char *server, const char *value, EVP_PKEY *key,
    unsigned int min_rsa_bits, struct errbuf *err)
{
	struct judged		 j;
	struct diag_finding	*f;
	struct keyrec		*kr = NULL;
	struct buf		 qv;
	char			*clean, what[160];
	int			 bad, edge, rc = -1;

	if ((clean = malloc(strlen(value) + 1)) == NULL)
		return errbuf_set(err, "diag: out of memory");
	buf_init(&qv, TEXT_MAX * 2 + 2);
	memset(&j, 0, sizeof(j));
	j.rep = report;
	j.err = err;
	j.name = name;
	j.server = server;
	j.clean = clean;
	stray_scan(value, clean, what, sizeof(what), &bad, &edge);
	if (diag_buf_txt(&qv, value) != 0) {
		errbuf_set(err, "diag: out of memory");
		goto fail;
	}
	diag_shorten(qv.data, j.shown, sizeof(j.shown));
	if (bad || edge) {
		f = diag_note(report, err, DIAG_STRAY_CHARACTERS, bad
		    ? DIAG_FAIL :
		    DIAG_WARN, name, server, "TXT %s contains %s", j.shown,
		    what);
		if (f == NULL)
			goto fail;
		diag_setfix(f,
		    "Re-enter the value exactly as generated, without "
		    "the %s (the DNS provider adds the quotes itself): "
		    "\"%.40s...\"", bad ? "quotes and spaces" : "spaces",
		    clean);
	}
	if (judge_syntax(&j, &kr) == -1 || (kr != NULL && judge_key(&j, kr,
	    key, min_rsa_bits != 0 ? min_rsa_bits : DIAG_MIN_RSA_BITS) == -1))
		goto fail;
	rc = 0;
fail:
	keyrec_free(kr);
	buf_free(&qv);
	free(clean);
	return rc;
}

