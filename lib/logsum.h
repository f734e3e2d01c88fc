/*
 * logsum - the summary of many verdict lines (dkimlens-keytool report)
 *
 * Takes parsed verdict lines (lib/logparse.h) one at a time and keeps
 * only counts: per verdict, per From domain (verdicts, reasons with a
 * hint and an example queue id, the ESP that signed), per signing key
 * (signedN d and s), per host, and, when asked, per domain and time
 * bucket.  Memory grows with the number of distinct domains, reasons,
 * keys, hosts and time buckets, never with the number of lines.  Time
 * buckets are hours while the lines seen span at most three days, then
 * days (UTC); the hours kept so far are merged into days at the switch.
 *
 * A verdict line it cannot parse is recorded with its file and line
 * number (the first LOGSUM_UNPARSED_KEEP of them; all are counted).
 *
 * Owns every string it returns; all are freed by logsum_free().  Never:
 * reads input, writes output.
 */
#ifndef DKIMLENS_LOGSUM_H
#define DKIMLENS_LOGSUM_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lib/errbuf.h"
#include "lib/logparse.h"

#define LOGSUM_VERDICTS_MAX	32	/* distinct verdict names */
#define LOGSUM_UNPARSED_KEEP	50	/* unparsable lines remembered */
#define LOGSUM_HOURLY_SPAN	(3 * 86400)	/* hours up to this span */

/* The classes stacked in a chart, worst first. */
enum logsum_class {
	LOGSUM_C_FAIL, LOGSUM_C_PERMERROR, LOGSUM_C_DNS_ERROR,
	LOGSUM_C_ESP_ONLY, LOGSUM_C_NONE, LOGSUM_C_OTHER, LOGSUM_C_PASS,
	LOGSUM_C_COUNT
};

struct logsum_settings {
	const char	*domain;	/* only this From domain; NULL: all */
	time_t		 since, until;	/* kept when has_since/has_until */
	int		 has_since, has_until;
	int		 buckets;	/* keep counts over time (charts) */
};

struct logsum_reason {
	char		*code;		/* lib/reason.h token or verdict */
	uint64_t	 count;
	char		*hint;		/* the line's hint, else the table's;
					   "" if none is known */
	char		*example;	/* the first queue id */
};

struct logsum_bucket {
	int64_t		 index;		/* start time / bucket seconds */
	uint32_t	 count[LOGSUM_C_COUNT];
};

struct logsum_domain {
	char			*name;		/* From domain, raw bytes */
	size_t			 namelen;
	uint64_t		 messages;
	uint64_t		 passing;	/* pass or signed */
	uint64_t		 verdict[LOGSUM_VERDICTS_MAX];
	struct logsum_reason	*reasons;	/* most frequent first */
	size_t			 nreasons;
	char			*esp;		/* first passing esp d=; NULL */
	struct logsum_bucket	*buckets;	/* oldest first */
	size_t			 nbuckets, capbuckets;
};

struct logsum_key {
	char		*d;
	size_t		 dlen;
	char		*s;
	char		*a;		/* algorithm of the first line */
	char		*state;		/* key: part of the last line, or "" */
	uint64_t	 messages;
};

struct logsum_host {
	char		*name;		/* "" for the milter's -f lines */
	size_t		 namelen;
	uint64_t	 messages;
	uint64_t	 passing;
	uint64_t	 verdict[LOGSUM_VERDICTS_MAX];
};

struct logsum_unparsed {
	char		*file;
	unsigned long	 line;
	char		*why;
};

/* What logsum_view() shows, sorted worst first. */
struct logsum_view {
	uint64_t		 messages;	/* verdict lines counted */
	uint64_t		 unparsed;	/* verdict lines not parsed */
	uint64_t		 filtered;	/* left out by domain or time */
	uint64_t		 untimed;	/* counted, without a time */
	int			 has_time;
	time_t			 first, last;	/* of the timed lines */
	size_t			 nverdicts;
	const char		*verdict_name[LOGSUM_VERDICTS_MAX];
	uint64_t		 verdict[LOGSUM_VERDICTS_MAX];
	size_t			 order[LOGSUM_VERDICTS_MAX];	/* worst
							   first */
	struct logsum_domain	**domains;	/* most not passing first */
	size_t			 ndomains;
	struct logsum_key	**keys;		/* most messages first */
	size_t			 nkeys;
	struct logsum_host	**hosts;	/* most messages first */
	size_t			 nhosts;
	const struct logsum_unparsed *unparsed_lines;
	size_t			 nunparsed_lines;
	int			 bucket_secs;	/* 3600 or 86400 */
};

struct logsum;

/* logsum_new - an empty summary (settings copied); NULL on ENOMEM */
struct logsum	*logsum_new(const struct logsum_settings *settings);

/* logsum_free - free it and all it returned; NULL is allowed */
void	logsum_free(struct logsum *ls);

/*
 * logsum_add - count one parsed line (left out when the settings filter
 * it).  0, or -1 with err (out of memory; more verdict names than
 * LOGSUM_VERDICTS_MAX).
 */
int	logsum_add(struct logsum *ls, const struct logline *l,
	    struct errbuf *err) __attribute__((warn_unused_result));

/* logsum_unparsed - record a verdict line that did not parse; 0 or -1 */
int	logsum_unparsed(struct logsum *ls, const char *file,
	    unsigned long line, const char *why)
	    __attribute__((warn_unused_result));

/*
 * logsum_view - sort and show the summary; borrowed until the next
 * logsum_add() or logsum_free().  NULL on ENOMEM.
 */
const struct logsum_view *logsum_view(struct logsum *ls);

/*
 * logsum_verdict_index - the index of verdict name v in the view's
 * arrays, or -1 when no line had it
 */
int	logsum_verdict_index(const struct logsum_view *vw, const char *v);

/* logsum_class_name - "fail", ..., "pass" (pass and signed) */
const char *logsum_class_name(enum logsum_class c);

/* logsum_esp_causes - the seeds' causes of mail signed only by an ESP */
const char *logsum_esp_causes(void);

#endif
