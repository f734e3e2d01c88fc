/*
 * report - the output of dkimlens-keytool report: text, JSON, HTML
 *
 * Every byte that came from a log line is escaped for where it goes:
 * \xNN (and \\) for the terminal, RFC 8259 escapes for JSON (valid UTF-8
 * kept, any other byte as \u00NN), entities for HTML (with \xNN for
 * control bytes and invalid UTF-8).  A log line is the sender's text:
 * the From domain comes from the message.
 */
#ifndef DKIMLENS_KEYTOOL_REPORT_H
#define DKIMLENS_KEYTOOL_REPORT_H

#include <stdio.h>

#include "lib/logsum.h"

/* What the report covers beyond the summary itself. */
struct report_input {
	size_t		 nfiles;	/* inputs read */
	const char	*domain;	/* --domain, or NULL */
};

/* report_text - the text report, worst first */
void	report_text(FILE *fp, const struct logsum_view *vw,
	    const struct report_input *in);

/* report_json - the report as one JSON document */
void	report_json(FILE *fp, const struct logsum_view *vw,
	    const struct report_input *in);

/* report_html - one self-contained page with charts */
void	report_html(FILE *fp, const struct logsum_view *vw,
	    const struct report_input *in);

/* report_esp_mostly - a domain whose mail is mostly esp-only */
int	report_esp_mostly(const struct logsum_view *vw,
	    const struct logsum_domain *d);

/* report_isotime - "YYYY-MM-DDTHH:MM:SSZ" into out (21 bytes) */
char	*report_isotime(time_t t, char *out, size_t outlen);

/* Escapers: len bytes of p (raw, from the log). */
void	report_tesc(FILE *fp, const char *p, size_t len);
void	report_jstr(FILE *fp, const char *p, size_t len);
void	report_hesc(FILE *fp, const char *p, size_t len);

#endif
