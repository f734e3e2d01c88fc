/*
 * role - whose signature is it: the author's, an ESP's, or a third party's
 */
#include <string.h>
#include <strings.h>

#include "lib/role.h"

/* role_name - the role's word in verdict lines and output */
const char *
role_name(enum role r)
{
	switch (r) {
	case ROLE_AUTHOR:	return "author";
	case ROLE_ESP:		return "esp";
	case ROLE_THIRD_PARTY:	return "third-party";
	}
	return "third-party";
}

/* role_is_under - name equals domain or is below it (case-insensitive) */
int
role_is_under(const char *name, const char *domain)
{
	size_t	 nl = strlen(name), dl = strlen(domain);

	while (nl > 0 && name[nl - 1] == '.')
		nl--;
	while (dl > 0 && domain[dl - 1] == '.')
		dl--;
	if (dl == 0 || nl < dl)
		return 0;
	if (strncasecmp(name + nl - dl, domain, dl) != 0)
		return 0;
	return nl == dl || name[nl - dl - 1] == '.';
}

/*
 * Second-level labels that registries use under two-letter country codes
 * (co.uk, com.au, ne.jp, ...): with one of these, the organizational
 * domain has three labels.  A public suffix list would be exact; this
 * covers the common registries without shipping one.
 */
static const char *const sld[] = {
	"ac", "co", "com", "edu", "gov", "net", "org", "ne", "or", "go",
	"gob", "mil", "nom", "ltd", "plc", "sch", "me", "gen", "biz",
	"info", "nic", "web", "asso", NULL
};

/* role_org_domain - the organizational domain of name */
void
role_org_domain(const char *name, char *out, size_t outlen)
{
	const char	*labels[4] = { NULL, NULL, NULL, NULL };
	const char	*p, *start;
	size_t		 n, len, i, tld_len, sld_len;

	len = strlen(name);
	while (len > 0 && name[len - 1] == '.')
		len--;
	/* find the starts of the last three labels */
	n = 0;
	for (p = name + len; p > name && n < 3; ) {
		start = p;
		while (start > name && start[-1] != '.')
			start--;
		labels[n++] = start;
		p = start > name ? start - 1 : name;
		if (start == name)
			break;
	}
	start = name;
	if (n >= 2) {
		tld_len = (size_t)(name + len - labels[0]);
		sld_len = (size_t)(labels[0] - 1 - labels[1]);
		start = labels[1];
		if (n >= 3 && tld_len == 2)
			for (i = 0; sld[i] != NULL; i++)
				if (strlen(sld[i]) == sld_len &&
				    strncasecmp(labels[1], sld[i], sld_len) == 0)
					start = labels[2];
	}
	n = (size_t)(name + len - start);
	if (outlen == 0)
		return;
	if (n >= outlen)
		n = outlen - 1;
	for (i = 0; i < n; i++) {
		char c = start[i];

		out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	out[n] = '\0';
}

/* in_list - sdid is one of, or below one of, the listed domains */
static int
in_list(const char *sdid, const char *list)
{
	const char	*p = list, *e;
	char		 dom[256];
	size_t		 len;

	while (*p != '\0') {
		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		e = p;
		while (*e != '\0' && *e != ',' && *e != ' ' && *e != '\t')
			e++;
		len = (size_t)(e - p);
		if (len > 0 && len < sizeof(dom)) {
			memcpy(dom, p, len);
			dom[len] = '\0';
			if (role_is_under(sdid, dom))
				return 1;
		}
		p = e;
	}
	return 0;
}

/* role_of - classify a signature's d= against the From domain */
enum role
role_of(const char *sdid, const char *from_domain, const char *esp_domains)
{
	char	 a[256], b[256];

	if (from_domain != NULL && *from_domain != '\0') {
		role_org_domain(sdid, a, sizeof(a));
		role_org_domain(from_domain, b, sizeof(b));
		if (*a != '\0' && strcmp(a, b) == 0)
			return ROLE_AUTHOR;
	}
	if (in_list(sdid, esp_domains != NULL ? esp_domains :
	    ROLE_ESP_DEFAULT))
		return ROLE_ESP;
	return ROLE_THIRD_PARTY;
}
