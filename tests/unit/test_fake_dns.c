/*
 * test_fake_dns - the fixture resolver behaves as fake_dns.h promises
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/dns.h"
#include "lib/errbuf.h"
#include "tests/unit/fake_dns.h"

static const char fixture[] =
    "# comment\n"
    "sel._domainkey.example.com TXT \"v=DKIM1; k=rsa; \" \"p=AB\\\"C\"\n"
    "two.example.com 60 TXT one\n"
    "two.example.com TXT \"two\"\n"
    "a.example.com CNAME b.example.net.\n"
    "b.example.net CNAME c.example.org\n"
    "c.example.org TXT target\n"
    "dangling.example.com CNAME gone.example.com\n"
    "gone.example.com NXDOMAIN\n"
    "broken.example.com SERVFAIL\n"
    "slow.example.com TIMEOUT\n"
    "host.example.com A 192.0.2.1\n"
    "deep.sub.example.com A 192.0.2.2\n"
    "loop1.example.com CNAME loop2.example.com\n"
    "loop2.example.com CNAME loop1.example.com\n"
    "example.com SOA ns1.example.com h.example.com 1 2 3 4 300\n"
    "@192.0.2.53 child.example.com AUTH NS ns1.child.example.com\n"
    "@192.0.2.53 child.example.com AUTH NS ns2.elsewhere.net\n"
    "@192.0.2.53 ns1.child.example.com ADDL A 192.0.2.7\n"
    "@192.0.2.53 unrelated.example ADDL A 192.0.2.8\n";

struct ctx {
	struct dns_resolver	*res;
};

/* setup - load the fixture and make a caching resolver */
static int
setup(void **state)
{
	static struct ctx	 c;
	struct dns_settings	 set;

	fake_dns_reset();
	if (fake_dns_load(fixture) == -1)
		return -1;
	memset(&set, 0, sizeof(set));
	set.nameservers = "127.0.0.1:5353";
	if ((c.res = dns_resolver_new(&set, NULL)) == NULL)
		return -1;
	*state = &c;
	return 0;
}

/* teardown - free the resolver and the table */
static int
teardown(void **state)
{
	struct ctx	*c = *state;

	dns_resolver_free(c->res);
	fake_dns_reset();
	return 0;
}

/* query - dns_query that must not fail locally */
static struct dns_answer *
query(void **state, const char *name, enum dns_type type)
{
	struct ctx		*c = *state;
	struct dns_answer	*a = NULL;

	assert_int_equal(dns_query(c->res, name, type, &a, NULL), 0);
	assert_non_null(a);
	return a;
}

static void
test_txt_strings_joined(void **state)
{
	struct dns_answer	*a;

	a = query(state, "Sel._domainkey.example.com.", DNS_T_TXT);
	assert_int_equal(a->status, DNS_OK);
	assert_int_equal(a->rcode, 0);
	assert_int_equal(a->nrr, 1);
	assert_int_equal(a->rr[0].nstrings, 2);
	assert_string_equal(a->rr[0].data, "v=DKIM1; k=rsa; p=AB\"C");
	assert_int_equal(a->rr[0].data_len, strlen(a->rr[0].data));
	assert_string_equal(a->server, "127.0.0.1:5353");
	dns_answer_free(a);
}

static void
test_two_txt_records(void **state)
{
	struct dns_answer	*a;

	a = query(state, "two.example.com", DNS_T_TXT);
	assert_int_equal(a->status, DNS_OK);
	assert_int_equal(a->nrr, 2);
	assert_int_equal(a->rr[0].ttl, 60);
	assert_int_equal(a->rr[1].ttl, 300);
	dns_answer_free(a);
}

static void
test_cname_chain_followed(void **state)
{
	struct dns_answer	*a;

	a = query(state, "a.example.com", DNS_T_TXT);
	assert_int_equal(a->status, DNS_OK);
	assert_string_equal(a->qname, "a.example.com");
	assert_int_equal(a->ncname, 2);
	assert_string_equal(a->cname[0], "b.example.net");
	assert_string_equal(a->cname[1], "c.example.org");
	assert_string_equal(a->rr[0].data, "target");
	dns_answer_free(a);
}

static void
test_cname_to_nxdomain(void **state)
{
	struct dns_answer	*a;

	a = query(state, "dangling.example.com", DNS_T_TXT);
	assert_int_equal(a->status, DNS_NXDOMAIN);
	assert_int_equal(a->rcode, 3);
	assert_int_equal(a->ncname, 1);
	dns_answer_free(a);
}

static void
test_cname_loop_is_badresponse(void **state)
{
	struct dns_answer	*a;

	a = query(state, "loop1.example.com", DNS_T_TXT);
	assert_int_equal(a->status, DNS_BADRESPONSE);
	dns_answer_free(a);
}

