/*
 * cmd_selector - dkimlens-keytool selector (being written; see the issue)
 */
#include "keytool/cmds.h"
#include "keytool/output.h"

int
cmd_selector(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kt_warnx("selector: not available in this build yet");
	return EXIT_USAGE;
}
