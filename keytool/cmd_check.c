/*
 * cmd_check - dkimlens-keytool check (being written; see the issue)
 */
#include "keytool/cmds.h"
#include "keytool/output.h"

int
cmd_check(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kt_warnx("check: not available in this build yet");
	return EXIT_USAGE;
}
