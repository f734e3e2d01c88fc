/*
 * cmd_record - dkimlens-keytool record: a key (public or private, any
 * encoding) to its DNS TXT record value and one-line public key
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
    "usage: dkimlens-keytool record KEYFILE [--selector S --domain D]\n"
    "           [--value | --public | --json]\n"
    "Reads a public or private key (PEM with or without header and footer,\n"
    "DER, base64 with or without line breaks, or a certificate; KEYFILE -\n"
    "reads stdin) and prints the one-line public key, the TXT record value\n"
    "and, with --selector and --domain, the zone-file record.  --value\n"
    "prints only the TXT value, --public only the public key.\n"
    "Exit 0 ok, 1 not a usable key, 2 usage or I/O error.\n";

/* print_record - the forms of the public key, as mode asks */
static void
print_record(const char *path, EVP_PKEY *pkey, int mode, const char *pub,
    const char *txt, const char *zone)
{
	switch (mode) {
	case 'v':
		printf("%s\n", txt);
		break;
	case 'p':
		printf("%s\n", pub);
		break;
	case 'j':
		printf("{\"file\":");
		json_str(stdout, path);
		printf(",\"key_type\":");
		json_str(stdout, EVP_PKEY_is_a(pkey, "ED25519") ? "ED25519" :
		    "RSA");
		printf(",\"bits\":%d,\"public_key\":",
		    EVP_PKEY_get_bits(pkey));
		json_str(stdout, pub);
		printf(",\"txt\":");
		json_str(stdout, txt);
		printf(",\"zone\":");
		if (zone != NULL)
			json_str(stdout, zone);
		else
			printf("null");
		printf("}\n");
		break;
	default:
		printf("public key (one line):\n%s\n\nTXT value:\n%s\n", pub,
		    txt);
		if (zone != NULL)
			printf("\nDNS record (zone-file syntax):\n%s\n", zone);
		break;
	}
}

/* cmd_record - turn a key into its DNS record */
int
cmd_record(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "selector", required_argument, NULL, 's' },
		{ "domain", required_argument, NULL, 'd' },
		{ "value", no_argument, NULL, 'v' },
		{ "public", no_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct selector_result	 sr;
	struct errbuf		 err;
	EVP_PKEY		*pkey = NULL;
	const char		*path, *sel = NULL, *dom = NULL;
	unsigned char		*data = NULL;
	char			*pub = NULL, *txt = NULL, *zone = NULL;
	size_t			 len = 0;
	int			 ch, mode = 0, rc = EXIT_USAGE;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "s:d:vpjh", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			sel = optarg;
			break;
		case 'd':
			dom = optarg;
			break;
		case 'v':
		case 'p':
		case 'j':
			if (mode != 0 && mode != ch) {
				kt_warnx("--value, --public and --json "
				    "exclude each other");
				return EXIT_USAGE;
			}
			mode = ch;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return EXIT_OK;
		default:
			fputs(usage_text, stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1 || (sel == NULL) != (dom == NULL)) {
		if (argc - optind == 1)
			kt_warnx("--selector and --domain go together");
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	path = argv[optind];
	errbuf_clear(&err);
	if (dom != NULL && selector_check_domain(dom, &err) == -1) {
		kt_warnx("--domain: %s", err.msg);
		return EXIT_USAGE;
	}
	if (sel != NULL) {
		selector_check(sel, &sr);
		if (sr.verdict == SELECTOR_INVALID) {
			kt_warnx("--selector: \"%s\" is not a DKIM selector: "
			    "%s", sel, sr.detail);
			return EXIT_USAGE;
		}
		if (sr.verdict == SELECTOR_DKIM_ONLY)
			kt_warnx("selector \"%s\" is valid DKIM but SES "
			    "rejects it: %s", sel, sr.detail);
	}
	/* a named file is read as every key file is (lib/keyfile.h) */
	if (strcmp(path, "-") == 0) {
		if ((data = (unsigned char *)read_input(path,
		    KEYFILE_MAX_BYTES, &len)) == NULL)
			return EXIT_USAGE;
	} else if (keyfile_read(path, 0, NULL, &data, &len, &err) == -1) {
		kt_warnx("%s", err.msg);
		return EXIT_USAGE;
	}
	if (keyfile_parse_public(strcmp(path, "-") == 0 ? "stdin" : path,
	    data, len, &pkey, &err) == -1) {
		kt_warnx("%s", err.msg);
		kt_warnx("'dkimlens-keytool check %s' explains what is wrong",
		    path);
		rc = EXIT_PROBLEM;
		goto done;
	}
	if ((pub = keyfile_public_b64(pkey, &err)) == NULL ||
	    (txt = keyfile_txt_record(pkey, &err)) == NULL ||
	    (sel != NULL && (zone = keyfile_zone_record(sel, dom, txt,
	    &err)) == NULL)) {
		kt_warnx("%s: %s", path, err.msg);
		rc = EXIT_PROBLEM;
		goto done;
	}
	print_record(path, pkey, mode, pub, txt, zone);
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_USAGE;
done:
	free(zone);
	free(txt);
	free(pub);
	EVP_PKEY_free(pkey);
	keyfile_data_free(data, len);
	return rc;
}
