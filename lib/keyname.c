/*
 * keyname - DKIM names: d= domains, s= selectors and the key record name
 */
#include <stdio.h>
#include <string.h>

#include "lib/keyname.h"

/*
 * keyname_domain_ok - RFC 6376 3.5 / RFC 5321 sub-domain syntax: labels of
 * letters, digits and hyphens (underscore tolerated for selectors), not
 * empty, not beginning or ending with a hyphen, at most 63 octets, 253 in
 * all.
 */
int
keyname_domain_ok(const char *s, int allow_underscore)
{
	size_t	 label = 0, total = 0;
	char	 prev = '.';

	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++, total++) {
		if (*s == '.') {
			if (label == 0 || prev == '-')
				return 0;
			label = 0;
		} else if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')
		    || (*s >= '0' && *s <= '9') ||
		    (allow_underscore && *s == '_')) {
			label++;
		} else if (*s == '-') {
			if (label == 0)
				return 0;
			label++;
		} else
			return 0;
		if (label > KEYNAME_LABEL_MAX || total >= KEYNAME_MAX)
			return 0;
		prev = *s;
	}
	return label > 0 && prev != '-';
}

/* keyname_build - the checked key record name of a signature */
int
keyname_build(const char *selector, const char *domain, char *out,
    size_t outlen, struct verdict_result *r)
{
	struct verdict_result	 scratch;
	size_t			 sl, dl;

	if (r == NULL)
		r = &scratch;
	if (outlen > 0)
		out[0] = '\0';
	if (!keyname_domain_ok(selector, 1)) {
		verdict_set(r, VERDICT_PERMERROR, REASON_SIG_BAD_SELECTOR,
		    "s= is not a selector (%zu octets)", strlen(selector));
		return -1;
	}
	if (!keyname_domain_ok(domain, 0)) {
		verdict_set(r, VERDICT_PERMERROR, REASON_SIG_BAD_DOMAIN,
		    "d= is not a domain name (%zu octets)", strlen(domain));
		return -1;
	}
	sl = strlen(selector);
	dl = strlen(domain);
	/* RFC 1035 3.1: the whole name, not only each label, is limited */
	if (sl + sizeof("._domainkey.") - 1 + dl > KEYNAME_MAX ||
	    sl + sizeof("._domainkey.") - 1 + dl >= outlen) {
		verdict_set(r, VERDICT_PERMERROR, REASON_KEY_NAME_TOO_LONG,
		    "%zu-octet selector and %zu-octet domain make a key name "
		    "of %zu octets, over %d", sl, dl,
		    sl + sizeof("._domainkey.") - 1 + dl, KEYNAME_MAX);
		return -1;
	}
	snprintf(out, outlen, "%s._domainkey.%s", selector, domain);
	return 0;
}
