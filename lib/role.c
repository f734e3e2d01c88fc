/*
 * role - whose signature is it: the author's, an ESP's, or a third party's
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libpsl.h>

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
 * The Public Suffix List context: loaded once (the newest list installed
 * by Debian's publicsuffix package, else libpsl's built-in copy) and only
 * read afterwards, so threads share it without a lock.
 */
static pthread_once_t	 psl_once = PTHREAD_ONCE_INIT;
static const psl_ctx_t	*psl_ctx;

static void
psl_load(void)
{
	psl_ctx = psl_latest(NULL);
	if (psl_ctx == NULL)
		psl_ctx = psl_builtin();
}

/*
 * role_org_domain - the organizational domain of name (RFC 7489 3.2): the
 * registrable domain under the Public Suffix List.  A name that is itself
 * a public suffix is its own organizational domain.
 */
void
role_org_domain(const char *name, char *out, size_t outlen)
{
	char		 low[256];
	const char	*reg = NULL;
	size_t		 len, i;

	if (outlen == 0)
		return;
	len = strlen(name);
	while (len > 0 && name[len - 1] == '.')
		len--;
	if (len >= sizeof(low))
		len = sizeof(low) - 1;
	for (i = 0; i < len; i++)
		low[i] = (name[i] >= 'A' && name[i] <= 'Z') ?
		    (char)(name[i] - 'A' + 'a') : name[i];
	low[len] = '\0';
	pthread_once(&psl_once, psl_load);
	if (psl_ctx != NULL)
		reg = psl_registrable_domain(psl_ctx, low);
	snprintf(out, outlen, "%s", reg != NULL ? reg : low);
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
