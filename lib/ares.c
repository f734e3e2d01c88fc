/*
 * ares - Authentication-Results header field (RFC 8601)
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/ares.h"
#include "lib/buf.h"
#include "lib/hdr.h"

/*
 * comment_text - copy s into out for use inside an RFC 5322 comment:
 * parentheses from outside values could unbalance it and control bytes
 * would break the header, so they become brackets and spaces.
 */
static void
comment_text(const char *s, char *out, size_t outlen)
{
	size_t	 n = 0;

	for (; *s != '\0' && n + 1 < outlen; s++) {
		if (*s == '(')
			out[n++] = '[';
		else if (*s == ')')
			out[n++] = ']';
		else if (*s == '\\' || (unsigned char)*s < 0x20 || *s == 0x7f)
			out[n++] = ' ';
		else
			out[n++] = *s;
	}
	out[n] = '\0';
}

/* ptoken - a property value: a token is used as is, else quoted */
static void
ptoken(const char *s, char *out, size_t outlen)
{
	size_t	 n = 0;
	int	 quote = *s == '\0';
	const char *p;

	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || strchr("()<>@,;:\\\"/[]?=", *p)
		    != NULL)
			quote = 1;
	if (!quote) {
		snprintf(out, outlen, "%s", s);
		return;
	}
	if (outlen < 3) {
		out[0] = '\0';
		return;
	}
	out[n++] = '"';
	for (p = s; *p != '\0' && n + 3 < outlen; p++) {
		if (*p == '"' || *p == '\\')
			out[n++] = '\\';
		out[n++] = (unsigned char)*p < 0x20 ? ' ' : *p;
	}
	out[n++] = '"';
	out[n] = '\0';
}

/* prop - append " name=value" to out when value is not empty */
static void
prop(char *out, size_t outlen, const char *name, const char *value)
{
	char	 tok[300];
	size_t	 n = strlen(out);

	if (*value == '\0' || n >= outlen)
		return;
	ptoken(value, tok, sizeof(tok));
	snprintf(out + n, outlen - n, " %s=%s", name, tok);
}

/* ares_resinfo - one signature as a resinfo */
void
ares_resinfo(const struct verify_sig *vs, char *out, size_t outlen)
{
	char	 raw[400], reason[400];

	if (vs->result.detail[0] != '\0')
		snprintf(raw, sizeof(raw), "%s: %s",
		    reason_text(vs->result.reason), vs->result.detail);
	else
		snprintf(raw, sizeof(raw), "%s",
		    reason_text(vs->result.reason));
	comment_text(raw, reason, sizeof(reason));
	snprintf(out, outlen, "dkim=%s (%s)", verdict_name(vs->result.verdict),
	    reason);
	/* a property the signature did not state is left out, not faked */
	prop(out, outlen, "header.d", vs->d);
	prop(out, outlen, "header.s", vs->s);
	prop(out, outlen, "header.a", vs->a);
	prop(out, outlen, "header.b", vs->b8);
}

/* ares_format - the whole field value */
char *
ares_format(const char *authserv_id, const struct verifier *v)
{
	struct buf	 b;
	char		 one[1200];
	size_t		 i, n = verifier_nsigs(v);

	buf_init(&b, 0);
	if (buf_printf(&b, " %s", authserv_id) == -1)
		goto fail;
	if (n == 0 && buf_puts(&b, ";\r\n\tdkim=none") == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		ares_resinfo(verifier_sig(v, i), one, sizeof(one));
		if (buf_printf(&b, ";\r\n\t%s", one) == -1)
			goto fail;
	}
	return buf_release(&b);
fail:
	buf_free(&b);
	return NULL;
}

/* ares_is_ours - the field's authserv-id is ours */
int
ares_is_ours(const char *value, const char *authserv_id)
{
	const char	*p, *e;
	char		 id[256];
	size_t		 len = strlen(authserv_id), n = 0;

	p = hdr_skip_cfws(value);
	if (*p == '"') {
		/* RFC 8601 2.2: the authserv-id may be a quoted-string */
		for (p++; *p != '\0' && *p != '"' && n + 1 < sizeof(id); p++) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			id[n++] = *p;
		}
		id[n] = '\0';
		return *p == '"' && n == len && len > 0 &&
		    strncasecmp(id, authserv_id, len) == 0;
	}
	e = p;
	while (*e != '\0' && *e != ';' && *e != ' ' && *e != '\t' &&
	    *e != '\r' && *e != '\n' && *e != '(')
		e++;
	return (size_t)(e - p) == len && len > 0 &&
	    strncasecmp(p, authserv_id, len) == 0;
}
