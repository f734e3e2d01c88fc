/*
 * cmd_sign - dkimlens-keytool sign: sign one message offline
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "lib/keyfile.h"
#include "lib/msg.h"
#include "lib/sign.h"

#include "keytool/cmds.h"
#include "keytool/output.h"

#define MESSAGE_MAX	(64 * 1024 * 1024)

static const char usage_text[] =
    "usage: dkimlens-keytool sign --key FILE --domain D --selector S\n"
    "           [--algorithm rsa-sha256|ed25519-sha256] [--canon H/B]\n"
    "           [--headers LIST] [--identity I] [--expire SECS] [FILE]\n"
    "Signs the message in FILE (or stdin) and writes it to stdout with a\n"
    "DKIM-Signature on top.  --canon defaults to relaxed/relaxed; --headers\n"
    "is a colon-separated list (default: the RFC 6376 5.4.1 set present,\n"
    "From oversigned).\n";

static int
add_header(void *arg, const char *name, const char *value, struct errbuf *err)
{
	return signer_header(arg, name, value, err);
}

/* write_value - the field value with the message's own line ending */
static void
write_value(const char *v, int crlf)
{
	for (; *v != '\0'; v++) {
		if (*v == '\r' && v[1] == '\n' && !crlf)
			continue;
		putchar(*v);
	}
	fputs(crlf ? "\r\n" : "\n", stdout);
}

/* cmd_sign - sign a message */
int
cmd_sign(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "domain", required_argument, NULL, 'd' },
		{ "selector", required_argument, NULL, 's' },
		{ "algorithm", required_argument, NULL, 'a' },
		{ "canon", required_argument, NULL, 'c' },
		{ "headers", required_argument, NULL, 'H' },
		{ "identity", required_argument, NULL, 'i' },
		{ "expire", required_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct sign_settings	 st;
	struct signer		*signer = NULL;
	struct errbuf		 err;
	EVP_PKEY		*key = NULL;
	const char		*keyfile = NULL, *alg = NULL, *canon = NULL;
	char			*msg = NULL, *value = NULL, *end;
	size_t			 len, body_off;
	int			 ch, rc = EXIT_USAGE, crlf;

	memset(&st, 0, sizeof(st));
	st.hcanon = st.bcanon = CANON_RELAXED;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "k:d:s:a:c:H:i:x:h", opts,
	    NULL)) != -1) {
		switch (ch) {
		case 'k': keyfile = optarg; break;
		case 'd': st.domain = optarg; break;
		case 's': st.selector = optarg; break;
		case 'a': alg = optarg; break;
		case 'c': canon = optarg; break;
		case 'H': st.headers = optarg; break;
		case 'i': st.identity = optarg; break;
		case 'x':
			st.expire_secs = strtol(optarg, &end, 10);
			if (*end != '\0' || st.expire_secs <= 0) {
				kt_warnx("--expire: '%s' is not a number of "
				    "seconds", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			fputs(usage_text, stdout);
			return EXIT_OK;
		default:
			fputs(usage_text, stderr);
			return EXIT_USAGE;
		}
	}
	if (keyfile == NULL || st.domain == NULL || st.selector == NULL ||
	    argc - optind > 1) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (alg != NULL && sign_alg_parse(alg, &st.alg) == -1) {
		kt_warnx("--algorithm: '%s' is not rsa-sha256 or "
		    "ed25519-sha256", alg);
		return EXIT_USAGE;
	}
	if (canon != NULL && canon_parse(canon, &st.hcanon, &st.bcanon) == -1) {
		kt_warnx("--canon: '%s' is not simple|relaxed[/simple|relaxed]",
		    canon);
		return EXIT_USAGE;
	}
	errbuf_clear(&err);
	if (keyfile_load_private(keyfile, &key, &err) == -1) {
		kt_warnx("%s", err.msg);
		return EXIT_USAGE;
	}
	if (alg == NULL && EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519)
		st.alg = SIGN_ED25519_SHA256;
	st.key = key;
	if ((msg = read_input(argc > optind ? argv[optind] : NULL,
	    MESSAGE_MAX, &len)) == NULL)
		goto done;
	if ((signer = signer_new(&st, &err)) == NULL) {
		kt_warnx("%s", err.msg);
		goto done;
	}
	if (msg_split(msg, len, add_header, signer, &body_off, &err) == -1 ||
	    signer_eoh(signer, &err) == -1 ||
	    signer_body(signer, msg + body_off, len - body_off, &err) == -1 ||
	    signer_eom(signer, &value, &err) == -1) {
		kt_warnx("%s", err.msg);
		rc = EXIT_PROBLEM;
		goto done;
	}
	end = memchr(msg, '\n', len);
	crlf = end != NULL && end > msg && end[-1] == '\r';
	fputs("DKIM-Signature:", stdout);
	write_value(value, crlf);
	fwrite(msg, 1, len, stdout);
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_USAGE;
done:
	free(value);
	free(msg);
	signer_free(signer);
	EVP_PKEY_free(key);
	return rc;
}
