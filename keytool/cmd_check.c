/*
 * cmd_check - dkimlens-keytool check: judge a private key the way Amazon
 * SES BYODKIM will, name every problem with its fix, and on success print
 * the upload string and the DNS record
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "lib/errbuf.h"
#include "lib/keyfile.h"
#include "lib/selector.h"

#include "keytool/cmds.h"
#include "keytool/output.h"

static const char usage_text[] =
    "usage: dkimlens-keytool check KEYFILE [--selector S] [--domain D]\n"
    "           [--user NAME] [--upload-string] [--json]\n"
    "Checks a private key for Amazon SES BYODKIM: RSA of 1024 or 2048 bits,\n"
    "PKCS#1 or PKCS#8, given as PEM, DER or bare base64 (KEYFILE - reads\n"
    "stdin).  Names each problem with its fix; for a valid key prints the\n"
    "DNS TXT record of the public key at S._domainkey.D, and with\n"
    "--upload-string the one-line base64 of the private key to paste into\n"
    "SES.  --user NAME: the user that reads the key (dkimlens-milter's\n"
    "UserID) for the permission check; default the invoking user, or for\n"
    "root the key's owner.  Exit 0 valid, 1 invalid, 2 usage or I/O error.\n";

/* The selector's verdict as one more problem of the check. */
struct selprob {
	int	 bad;
	char	 detail[300];
	char	 fix[200];
};

/* selector_problem - fill sp when sel is not an SES selector */
static void
selector_problem(const char *sel, struct selprob *sp)
{
	struct selector_result	 sr;

	memset(sp, 0, sizeof(*sp));
	if (sel == NULL)
		return;
	selector_check(sel, &sr);
	if (sr.verdict == SELECTOR_SES_OK)
		return;
	sp->bad = 1;
	snprintf(sp->detail, sizeof(sp->detail), "selector \"%s\" is %s: %s "
	    "(%s)", sel, sr.verdict == SELECTOR_DKIM_ONLY ? "valid DKIM but "
	    "rejected by SES" : "not a valid DKIM selector",
	    selector_problem_name(sr.problem), sr.detail);
	if (sr.suggestion[0] != '\0')
		snprintf(sp->fix, sizeof(sp->fix), "use 1 to 63 letters and "
		    "digits, for example --selector %s", sr.suggestion);
	else
		snprintf(sp->fix, sizeof(sp->fix), "use 1 to 63 letters and "
		    "digits, for example --selector s1");
}

/* fill - fix with SELECTOR and DOMAIN replaced by the given values */
static const char *
fill(const char *fix, const char *sel, const char *dom, char *out,
    size_t outlen)
{
	const char	*p, *v;
	size_t		 n = 0, k;

	for (p = fix; *p != '\0' && n + 1 < outlen; ) {
		v = NULL;
		if (sel != NULL && strncmp(p, "SELECTOR", 8) == 0) {
			v = sel;
			p += 8;
		} else if (dom != NULL && strncmp(p, "DOMAIN", 6) == 0) {
			v = dom;
			p += 6;
		}
		if (v == NULL) {
			out[n++] = *p++;
			continue;
		}
		k = strlen(v);
		if (k > outlen - 1 - n)
			k = outlen - 1 - n;
		memcpy(out + n, v, k);
		n += k;
	}
	out[n] = '\0';
	return out;
}

