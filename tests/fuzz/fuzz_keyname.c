/*
 * fuzz_keyname - keyname_build on arbitrary selector and domain
 *
 * Input: selector, a NUL byte, domain.  Invariants: on success the name
 * is exactly selector "._domainkey." domain, at most 253 octets, every
 * label 1-63 octets; on failure the output is empty and the result a
 * permerror naming why.  A name never comes out shortened.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/keyname.h"
#include "lib/reason.h"
#include "lib/verdict.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct verdict_result	 r;
	char			 out[400], want[800], *s, *sel, *dom, *nul;
	size_t			 label = 0;
	const char		*p;

	if ((s = malloc(size + 2)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	s[size + 1] = '\0';
	sel = s;
	nul = memchr(s, '\0', size + 1);
	dom = nul + 1;
	memset(out, 'X', sizeof(out));
	if (keyname_build(sel, dom, out, sizeof(out), &r) == -1) {
		if (out[0] != '\0' || r.verdict != VERDICT_PERMERROR ||
		    (r.reason != REASON_SIG_BAD_SELECTOR &&
		    r.reason != REASON_SIG_BAD_DOMAIN &&
		    r.reason != REASON_KEY_NAME_TOO_LONG))
			abort();
		free(s);
		return 0;
	}
	snprintf(want, sizeof(want), "%s._domainkey.%s", sel, dom);
	if (strcmp(out, want) != 0 || strlen(out) > KEYNAME_MAX ||
	    !keyname_domain_ok(out, 1))
		abort();
	for (p = out; ; p++) {
		if (*p == '.' || *p == '\0') {
			if (label == 0 || label > KEYNAME_LABEL_MAX)
				abort();
			label = 0;
			if (*p == '\0')
				break;
		} else
			label++;
	}
	/* a buffer one short is refused, never written cut */
	if (keyname_build(sel, dom, out, strlen(want), NULL) != -1 ||
	    out[0] != '\0')
		abort();
	free(s);
	return 0;
}
