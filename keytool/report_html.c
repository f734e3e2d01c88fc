/*
 * report_html - dkimlens-keytool report --html: one self-contained page
 *
 * Inline CSS and inline SVG only: no script, no font, no image, nothing
 * fetched (the page's Content-Security-Policy forbids it too), so it
 * can be mailed or opened offline.  Charts: verdicts over time per From
 * domain (stacked bars, hourly or daily as lib/logsum.h buckets them),
 * share passing per domain, top reasons; then the tables the text report
 * has.  Every log-derived byte goes through report_hesc().
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/logsum.h"

#include "keytool/report.h"

#define TIMELINE_DOMAINS	12	/* charts over time, worst first */
#define BAR_DOMAINS		25	/* bars of share passing */
#define TOP_CODES		10	/* bars of reasons */
#define CHART_W			760
#define CHART_H			120
#define AXIS_W			50	/* left, for the count labels */
#define AXIS_H			18	/* below, for the time labels */

static const char style[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}"
    "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}"
    "table{border-collapse:collapse}td,th{padding:2px 10px;"
    "border-bottom:1px solid #ddd;text-align:left}"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}"
    ".attention{background:#fff4d6;border-left:5px solid #e6b800;"
    "padding:.5em 1em;margin:1em 0}"
    "figure{margin:1em 0}figcaption{font-weight:600}"
    "svg text{font:11px system-ui,sans-serif;fill:#333}"
    ".legend span{display:inline-block;margin-right:1em}"
    ".legend i{display:inline-block;width:.9em;height:.9em;"
    "margin-right:.3em;vertical-align:-1px}"
    ".hint{color:#555;font-size:.9em}";

/* Colours of the chart classes (lib/logsum.h order). */
static const char *const colour[LOGSUM_C_COUNT] = {
	"#d62728", "#9467bd", "#ff7f0e", "#e6b800", "#8c8c8c", "#17becf",
	"#2ca02c"
};

/* Stacking order, bottom first: pass at the bottom, fail on top. */
static const enum logsum_class stack[LOGSUM_C_COUNT] = {
	LOGSUM_C_PASS, LOGSUM_C_OTHER, LOGSUM_C_NONE, LOGSUM_C_ESP_ONLY,
	LOGSUM_C_DNS_ERROR, LOGSUM_C_PERMERROR, LOGSUM_C_FAIL
};

/* h - HTML-escape a C string */
static void
h(FILE *fp, const char *s)
{
	report_hesc(fp, s, strlen(s));
}

/* dname - a domain or host, or a placeholder when empty */
static void
dname(FILE *fp, const char *p, size_t len, const char *empty)
{
	if (len == 0)
		fputs(empty, fp);
	else
		report_hesc(fp, p, len);
}

/* pct - 100 * a / b */
static double
pct(uint64_t a, uint64_t b)
{
	return b > 0 ? 100.0 * (double)a / (double)b : 0.0;
}

/* bucket_label - the start of bucket ix as text */
static void
bucket_label(char *out, size_t outlen, int64_t ix, int secs)
{
	char	 t[40];

	report_isotime((time_t)(ix * secs), t, sizeof(t));
	if (secs >= 86400)
		snprintf(out, outlen, "%.10s", t);
	else
		snprintf(out, outlen, "%.10s %.5s", t, t + 11);
}

/* legend - the colour of each class */
static void
legend(FILE *fp)
{
	size_t	 i;

	fputs("<p class=\"legend\">", fp);
	for (i = LOGSUM_C_COUNT; i > 0; i--)
		fprintf(fp, "<span><i style=\"background:%s\"></i>%s</span>",
		    colour[stack[i - 1]], logsum_class_name(stack[i - 1]));
	fputs("</p>\n", fp);
}

