/*
 * test_netlist - InternalHosts lists: addresses, CIDR networks, host
 * names, exclusions, files, and errors naming their place
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/errbuf.h"
#include "lib/netlist.h"

static void
test_default_list_is_loopback(void **state)
{
	struct errbuf	 err;
	struct netlist	*nl;

	(void)state;
	nl = netlist_load("127.0.0.1, ::1", "t.conf:1", &err);
	assert_non_null(nl);
	assert_int_equal(netlist_count(nl), 2);
	assert_true(netlist_match(nl, "127.0.0.1", NULL));
	assert_true(netlist_match(nl, "::1", NULL));
	assert_true(netlist_match(nl, "::ffff:127.0.0.1", NULL));
	assert_true(netlist_match(nl, "[::1]", NULL));
	assert_false(netlist_match(nl, "127.0.0.2", NULL));
	assert_false(netlist_match(nl, "192.0.2.1", "localhost"));
	assert_false(netlist_match(nl, NULL, NULL));
	netlist_free(nl);
}

static void
test_networks_names_and_exclusions(void **state)
{
	static const struct {
		const char	*label, *addr, *host;
		int		 in;
	} rows[] = {
		{ "inside /24", "192.0.2.77", NULL, 1 },
		{ "excluded host", "192.0.2.13", NULL, 0 },
		{ "outside /24", "192.0.3.1", NULL, 0 },
		{ "host bits in entry ignored", "198.51.100.100", NULL, 1 },
		{ "v6 network", "2001:db8:1::25", NULL, 1 },
		{ "v6 outside", "2001:db9::1", NULL, 0 },
		{ "sendmail IPv6: form", "IPv6:2001:db8::1", NULL, 1 },
		{ "mapped v4", "::ffff:192.0.2.5", NULL, 1 },
		{ "host name", "203.0.113.9", "MX1.example.net", 1 },
		{ "suffix", "203.0.113.9", "a.b.corp.example", 1 },
		{ "suffix is not the domain", "203.0.113.9", "corp.example",
		  0 },
		{ "star suffix", "203.0.113.9", "x.lan.example", 1 },
		{ "excluded name", "203.0.113.9", "bad.corp.example", 0 },
		{ "/8 network", "10.1.2.3", NULL, 1 },
	};
	struct errbuf	 err;
	struct netlist	*nl;
	size_t		 i;

	(void)state;
	nl = netlist_load("192.0.2.0/24 !192.0.2.13, 198.51.100.1/25,"
	    "2001:db8::/32 mx1.example.net .corp.example *.lan.example "
	    "!bad.corp.example 10.0.0.0/8", "t.conf:1", &err);
	if (nl == NULL)
		fail_msg("%s", err.msg);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (netlist_match(nl, rows[i].addr, rows[i].host) !=
		    rows[i].in)
			fail_msg("%s: want %d", rows[i].label, rows[i].in);
	netlist_free(nl);
}

static void
test_file_list_and_errors(void **state)
{
	struct errbuf	 err;
	struct netlist	*nl;
	char		 path[] = "/tmp/test_netlist.XXXXXX", spec[64];
	char		 want[128];
	FILE		*fp;
	int		 fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	fputs("# internal hosts\n127.0.0.1\n\n10.0.0.0/8  # office\n"
	    "localhost\n", fp);
	fclose(fp);
	snprintf(spec, sizeof(spec), "refile:%s", path);
	nl = netlist_load(spec, "t.conf:3", &err);
	if (nl == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(netlist_count(nl), 3);
	assert_true(netlist_match(nl, "10.9.8.7", NULL));
	assert_true(netlist_match(nl, NULL, "localhost"));
	netlist_free(nl);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("127.0.0.1\n\n10.0.0.0/33\n", fp);
	fclose(fp);
	assert_null(netlist_load(path, "t.conf:3", &err));
	snprintf(want, sizeof(want), "%s:3: '10.0.0.0/33'", path);
	assert_memory_equal(err.msg, want, strlen(want));
	unlink(path);
	assert_null(netlist_load(path, "t.conf:3", &err));
	assert_non_null(strstr(err.msg, "No such file"));
}

static void
test_bad_entries_are_named(void **state)
{
	static const char *const bad[] = { "300.1.1.1", "192.0.2.0/",
		"192.0.2.0/x", "::1/129", "1.2.3", "exa$mple.com", "a..b",
		"2001:db8::g" };
	struct errbuf	 err;
	struct netlist	*nl;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		nl = netlist_load(bad[i], "t.conf:9: InternalHosts", &err);
		if (nl != NULL) {
			netlist_free(nl);
			fail_msg("%s: accepted", bad[i]);
		}
		if (strncmp(err.msg, "t.conf:9: InternalHosts: '", 26) != 0)
			fail_msg("%s: %s", bad[i], err.msg);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_list_is_loopback),
		cmocka_unit_test(test_networks_names_and_exclusions),
		cmocka_unit_test(test_file_list_and_errors),
		cmocka_unit_test(test_bad_entries_are_named),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
