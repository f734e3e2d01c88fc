/*
 * fuzz_sig - sig_parse on arbitrary DKIM-Signature values
 *
 * Checks what a caller relies on: a result either way, *sig_out NULL on
 * failure, permerror (or temperror for memory) with a reason on failure,
 * and on success a signature within the struct's limits, d= lowercased,
 * bh= of 32 bytes, From in h=.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/reason.h"
#include "lib/sig.h"
#include "lib/verdict.h"

#define NOW	((time_t)1700000000)

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct verdict_result	 r;
	struct sig		*sig = (struct sig *)&r, partial;
	char			*s;
	size_t			 i;
	int			 from = 0;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	/* sig.h: partial is written only when the names were found */
	memset(&partial, 0, sizeof(partial));
	if (sig_parse(s, NOW, &sig, &r, &partial) == -1) {
		if (sig != NULL || r.reason == REASON_OK ||
		    (r.verdict != VERDICT_PERMERROR &&
		    r.verdict != VERDICT_TEMPERROR))
			abort();
		if (memchr(partial.d, '\0', sizeof(partial.d)) == NULL ||
		    memchr(partial.b8, '\0', sizeof(partial.b8)) == NULL)
			abort();
	} else {
		if (sig == NULL || r.verdict != VERDICT_PASS ||
		    sig->nh == 0 || sig->nh > SIG_MAX_HEADERS ||
		    sig->b_len == 0 || sig->b_len > SIG_MAX_B ||
		    sig->bh_len != 32 || sig->d[0] == '\0' ||
		    strchr(sig->i, '@') == NULL)
			abort();
		for (i = 0; sig->d[i] != '\0'; i++)
			if (sig->d[i] >= 'A' && sig->d[i] <= 'Z')
				abort();
		for (i = 0; i < sig->nh; i++)
			from |= strcasecmp(sig->h[i], "from") == 0;
		if (!from || sig->alg == SIG_ALG_RSA_SHA1)
			abort();
		if (sig->x >= 0 && sig->x < (long long)NOW)
			abort();
		(void)sig_alg_name(sig->alg);
		sig_free(sig);
	}
	free(s);
	return 0;
}
