/*
 * oracle - an independent reference for the sign and verify tests
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include <openssl/crypto.h>
#include <openssl/x509.h>

#include "lib/b64.h"

#include "tests/unit/oracle.h"

/* collect - msg_header_fn keeping copies of the fields */
int
collect(void *arg, const char *name, const char *value, struct errbuf *err)
{
	struct ofields	*of = arg;

	(void)err;
	if (of->n == sizeof(of->f) / sizeof(of->f[0]))
		return -1;
	of->f[of->n].name = strdup(name);
	of->f[of->n].value = strdup(value);
	of->n++;
	return 0;
}

void
ofields_free(struct ofields *of)
{
	size_t	 i;

	for (i = 0; i < of->n; i++) {
		free(of->f[i].name);
		free(of->f[i].value);
	}
	of->n = 0;
}

/* ofield_canon - RFC 6376 3.4.1 simple / 3.4.2 relaxed, no final CRLF */
void
ofield_canon(int relaxed, const char *name, const char *value,
    struct buf *out)
{
	const char	*p;
	size_t		 len;
	int		 sp = 0, any = 0;
	char		 c;

	if (!relaxed) {
		assert_int_equal(buf_printf(out, "%s:%s", name, value), 0);
		return;
	}
	len = strlen(name);
	while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t'))
		len--;
	for (p = name; p < name + len; p++) {
		c = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		assert_int_equal(buf_append(out, &c, 1), 0);
	}
	assert_int_equal(buf_append(out, ":", 1), 0);
	for (p = value; *p != '\0'; p++) {
		if (*p == '\r' || *p == '\n')
			continue;
		if (*p == ' ' || *p == '\t') {
			sp = 1;
			continue;
		}
		if (sp && any)
			assert_int_equal(buf_append(out, " ", 1), 0);
		sp = 0;
		any = 1;
		assert_int_equal(buf_append(out, p, 1), 0);
	}
}

/*
 * oheaders - RFC 6376 5.4.2: for each name of the colon list h, the last
 * unused field of that name, counting from the bottom; none: nothing.
 */
void
oheaders(const struct ofields *of, const char *h, int relaxed,
    struct buf *out)
{
	char		 name[128];
	int		 used[64];
	const char	*p, *e;
	size_t		 len, j;

	memset(used, 0, sizeof(used));
	for (p = h; *p != '\0'; p = *e == '\0' ? e : e + 1) {
		e = p + strcspn(p, ":");
		while (*p == ' ')
			p++;
		len = (size_t)(e - p);
		while (len > 0 && p[len - 1] == ' ')
			len--;
		assert_true(len < sizeof(name));
		memcpy(name, p, len);
		name[len] = '\0';
		for (j = of->n; j > 0; j--) {
			if (used[j - 1] || strcasecmp(of->f[j - 1].name,
			    name) != 0)
				continue;
			used[j - 1] = 1;
			ofield_canon(relaxed, of->f[j - 1].name,
			    of->f[j - 1].value, out);
			assert_int_equal(buf_append(out, "\r\n", 2), 0);
			break;
		}
	}
}

/*
 * obody - RFC 6376 3.4.3 simple / 3.4.4 relaxed body canonicalization.
 * A line ends at LF, a CR right before it dropped (the MTA's CRLF); a
 * lone CR is an ordinary byte.
 */
void
obody(int relaxed, const char *body, size_t len, struct buf *out)
{
	const char	*p = body, *end = body + len, *nl, *le;
	size_t		 empty = 0, i;
	int		 sp, any = 0;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		le = nl != NULL ? nl : end;
		if (nl != NULL && le > p && le[-1] == '\r')
			le--;
		if (relaxed)	/* trailing WSP goes, inner runs become SP */
			while (le > p && (le[-1] == ' ' || le[-1] == '\t'))
				le--;
		if (le == p) {
			empty++;	/* held until a non-empty line */
		} else {
			for (i = 0; i < empty; i++)
				assert_int_equal(buf_append(out, "\r\n", 2), 0);
			empty = 0;
			for (sp = 0; p < le; p++) {
				if (relaxed && (*p == ' ' || *p == '\t')) {
					sp = 1;
					continue;
				}
				if (sp)
					assert_int_equal(buf_append(out, " ",
					    1), 0);
				sp = 0;
				assert_int_equal(buf_append(out, p, 1), 0);
			}
			assert_int_equal(buf_append(out, "\r\n", 2), 0);
			any = 1;
		}
		p = nl != NULL ? nl + 1 : end;
	}
	/* an empty body is CRLF for simple, nothing for relaxed */
	if (!any && !relaxed)
		assert_int_equal(buf_append(out, "\r\n", 2), 0);
}


/* pub_b64 - the p= value of a key */
int
pub_b64(EVP_PKEY *k, char *out)
{
	unsigned char	*der = NULL, raw[32];
	size_t		 rawlen = sizeof(raw);
	int		 n;

	if (EVP_PKEY_get_base_id(k) == EVP_PKEY_ED25519) {
		if (EVP_PKEY_get_raw_public_key(k, raw, &rawlen) != 1)
			return -1;
		b64_encode(raw, rawlen, out);
		return 0;
	}
	if ((n = i2d_PUBKEY(k, &der)) <= 0)
		return -1;
	b64_encode(der, (size_t)n, out);
	OPENSSL_free(der);
	return 0;
}
