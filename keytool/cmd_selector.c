/*
 * cmd_selector - dkimlens-keytool selector: a selector against RFC 6376
 * and the Amazon SES BYODKIM rules
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "lib/selector.h"

#include "keytool/cmds.h"
#include "keytool/output.h"

static const char usage_text[] =
    "usage: dkimlens-keytool selector [--json] S...\n"
    "Checks each selector S.  SES BYODKIM takes 1 to 63 letters and digits\n"
    "only; RFC 6376 also allows hyphens inside labels and periods between\n"
    "them.  Verdicts: ses-ok, dkim-only (valid DKIM, rejected by SES),\n"
    "invalid (not a DKIM selector).  Exit 0 when every S is ses-ok, 1\n"
    "otherwise, 2 on usage errors.\n";

/* verdict_text - the verdict for a person */
static const char *
verdict_text(enum selector_verdict v)
{
	switch (v) {
	case SELECTOR_SES_OK:
		return "valid for DKIM and accepted by SES";
	case SELECTOR_DKIM_ONLY:
		return "valid DKIM (RFC 6376 allows dots and hyphens) but "
		    "rejected by SES";
	default:
		return "not a valid DKIM selector at all";
	}
}

/* print_one - one selector's verdict */
static void
print_one(const char *s, const struct selector_result *r, int json,
    int first)
{
	if (json) {
		printf("%s{\"selector\":", first ? "" : ",");
		json_str(stdout, s);
		printf(",\"verdict\":\"%s\",\"dkim_valid\":%s,"
		    "\"ses_valid\":%s,\"problem\":",
		    selector_verdict_name(r->verdict),
		    r->verdict != SELECTOR_INVALID ? "true" : "false",
		    r->verdict == SELECTOR_SES_OK ? "true" : "false");
		if (r->problem != SELECTOR_PROB_NONE)
			json_str(stdout, selector_problem_name(r->problem));
		else
			printf("null");
		printf(",\"detail\":");
		json_str(stdout, r->detail);
		printf(",\"suggestion\":");
		if (r->suggestion[0] != '\0')
			json_str(stdout, r->suggestion);
		else
			printf("null");
		printf("}");
		return;
	}
	printf("selector \"%s\": %s: %s\n", s,
	    selector_verdict_name(r->verdict), verdict_text(r->verdict));
	if (r->problem == SELECTOR_PROB_NONE)
		return;
	printf("  problem %s: %s\n", selector_problem_name(r->problem),
	    r->detail);
	if (r->suggestion[0] != '\0')
		printf("  fix: use \"%s\" (SES: 1 to 63 letters and digits)\n",
		    r->suggestion);
	else
		printf("  fix: use 1 to 63 letters and digits, for example "
		    "\"s1\"\n");
}

/* cmd_selector - check selectors */
int
cmd_selector(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct selector_result	 r;
	int			 ch, i, json = 0, rc = EXIT_OK;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return EXIT_OK;
		default:
			fputs(usage_text, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (json)
		printf("%s", argc - optind > 1 ? "[" : "");
	for (i = optind; i < argc; i++) {
		selector_check(argv[i], &r);
		if (r.verdict != SELECTOR_SES_OK)
			rc = EXIT_PROBLEM;
		print_one(argv[i], &r, json, i == optind);
	}
	if (json)
		printf("%s\n", argc - optind > 1 ? "]" : "");
	return fflush(stdout) == 0 ? rc : EXIT_USAGE;
}
