/*
 * cmd_sign - dkimlens-keytool sign (being written; see the issue)
 */
#include "keytool/cmds.h"
#include "keytool/output.h"

int
cmd_sign(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kt_warnx("sign: not available in this build yet");
	return EXIT_USAGE;
}