/* timeline - one domain's stacked bars over [lo, hi] buckets */
static void
timeline(FILE *fp, const struct logsum_view *vw,
    const struct logsum_domain *d, int64_t lo, int64_t hi)
{
	const struct logsum_bucket	*b;
	double				 bw, x, y, hgt, plot_h, plot_w;
	uint64_t			 max = 1, tot;
	size_t				 i, c;
	char				 l1[32], l2[32];

	for (i = 0; i < d->nbuckets; i++) {
		for (tot = 0, c = 0; c < LOGSUM_C_COUNT; c++)
			tot += d->buckets[i].count[c];
		if (tot > max)
			max = tot;
	}
	plot_w = CHART_W - AXIS_W;
	plot_h = CHART_H - AXIS_H;
	bw = plot_w / (double)(hi - lo + 1);
	fputs("<figure class=\"timeline\" data-domain=\"", fp);
	report_hesc(fp, d->name, d->namelen);
	fputs("\"><figcaption>", fp);
	dname(fp, d->name, d->namelen, "(no From domain)");
	fprintf(fp, " &mdash; <span class=\"count\">%" PRIu64 "</span> "
	    "messages, %.1f%% passing</figcaption>\n", d->messages,
	    pct(d->passing, d->messages));
	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" role=\"img\">\n", CHART_W, CHART_H);
	fprintf(fp, "<line x1=\"%d\" y1=\"0\" x2=\"%d\" y2=\"%.1f\" "
	    "stroke=\"#999\"/><line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" "
	    "y2=\"%.1f\" stroke=\"#999\"/>\n", AXIS_W - 2, AXIS_W - 2,
	    plot_h, AXIS_W - 2, plot_h, CHART_W, plot_h);
	fprintf(fp, "<text x=\"%d\" y=\"10\" text-anchor=\"end\">%" PRIu64
	    "</text><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">0</text>\n",
	    AXIS_W - 5, max, AXIS_W - 5, plot_h);
	for (i = 0; i < d->nbuckets; i++) {
		b = &d->buckets[i];
		x = AXIS_W + bw * (double)(b->index - lo);
		bucket_label(l1, sizeof(l1), b->index, vw->bucket_secs);
		fprintf(fp, "<g><title>%s:", l1);
		for (c = LOGSUM_C_COUNT; c > 0; c--)
			if (b->count[stack[c - 1]] > 0)
				fprintf(fp, " %s %" PRIu32,
				    logsum_class_name(stack[c - 1]),
				    b->count[stack[c - 1]]);
		fputs("</title>", fp);
		y = plot_h;
		for (c = 0; c < LOGSUM_C_COUNT; c++) {
			if (b->count[stack[c]] == 0)
				continue;
			hgt = plot_h * (double)b->count[stack[c]] /
			    (double)max;
			y -= hgt;
			fprintf(fp, "<rect x=\"%.2f\" y=\"%.2f\" "
			    "width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>", x, y,
			    bw > 2 ? bw - 1 : bw, hgt, colour[stack[c]]);
		}
		fputs("</g>\n", fp);
	}
	bucket_label(l1, sizeof(l1), lo, vw->bucket_secs);
	bucket_label(l2, sizeof(l2), hi, vw->bucket_secs);
	fprintf(fp, "<text x=\"%d\" y=\"%d\">%s</text><text x=\"%d\" "
	    "y=\"%d\" text-anchor=\"end\">%s</text>\n</svg></figure>\n",
	    AXIS_W, CHART_H - 4, l1, CHART_W, CHART_H - 4, l2);
}

