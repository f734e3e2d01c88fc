/*
 * cmd_dns - dkimlens-keytool dns: the DNS diagnosis of a domain's DKIM
 * records (lib/diag.h), printed for people or as JSON
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "lib/diag.h"
#include "lib/dns.h"
#include "lib/errbuf.h"
#include "lib/keyfile.h"

#include "keytool/cmds.h"
#include "keytool/output.h"

#define TIMEOUT_DEFAULT_MS	5000
#define TIMEOUT_MAX_S		60
#define NAMESERVERS_MAX		1024	/* joined --nameserver list */

static const char usage_text[] =
    "usage: dkimlens-keytool dns DOMAIN [--selector S...]\n"
    "           [--ses-tokens T1,T2,T3] [--expect-cname-suffix SUFFIX]\n"
    "           [--key KEYFILE] [--nameserver HOST[:PORT]...]\n"
    "           [--timeout SECS] [--json]\n"
    "Diagnoses the DKIM records of DOMAIN: its delegated name servers, each\n"
    "asked directly; the CNAME or TXT at every selector; duplicated apex,\n"
    "missing underscore, stray characters, CNAME target, TXT through CNAME,\n"
    "the key record (revoked, t=y, weak, several, not --key's public half).\n"
    "Give --selector, --ses-tokens or both.  Each Easy DKIM token T must be\n"
    "a CNAME T._domainkey.DOMAIN -> T.dkim.amazonses.com; with\n"
    "--expect-cname-suffix X it is T.X, and each --selector S must be a\n"
    "CNAME to S.X.  --nameserver (repeatable) is the recursive resolver\n"
    "(default: /etc/resolv.conf); further --nameserver are the DNS\n"
    "provider's servers, to find records placed there but not on the\n"
    "delegated servers.  Exit 0 no fail, 1 a fail, 2 usage or I/O error.\n";

enum { OPT_SELECTOR = 256, OPT_TOKENS, OPT_SUFFIX, OPT_KEY, OPT_NS,
	OPT_TIMEOUT, OPT_JSON, OPT_HELP };

static const struct option longopts[] = {
	{ "selector",		required_argument, NULL, OPT_SELECTOR },
	{ "ses-tokens",		required_argument, NULL, OPT_TOKENS },
	{ "expect-cname-suffix", required_argument, NULL, OPT_SUFFIX },
	{ "key",		required_argument, NULL, OPT_KEY },
	{ "nameserver",		required_argument, NULL, OPT_NS },
	{ "timeout",		required_argument, NULL, OPT_TIMEOUT },
	{ "json",		no_argument,	   NULL, OPT_JSON },
	{ "help",		no_argument,	   NULL, OPT_HELP },
	{ NULL,			0,		   NULL, 0 }
};

struct opts {
	const char		*domain;
	const char		*sels[DIAG_SELECTOR_MAX];
	size_t			 nsels;
	char			*tokens[DIAG_SELECTOR_MAX]; /* owned */
	size_t			 ntokens;
	const char		*suffix;
	const char		*keyfile;
	const char		*ns[DIAG_PROBE_MAX];
	size_t			 nns;
	unsigned int		 timeout_ms;
	int			 json;
};

/* usage_error - a message and the usage on stderr; EXIT_USAGE */
static int
usage_error(const char *msg)
{
	kt_warnx("dns: %s", msg);
	fputs(usage_text, stderr);
	return EXIT_USAGE;
}

/* split_tokens - "T1,T2,T3" into o->tokens; -1 on a bad list */
static int
split_tokens(struct opts *o, const char *list)
{
	const char	*p = list;
	size_t		 n;

	while (*p != '\0') {
		p += strspn(p, ", \t");
		if (*p == '\0')
			break;
		n = strcspn(p, ", \t");
		if (o->nsels + o->ntokens == DIAG_SELECTOR_MAX) {
			kt_warnx("dns: more than %d selectors and tokens",
			    DIAG_SELECTOR_MAX);
			return -1;
		}
		if ((o->tokens[o->ntokens] = strndup(p, n)) == NULL) {
			kt_warnx("dns: out of memory");
			return -1;
		}
		o->ntokens++;
		p += n;
	}
	if (o->ntokens == 0) {
		kt_warnx("dns: --ses-tokens names no token");
		return -1;
	}
	return 0;
}