static void
test_nodata_nxdomain_failures(void **state)
{
	struct dns_answer	*a;

	a = query(state, "host.example.com", DNS_T_TXT);
	assert_int_equal(a->status, DNS_NODATA);
	dns_answer_free(a);
	a = query(state, "sub.example.com", DNS_T_TXT);
	assert_int_equal(a->status, DNS_NODATA);	/* empty non-terminal */
	dns_answer_free(a);
	a = query(state, "nothing.example.com", DNS_T_TXT);
	assert_int_equal(a->status, DNS_NXDOMAIN);
	dns_answer_free(a);
	a = query(state, "broken.example.com", DNS_T_TXT);
	assert_int_equal(a->status, DNS_SERVFAIL);
	assert_int_equal(a->rcode, 2);
	dns_answer_free(a);
	a = query(state, "slow.example.com", DNS_T_TXT);
	assert_int_equal(a->status, DNS_TIMEOUT);
	assert_int_equal(a->rcode, -1);
	dns_answer_free(a);
}

static void
test_cache_counts_queries(void **state)
{
	struct dns_answer	*a;
	size_t			 n;

	n = fake_dns_queries();
	a = query(state, "host.example.com", DNS_T_A);
	assert_int_equal(a->from_cache, 0);
	assert_string_equal(a->rr[0].data, "192.0.2.1");
	dns_answer_free(a);
	a = query(state, "HOST.example.com.", DNS_T_A);
	assert_int_equal(a->from_cache, 1);
	assert_int_equal(a->nrr, 1);
	dns_answer_free(a);
	assert_int_equal(fake_dns_queries(), n + 1);
	/* failures are not cached */
	a = query(state, "broken.example.com", DNS_T_TXT);
	dns_answer_free(a);
	a = query(state, "broken.example.com", DNS_T_TXT);
	assert_int_equal(a->from_cache, 0);
	dns_answer_free(a);
	assert_int_equal(fake_dns_queries(), n + 3);
}

static void
test_malformed_name_fails(void **state)
{
	struct ctx		*c = *state;
	struct dns_answer	*a = NULL;
	struct errbuf		 err;
	char			 label[96];

	memset(label, 'x', 70);
	strcpy(label + 70, ".example.com");
	errbuf_clear(&err);
	assert_int_equal(dns_query(c->res, label, DNS_T_TXT, &a, &err), -1);
	assert_null(a);
	assert_true(err.msg[0] != '\0');
	assert_int_equal(dns_query(c->res, "a..b", DNS_T_TXT, &a, &err), -1);
}

static void
test_referral_at_server(void **state)
{
	struct ctx		*c = *state;
	struct dns_answer	*a = NULL;

	assert_int_equal(dns_query_at(c->res, "192.0.2.53",
	    "child.example.com", DNS_T_NS, 0, &a, NULL), 0);
	assert_int_equal(a->status, DNS_NODATA);
	assert_int_equal(a->rcode, 0);
	assert_int_equal(a->aa, 0);
	assert_int_equal(a->nrr, 0);
	assert_int_equal(a->nauth, 2);
	assert_int_equal(a->naddl, 1);
	assert_string_equal(a->addl[0].name, "ns1.child.example.com");
	assert_string_equal(a->addl[0].data, "192.0.2.7");
	assert_string_equal(a->server, "192.0.2.53:53");
	dns_answer_free(a);
	/* another server reads the common table, and no CNAME following */
	assert_int_equal(dns_query_at(c->res, "127.0.0.1:5353",
	    "a.example.com", DNS_T_TXT, 1, &a, NULL), 0);
	assert_int_equal(a->status, DNS_OK);
	assert_int_equal(a->ncname, 0);
	assert_int_equal(a->rr[0].type, DNS_T_CNAME);
	dns_answer_free(a);
}

static void *
worker(void *arg)
{
	struct dns_resolver	*res = arg;
	struct dns_answer	*a;
	int			 i, bad = 0;

	for (i = 0; i < 200; i++) {
		if (dns_query(res, "a.example.com", DNS_T_TXT, &a, NULL) != 0)
			return (void *)1;
		bad |= a->status != DNS_OK;
		dns_answer_free(a);
	}
	return bad ? (void *)1 : NULL;
}

static void
test_threads(void **state)
{
	struct ctx	*c = *state;
	pthread_t	 t[4];
	void		*rv;
	int		 i;

	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, c->res),
		    0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], &rv), 0);
		assert_null(rv);
	}
}

static void
test_bad_fixture_rejected(void **state)
{
	(void)state;
	assert_int_equal(fake_dns_load("x.example A 999.1.1.1\n"), -1);
	assert_int_equal(fake_dns_load("x.example FOO bar\n"), -1);
	assert_int_equal(fake_dns_load("x.example TXT \"unterminated\n"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_txt_strings_joined,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_txt_records,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_cname_chain_followed,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_cname_to_nxdomain,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_cname_loop_is_badresponse,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_nodata_nxdomain_failures,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_cache_counts_queries,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_name_fails,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_referral_at_server,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_fixture_rejected,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
