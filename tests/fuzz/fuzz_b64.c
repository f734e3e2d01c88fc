/*
 * fuzz_b64 - b64_decode on arbitrary text, and the round trip
 *
 * Decoding never writes past the capacity; what decodes re-encodes to
 * text that decodes to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/b64.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char	*out, *again, small[7];
	char		*text;
	size_t		 cap = size, n = 0, m = 0, k;
	enum b64_status	 st;

	/* a capacity from the input: too small as often as big enough */
	(void)b64_decode((const char *)data, size, small, sizeof(small), &k);
	if ((out = malloc(cap + 1)) == NULL)
		return 0;
	st = b64_decode((const char *)data, size, out, cap, &n);
	if (st == B64_OK) {
		if (n > cap || n > (size / 4 + 1) * 3)
			abort();
		text = malloc(4 * ((n + 2) / 3) + 1);
		again = malloc(n + 1);
		if (text != NULL && again != NULL) {
			k = b64_encode(out, n, text);
			if (k != strlen(text) ||
			    b64_decode(text, k, again, n, &m) != B64_OK ||
			    m != n || memcmp(out, again, n) != 0)
				abort();
		}
		free(text);
		free(again);
	} else if (b64_status_text(st) == NULL)
		abort();
	free(out);
	return 0;
}