/* passing_bars - share passing per domain, worst first */
static void
passing_bars(FILE *fp, const struct logsum_view *vw)
{
	const struct logsum_domain	*d;
	size_t				 i, n = vw->ndomains < BAR_DOMAINS ?
	    vw->ndomains : BAR_DOMAINS;
	double				 w, share;
	int				 row = 22, label_w = 240;

	fprintf(fp, "<svg id=\"passing\" xmlns=\"http://www.w3.org/2000/svg\" "
	    "width=\"%d\" height=\"%zu\" role=\"img\">\n", CHART_W,
	    n * (size_t)row + 4);
	for (i = 0; i < n; i++) {
		d = vw->domains[i];
		share = pct(d->passing, d->messages);
		w = (CHART_W - label_w - 60) * share / 100.0;
		fputs("<g><title>", fp);
		dname(fp, d->name, d->namelen, "(no From domain)");
		fprintf(fp, ": %" PRIu64 " of %" PRIu64 " passing</title>",
		    d->passing, d->messages);
		fprintf(fp, "<text x=\"%d\" y=\"%zu\" text-anchor=\"end\">",
		    label_w - 6, i * (size_t)row + 15);
		dname(fp, d->name, d->namelen, "(no From domain)");
		fprintf(fp, "</text><rect x=\"%d\" y=\"%zu\" width=\"%d\" "
		    "height=\"16\" fill=\"#eee\"/><rect x=\"%d\" y=\"%zu\" "
		    "width=\"%.2f\" height=\"16\" fill=\"%s\"/>", label_w,
		    i * (size_t)row + 3, CHART_W - label_w - 60, label_w,
		    i * (size_t)row + 3, w, share >= 95 ? colour[LOGSUM_C_PASS]
		    : share >= 50 ? colour[LOGSUM_C_ESP_ONLY] :
		    colour[LOGSUM_C_FAIL]);
		fprintf(fp, "<text x=\"%d\" y=\"%zu\">%.1f%%</text></g>\n",
		    CHART_W - 55, i * (size_t)row + 15, share);
	}
	fputs("</svg>\n", fp);
}

/* A reason code summed over every domain. */
struct code_total {
	const char			*code;
	uint64_t			 count;
	const struct logsum_reason	*first;	/* hint and example */
	const struct logsum_domain	*domain;	/* of first */
};

static int
cmp_total(const void *a, const void *b)
{
	const struct code_total	*x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->code, y->code);
}

