/*
 * dkimlens-keytool - keys, selectors, DNS diagnosis, offline sign/verify,
 * mail-log reports
 */
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "lib/version.h"

#include "keytool/cmds.h"

static const struct {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*summary;
} commands[] = {
	{ "check",	cmd_check,	"validate a BYODKIM private key" },
	{ "selector",	cmd_selector,	"check a selector against DKIM and SES rules" },
	{ "genkey",	cmd_genkey,	"generate a key pair, upload string and DNS record" },
	{ "record",	cmd_record,	"turn a key into its DNS TXT record value" },
	{ "dns",	cmd_dns,	"diagnose the DKIM DNS records of a domain" },
	{ "sign",	cmd_sign,	"sign one message" },
	{ "verify",	cmd_verify,	"verify the DKIM signatures of one message" },
	{ "report",	cmd_report,	"summarise the verdict lines of mail logs" },
};

static void
usage(FILE *fp)
{
	size_t	 i;

	fprintf(fp, "usage: dkimlens-keytool COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(fp, "  %-9s %s\n", commands[i].name,
		    commands[i].summary);
	fprintf(fp, "\n'dkimlens-keytool COMMAND --help' for a command's "
	    "options; see dkimlens-keytool(1).\n"
	    "'dkimlens-keytool --version' (-V) for the version.\n");
}

static void
stderr_sink(enum log_level level, const char *msg)
{
	(void)level;
	fprintf(stderr, "dkimlens-keytool: %s\n", msg);
}

int
main(int argc, char **argv)
{
	size_t	 i;
	char	 vbuf[256];

	log_set_sink(stderr_sink, LOG_LEVEL_WARNING);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("%s\n", version_line("dkimlens-keytool", vbuf,
		    sizeof(vbuf)));
		return EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "dkimlens-keytool: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
