/*
 * cmd_record - dkimlens-keytool record (being written; see the issue)
 */
#include "keytool/cmds.h"
#include "keytool/output.h"

int
cmd_record(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kt_warnx("record: not available in this build yet");
	return EXIT_USAGE;
}
