/*
 * report - text and JSON output of dkimlens-keytool report, and the
 * escapers every output uses (keytool/report.h)
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/logsum.h"

#include "keytool/report.h"

#define TOP_REASONS	5	/* per domain in the text report */

/* utf8_len - length of the valid UTF-8 sequence at p, or 0 */
static size_t
utf8_len(const unsigned char *p, size_t avail)
{
	size_t	 n, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	/* no overlong forms, no surrogates, nothing above U+10FFFF */
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f))
		return 0;
	return n;
}

/* report_tesc - for the terminal: printable ASCII as is, else \xNN */
void
report_tesc(FILE *fp, const char *p, size_t len)
{
	const unsigned char	*u = (const unsigned char *)p;
	size_t			 i;

	for (i = 0; i < len; i++) {
		if (u[i] == '\\')
			fputs("\\\\", fp);
		else if (u[i] < 0x20 || u[i] > 0x7e)
			fprintf(fp, "\\x%02x", u[i]);
		else
			fputc(u[i], fp);
	}
}

/* report_jstr - a JSON string literal, quotes included */
void
report_jstr(FILE *fp, const char *p, size_t len)
{
	const unsigned char	*u = (const unsigned char *)p;
	size_t			 i, n;

	fputc('"', fp);
	for (i = 0; i < len; i++) {
		if (u[i] == '"' || u[i] == '\\')
			fprintf(fp, "\\%c", u[i]);
		else if (u[i] < 0x20 || u[i] == 0x7f)
			fprintf(fp, "\\u%04x", u[i]);
		else if (u[i] < 0x80)
			fputc(u[i], fp);
		else if ((n = utf8_len(u + i, len - i)) > 0) {
			fwrite(u + i, 1, n, fp);
			i += n - 1;
		} else
			fprintf(fp, "\\u%04x", u[i]);
	}
	fputc('"', fp);
}

/* report_hesc - HTML text or attribute value */
void
report_hesc(FILE *fp, const char *p, size_t len)
{
	const unsigned char	*u = (const unsigned char *)p;
	size_t			 i, n;

	for (i = 0; i < len; i++) {
		switch (u[i]) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&#39;", fp); break;
		default:
			if (u[i] >= 0x20 && u[i] < 0x7f)
				fputc(u[i], fp);
			else if (u[i] >= 0x80 &&
			    (n = utf8_len(u + i, len - i)) > 0) {
				fwrite(u + i, 1, n, fp);
				i += n - 1;
			} else
				fprintf(fp, "\\x%02x", u[i]);
		}
	}
}

/* report_isotime - UTC ISO 8601 */
char *
report_isotime(time_t t, char *out, size_t outlen)
{
	struct tm	 tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, outlen, "%lld", (long long)t);
	return out;
}

/* report_esp_mostly - more than half the domain's mail is esp-only */
int
report_esp_mostly(const struct logsum_view *vw, const struct logsum_domain *d)
{
	int	 e = logsum_verdict_index(vw, "esp-only");

	return e >= 0 && d->verdict[e] * 2 > d->messages;
}

/* count_of - how many of d's messages had verdict v */
static uint64_t
count_of(const struct logsum_view *vw, const uint64_t *counts, const char *v)
{
	int	 i = logsum_verdict_index(vw, v);

	return i >= 0 ? counts[i] : 0;
}

/* pct - 100 * a / b, 0 when b is 0 */
static double
pct(uint64_t a, uint64_t b)
{
	return b > 0 ? 100.0 * (double)a / (double)b : 0.0;
}

/* tname - a domain or host for the terminal ("" as a placeholder) */
static void
tname(FILE *fp, const char *p, size_t len, const char *empty)
{
	if (len == 0)
		fputs(empty, fp);
	else
		report_tesc(fp, p, len);
}

/* text_esp - the call-out for domains whose mail is mostly esp-only */
static void
text_esp(FILE *fp, const struct logsum_view *vw)
{
	const struct logsum_domain	*d;
	size_t				 i;
	uint64_t			 e;

	for (i = 0; i < vw->ndomains; i++) {
		d = vw->domains[i];
		if (!report_esp_mostly(vw, d))
			continue;
		e = count_of(vw, d->verdict, "esp-only");
		fputs("ATTENTION ", fp);
		tname(fp, d->name, d->namelen, "(no From domain)");
		fprintf(fp, ": %" PRIu64 " of %" PRIu64 " messages (%.0f%%) "
		    "carry only an ESP's signature", e, d->messages,
		    pct(e, d->messages));
		if (d->esp != NULL) {
			fputs(" (d=", fp);
			report_tesc(fp, d->esp, strlen(d->esp));
			fputc(')', fp);
		}
		fputs(": the domain is not DKIM-signing this mail.\n", fp);
		fprintf(fp, "  Causes: %s.\n\n", logsum_esp_causes());
	}
}

