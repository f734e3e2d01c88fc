/*
 * fuzz_logparse - logparse_line on arbitrary log lines, and logsum on
 * what it accepts
 *
 * Invariants: a BAD line says why; an OK line has a verdict word and an
 * action, at most LOGPARSE_SIGNED_MAX signatures, and every field is a
 * string within its buffer; and lib/report.c, given the parsed fields,
 * writes a line that parses back to the same fields (one grammar).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/logparse.h"
#include "lib/logsum.h"
#include "lib/report.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* terminated - a NUL inside the buffer */
#define TERMINATED(f)	(memchr((f), '\0', sizeof(f)) != NULL)

/* round_trip - format l's fields again and parse them back */
static void
round_trip(struct logparse *lp, const struct logline *l)
{
	static struct logline	 again;
	struct report_made	 made[LOGPARSE_SIGNED_MAX];
	struct report		 r;
	char			*line, *full;
	size_t			 i, n;

	memset(&r, 0, sizeof(r));
	for (i = 0; i < l->nsigned; i++) {
		made[i].d = l->signed_[i].d;
		made[i].s = l->signed_[i].s;
		made[i].a = l->signed_[i].a;
		made[i].key = NULL;
	}
	r.queue_id = l->queue_id;
	r.verdict = l->verdict;
	r.from_domain = l->from;
	r.made = made;
	r.nmade = l->nsigned;
	r.hint = l->hint;
	r.action = l->action;
	if ((line = report_format(&r)) == NULL)
		return;		/* over REPORT_MAX */
	n = strlen(line);
	if ((full = malloc(n + 20)) == NULL) {
		free(line);
		return;
	}
	memcpy(full, "dkimlens-milter: ", 17);
	memcpy(full + 17, line, n + 1);
	if (logparse_line(lp, full, n + 17, &again) != LOGPARSE_OK ||
	    strcmp(again.queue_id, l->queue_id) != 0 ||
	    strcmp(again.verdict, l->verdict) != 0 ||
	    strcmp(again.from, l->from) != 0 ||
	    strcmp(again.hint, l->hint) != 0 ||
	    strcmp(again.action, l->action) != 0 ||
	    again.nsigned != l->nsigned)
		abort();
	for (i = 0; i < l->nsigned; i++)
		if (strcmp(again.signed_[i].d, l->signed_[i].d) != 0 ||
		    strcmp(again.signed_[i].s, l->signed_[i].s) != 0 ||
		    strcmp(again.signed_[i].a, l->signed_[i].a) != 0)
			abort();
	free(full);
	free(line);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct logline	 l;
	struct logparse		 lp;
	struct logsum_settings	 set;
	struct logsum		*ls;
	struct errbuf		 err;
	enum logparse_status	 st;
	size_t			 i;

	logparse_init(&lp, (time_t)1733313600);
	memset(&l, 0, sizeof(l));
	st = logparse_line(&lp, (const char *)data, size, &l);
	if (st == LOGPARSE_BAD && (!TERMINATED(l.why) || l.why[0] == '\0'))
		abort();
	if (st != LOGPARSE_OK)
		return 0;
	if (!TERMINATED(l.host) || !TERMINATED(l.queue_id) ||
	    !TERMINATED(l.verdict) || !TERMINATED(l.from) ||
	    !TERMINATED(l.code) || !TERMINATED(l.esp) ||
	    !TERMINATED(l.hint) || !TERMINATED(l.action) ||
	    l.verdict[0] == '\0' || l.action[0] == '\0' ||
	    l.queue_id[0] == '\0' || l.nsigned > LOGPARSE_SIGNED_MAX)
		abort();
	for (i = 0; i < l.nsigned; i++)
		if (l.signed_[i].d[0] == '\0' || l.signed_[i].s[0] == '\0')
			abort();
	round_trip(&lp, &l);
	memset(&set, 0, sizeof(set));
	set.buckets = 1;
	if ((ls = logsum_new(&set)) == NULL)
		return 0;
	if (logsum_add(ls, &l, &err) == 0 && logsum_view(ls) != NULL &&
	    logsum_view(ls)->messages != 1)
		abort();
	logsum_free(ls);
	return 0;
}
