/*
 * role - whose signature is it: the author's, an ESP's, or a third party's
 *
 * author: d= aligned with the RFC 5322 From domain (the same domain, or a
 * parent or child of it within one organizational domain, RFC 7489 3.1.1
 * relaxed alignment).  esp: d= is, or is below, a domain of the configured
 * ESP list (default amazonses.com).  third-party: anything else.
 * The organizational domain comes from the Public Suffix List (libpsl, the
 * list of Debian's publicsuffix package), as RFC 7489 3.2 says.
 */
#ifndef DKIMLENS_ROLE_H
#define DKIMLENS_ROLE_H

#include <stddef.h>

enum role { ROLE_AUTHOR, ROLE_ESP, ROLE_THIRD_PARTY };

#define ROLE_ESP_DEFAULT	"amazonses.com"

/* role_name - "author", "esp", "third-party" */
const char *role_name(enum role r);

/*
 * role_of - the role of a signature with d=sdid on a message From
 * from_domain (may be NULL: no author).  esp_domains is a comma or space
 * separated list, NULL for the default.  An author match wins over esp,
 * so amazonses.com mail signed by amazonses.com is the author's.
 */
enum role role_of(const char *sdid, const char *from_domain,
	    const char *esp_domains);

/* role_org_domain - write the organizational domain of name into out */
void	role_org_domain(const char *name, char *out, size_t outlen);

/* role_is_under - 1 when name equals domain or is a subdomain of it */
int	role_is_under(const char *name, const char *domain);

#endif