/* report_text - the text report */
void
report_text(FILE *fp, const struct logsum_view *vw,
    const struct report_input *in)
{
	const struct logsum_domain	*d;
	const struct logsum_reason	*r;
	const struct logsum_key		*k;
	const struct logsum_host	*h;
	static const char *const	 shown[] = { "esp-only", "fail",
	    "dns-error", "permerror", "none" };
	char				 t1[40], t2[40];
	size_t				 i, j;
	uint64_t			 c;

	fprintf(fp, "dkimlens report: %" PRIu64 " messages", vw->messages);
	if (vw->has_time)
		fprintf(fp, ", %s to %s", report_isotime(vw->first, t1,
		    sizeof(t1)), report_isotime(vw->last, t2, sizeof(t2)));
	fprintf(fp, " (%zu input%s", in->nfiles, in->nfiles == 1 ? "" : "s");
	if (in->domain != NULL) {
		fputs(", From domain ", fp);
		report_tesc(fp, in->domain, strlen(in->domain));
	}
	fputs(")\n", fp);
	if (vw->untimed > 0)
		fprintf(fp, "  %" PRIu64 " lines without a time (the "
		    "milter's -f output)\n", vw->untimed);
	if (vw->filtered > 0)
		fprintf(fp, "  %" PRIu64 " verdict lines left out by --domain, "
		    "--since or --until\n", vw->filtered);
	if (vw->unparsed > 0) {
		fprintf(fp, "  %" PRIu64 " verdict lines could not be "
		    "parsed:\n", vw->unparsed);
		for (i = 0; i < vw->nunparsed_lines; i++) {
			fputs("    ", fp);
			report_tesc(fp, vw->unparsed_lines[i].file,
			    strlen(vw->unparsed_lines[i].file));
			fprintf(fp, ":%lu: ", vw->unparsed_lines[i].line);
			report_tesc(fp, vw->unparsed_lines[i].why,
			    strlen(vw->unparsed_lines[i].why));
			fputc('\n', fp);
		}
		if (vw->unparsed > vw->nunparsed_lines)
			fprintf(fp, "    and %" PRIu64 " more\n",
			    vw->unparsed - vw->nunparsed_lines);
	}
	fputc('\n', fp);
	text_esp(fp, vw);

	fputs("Verdicts\n", fp);
	for (i = 0; i < vw->nverdicts; i++) {
		j = vw->order[i];
		fprintf(fp, "  %-12s %10" PRIu64 "  %5.1f%%\n",
		    vw->verdict_name[j], vw->verdict[j],
		    pct(vw->verdict[j], vw->messages));
	}

	fputs("\nFrom domains (most messages not passing first)\n", fp);
	for (i = 0; i < vw->ndomains; i++) {
		d = vw->domains[i];
		fputs("  ", fp);
		tname(fp, d->name, d->namelen, "(no From domain)");
		fprintf(fp, ": %" PRIu64 " messages, %.1f%% passing\n",
		    d->messages, pct(d->passing, d->messages));
		fputs("   ", fp);
		for (j = 0; j < sizeof(shown) / sizeof(shown[0]); j++)
			fprintf(fp, " %s %" PRIu64, shown[j],
			    count_of(vw, d->verdict, shown[j]));
		fputc('\n', fp);
		for (j = 0; j < d->nreasons && j < TOP_REASONS; j++) {
			r = &d->reasons[j];
			fprintf(fp, "    %8" PRIu64 "  ", r->count);
			report_tesc(fp, r->code, strlen(r->code));
			fprintf(fp, "%*s e.g. ", strlen(r->code) < 22 ?
			    (int)(22 - strlen(r->code)) : 0, "");
			report_tesc(fp, r->example, strlen(r->example));
			fputc('\n', fp);
			if (r->hint[0] != '\0') {
				fputs("              hint: ", fp);
				report_tesc(fp, r->hint, strlen(r->hint));
				fputc('\n', fp);
			}
		}
		if (d->nreasons > TOP_REASONS)
			fprintf(fp, "    (%zu more reasons in --json)\n",
			    d->nreasons - TOP_REASONS);
	}

	if (vw->nkeys > 0) {
		fputs("\nSigning keys (signedN)\n", fp);
		for (i = 0; i < vw->nkeys; i++) {
			k = vw->keys[i];
			fprintf(fp, "  %10" PRIu64 "  ", k->messages);
			report_tesc(fp, k->s, strlen(k->s));
			fputs("._domainkey.", fp);
			report_tesc(fp, k->d, k->dlen);
			fputs("  ", fp);
			report_tesc(fp, k->a, strlen(k->a));
			if (k->state != NULL) {
				fputs("  key ", fp);
				report_tesc(fp, k->state, strlen(k->state));
			}
			fputc('\n', fp);
		}
	}

	fputs("\nHosts\n", fp);
	for (i = 0; i < vw->nhosts; i++) {
		h = vw->hosts[i];
		fputs("  ", fp);
		tname(fp, h->name, h->namelen, "(none: milter -f output)");
		fprintf(fp, ": %" PRIu64 " messages, %.1f%% passing",
		    h->messages, pct(h->passing, h->messages));
		for (j = 0; j < vw->nverdicts; j++) {
			c = h->verdict[vw->order[j]];
			if (c > 0)
				fprintf(fp, ", %s %" PRIu64,
				    vw->verdict_name[vw->order[j]], c);
		}
		fputc('\n', fp);
	}
}