/* print_json - the report as one JSON object */
static void
print_json(const char *path, const struct keyfile_report *r,
    const struct selprob *sp, const char *sel, const char *dom,
    const char *txt, const char *zone, int valid, int show_upload)
{
	const struct keyfile_finding	*f;
	char				 fmt[64], fix[KEYFILE_FIX_MAX + 256];
	size_t				 i;

	snprintf(fmt, sizeof(fmt), "%s %s", keyfile_encoding_name(r->encoding),
	    keyfile_structure_name(r->structure));
	printf("{\"file\":");
	json_str(stdout, path);
	printf(",\"valid\":%s,\"format\":", valid ? "true" : "false");
	json_str(stdout, fmt);
	printf(",\"encoding\":");
	json_str(stdout, keyfile_encoding_name(r->encoding));
	printf(",\"structure\":");
	json_str(stdout, keyfile_structure_name(r->structure));
	printf(",\"pem_label\":");
	if (r->pem_label[0] != '\0')
		json_str(stdout, r->pem_label);
	else
		printf("null");
	printf(",\"key_type\":");
	if (r->key_type[0] != '\0')
		json_str(stdout, r->key_type);
	else
		printf("null");
	printf(",\"bits\":%u,\"problems\":[", r->bits);
	for (i = 0; i < r->nfindings; i++) {
		f = &r->findings[i];
		printf("%s{\"name\":", i > 0 ? "," : "");
		json_str(stdout, keyfile_problem_name(f->problem));
		printf(",\"severity\":\"%s\",\"detail\":",
		    keyfile_problem_is_warning(f->problem) ? "warning" :
		    "error");
		json_str(stdout, f->detail);
		printf(",\"fix\":");
		json_str(stdout, fill(f->fix, sel, dom, fix, sizeof(fix)));
		printf("}");
	}
	if (sp->bad) {
		printf("%s{\"name\":\"selector\",\"severity\":\"error\","
		    "\"detail\":", r->nfindings > 0 ? "," : "");
		json_str(stdout, sp->detail);
		printf(",\"fix\":");
		json_str(stdout, sp->fix);
		printf("}");
	}
	printf("],\"upload\":");
	if (show_upload && r->upload != NULL && keyfile_report_valid(r))
		json_str(stdout, r->upload);
	else
		printf("null");
	printf(",\"selector\":");
	if (sel != NULL)
		json_str(stdout, sel);
	else
		printf("null");
	printf(",\"domain\":");
	if (dom != NULL)
		json_str(stdout, dom);
	else
		printf("null");
	printf(",\"txt\":");
	if (txt != NULL)
		json_str(stdout, txt);
	else
		printf("null");
	printf(",\"zone\":");
	if (zone != NULL)
		json_str(stdout, zone);
	else
		printf("null");
	printf("}\n");
}

/* print_text - the report for a person */
static void
print_text(const char *path, const struct keyfile_report *r,
    const struct selprob *sp, const char *sel, const char *dom,
    const char *txt, const char *zone, int valid, int show_upload)
{
	const struct keyfile_finding	*f;
	char				 fix[KEYFILE_FIX_MAX + 256];
	size_t				 i, nerr = sp->bad ? 1 : 0;

	for (i = 0; i < r->nfindings; i++)
		if (!keyfile_problem_is_warning(r->findings[i].problem))
			nerr++;
	if (valid)
		printf("%s: valid for SES BYODKIM\n", path);
	else
		printf("%s: INVALID for SES BYODKIM (%zu problem%s)\n", path,
		    nerr, nerr == 1 ? "" : "s");
	printf("format: %s %s", keyfile_encoding_name(r->encoding),
	    keyfile_structure_name(r->structure));
	if (r->pem_label[0] != '\0')
		printf(" (-----BEGIN %s-----)", r->pem_label);
	printf("\n");
	if (r->key_type[0] != '\0')
		printf("key: %s %u bits%s\n", r->key_type, r->bits,
		    r->is_private ? "" : ", public only");
	for (i = 0; i < r->nfindings; i++) {
		f = &r->findings[i];
		printf("%s %s: %s\n  fix: %s\n",
		    keyfile_problem_is_warning(f->problem) ? "warning" :
		    "error", keyfile_problem_name(f->problem), f->detail,
		    fill(f->fix, sel, dom, fix, sizeof(fix)));
	}
	if (sp->bad)
		printf("error selector: %s\n  fix: %s\n", sp->detail, sp->fix);
	if (r->upload != NULL && keyfile_report_valid(r)) {
		/* the private key itself: terminals and CI logs keep it */
		if (show_upload)
			printf("\nupload string (paste into SES as the private "
			    "key, one line):\n%s\n", r->upload);
		else
			printf("\nupload string: not shown (it is the private "
			    "key); add --upload-string to print it\n");
		if (txt != NULL)
			printf("\nTXT value:\n%s\n", txt);
		if (zone != NULL)
			printf("\nDNS record (zone-file syntax):\n%s\n", zone);
	}
}

