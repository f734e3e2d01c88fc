/*
 * from - the author of a message: its one RFC 5322 From mailbox
 *
 * A small lexer turns the field value into RFC 5322 3.2 tokens (atoms,
 * quoted strings, domain literals, specials), dropping CFWS between them;
 * the parser then accepts exactly: phrase "<" addr-spec ">", or addr-spec.
 */
#include <string.h>

#include "lib/buf.h"
#include "lib/from.h"
#include "lib/keyname.h"

enum tok { T_END, T_ATOM, T_QSTR, T_DLIT, T_SPECIAL, T_BAD };

struct lex {
	const char	*p;
	enum tok	 t;		/* current token */
	const char	*s;		/* its text as written */
	size_t		 len;
	char		 c;		/* T_SPECIAL: the character */
};

/* atext - RFC 5322 3.2.3, plus 8-bit bytes (RFC 6532 3.2 UTF-8) */
static int
atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c >= 0x80 ||
	    (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* skip_cfws - RFC 5322 3.2.2; -1 for an unclosed comment or a bad byte */
static int
skip_cfws(struct lex *lx)
{
	int	 depth = 0;

	for (; *lx->p != '\0'; lx->p++) {
		unsigned char c = (unsigned char)*lx->p;

		if (depth > 0 && c == '\\' && lx->p[1] != '\0') {
			lx->p++;
			continue;
		}
		if (c == '(')
			depth++;
		else if (c == ')' && depth > 0)
			depth--;
		else if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		else if (depth == 0)
			return 0;
		else if (c < 0x20 || c == 0x7f)
			return -1;
	}
	return depth == 0 ? 0 : -1;
}

/* next - advance to the next token */
static void
next(struct lex *lx)
{
	const char	*p;

	if (skip_cfws(lx) == -1) {
		lx->t = T_BAD;
		return;
	}
	p = lx->s = lx->p;
	if (*p == '\0') {
		lx->t = T_END;
		lx->len = 0;
		return;
	}
	if (*p == '"' || *p == '[') {
		/* quoted-string (3.2.4) or domain-literal (3.4.1) */
		char close = *p == '"' ? '"' : ']';

		for (p++; *p != '\0' && *p != close; p++) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (close == ']' && *p == '[')
				break;
			if ((unsigned char)*p < 0x20 && *p != '\t' &&
			    *p != '\r' && *p != '\n')
				break;
			if (*p == 0x7f)
				break;
		}
		if (*p != close) {
			lx->t = T_BAD;
			return;
		}
		lx->t = close == '"' ? T_QSTR : T_DLIT;
		lx->p = p + 1;
		lx->len = (size_t)(lx->p - lx->s);
		return;
	}
	if (atext((unsigned char)*p)) {
		while (atext((unsigned char)*p))
			p++;
		lx->t = T_ATOM;
		lx->p = p;
		lx->len = (size_t)(p - lx->s);
		return;
	}
	if (strchr("<>@,.:;", *p) != NULL) {	/* *p is not NUL here */
		lx->t = T_SPECIAL;
		lx->c = *p;
		lx->p = p + 1;
		lx->len = 1;
		return;
	}
	/* ')', '\\', ']', controls, DEL: nothing RFC 5322 allows here */
	lx->t = T_BAD;
}

static int
special(const struct lex *lx, char c)
{
	return lx->t == T_SPECIAL && lx->c == c;
}

/* put - append len bytes to out; -1 when they do not fit */
static int
put(char *out, size_t outlen, size_t *n, const char *s, size_t len)
{
	if (*n + len >= outlen)
		return -1;
	memcpy(out + *n, s, len);
	*n += len;
	out[*n] = '\0';
	return 0;
}

/*
 * addr_spec - RFC 5322 3.4.1 (with 4.4 obs-local-part: words joined by
 * dots): local-part "@" domain, written to addr; the domain's start is
 * stored in *dom_off.  The domain must be atoms joined by dots.
 */
