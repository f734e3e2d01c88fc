/*
 * fuzz_from - from_parse on arbitrary From field values
 *
 * Invariants: FROM_OK gives "local@domain" whose domain part equals the
 * domain output, a valid host name (lib/keyname.h), lowercase; any other
 * status leaves both outputs empty.  The same value parsed into a buffer
 * one byte short of the address is refused, never cut.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/from.h"
#include "lib/keyname.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char			 addr[FROM_ADDR_MAX], dom[FROM_DOMAIN_MAX];
	char			 small[FROM_ADDR_MAX];
	char			*s, *at;
	const char		*p;
	enum from_status	 st;
	size_t			 len;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	st = from_parse(s, addr, sizeof(addr), dom, sizeof(dom));
	if (st != FROM_OK) {
		if (addr[0] != '\0' || dom[0] != '\0')
			abort();
		free(s);
		return 0;
	}
	if ((at = strrchr(addr, '@')) == NULL || at == addr ||
	    strcmp(at + 1, dom) != 0 || !keyname_domain_ok(dom, 1))
		abort();
	for (p = dom; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			abort();
	len = strlen(addr);
	if (from_parse(s, small, len, NULL, 0) != FROM_UNPARSABLE ||
	    small[0] != '\0')
		abort();
	if (from_parse(s, small, len + 1, NULL, 0) != FROM_OK ||
	    strcmp(small, addr) != 0)
		abort();
	free(s);
	return 0;
}