/* parse_timeout - seconds (may have a fraction) to milliseconds */
static int
parse_timeout(const char *s, unsigned int *ms_out)
{
	char	*end;
	double	 secs;

	secs = strtod(s, &end);
	if (end == s || *end != '\0' || !(secs > 0) || secs > TIMEOUT_MAX_S)
		return -1;
	*ms_out = (unsigned int)(secs * 1000.0 + 0.5);
	if (*ms_out == 0)
		*ms_out = 1;
	return 0;
}

/* parse_args - fill o; EXIT_OK to go on, else the exit status */
static int
parse_args(int argc, char **argv, struct opts *o)
{
	int	 ch;

	memset(o, 0, sizeof(*o));
	o->timeout_ms = TIMEOUT_DEFAULT_MS;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_SELECTOR:
			if (o->nsels + o->ntokens == DIAG_SELECTOR_MAX)
				return usage_error("too many selectors");
			o->sels[o->nsels++] = optarg;
			break;
		case OPT_TOKENS:
			if (split_tokens(o, optarg) == -1)
				return usage_error("bad --ses-tokens");
			break;
		case OPT_SUFFIX:
			o->suffix = optarg;
			break;
		case OPT_KEY:
			o->keyfile = optarg;
			break;
		case OPT_NS:
			if (o->nns == DIAG_PROBE_MAX)
				return usage_error("too many --nameserver");
			o->ns[o->nns++] = optarg;
			break;
		case OPT_TIMEOUT:
			if (parse_timeout(optarg, &o->timeout_ms) == -1)
				return usage_error("--timeout wants seconds, "
				    "more than 0 and at most 60");
			break;
		case OPT_JSON:
			o->json = 1;
			break;
		case 'h':
		case OPT_HELP:
			fputs(usage_text, stdout);
			return -1;
		default:
			return usage_error("unknown option or missing "
			    "argument");
		}
	}
	if (optind + 1 != argc)
		return usage_error(optind == argc ? "no DOMAIN given" :
		    "one DOMAIN only");
	o->domain = argv[optind];
	if (o->nsels + o->ntokens == 0)
		return usage_error("give --selector or --ses-tokens");
	if (o->suffix != NULL && (o->suffix[0] == '\0' ||
	    o->suffix[0] == '.'))
		return usage_error("--expect-cname-suffix wants a domain, "
		    "e.g. dkim.amazonses.com");
	return EXIT_OK;
}

/* join_name - "label.suffix", owned; NULL after a message */
static char *
join_name(const char *label, const char *suffix)
{
	size_t	 len = strlen(label) + strlen(suffix) + 2;
	char	*s;

	if ((s = malloc(len)) == NULL) {
		kt_warnx("dns: out of memory");
		return NULL;
	}
	snprintf(s, len, "%s.%s", label, suffix);
	return s;
}

/*
 * print_text - one line per finding, worst first, and a summary.  Names,
 * servers, evidence and fixes hold bytes from DNS answers: every one
 * goes out through esc_str, so a record cannot end the line or forge one.
 */
static void
print_text(const struct diag_report *r)
{
	const struct diag_finding	*f;
	size_t				 i;

	for (i = 0; i < r->nfindings; i++) {
		f = &r->findings[i];
		printf("%-4s  %-16s ", diag_status_name(f->status),
		    diag_check_name(f->check));
		esc_str(stdout, f->name);
		if (f->server[0] != '\0') {
			fputs(" @ ", stdout);
			esc_str(stdout, f->server);
		}
		fputs(": ", stdout);
		esc_str(stdout, f->evidence);
		if (f->fix[0] != '\0') {
			fputs(" -- fix: ", stdout);
			esc_str(stdout, f->fix);
		}
		putchar('\n');
	}
	esc_str(stdout, r->domain);
	printf(": %zu fail, %zu warn, %zu ok: %s\n", r->nfail,
	    r->nwarn, r->nok, r->nfail > 0 ? "DKIM will not verify until the "
	    "failures are fixed" : r->nwarn > 0 ? "DKIM should verify; see "
	    "the warnings" : "no problem found");
}

