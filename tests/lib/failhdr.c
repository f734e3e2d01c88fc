/*
 * failhdr - fault injection for the end-to-end suite, never part of the
 * product: an LD_PRELOAD object that makes libmilter's smfi_insheader()
 * fail for one chosen message.
 *
 *   LD_PRELOAD=build/tests/lib/failhdr.so DKIMLENS_FAILHDR=SUBSTRING \
 *       build/dkimlens-milter -f -c CONF
 *
 * A field whose value holds SUBSTRING is not inserted and the call returns
 * MI_FAILURE, as libmilter does when the MTA connection breaks; every other
 * call (and every call while DKIMLENS_FAILHDR is unset or empty) goes to
 * the real smfi_insheader, found with dlsym(RTLD_NEXT).  The milter links
 * libmilter.so dynamically, so this definition comes first.  Each failure
 * is noted on stderr ("failhdr: ..."), so that a test can tell the
 * injected fault from any other.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmilter/mfapi.h>

typedef int (*insheader_fn)(SMFICTX *, int, char *, char *);

int
smfi_insheader(SMFICTX *ctx, int idx, char *name, char *value)
{
	const char	*want = getenv("DKIMLENS_FAILHDR");
	insheader_fn	 real;

	if (want != NULL && want[0] != '\0' && value != NULL &&
	    strstr(value, want) != NULL) {
		fprintf(stderr, "failhdr: smfi_insheader %s refused (value "
		    "holds \"%s\")\n", name != NULL ? name : "(null)", want);
		return MI_FAILURE;
	}
	real = (insheader_fn)dlsym(RTLD_NEXT, "smfi_insheader");
	if (real == NULL) {
		fprintf(stderr, "failhdr: no smfi_insheader after this "
		    "object\n");
		return MI_FAILURE;
	}
	return real(ctx, idx, name, value);
}
