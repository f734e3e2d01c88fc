/*
 * taglist - RFC 6376 3.2 tag=value lists (signatures and key records)
 *
 * Parses "tag=value; tag=value" with folding whitespace around tags,
 * values and separators; a trailing ";" is allowed.  Duplicate tags and
 * syntax errors are reported with the offending tag.  Values keep their
 * inner whitespace (b= and p= callers strip it while decoding base64).
 */
#ifndef DKIMLENS_TAGLIST_H
#define DKIMLENS_TAGLIST_H

#include <stddef.h>

#define TAGLIST_MAX	64

struct taglist {
	size_t	 n;
	char	*name[TAGLIST_MAX];
	char	*value[TAGLIST_MAX];	/* trimmed of surrounding FWS */
	char	*store;			/* owned copy the pointers point into */
};

enum taglist_status { TAGLIST_OK, TAGLIST_SYNTAX, TAGLIST_DUPLICATE,
	TAGLIST_TOO_MANY, TAGLIST_NOMEM };

/*
 * taglist_parse - parse s into tl.  On TAGLIST_SYNTAX or TAGLIST_DUPLICATE
 * where_out (may be NULL, size 64) names the tag or text at fault.
 * tl must be released with taglist_free() whatever the status.
 */
enum taglist_status taglist_parse(const char *s, struct taglist *tl,
	    char *where_out, size_t where_len);

/* taglist_get - the value of tag, or NULL */
const char *taglist_get(const struct taglist *tl, const char *tag);

/*
 * taglist_list_has - 1 when the colon-separated list value (RFC 6376
 * 3.5 q=, 3.6.1 h=, s=, t=) has an element equal to word, FWS around
 * elements ignored; else 0.  Never a substring match.
 */
int	taglist_list_has(const char *list, const char *word);

/* taglist_free - release storage */
void	taglist_free(struct taglist *tl);

#endif
