/*
 * cmd_verify - dkimlens-keytool verify (being written; see the issue)
 */
#include "keytool/cmds.h"
#include "keytool/output.h"

int
cmd_verify(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kt_warnx("verify: not available in this build yet");
	return EXIT_USAGE;
}