/* print_json - {"domain": ..., "findings": [...], "summary": {...}} */
static void
print_json(const struct diag_report *r)
{
	const struct diag_finding	*f;
	size_t				 i;

	printf("{\"domain\":");
	json_esc_str(stdout, r->domain);
	printf(",\"findings\":[");
	for (i = 0; i < r->nfindings; i++) {
		f = &r->findings[i];
		printf("%s{\"check\":", i > 0 ? "," : "");
		json_str(stdout, diag_check_name(f->check));
		printf(",\"status\":");
		json_str(stdout, diag_status_name(f->status));
		printf(",\"name\":");
		json_esc_str(stdout, f->name);
		printf(",\"server\":");
		json_esc_str(stdout, f->server);
		printf(",\"evidence\":");
		json_esc_str(stdout, f->evidence);
		printf(",\"fix\":");
		json_esc_str(stdout, f->fix);
		putchar('}');
	}
	printf("],\"summary\":{\"fail\":%zu,\"warn\":%zu,\"ok\":%zu}}\n",
	    r->nfail, r->nwarn, r->nok);
}

/* cmd_dns - dkimlens-keytool dns */
int
cmd_dns(int argc, char **argv)
{
	struct opts		 o;
	struct diag_selector	 sel[DIAG_SELECTOR_MAX];
	char			*expect[DIAG_SELECTOR_MAX];
	struct diag_settings	 ds;
	struct dns_settings	 dset;
	struct dns_resolver	*res = NULL;
	struct diag_report	*rep = NULL;
	struct errbuf		 err;
	EVP_PKEY		*key = NULL;
	char			 nslist[NAMESERVERS_MAX];
	const char		*suffix;
	size_t			 i, n = 0, len = 0;
	int			 rc;

	memset(expect, 0, sizeof(expect));
	errbuf_clear(&err);
	if ((rc = parse_args(argc, argv, &o)) != EXIT_OK) {
		rc = rc == -1 ? EXIT_OK : rc;
		goto done;
	}
	rc = EXIT_USAGE;

	/* Easy DKIM: T._domainkey.D CNAME T.dkim.amazonses.com. */
	suffix = o.suffix != NULL ? o.suffix : DIAG_SES_SUFFIX;
	for (i = 0; i < o.ntokens; i++, n++) {
		if ((expect[n] = join_name(o.tokens[i], suffix)) == NULL)
			goto done;
		sel[n].selector = o.tokens[i];
		sel[n].expect_cname = expect[n];
	}
	for (i = 0; i < o.nsels; i++, n++) {
		sel[n].selector = o.sels[i];
		sel[n].expect_cname = NULL;
		if (o.suffix != NULL) {
			if ((expect[n] = join_name(o.sels[i], o.suffix)) ==
			    NULL)
				goto done;
			sel[n].expect_cname = expect[n];
		}
	}

	if (o.keyfile != NULL &&
	    keyfile_load_private(o.keyfile, &key, &err) == -1) {
		kt_warnx("dns: %s", err.msg);
		goto done;
	}

	nslist[0] = '\0';
	for (i = 0; i < o.nns && len < sizeof(nslist); i++)
		len += (size_t)snprintf(nslist + len, sizeof(nslist) - len,
		    "%s%s", i > 0 ? "," : "", o.ns[i]);
	memset(&dset, 0, sizeof(dset));
	dset.nameservers = o.nns > 0 ? nslist : NULL;
	dset.timeout_ms = o.timeout_ms;
	dset.retries = 0;	/* a silent server costs one timeout */
	dset.no_cache = 1;	/* every question reaches a server */
	if ((res = dns_resolver_new(&dset, &err)) == NULL) {
		kt_warnx("dns: %s", err.msg);
		goto done;
	}

	memset(&ds, 0, sizeof(ds));
	ds.domain = o.domain;
	ds.selectors = sel;
	ds.nselectors = n;
	ds.key = key;
	ds.probe_servers = o.ns;
	ds.nprobe = o.nns;
	if (diag_run(res, &ds, &rep, &err) == -1) {
		kt_warnx("dns: %s", err.msg);
		goto done;
	}
	if (o.json)
		print_json(rep);
	else
		print_text(rep);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		kt_warnx("dns: cannot write the report");
		goto done;
	}
	rc = rep->nfail > 0 ? EXIT_PROBLEM : EXIT_OK;
done:
	diag_report_free(rep);
	dns_resolver_free(res);
	EVP_PKEY_free(key);
	for (i = 0; i < DIAG_SELECTOR_MAX; i++)
		free(expect[i]);
	for (i = 0; i < o.ntokens; i++)
		free(o.tokens[i]);
	return rc;
}
