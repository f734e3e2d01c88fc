/*
 * test_rfile - configuration files are regular files (lib/rfile.c): a
 * FIFO, a directory or a device is refused at once, naming what it is,
 * and through the loaders that use it (conf, tables, host lists).
 */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/conf.h"
#include "lib/errbuf.h"
#include "lib/netlist.h"
#include "lib/rfile.h"

static char	 dir[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_rfile.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char	 p[128];

	(void)state;
	snprintf(p, sizeof(p), "%s/fifo", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/plain", dir);
	unlink(p);
	rmdir(dir);
	return 0;
}

static void
test_regular_file_opens(void **state)
{
	struct errbuf	 err;
	char		 p[128], line[32];
	FILE		*fp;

	(void)state;
	snprintf(p, sizeof(p), "%s/plain", dir);
	fp = fopen(p, "w");
	assert_non_null(fp);
	fputs("Mode v\n", fp);
	fclose(fp);
	errbuf_clear(&err);
	fp = rfile_open(p, &err);
	assert_non_null(fp);
	assert_non_null(fgets(line, sizeof(line), fp));
	assert_string_equal(line, "Mode v\n");
	fclose(fp);
}

static void
test_fifo_directory_device_refused(void **state)
{
	struct errbuf	 err;
	char		 p[128], want[200];

	(void)state;
	snprintf(p, sizeof(p), "%s/fifo", dir);
	assert_int_equal(mkfifo(p, 0600), 0);
	errbuf_clear(&err);
	/* returns at once: no writer, no wait */
	assert_null(rfile_open(p, &err));
	snprintf(want, sizeof(want), "%s: is a FIFO (named pipe), not a "
	    "regular file", p);
	assert_string_equal(err.msg, want);
	errbuf_clear(&err);
	assert_null(rfile_open(dir, &err));
	assert_non_null(strstr(err.msg, "is a directory"));
	errbuf_clear(&err);
	assert_null(rfile_open("/dev/null", &err));
	assert_non_null(strstr(err.msg, "is a character device"));
	errbuf_clear(&err);
	assert_null(rfile_open("/nonexistent/x.conf", &err));
	assert_string_equal(err.msg,
	    "/nonexistent/x.conf: No such file or directory");
}

static void
test_loaders_refuse_a_fifo(void **state)
{
	struct errbuf	 err;
	struct netlist	*nl;
	char		 p[128];

	(void)state;
	snprintf(p, sizeof(p), "%s/fifo", dir);
	assert_int_equal(mkfifo(p, 0600), 0);
	errbuf_clear(&err);
	assert_null(conf_load(p, &err));
	assert_non_null(strstr(err.msg, "is a FIFO"));
	errbuf_clear(&err);
	nl = netlist_load(p, "t.conf:1: InternalHosts", &err);
	assert_null(nl);
	assert_non_null(strstr(err.msg, "is a FIFO"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_regular_file_opens,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_fifo_directory_device_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loaders_refuse_a_fifo,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
