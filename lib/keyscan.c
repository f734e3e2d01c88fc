/*
 * keyscan - the analysis of a key file's bytes (keyfile_check, see
 * lib/keyfile.h and lib/keyint.h)
 *
 * It owns finding the input's encoding (PEM text, bare base64 text, or
 * binary DER) and what is wrong with it as text: a byte order mark, CRLF,
 * PEM blocks (several keys, parameters, junk around them, a lost BEGIN
 * line), base64 with the line and column of the first bad character,
 * things that are not a DKIM private key at all (PuTTY, OpenSSH, a TXT
 * record).  The DER it finds goes to keyder.c.  It never reads a file and
 * never prints.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "lib/b64.h"
#include "lib/errbuf.h"
#include "lib/keyfile.h"
#include "lib/keyint.h"


/* findmem - the first needle in hay (memmem is a GNU extension) */
static const unsigned char *
findmem(const void *hay, size_t haylen, const char *needle, size_t nlen)
{
	const unsigned char	*h = hay;
	size_t			 i;

	if (nlen == 0 || nlen > haylen)
		return NULL;
	for (i = 0; i + nlen <= haylen; i++)
		if (h[i] == (unsigned char)needle[0] &&
		    memcmp(h + i, needle, nlen) == 0)
			return h + i;
	return NULL;
}
/* subst - copy tmpl into out, replacing each KEYFILE with value */
static void
subst(const char *tmpl, const char *value, char *out, size_t outlen)
{
	const char	*p, *q;
	size_t		 n = 0, k, vlen = strlen(value);

	for (p = tmpl; *p != '\0' && n + 1 < outlen; ) {
		if ((q = strstr(p, "KEYFILE")) == NULL)
			q = p + strlen(p);
		k = (size_t)(q - p);
		if (k > outlen - 1 - n)
			k = outlen - 1 - n;
		memcpy(out + n, p, k);
		n += k;
		p += k;
		if (*p == '\0' || n + 1 >= outlen)
			break;
		k = vlen < outlen - 1 - n ? vlen : outlen - 1 - n;
		memcpy(out + n, value, k);
		n += k;
		p += strlen("KEYFILE");
	}
	out[n] = '\0';
}


/* keyscan_add - record a finding (once per problem) */
void
keyscan_add(struct scan *sc, enum keyfile_problem p, const char *fmt, ...)
{
	struct keyfile_report	*r = sc->r;
	struct keyfile_finding	*f;
	va_list			 ap;

	if (keyfile_report_has(r, p) || r->nfindings >= KEYFILE_MAX_FINDINGS)
		return;
	f = &r->findings[r->nfindings++];
	f->problem = p;
	va_start(ap, fmt);
	vsnprintf(f->detail, sizeof(f->detail), fmt, ap);
	va_end(ap);
	subst(keyfile_problem_fix(p), sc->qname, f->fix, sizeof(f->fix));
}

/* lineof - 1-based line and column of offset off in text */
static void
lineof(const unsigned char *text, size_t off, size_t *line, size_t *col)
{
	size_t	 i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else
			(*col)++;
	}
}

