/*
 * cmd_dns - dkimlens-keytool dns (being written; see the issue)
 */
#include "keytool/cmds.h"
#include "keytool/output.h"

int
cmd_dns(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kt_warnx("dns: not available in this build yet");
	return EXIT_USAGE;
}
