/*
 * fuzz_keyrec - keyrec_parse on arbitrary joined TXT records
 *
 * On success the record is revoked (no key) or holds a key of its k=
 * type; on failure the result is a permerror with a reason and no record.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "lib/keyrec.h"
#include "lib/reason.h"
#include "lib/verdict.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct verdict_result	 r;
	struct keyrec		*kr = (struct keyrec *)&r;
	char			*s;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (keyrec_parse(s, &kr, &r) == -1) {
		if (kr != NULL || r.reason == REASON_OK ||
		    (r.verdict != VERDICT_PERMERROR &&
		    r.verdict != VERDICT_TEMPERROR))
			abort();
	} else {
		if (kr == NULL)
			abort();
		if (kr->revoked) {
			if (kr->pkey != NULL)
				abort();
		} else if (kr->pkey == NULL ||
		    (kr->type == KEYREC_ED25519) !=
		    (EVP_PKEY_get_base_id(kr->pkey) == EVP_PKEY_ED25519) ||
		    kr->bits == 0)
			abort();
		keyrec_free(kr);
	}
	free(s);
	return 0;
}