/* cmd_check - check a key for SES BYODKIM */
int
cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "selector", required_argument, NULL, 's' },
		{ "domain", required_argument, NULL, 'd' },
		{ "user", required_argument, NULL, 'u' },
		{ "upload-string", no_argument, NULL, 'U' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct keyfile_report	*r = NULL;
	struct selprob		 sp;
	struct selector_result	 sr;
	struct errbuf		 err;
	const char		*path, *sel = NULL, *dom = NULL, *user = NULL;
	char			*data = NULL, *txt = NULL, *zone = NULL;
	size_t			 len = 0;
	uid_t			 reader;
	int			 ch, json = 0, show_upload = 0, valid;
	int			 rc = EXIT_USAGE;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "s:d:u:Ujh", opts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			user = optarg;
			break;
		case 'U':
			show_upload = 1;
			break;
		case 's':
			sel = optarg;
			break;
		case 'd':
			dom = optarg;
			break;
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
	if (argc - optind != 1) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	path = strcmp(argv[optind], "-") == 0 ? "stdin" : argv[optind];
	if (kt_reader(user, &reader) == -1)
		return EXIT_USAGE;
	errbuf_clear(&err);
	if (dom != NULL && selector_check_domain(dom, &err) == -1) {
		kt_warnx("--domain: %s", err.msg);
		return EXIT_USAGE;
	}
	if (strcmp(argv[optind], "-") == 0) {
		if ((data = read_input(NULL, KEYFILE_MAX_BYTES, &len)) == NULL)
			return EXIT_USAGE;
		if (keyfile_check("stdin", (unsigned char *)data, len, &r,
		    &err) == -1) {
			kt_warnx("%s", err.msg);
			goto done;
		}
	} else if (keyfile_check_file(path, reader, &r, &err) == -1) {
		kt_warnx("%s", err.msg);
		goto done;
	}
	selector_problem(sel, &sp);
	valid = keyfile_report_valid(r) && !sp.bad;
	if (keyfile_report_valid(r)) {
		if ((txt = keyfile_txt_record(r->pkey, &err)) == NULL) {
			kt_warnx("%s: %s", path, err.msg);
			goto done;
		}
		if (sel != NULL)
			selector_check(sel, &sr);
		if (sel == NULL || sr.verdict != SELECTOR_INVALID) {
			zone = keyfile_zone_record(sel != NULL ? sel :
			    "SELECTOR", dom != NULL ? dom : "DOMAIN", txt,
			    &err);
			if (zone == NULL) {
				kt_warnx("%s: %s", path, err.msg);
				goto done;
			}
		}
	}
	if (json)
		print_json(path, r, &sp, sel, dom, txt, zone, valid,
		    show_upload);
	else {
		print_text(path, r, &sp, sel, dom, txt, zone, valid,
		    show_upload);
		if (zone != NULL && (sel == NULL || dom == NULL))
			kt_warnx("give --selector and --domain to fill in "
			    "SELECTOR and DOMAIN in the DNS record");
	}
	rc = fflush(stdout) == 0 ? (valid ? EXIT_OK : EXIT_PROBLEM) :
	    EXIT_USAGE;
done:
	free(zone);
	free(txt);
	keyfile_report_free(r);
	if (data != NULL) {
		OPENSSL_cleanse(data, len);
		free(data);
	}
	return rc;
}