static enum from_status
addr_spec(struct lex *lx, char *addr, size_t addrlen, size_t *dom_off)
{
	size_t	 n = 0;

	addr[0] = '\0';
	for (;;) {
		if (lx->t != T_ATOM && lx->t != T_QSTR)
			return FROM_UNPARSABLE;
		if (put(addr, addrlen, &n, lx->s, lx->len) == -1)
			return FROM_UNPARSABLE;
		next(lx);
		if (!special(lx, '.'))
			break;
		if (put(addr, addrlen, &n, ".", 1) == -1)
			return FROM_UNPARSABLE;
		next(lx);
	}
	if (!special(lx, '@') || put(addr, addrlen, &n, "@", 1) == -1)
		return FROM_UNPARSABLE;
	*dom_off = n;
	next(lx);
	for (;;) {
		/* a quoted string or a literal is no host name */
		if (lx->t != T_ATOM)
			return FROM_UNPARSABLE;
		if (put(addr, addrlen, &n, lx->s, lx->len) == -1)
			return FROM_UNPARSABLE;
		next(lx);
		if (!special(lx, '.'))
			break;
		next(lx);
		/* one trailing dot ("example.com.") names the same domain */
		if (lx->t != T_ATOM)
			break;
		if (put(addr, addrlen, &n, ".", 1) == -1)
			return FROM_UNPARSABLE;
	}
	return FROM_OK;
}

/* from_parse - the single mailbox of one From field */
enum from_status
from_parse(const char *value, char *addr_out, size_t addrlen,
    char *domain_out, size_t domainlen)
{
	struct lex		 lx;
	char			 addr[FROM_ADDR_MAX];
	size_t			 dom_off = 0, i;
	enum from_status	 st;
	int			 angle = 0;

	if (addr_out != NULL && addrlen > 0)
		addr_out[0] = '\0';
	if (domain_out != NULL && domainlen > 0)
		domain_out[0] = '\0';
	memset(&lx, 0, sizeof(lx));
	lx.p = value;
	/* A mailbox-list with a top-level ',' has several authors. */
	for (next(&lx); lx.t != T_END && lx.t != T_BAD; next(&lx))
		if (special(&lx, ','))
			return FROM_MAILBOXES;
		else if (special(&lx, '<'))
			angle++;
	if (lx.t == T_BAD)
		return FROM_UNPARSABLE;
	lx.p = value;
	next(&lx);
	if (angle > 0) {
		/* name-addr: display-name is a phrase (3.2.5, obs '.') */
		while (lx.t == T_ATOM || lx.t == T_QSTR || special(&lx, '.'))
			next(&lx);
		if (!special(&lx, '<'))
			return FROM_UNPARSABLE;
		next(&lx);
	}
	if ((st = addr_spec(&lx, addr, sizeof(addr), &dom_off)) != FROM_OK)
		return st;
	if (angle > 0) {
		if (!special(&lx, '>'))
			return FROM_UNPARSABLE;
		next(&lx);
	}
	if (lx.t != T_END)
		return FROM_UNPARSABLE;
	for (i = dom_off; addr[i] != '\0'; i++)
		if (addr[i] >= 'A' && addr[i] <= 'Z')
			addr[i] = (char)(addr[i] - 'A' + 'a');
	if (!keyname_domain_ok(addr + dom_off, 1))
		return FROM_UNPARSABLE;
	if ((addr_out != NULL && buf_copy(addr_out, addrlen, addr) == -1) ||
	    (domain_out != NULL && buf_copy(domain_out, domainlen,
	    addr + dom_off) == -1)) {
		if (addr_out != NULL && addrlen > 0)
			addr_out[0] = '\0';
		return FROM_UNPARSABLE;
	}
	return FROM_OK;
}

/* from_author - the one From field's mailbox */
enum from_status
from_author(const struct hdrlist *hl, char *addr_out, size_t addrlen,
    char *domain_out, size_t domainlen)
{
	const char	*value = NULL;
	size_t		 i, n = 0;

	if (addr_out != NULL && addrlen > 0)
		addr_out[0] = '\0';
	if (domain_out != NULL && domainlen > 0)
		domain_out[0] = '\0';
	for (i = 0; i < hl->n; i++)
		if (hdr_name_is(hl->f[i].name, "From") && n++ == 0)
			value = hl->f[i].value;
	if (n == 0)
		return FROM_NONE;
	/* RFC 6376 8.15, RFC 7489 6.6.1: which one would a reader see? */
	if (n > 1)
		return FROM_MULTIPLE;
	return from_parse(value, addr_out, addrlen, domain_out, domainlen);
}

/* from_reason - reason code of a status */
enum reason
from_reason(enum from_status st)
{
	switch (st) {
	case FROM_OK:		return REASON_OK;
	case FROM_NONE:		return REASON_FROM_NONE;
	case FROM_MULTIPLE:	return REASON_FROM_MULTIPLE;
	case FROM_MAILBOXES:	return REASON_FROM_MAILBOXES;
	case FROM_UNPARSABLE:	return REASON_FROM_UNPARSABLE;
	}
	return REASON_FROM_UNPARSABLE;
}