/* json_verdicts - {"name": N, ...} in worst-first order */
static void
json_verdicts(FILE *fp, const struct logsum_view *vw, const uint64_t *counts)
{
	size_t	 i, j;

	fputc('{', fp);
	for (i = 0; i < vw->nverdicts; i++) {
		j = vw->order[i];
		fprintf(fp, "%s\"%s\": %" PRIu64, i > 0 ? ", " : "",
		    vw->verdict_name[j], counts[j]);
	}
	fputc('}', fp);
}

/* jcstr - a C string as a JSON string */
static void
jcstr(FILE *fp, const char *s)
{
	report_jstr(fp, s, strlen(s));
}

/* report_json - the report as JSON */
void
report_json(FILE *fp, const struct logsum_view *vw,
    const struct report_input *in)
{
	const struct logsum_domain	*d;
	const struct logsum_reason	*r;
	const struct logsum_key		*k;
	const struct logsum_host	*h;
	char				 t[40];
	size_t				 i, j;

	fprintf(fp, "{\"messages\": %" PRIu64 ", ", vw->messages);
	if (vw->has_time) {
		fprintf(fp, "\"first\": \"%s\", ", report_isotime(vw->first,
		    t, sizeof(t)));
		fprintf(fp, "\"last\": \"%s\", ", report_isotime(vw->last, t,
		    sizeof(t)));
	} else
		fputs("\"first\": null, \"last\": null, ", fp);
	fprintf(fp, "\"unparsed\": %" PRIu64 ", \"filtered\": %" PRIu64
	    ", \"untimed\": %" PRIu64 ", \"inputs\": %zu,\n", vw->unparsed,
	    vw->filtered, vw->untimed, in->nfiles);
	fputs(" \"verdicts\": ", fp);
	json_verdicts(fp, vw, vw->verdict);
	fputs(",\n \"domains\": [", fp);
	for (i = 0; i < vw->ndomains; i++) {
		d = vw->domains[i];
		fprintf(fp, "%s\n  {\"domain\": ", i > 0 ? "," : "");
		report_jstr(fp, d->name, d->namelen);
		fprintf(fp, ", \"messages\": %" PRIu64 ", \"passing\": %"
		    PRIu64 ", \"share_passing\": %.4f, \"esp_only_mostly\": "
		    "%s, \"esp\": ", d->messages, d->passing,
		    d->messages > 0 ? (double)d->passing /
		    (double)d->messages : 0.0,
		    report_esp_mostly(vw, d) ? "true" : "false");
		if (d->esp != NULL)
			jcstr(fp, d->esp);
		else
			fputs("null", fp);
		fputs(", \"verdicts\": ", fp);
		json_verdicts(fp, vw, d->verdict);
		fputs(", \"reasons\": [", fp);
		for (j = 0; j < d->nreasons; j++) {
			r = &d->reasons[j];
			fprintf(fp, "%s{\"code\": ", j > 0 ? ", " : "");
			jcstr(fp, r->code);
			fprintf(fp, ", \"count\": %" PRIu64 ", \"hint\": ",
			    r->count);
			jcstr(fp, r->hint);
			fputs(", \"example\": ", fp);
			jcstr(fp, r->example);
			fputc('}', fp);
		}
		fputs("]}", fp);
	}
	fputs("],\n \"keys\": [", fp);
	for (i = 0; i < vw->nkeys; i++) {
		k = vw->keys[i];
		fprintf(fp, "%s\n  {\"d\": ", i > 0 ? "," : "");
		report_jstr(fp, k->d, k->dlen);
		fputs(", \"s\": ", fp);
		jcstr(fp, k->s);
		fputs(", \"a\": ", fp);
		jcstr(fp, k->a);
		fputs(", \"key\": ", fp);
		if (k->state != NULL)
			jcstr(fp, k->state);
		else
			fputs("null", fp);
		fprintf(fp, ", \"messages\": %" PRIu64 "}", k->messages);
	}
	fputs("],\n \"hosts\": [", fp);
	for (i = 0; i < vw->nhosts; i++) {
		h = vw->hosts[i];
		fprintf(fp, "%s\n  {\"host\": ", i > 0 ? "," : "");
		report_jstr(fp, h->name, h->namelen);
		fprintf(fp, ", \"messages\": %" PRIu64 ", \"passing\": %"
		    PRIu64 ", \"verdicts\": ", h->messages, h->passing);
		json_verdicts(fp, vw, h->verdict);
		fputc('}', fp);
	}
	fputs("],\n \"unparsed_lines\": [", fp);
	for (i = 0; i < vw->nunparsed_lines; i++) {
		fprintf(fp, "%s\n  {\"file\": ", i > 0 ? "," : "");
		jcstr(fp, vw->unparsed_lines[i].file);
		fprintf(fp, ", \"line\": %lu, \"why\": ",
		    vw->unparsed_lines[i].line);
		jcstr(fp, vw->unparsed_lines[i].why);
		fputc('}', fp);
	}
	fputs("]}\n", fp);
}