/* decode_b64 - decode text[0..len) into sc->der; 0, or -1 (finding added) */
static int
decode_b64(struct scan *sc, const unsigned char *text, size_t len,
    const unsigned char *whole, size_t base)
{
	size_t	 bad, line, col;
	char	 ch[16];

	OPENSSL_clear_free(sc->der, sc->dercap);
	sc->der = NULL;
	sc->derlen = sc->dercap = 0;
	sc->dercap = len / 4 * 3 + 4;
	if ((sc->der = malloc(sc->dercap)) == NULL) {
		sc->dercap = 0;
		sc->failed = 1;
		return -1;
	}
	if (b64_decode_pieces(text, len, sc->der, &sc->derlen, &bad,
	    &sc->nopad) == -1) {
		lineof(whole, base + bad, &line, &col);
		if (text[bad] >= 0x21 && text[bad] < 0x7f)
			snprintf(ch, sizeof(ch), "'%c'", text[bad]);
		else
			snprintf(ch, sizeof(ch), "byte 0x%02x", text[bad]);
		keyscan_add(sc, KEYFILE_PROB_BAD_BASE64,
		    "line %zu, column %zu: %s "
		    "is not a base64 character%s", line, col, ch,
		    text[bad] == '=' ? " here (padding belongs at the end)" :
		    text[bad] == '-' || text[bad] == '_' ?
		    " (base64url alphabet, not base64)" : "");
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * PEM (RFC 7468, and RFC 1421 headers for OpenSSL's legacy encryption).
 */

#define MAX_BLOCKS	8

struct pemblock {
	char	 label[48];
	size_t	 body;		/* offset of the first body byte */
	size_t	 bodyend;	/* offset of the END line */
	int	 ended;
	int	 encrypted;	/* Proc-Type: 4,ENCRYPTED */
	int	 mismatch;	/* END label differs */
};

static const struct {
	const char		*label;
	enum keyfile_structure	 st;
} labels[] = {
	{ "RSA PRIVATE KEY",		KEYFILE_ST_PKCS1 },
	{ "PRIVATE KEY",		KEYFILE_ST_PKCS8 },
	{ "ENCRYPTED PRIVATE KEY",	KEYFILE_ST_PKCS8_ENCRYPTED },
	{ "EC PRIVATE KEY",		KEYFILE_ST_SEC1 },
	{ "DSA PRIVATE KEY",		KEYFILE_ST_DSA },
	{ "PUBLIC KEY",			KEYFILE_ST_SPKI },
	{ "RSA PUBLIC KEY",		KEYFILE_ST_RSA_PUBLIC },
	{ "CERTIFICATE",		KEYFILE_ST_CERT },
	{ "X509 CERTIFICATE",		KEYFILE_ST_CERT },
};

/* label_structure - the structure a PEM label promises */
static enum keyfile_structure
label_structure(const char *label)
{
	size_t	 i;

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcmp(label, labels[i].label) == 0)
			return labels[i].st;
	return KEYFILE_ST_OTHER;
}

/* is_params - labels that accompany a key rather than being one */
static int
is_params(const char *label)
{
	size_t	 n = strlen(label);

	return n >= 10 && strcmp(label + n - 10, "PARAMETERS") == 0;
}

/* pemline - is line [s, e) "-----WORD LABEL-----"?  copies the label */
static int
pemline(const unsigned char *s, size_t len, const char *word, char *label,
    size_t labellen)
{
	size_t	 wl = strlen(word), ll;

	if (len < 5 + wl + 5 || memcmp(s, "-----", 5) != 0 ||
	    memcmp(s + 5, word, wl) != 0 ||
	    memcmp(s + len - 5, "-----", 5) != 0)
		return 0;
	ll = len - 10 - wl;
	if (ll >= labellen)
		ll = labellen - 1;
	memcpy(label, s + 5 + wl, ll);
	label[ll] = '\0';
	return 1;
}

struct pemscan {
	struct pemblock	 blk[MAX_BLOCKS];
	size_t		 nblocks;	/* all BEGIN lines, even past MAX */
};

/*
 * pem_junk - a non-blank line outside every block.  The line is
 * described, never quoted: text after an END line inside a key (a stray
 * END line) is the rest of the private key.
 */
static void
pem_junk(struct scan *sc, const unsigned char *line, size_t ll,
    size_t lineno, size_t nblocks)
{
	size_t	 i, j;
	int	 b64 = 1;

	for (i = 0; i < ll && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	if (i == ll)
		return;
	for (j = i; j < ll && b64; j++)
		b64 = b64_value(line[j]) >= 0 || line[j] == '=';
	if (nblocks == 0)
		keyscan_add(sc, KEYFILE_PROB_LEADING_JUNK,
		    "line %zu: %zu characters "
		    "of %s before the -----BEGIN line (not shown: it may be "
		    "key material)", lineno, ll - i, b64 ? "base64" : "text");
	else
		keyscan_add(sc, KEYFILE_PROB_TRAILING_JUNK,
		    "line %zu: %zu characters "
		    "of %s after the -----END line (not shown: it may be key "
		    "material)", lineno, ll - i, b64 ? "base64" : "text");
}

/* pem_lines - find the blocks of t, their headers, and text around them */
static void
pem_lines(struct scan *sc, const unsigned char *t, size_t len,
    struct pemscan *ps)
{
	struct pemblock		*cur = NULL;
	const unsigned char	*line, *nl;
	size_t			 ll, off, lineno = 0;
	char			 label[48];
	int			 datalines = 0;

	memset(ps, 0, sizeof(*ps));
	for (off = 0; off < len; off = (size_t)(nl - t) + 1) {
		line = t + off;
		lineno++;
		if ((nl = memchr(line, '\n', len - off)) == NULL)
			nl = t + len;
		ll = (size_t)(nl - line);
		while (ll > 0 && (line[ll - 1] == '\r' ||
		    line[ll - 1] == ' ' || line[ll - 1] == '\t'))
			ll--;
		if (pemline(line, ll, "BEGIN ", label, sizeof(label))) {
			if (cur != NULL && !cur->ended)
				keyscan_add(sc, KEYFILE_PROB_TRUNCATED,
				    "the %s block "
				    "has no -----END line before line %zu",
				    cur->label, lineno);
			cur = ps->nblocks < MAX_BLOCKS ?
			    &ps->blk[ps->nblocks] : NULL;
			ps->nblocks++;
			if (cur != NULL) {
				snprintf(cur->label, sizeof(cur->label), "%s",
				    label);
				cur->body = (size_t)(nl - t) + (nl < t + len);
			}
			datalines = 0;
		} else if (pemline(line, ll, "END ", label, sizeof(label))) {
			if (cur != NULL && !cur->ended) {
				cur->bodyend = off;
				cur->ended = 1;
				cur->mismatch = strcmp(label, cur->label) != 0;
			} else
				keyscan_add(sc, KEYFILE_PROB_TRAILING_JUNK,
				    "line %zu: "
				    "-----END %s----- without its -----BEGIN "
				    "line", lineno, label);
		} else if (cur != NULL && !cur->ended) {
			/* RFC 1421 headers come before the base64 */
			if (datalines == 0 && ll > 0 &&
			    memchr(line, ':', ll) != NULL) {
				if (ll >= 10 && memcmp(line, "Proc-Type:", 10)
				    == 0 && findmem(line, ll, "ENCRYPTED", 9)
				    != NULL)
					cur->encrypted = 1;
				cur->body = (size_t)(nl - t) + (nl < t + len);
			} else if (ll > 0)
				datalines++;
		} else
			pem_junk(sc, line, ll, lineno, ps->nblocks);
	}
}

/* pem_pick - the block holding the key; several keys are a finding */
static struct pemblock *
pem_pick(struct scan *sc, struct pemscan *ps)
{
	struct pemblock	*key = NULL;
	size_t		 i, nkeys = 0;
	char		 list[160];

	list[0] = '\0';
	for (i = 0; i < ps->nblocks && i < MAX_BLOCKS; i++) {
		if (is_params(ps->blk[i].label))
			continue;
		nkeys++;
		if (strlen(list) + strlen(ps->blk[i].label) + 3 < sizeof(list))
			snprintf(list + strlen(list), sizeof(list) -
			    strlen(list), "%s%s", nkeys > 1 ? ", " : "",
			    ps->blk[i].label);
		if (key == NULL || (strstr(key->label, "PRIVATE KEY") == NULL &&
		    strstr(ps->blk[i].label, "PRIVATE KEY") != NULL))
			key = &ps->blk[i];
	}
	if (ps->nblocks > MAX_BLOCKS)
		nkeys += ps->nblocks - MAX_BLOCKS;
	if (nkeys > 1)
		keyscan_add(sc, KEYFILE_PROB_MULTIPLE_KEYS,
		    "%zu PEM blocks in one "
		    "file: %s", nkeys, list);
	return key != NULL ? key : &ps->blk[0];
}

/* analyse_pem - text holding PEM blocks */
static void
analyse_pem(struct scan *sc, const unsigned char *t, size_t len)
{
	struct keyfile_report	*r = sc->r;
	struct pemscan		 ps;
	struct pemblock		*key;

	pem_lines(sc, t, len, &ps);
	if (ps.nblocks == 0) {
		keyscan_add(sc, KEYFILE_PROB_UNKNOWN_FORMAT,
		    "a -----BEGIN marker, "
		    "but not at the start of a line");
		return;
	}
	key = pem_pick(sc, &ps);
	snprintf(r->pem_label, sizeof(r->pem_label), "%s", key->label);
	r->structure = label_structure(key->label);
	if (!key->ended) {
		keyscan_add(sc, KEYFILE_PROB_TRUNCATED,
		    "the %s block has no -----END "
		    "%s----- line: the file is cut short", key->label,
		    key->label);
		key->bodyend = len;
	}
	if (key->mismatch)
		keyscan_add(sc, KEYFILE_PROB_CORRUPT_DER,
		    "the -----END line does not "
		    "match -----BEGIN %s-----", key->label);
	if (r->structure == KEYFILE_ST_OTHER) {
		keyscan_add(sc, KEYFILE_PROB_UNKNOWN_FORMAT, "a PEM \"%s\"%s",
		    key->label, strcmp(key->label, "OPENSSH PRIVATE KEY") ==
		    0 ? " (an ssh-keygen key, not a DKIM key)" :
		    strstr(key->label, "REQUEST") != NULL ?
		    " (a certificate signing request)" : "");
		return;
	}
	if (key->encrypted) {
		keyscan_add(sc, KEYFILE_PROB_ENCRYPTED,
		    "a passphrase-protected %s "
		    "(Proc-Type: 4,ENCRYPTED)", key->label);
		return;
	}
	if (key->body > key->bodyend)
		key->body = key->bodyend;
	if (decode_b64(sc, t + key->body, key->bodyend - key->body, t,
	    key->body) == -1)
		return;
	keyder_analyse(sc, r->structure);
	if (sc->nopad && !keyfile_report_has(r, KEYFILE_PROB_TRUNCATED))
		keyscan_add(sc, KEYFILE_PROB_BAD_BASE64,
		    "the base64 lacks its final "
		    "'=' padding");
}

/* ---------------------------------------------------------------------
 * Bare base64 and the entry point of the analysis.
 */

/* analyse_b64 - text that should be base64 of a DER key */
static void
analyse_b64(struct scan *sc, const unsigned char *t, size_t len)
{
	const unsigned char	*e;
	size_t			 n = len, i;
	char			 label[48];

	if (len >= 20 && memcmp(t, "PuTTY-User-Key-File-", 20) == 0) {
		keyscan_add(sc, KEYFILE_PROB_UNKNOWN_FORMAT,
		    "a PuTTY key (.ppk), "
		    "not a DKIM key");
		return;
	}
	if (len >= 4 && memcmp(t, "ssh-", 4) == 0) {
		keyscan_add(sc, KEYFILE_PROB_UNKNOWN_FORMAT,
		    "an OpenSSH public "
		    "key line, not a DKIM key");
		return;
	}
	if (findmem(t, len, "v=DKIM1", 7) != NULL ||
	    (len > 2 && findmem(t, len, "p=", 2) != NULL &&
	    memchr(t, ';', len) != NULL)) {
		keyscan_add(sc, KEYFILE_PROB_PUBLIC_KEY,
		    "a DKIM TXT record (the "
		    "public key published in DNS), not a private key");
		return;
	}
	/* A footer whose header was deleted: junk after the base64. */
	if ((e = findmem(t, len, "-----END ", 9)) != NULL) {
		n = (size_t)(e - t);
		for (i = 9; n + i < len && t[n + i] != '\n'; i++)
			;
		if (pemline(e, i > 0 && e[i - 1] == '\r' ? i - 1 : i, "END ",
		    label, sizeof(label)))
			keyscan_add(sc, KEYFILE_PROB_TRAILING_JUNK, "-----END "
			    "%s----- without its -----BEGIN line", label);
		else
			keyscan_add(sc, KEYFILE_PROB_TRAILING_JUNK,
			    "a \"-----END\" "
			    "line after the base64");
	}
	if (decode_b64(sc, t, n, t, 0) == -1)
		return;
	keyder_analyse(sc, KEYFILE_ST_UNKNOWN);
	if (sc->nopad && !keyfile_report_has(sc->r, KEYFILE_PROB_TRUNCATED) &&
	    !keyfile_report_has(sc->r, KEYFILE_PROB_BASE64_OF_PEM))
		keyscan_add(sc, KEYFILE_PROB_BAD_BASE64,
		    "the base64 lacks its final "
		    "'=' padding (or characters are missing)");
}

/* is_text - printable ASCII and whitespace only */
static int
is_text(const unsigned char *p, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if ((p[i] < 0x20 || p[i] >= 0x7f) && p[i] != '\n' &&
		    p[i] != '\r' && p[i] != '\t')
			return 0;
	return 1;
}

/* analyse - the whole input; findings and key go to sc->r */
static void
analyse(struct scan *sc, const unsigned char *data, size_t len)
{
	struct keyfile_report	*r = sc->r;
	size_t			 i;

	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		keyscan_add(sc, KEYFILE_PROB_BOM,
		    "the file starts with a UTF-8 byte "
		    "order mark (EF BB BF), as Windows editors write");
		data += 3;
		len -= 3;
	} else if (len >= 2 && (memcmp(data, "\xff\xfe", 2) == 0 ||
	    memcmp(data, "\xfe\xff", 2) == 0)) {
		keyscan_add(sc, KEYFILE_PROB_UNKNOWN_FORMAT,
		    "UTF-16 text (a UTF-16 "
		    "byte order mark); save the key as plain ASCII text");
		return;
	}
	for (i = 0; i < len; i++)
		if (data[i] != ' ' && data[i] != '\t' && data[i] != '\r' &&
		    data[i] != '\n')
			break;
	if (i == len) {
		keyscan_add(sc, KEYFILE_PROB_EMPTY, len == 0
		    ? "the file is empty" :
		    "the file holds only whitespace");
		return;
	}
	if (findmem(data, len, "-----BEGIN ", 11) != NULL ||
	    is_text(data, len)) {
		if (memchr(data, '\r', len) != NULL)
			keyscan_add(sc, KEYFILE_PROB_CRLF,
			    "CRLF (Windows) line ends");
		if (findmem(data, len, "-----BEGIN ", 11) != NULL) {
			r->encoding = KEYFILE_ENC_PEM;
			analyse_pem(sc, data, len);
		} else {
			r->encoding = KEYFILE_ENC_BASE64;
			analyse_b64(sc, data, len);
		}
		return;
	}
	r->encoding = KEYFILE_ENC_DER;
	if ((sc->der = malloc(len)) == NULL) {
		sc->failed = 1;
		return;
	}
	sc->dercap = sc->derlen = len;
	memcpy(sc->der, data, len);
	keyder_analyse(sc, KEYFILE_ST_UNKNOWN);
}

/* keyscan_run - analyse data into a new report; -1 only on failure */
int
keyscan_run(const char *name, const unsigned char *data, size_t len,
    struct keyfile_report **out, int *der_junk_out, struct errbuf *err)
{
	struct scan		 sc;
	struct keyfile_report	*r;

	*out = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return errbuf_set(err, "%s: out of memory", name);
	memset(&sc, 0, sizeof(sc));
	sc.name = name;
	sc.r = r;
	keyfile_shquote(name, sc.qname, sizeof(sc.qname));
	analyse(&sc, data, len);
	if (!sc.failed && keyfile_report_valid(r) &&
	    (r->structure == KEYFILE_ST_PKCS1 ||
	    r->structure == KEYFILE_ST_PKCS8) &&
	    (r->upload = b64_encode_alloc(sc.der, sc.keylen)) == NULL)
		sc.failed = 1;
	OPENSSL_clear_free(sc.der, sc.dercap);
	if (sc.failed) {
		keyfile_report_free(r);
		return errbuf_ssl(err, "%s: cannot analyse the key (out of "
		    "memory or OpenSSL failure)", name);
	}
	if (der_junk_out != NULL)
		*der_junk_out = sc.der_junk;
	*out = r;
	return 0;
}

/* keyfile_check - judge data as an SES BYODKIM private key */
int
keyfile_check(const char *name, const unsigned char *data, size_t len,
    struct keyfile_report **out, struct errbuf *err)
{
	return keyscan_run(name != NULL ? name : "KEYFILE", data, len, out,
	    NULL,
	    err);
}

