/*
 * cmds - the subcommands of dkimlens-keytool
 *
 * Each takes the arguments after the subcommand name (argv[0] is the
 * subcommand) and returns the process exit status: 0 ok, 1 problem found,
 * 2 usage or I/O error.  Results go to stdout, diagnostics to stderr.
 */
#ifndef DKIMLENS_KEYTOOL_CMDS_H
#define DKIMLENS_KEYTOOL_CMDS_H

#define EXIT_OK		0
#define EXIT_PROBLEM	1
#define EXIT_USAGE	2

int	cmd_sign(int argc, char **argv);
int	cmd_verify(int argc, char **argv);
int	cmd_check(int argc, char **argv);
int	cmd_selector(int argc, char **argv);
int	cmd_genkey(int argc, char **argv);
int	cmd_record(int argc, char **argv);
int	cmd_dns(int argc, char **argv);
int	cmd_report(int argc, char **argv);

#endif