/* reasons - top reasons over all domains: bars and a table */
static void
reasons(FILE *fp, const struct logsum_view *vw)
{
	struct code_total	*t = NULL, *nt;
	size_t			 n = 0, i, j, k;
	uint64_t		 max;
	int			 row = 22, label_w = 220;

	for (i = 0; i < vw->ndomains; i++)
		for (j = 0; j < vw->domains[i]->nreasons; j++) {
			const struct logsum_reason *r =
			    &vw->domains[i]->reasons[j];

			for (k = 0; k < n; k++)
				if (strcmp(t[k].code, r->code) == 0)
					break;
			if (k == n) {
				if ((nt = reallocarray(t, n + 1,
				    sizeof(*t))) == NULL) {
					fputs("<p>out of memory</p>\n", fp);
					free(t);
					return;
				}
				t = nt;
				t[n].code = r->code;
				t[n].count = 0;
				t[n].first = r;
				t[n].domain = vw->domains[i];
				n++;
			}
			t[k].count += r->count;
		}
	if (n == 0) {
		fputs("<p>No reasons: every message passed or was "
		    "signed.</p>\n", fp);
		free(t);
		return;
	}
	qsort(t, n, sizeof(*t), cmp_total);
	if (n > TOP_CODES)
		n = TOP_CODES;
	max = t[0].count;
	fprintf(fp, "<svg id=\"reasons\" xmlns=\"http://www.w3.org/2000/svg\" "
	    "width=\"%d\" height=\"%zu\" role=\"img\">\n", CHART_W,
	    n * (size_t)row + 4);
	for (i = 0; i < n; i++) {
		fprintf(fp, "<g><text x=\"%d\" y=\"%zu\" text-anchor=\"end\">",
		    label_w - 6, i * (size_t)row + 15);
		h(fp, t[i].code);
		fprintf(fp, "</text><rect x=\"%d\" y=\"%zu\" width=\"%.2f\" "
		    "height=\"16\" fill=\"%s\"/><text x=\"%.2f\" y=\"%zu\">%"
		    PRIu64 "</text></g>\n", label_w, i * (size_t)row + 3,
		    (double)(CHART_W - label_w - 80) * (double)t[i].count /
		    (double)max, colour[LOGSUM_C_FAIL], label_w + 4 +
		    (double)(CHART_W - label_w - 80) * (double)t[i].count /
		    (double)max, i * (size_t)row + 15, t[i].count);
	}
	fputs("</svg>\n<table id=\"reason-table\"><tr><th>reason</th>"
	    "<th class=\"num\">messages</th><th>hint</th><th>example (queue "
	    "id, From domain)</th></tr>\n", fp);
	for (i = 0; i < n; i++) {
		fputs("<tr><td class=\"code\">", fp);
		h(fp, t[i].code);
		fprintf(fp, "</td><td class=\"num\">%" PRIu64 "</td>"
		    "<td class=\"hint\">", t[i].count);
		h(fp, t[i].first->hint);
		fputs("</td><td><code>", fp);
		h(fp, t[i].first->example);
		fputs("</code> ", fp);
		dname(fp, t[i].domain->name, t[i].domain->namelen, "");
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n", fp);
	free(t);
}

/* count_of - messages of verdict v in counts */
static uint64_t
count_of(const struct logsum_view *vw, const uint64_t *counts, const char *v)
{
	int	 i = logsum_verdict_index(vw, v);

	return i >= 0 ? counts[i] : 0;
}

/* tables - domains, keys, hosts, unparsed lines */
static void
tables(FILE *fp, const struct logsum_view *vw)
{
	static const char *const	 shown[] = { "esp-only", "fail",
	    "dns-error", "permerror", "none" };
	const struct logsum_domain	*d;
	size_t				 i, j;

	fputs("<h2>From domains</h2>\n<table id=\"domains\"><tr><th>domain"
	    "</th><th class=\"num\">messages</th><th class=\"num\">passing"
	    "</th>", fp);
	for (j = 0; j < sizeof(shown) / sizeof(shown[0]); j++)
		fprintf(fp, "<th class=\"num\">%s</th>", shown[j]);
	fputs("<th>top reason</th></tr>\n", fp);
	for (i = 0; i < vw->ndomains; i++) {
		d = vw->domains[i];
		fputs("<tr><td class=\"domain\">", fp);
		dname(fp, d->name, d->namelen, "(no From domain)");
		fprintf(fp, "</td><td class=\"num messages\">%" PRIu64 "</td>"
		    "<td class=\"num\">%.1f%%</td>", d->messages,
		    pct(d->passing, d->messages));
		for (j = 0; j < sizeof(shown) / sizeof(shown[0]); j++)
			fprintf(fp, "<td class=\"num %s\">%" PRIu64 "</td>",
			    shown[j], count_of(vw, d->verdict, shown[j]));
		fputs("<td>", fp);
		if (d->nreasons > 0) {
			h(fp, d->reasons[0].code);
			fprintf(fp, " (%" PRIu64 ", e.g. <code>",
			    d->reasons[0].count);
			h(fp, d->reasons[0].example);
			fputs("</code>)", fp);
		}
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n", fp);
	if (vw->nkeys > 0) {
		fputs("<h2>Signing keys</h2>\n<table id=\"keys\"><tr><th>key"
		    "</th><th>algorithm</th><th class=\"num\">messages signed"
		    "</th></tr>\n", fp);
		for (i = 0; i < vw->nkeys; i++) {
			fputs("<tr><td>", fp);
			h(fp, vw->keys[i]->s);
			fputs("._domainkey.", fp);
			report_hesc(fp, vw->keys[i]->d, vw->keys[i]->dlen);
			fputs("</td><td>", fp);
			h(fp, vw->keys[i]->a);
			fprintf(fp, "</td><td class=\"num\">%" PRIu64
			    "</td></tr>\n", vw->keys[i]->messages);
		}
		fputs("</table>\n", fp);
	}
	fputs("<h2>Hosts</h2>\n<table id=\"hosts\"><tr><th>host</th>"
	    "<th class=\"num\">messages</th><th class=\"num\">passing</th>"
	    "</tr>\n", fp);
	for (i = 0; i < vw->nhosts; i++) {
		fputs("<tr><td class=\"host\">", fp);
		dname(fp, vw->hosts[i]->name, vw->hosts[i]->namelen,
		    "(none: milter -f output)");
		fprintf(fp, "</td><td class=\"num\">%" PRIu64 "</td>"
		    "<td class=\"num\">%.1f%%</td></tr>\n",
		    vw->hosts[i]->messages, pct(vw->hosts[i]->passing,
		    vw->hosts[i]->messages));
	}
	fputs("</table>\n", fp);
	if (vw->unparsed > 0) {
		fprintf(fp, "<h2>Verdict lines not parsed: <span id=\""
		    "unparsed\">%" PRIu64 "</span></h2>\n<ul>\n",
		    vw->unparsed);
		for (i = 0; i < vw->nunparsed_lines; i++) {
			fputs("<li>", fp);
			h(fp, vw->unparsed_lines[i].file);
			fprintf(fp, ":%lu: ", vw->unparsed_lines[i].line);
			h(fp, vw->unparsed_lines[i].why);
			fputs("</li>\n", fp);
		}
		fputs("</ul>\n", fp);
	}
}

/* report_html - the page */
void
report_html(FILE *fp, const struct logsum_view *vw,
    const struct report_input *in)
{
	const struct logsum_domain	*d;
	char				 t1[40], t2[40];
	size_t				 i, j;
	int64_t				 lo, hi;

	fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-"
	    "Policy\" content=\"default-src 'none'; style-src "
	    "'unsafe-inline'\">\n<title>dkimlens report</title>\n"
	    "<style>%s</style></head><body>\n", style);
	fprintf(fp, "<h1>DKIM verdicts: <span id=\"messages\">%" PRIu64
	    "</span> messages</h1>\n<p>", vw->messages);
	if (vw->has_time)
		fprintf(fp, "From %s to %s (UTC). ", report_isotime(vw->first,
		    t1, sizeof(t1)), report_isotime(vw->last, t2,
		    sizeof(t2)));
	fprintf(fp, "%zu input%s", in->nfiles, in->nfiles == 1 ? "" : "s");
	if (in->domain != NULL) {
		fputs(", From domain ", fp);
		h(fp, in->domain);
	}
	fprintf(fp, "; %" PRIu64 " verdict lines not parsed.</p>\n",
	    vw->unparsed);
	for (i = 0; i < vw->ndomains; i++) {
		d = vw->domains[i];
		if (!report_esp_mostly(vw, d))
			continue;
		fputs("<div class=\"attention\"><strong>", fp);
		dname(fp, d->name, d->namelen, "(no From domain)");
		fprintf(fp, "</strong>: %" PRIu64 " of %" PRIu64 " messages "
		    "carry only an ESP's signature", count_of(vw, d->verdict,
		    "esp-only"), d->messages);
		if (d->esp != NULL) {
			fputs(" (d=", fp);
			h(fp, d->esp);
			fputc(')', fp);
		}
		fputs(": the domain is not DKIM-signing this mail.<br>"
		    "<span class=\"hint\">Causes: ", fp);
		h(fp, logsum_esp_causes());
		fputs(".</span></div>\n", fp);
	}
	fputs("<h2>Verdicts</h2>\n<table id=\"verdicts\">", fp);
	for (i = 0; i < vw->nverdicts; i++) {
		j = vw->order[i];
		fprintf(fp, "<tr><td class=\"verdict\">%s</td>"
		    "<td class=\"num\">%" PRIu64 "</td><td class=\"num\">%.1f%%</td></tr>\n",
		    vw->verdict_name[j], vw->verdict[j],
		    pct(vw->verdict[j], vw->messages));
	}
	fputs("</table>\n", fp);
	fprintf(fp, "<h2>Verdicts over time (%s, UTC), worst domains "
	    "first</h2>\n", vw->bucket_secs >= 86400 ? "per day" : "per hour");
	if (vw->has_time) {
		legend(fp);
		lo = (int64_t)vw->first / vw->bucket_secs;
		hi = (int64_t)vw->last / vw->bucket_secs;
		if (vw->first < 0)
			lo = -((-(int64_t)vw->first + vw->bucket_secs - 1) /
			    vw->bucket_secs);
		for (i = 0; i < vw->ndomains && i < TIMELINE_DOMAINS; i++)
			if (vw->domains[i]->nbuckets > 0)
				timeline(fp, vw, vw->domains[i], lo, hi);
	} else
		fputs("<p>The lines carry no time (the milter's -f "
		    "output).</p>\n", fp);
	fputs("<h2>Share passing per domain</h2>\n", fp);
	passing_bars(fp, vw);
	fputs("<h2>Top reasons</h2>\n", fp);
	reasons(fp, vw);
	tables(fp, vw);
	fputs("</body></html>\n", fp);
}
