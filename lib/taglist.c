/*
 * taglist - RFC 6376 3.2 tag=value lists (signatures and key records)
 *
 * tag-list = tag-spec *( ";" tag-spec ) [ ";" ]
 * tag-spec = [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]
 * Values are taken up to the next ";" and trimmed of surrounding FWS; the
 * callers validate their contents (RFC 6376 allows only VALCHAR and FWS,
 * which the signature and key parsers check per tag).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/taglist.h"
#include "lib/text.h"

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_alnumpunc(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '_';
}

static char *
trim(char *s)
{
	char	*e;

	while (text_is_fws(*s))
		s++;
	e = s + strlen(s);
	while (e > s && text_is_fws(e[-1]))
		*--e = '\0';
	return s;
}

static void
where(char *out, size_t len, const char *s)
{
	if (out != NULL && len > 0)
		snprintf(out, len, "%.40s", s);
}

/* taglist_parse - split s into tags and values */
enum taglist_status
taglist_parse(const char *s, struct taglist *tl, char *where_out,
    size_t where_len)
{
	char	*p, *spec, *semi, *eq, *name, *val;
	size_t	 i;

	memset(tl, 0, sizeof(*tl));
	if (where_out != NULL && where_len > 0)
		where_out[0] = '\0';
	if ((tl->store = strdup(s)) == NULL)
		return TAGLIST_NOMEM;
	for (p = tl->store; p != NULL; p = semi == NULL ? NULL : semi + 1) {
		spec = p;
		if ((semi = strchr(spec, ';')) != NULL)
			*semi = '\0';
		if (*trim(spec) == '\0') {
			/* a trailing ";" (or nothing at all) is allowed */
			if (semi == NULL)
				break;
			where(where_out, where_len, "empty tag between ';'");
			return TAGLIST_SYNTAX;
		}
		if ((eq = strchr(spec, '=')) == NULL) {
			where(where_out, where_len, trim(spec));
			return TAGLIST_SYNTAX;
		}
		*eq = '\0';
		name = trim(spec);
		val = trim(eq + 1);
		if (!is_alpha(name[0])) {
			where(where_out, where_len, name[0] == '\0' ?
			    "tag without a name" : name);
			return TAGLIST_SYNTAX;
		}
		for (i = 1; name[i] != '\0'; i++)
			if (!is_alnumpunc(name[i])) {
				where(where_out, where_len, name);
				return TAGLIST_SYNTAX;
			}
		for (i = 0; i < tl->n; i++)
			if (strcmp(tl->name[i], name) == 0) {
				where(where_out, where_len, name);
				return TAGLIST_DUPLICATE;
			}
		if (tl->n == TAGLIST_MAX) {
			where(where_out, where_len, name);
			return TAGLIST_TOO_MANY;
		}
		tl->name[tl->n] = name;
		tl->value[tl->n] = val;
		tl->n++;
	}
	return TAGLIST_OK;
}

/* taglist_get - the value of a tag (tag names are case-sensitive) */
const char *
taglist_get(const struct taglist *tl, const char *tag)
{
	size_t	 i;

	for (i = 0; i < tl->n; i++)
		if (strcmp(tl->name[i], tag) == 0)
			return tl->value[i];
	return NULL;
}

/* taglist_free - release storage */
void
taglist_free(struct taglist *tl)
{
	free(tl->store);
	memset(tl, 0, sizeof(*tl));
}

/* taglist_list_has - 1 when the colon-separated list contains word */
int
taglist_list_has(const char *list, const char *word)
{
	const char	*p = list, *e;
	size_t		 wl = strlen(word), len;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		e = strchr(p, ':');
		len = e == NULL ? strlen(p) : (size_t)(e - p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t' ||
		    p[len - 1] == '\r' || p[len - 1] == '\n'))
			len--;
		if (len == wl && strncmp(p, word, wl) == 0)
			return 1;
		if (e == NULL)
			return 0;
		p = e + 1;
	}
}
