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
 * comment_text - append s to b for use inside an RFC 5322 3.2.2 comment:
 * ctext is printable US-ASCII without "(", ")" and "\"; parentheses from
 * outside values could unbalance it, so they become brackets, and
 * control, DEL and 8-bit bytes (raw bytes from mail or DNS) become '?'
 * or a space.
 */
static int
comment_text(struct buf *b, const char *s)
{
	char	 c;

	for (; *s != '\0'; s++) {
		c = *s;
		if (c == '(')
			c = '[';
		else if (c == ')')
			c = ']';
		else if (c == '\\' || c == '\t' || c == '\r' || c == '\n')
			c = ' ';
		else if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f)
			c = '?';
		if (buf_append(b, &c, 1) == -1)
			return -1;
	}
	return 0;
}

/*
 * pvalue - append a property value (RFC 8601 2.2 pvalue: a RFC 2045
 * token, which also covers domain names, or a quoted-string).  A value
 * with only printable ASCII and spaces but a tspecial is quoted, '"' and
 * '\' escaped (RFC 5322 3.2.4 quoted-pair).  A value with a control,
 * DEL or 8-bit byte has no RFC 8601 form, so the property is left out
 * (returns 1).  0 when appended, -1 at the buffer cap.
 */
static int
pvalue(struct buf *b, const char *name, const char *value)
{
	const char	*p;
	int		 quote = 0;

	for (p = value; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			return 1;
		if (*p == ' ' || strchr("()<>@,;:\\\"/[]?=", *p) != NULL)
			quote = 1;
	}
	if (!quote)
		return buf_printf(b, " %s=%s", name, value);
	if (buf_printf(b, " %s=\"", name) == -1)
		return -1;
	for (p = value; *p != '\0'; p++)
		if (((*p == '"' || *p == '\\') && buf_append(b, "\\", 1) ==
		    -1) || buf_append(b, p, 1) == -1)
			return -1;
	return buf_append(b, "\"", 1);
}

/* resinfo - one signature's resinfo, appended to b as whole elements */
static int
resinfo(struct buf *b, const struct verify_sig *vs)
{
	static const char *const names[] = { "header.d", "header.s",
	    "header.a", "header.b" };
	const char	*values[4];
	size_t		 i;

	values[0] = vs->d;
	values[1] = vs->s;
	values[2] = vs->a;
	values[3] = vs->b8;
	if (buf_printf(b, "dkim=%s (", verdict_name(vs->result.verdict)) ==
	    -1 || comment_text(b, reason_text(vs->result.reason)) == -1)
		return -1;
	if (vs->result.detail[0] != '\0' && (buf_puts(b, ": ") == -1 ||
	    comment_text(b, vs->result.detail) == -1))
		return -1;
	if (buf_puts(b, ")") == -1)
		return -1;
	/* a property the signature did not state is left out, not faked */
	for (i = 0; i < 4; i++)
		if (values[i][0] != '\0' && pvalue(b, names[i], values[i]) ==
		    -1)
			return -1;
	return 0;
}

/* ares_resinfo - one signature as a resinfo */
int
ares_resinfo(const struct verify_sig *vs, char *out, size_t outlen)
{
	struct buf	 b;
	int		 rc = 0;

	buf_init(&b, 0);
	if (resinfo(&b, vs) == -1 || b.data == NULL) {
		buf_free(&b);
		if (outlen > 0)
			out[0] = '\0';
		return -1;
	}
	if (b.len < outlen) {
		memcpy(out, b.data, b.len + 1);
		buf_free(&b);
		return 0;
	}
	/* too small: the result word alone, never part of a value */
	rc = -1;
	if (outlen > 0)
		out[0] = '\0';
	if (b.len > 0 && (size_t)snprintf(out, outlen, "dkim=%s",
	    verdict_name(vs->result.verdict)) >= outlen && outlen > 0)
		out[0] = '\0';
	buf_free(&b);
	return rc;
}

/* ares_format - the whole field value */
char *
ares_format(const char *authserv_id, const struct verifier *v)
{
	struct buf	 b;
	size_t		 i, n = verifier_nsigs(v);

	buf_init(&b, 0);
	if (buf_printf(&b, " %s", authserv_id) == -1)
		goto fail;
	if (n == 0 && buf_puts(&b, ";\r\n\tdkim=none") == -1)
		goto fail;
	for (i = 0; i < n; i++)
		if (buf_puts(&b, ";\r\n\t") == -1 ||
		    resinfo(&b, verifier_sig(v, i)) == -1)
			goto fail;
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
