/*
 * cmd_genkey - dkimlens-keytool genkey (being written; see the issue)
 */
#include "keytool/cmds.h"
#include "keytool/output.h"

int
cmd_genkey(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kt_warnx("genkey: not available in this build yet");
	return EXIT_USAGE;
}
