/*
 * fuzz_taglist - taglist_parse on arbitrary tag=value lists
 *
 * On success: at most TAGLIST_MAX tags, names unique and well formed
 * (ALPHA *(ALNUM / "_")), values without surrounding FWS, and
 * taglist_get() finding each value by its name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/taglist.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
is_fws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct taglist		 tl;
	enum taglist_status	 st;
	char			*s, where[64];
	const char		*n, *v;
	size_t			 i, j, len;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	st = taglist_parse(s, &tl, where, sizeof(where));
	if (memchr(where, '\0', sizeof(where)) == NULL)
		abort();
	if (st == TAGLIST_OK) {
		if (tl.n > TAGLIST_MAX)
			abort();
		for (i = 0; i < tl.n; i++) {
			n = tl.name[i];
			v = tl.value[i];
			if (!((n[0] >= 'a' && n[0] <= 'z') ||
			    (n[0] >= 'A' && n[0] <= 'Z')))
				abort();
			for (j = 0; j < i; j++)
				if (strcmp(tl.name[j], n) == 0)
					abort();
			len = strlen(v);
			if (len > 0 && (is_fws(v[0]) || is_fws(v[len - 1])))
				abort();
			if (strchr(v, ';') != NULL || taglist_get(&tl, n) != v)
				abort();
		}
	}
	taglist_free(&tl);
	free(s);
	return 0;
}
