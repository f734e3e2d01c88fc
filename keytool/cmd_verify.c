/*
 * cmd_verify - dkimlens-keytool verify: verify one message offline
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ares.h"
#include "lib/dns.h"
#include "lib/msg.h"
#include "lib/verify.h"

#include "keytool/cmds.h"
#include "keytool/output.h"

#define MESSAGE_MAX	(64 * 1024 * 1024)

static const char usage_text[] =
    "usage: dkimlens-keytool verify [--nameserver HOST[:PORT]]\n"
    "           [--esp-domains LIST] [--timeout SECS] [FILE]\n"
    "Prints one line per DKIM-Signature of the message in FILE (or stdin),\n"
    "top to bottom:\n"
    "  dkim=RESULT (reason) header.d=D header.s=S header.a=A header.b=B "
    "role=ROLE\n"
    "Exit 0 when an author signature passes, 1 when none does, 2 on usage\n"
    "or I/O errors.\n";

static int
add_header(void *arg, const char *name, const char *value, struct errbuf *err)
{
	return verifier_header(arg, name, value, err);
}

/* cmd_verify - verify a message */
int
cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "nameserver", required_argument, NULL, 'n' },
		{ "esp-domains", required_argument, NULL, 'e' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct dns_settings	 ds;
	struct verify_settings	 vst;
	struct dns_resolver	*dns = NULL;
	struct verifier		*v = NULL;
	const struct verify_sig	*vs;
	struct errbuf		 err;
	char			*msg = NULL, *end, line[1400];
	size_t			 len, body_off, i;
	int			 ch, rc = EXIT_USAGE;
	long			 secs;

	memset(&ds, 0, sizeof(ds));
	memset(&vst, 0, sizeof(vst));
	ds.timeout_ms = 5000;
	ds.retries = 1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "n:e:t:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'n': ds.nameservers = optarg; break;
		case 'e': vst.esp_domains = optarg; break;
		case 't':
			secs = strtol(optarg, &end, 10);
			if (*end != '\0' || secs <= 0 || secs > 600) {
				kt_warnx("--timeout: '%s' is not 1-600 seconds",
				    optarg);
				return EXIT_USAGE;
			}
			ds.timeout_ms = (unsigned int)secs * 1000;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return EXIT_OK;
		default:
			fputs(usage_text, stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	errbuf_clear(&err);
	if ((dns = dns_resolver_new(&ds, &err)) == NULL) {
		kt_warnx("%s", err.msg);
		return EXIT_USAGE;
	}
	if ((msg = read_input(argc > optind ? argv[optind] : NULL,
	    MESSAGE_MAX, &len)) == NULL)
		goto done;
	vst.dns = dns;
	if ((v = verifier_new(&vst, &err)) == NULL ||
	    msg_split(msg, len, add_header, v, &body_off, &err) == -1 ||
	    verifier_eoh(v, &err) == -1 ||
	    verifier_body(v, msg + body_off, len - body_off, &err) == -1 ||
	    verifier_eom(v, &err) == -1) {
		kt_warnx("%s", err.msg);
		goto done;
	}
	rc = EXIT_PROBLEM;
	if (verifier_nsigs(v) == 0)
		printf("dkim=none (no DKIM-Signature)\n");
	for (i = 0; i < verifier_nsigs(v); i++) {
		vs = verifier_sig(v, i);
		ares_resinfo(vs, line, sizeof(line));
		printf("%s role=%s\n", line, role_name(vs->role));
		if (vs->hint[0] != '\0')
			printf("  hint: %s\n", vs->hint);
		if (vs->result.verdict == VERDICT_PASS &&
		    vs->role == ROLE_AUTHOR)
			rc = EXIT_OK;
	}
	if (verifier_hint(v)[0] != '\0' && verifier_verdict(v) != MSG_PASS &&
	    verifier_verdict(v) != MSG_FAIL &&
	    verifier_verdict(v) != MSG_PERMERROR &&
	    verifier_verdict(v) != MSG_DNS_ERROR)
		printf("  hint: %s\n", verifier_hint(v));
	if (fflush(stdout) != 0)
		rc = EXIT_USAGE;
done:
	verifier_free(v);
	dns_resolver_free(dns);
	free(msg);
	return rc;
}
