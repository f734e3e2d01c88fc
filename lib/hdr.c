/*
 * hdr - the header fields of one message, as signing and verifying need
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/hdr.h"

/* hdrlist_init - an empty list */
void
hdrlist_init(struct hdrlist *hl)
{
	memset(hl, 0, sizeof(*hl));
}

/* hdrlist_fits - the field would stay within HDR_MAX_FIELDS and _BYTES */
int
hdrlist_fits(const struct hdrlist *hl, const char *name, const char *value)
{
	return hl->n < HDR_MAX_FIELDS && hl->bytes + strlen(name) +
	    strlen(value) <= HDR_MAX_BYTES;
}

/* hdrlist_add - append a copy of one field */
int
hdrlist_add(struct hdrlist *hl, const char *name, const char *value,
    struct errbuf *err)
{
	struct hdr_field	*f;
	size_t			 n = strlen(name) + strlen(value);

	if (!hdrlist_fits(hl, name, value))
		return errbuf_set(err, "message header too large (over %d "
		    "fields or %d bytes)", HDR_MAX_FIELDS, HDR_MAX_BYTES);
	if (hl->n % 32 == 0) {
		f = reallocarray(hl->f, hl->n + 32, sizeof(*f));
		if (f == NULL)
			return errbuf_set(err, "out of memory");
		hl->f = f;
	}
	f = &hl->f[hl->n];
	if ((f->name = strdup(name)) == NULL)
		return errbuf_set(err, "out of memory");
	if ((f->value = strdup(value)) == NULL) {
		free(f->name);
		return errbuf_set(err, "out of memory");
	}
	hl->n++;
	hl->bytes += n;
	return 0;
}

/* hdrlist_free - free all fields */
void
hdrlist_free(struct hdrlist *hl)
{
	size_t	 i;

	for (i = 0; i < hl->n; i++) {
		free(hl->f[i].name);
		free(hl->f[i].value);
	}
	free(hl->f);
	memset(hl, 0, sizeof(*hl));
}

/* hdr_name_is - compare field names */
int
hdr_name_is(const char *name, const char *want)
{
	size_t	 n = strlen(name);

	while (n > 0 && (name[n - 1] == ' ' || name[n - 1] == '\t'))
		n--;
	return n == strlen(want) && strncasecmp(name, want, n) == 0;
}

/* hdr_skip_cfws - skip whitespace and (nested) comments */
const char *
hdr_skip_cfws(const char *p)
{
	int	 depth;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p != '(')
			return p;
		for (depth = 0; *p != '\0'; p++) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '(')
				depth++;
			else if (*p == ')' && --depth == 0) {
				p++;
				break;
			}
		}
	}
}

/* hdrlist_count - fields called name */
size_t
hdrlist_count(const struct hdrlist *hl, const char *name)
{
	size_t	 i, n = 0;

	for (i = 0; i < hl->n; i++)
		n += hdr_name_is(hl->f[i].name, name);
	return n;
}

/* hdrlist_canon_signed - canonical data of the fields h= names */
int
hdrlist_canon_signed(const struct hdrlist *hl, enum canon c,
    char *const *names, size_t nnames, struct buf *out)
{
	unsigned char	*used;
	size_t		 k, j;
	int		 rc = -1;

	if ((used = calloc(hl->n + 1, 1)) == NULL)
		return -1;
	for (k = 0; k < nnames; k++) {
		for (j = hl->n; j > 0; j--) {
			if (used[j - 1] || !hdr_name_is(hl->f[j - 1].name,
			    names[k]))
				continue;
			used[j - 1] = 1;
			if (canon_header(c, hl->f[j - 1].name,
			    hl->f[j - 1].value, 0, out) == -1)
				goto fail;
			break;
		}
	}
	rc = 0;
fail:
	free(used);
	return rc;
}
