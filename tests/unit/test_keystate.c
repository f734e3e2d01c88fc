/*
 * test_keystate - the state of our own signing keys (lib/keystate.c)
 * against fixture DNS: each state, its cause and fix, and the TTL.
 * The published p= values come from tests/unit/oracle.c, not the lib.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/evp.h>

#include "lib/buf.h"
#include "lib/dns.h"
#include "lib/errbuf.h"
#include "lib/keystate.h"
#include "tests/unit/fake_dns.h"
#include "tests/unit/oracle.h"

static EVP_PKEY		*ours, *other;
static char		 ours_pub[1024], other_pub[1024];
static struct dns_resolver *res;

static int
group_setup(void **state)
{
	struct dns_settings	 ds;
	struct buf		 z;
	int			 rc;

	(void)state;
	if ((ours = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) == NULL ||
	    (other = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) == NULL ||
	    pub_b64(ours, ours_pub) == -1 || pub_b64(other, other_pub) == -1)
		return -1;
	fake_dns_reset();
	buf_init(&z, 0);
	rc = buf_printf(&z,
	    "ok._domainkey.example.com 3600 TXT \"v=DKIM1; k=ed25519; p=%s\"\n"
	    "short._domainkey.example.com 1 TXT \"v=DKIM1; k=ed25519; p=%s\"\n"
	    "other._domainkey.example.com TXT \"v=DKIM1; k=ed25519; p=%s\"\n"
	    "revoked._domainkey.example.com TXT \"v=DKIM1; k=ed25519; p=\"\n"
	    "test._domainkey.example.com TXT \"v=DKIM1; t=y; k=ed25519; "
	    "p=%s\"\n"
	    "two._domainkey.example.com TXT \"v=DKIM1; k=ed25519; p=%s\"\n"
	    "two._domainkey.example.com TXT \"v=DKIM1; k=ed25519; p=%s\"\n"
	    "spf._domainkey.example.com TXT \"v=spf1 -all\"\n"
	    "broken._domainkey.example.com SERVFAIL\n"
	    "quoted._domainkey.example.com TXT \"\\\"v=DKIM1; k=ed25519; "
	    "p=%s\\\"\"\n"
	    "dup._domainkey.example.com.example.com TXT \"v=DKIM1; "
	    "k=ed25519; p=%s\"\n"
	    "es._domainkey.example.com CNAME es.dkim.esp.example\n"
	    "es.dkim.esp.example TXT \"v=DKIM1; k=ed25519; p=%s\"\n",
	    ours_pub, ours_pub, other_pub, ours_pub, ours_pub, other_pub,
	    ours_pub, ours_pub, ours_pub);
	if (rc == -1 || fake_dns_load(z.data) == -1) {
		buf_free(&z);
		return -1;
	}
	buf_free(&z);
	memset(&ds, 0, sizeof(ds));
	ds.nameservers = "192.0.2.53";
	ds.no_cache = 1;
	if ((res = dns_resolver_new(&ds, NULL)) == NULL)
		return -1;
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	dns_resolver_free(res);
	EVP_PKEY_free(ours);
	EVP_PKEY_free(other);
	fake_dns_reset();
	return 0;
}

/* check - keystate_check for selector s of example.com with our key */
static struct keystate_result
check(const char *s)
{
	struct keystate_result	 r;
	struct errbuf		 err;

	errbuf_clear(&err);
	if (keystate_check(res, "example.com", s, ours, &r, &err) == -1)
		fail_msg("keystate_check(%s): %s", s, err.msg);
	return r;
}

static void
test_published(void **state)
{
	struct keystate_result	 r = check("ok");

	(void)state;
	assert_string_equal(keystate_name(r.state), "published");
	assert_string_equal(r.name, "ok._domainkey.example.com");
	assert_int_equal(r.ttl, 3600);
	assert_string_equal(r.cause, "");
	/* Through a CNAME, as receivers follow it. */
	r = check("es");
	assert_int_equal(r.state, KEYSTATE_PUBLISHED);
}

static void
test_ttl_is_clamped(void **state)
{
	struct keystate_result	 r = check("short");

	(void)state;
	assert_int_equal(r.state, KEYSTATE_PUBLISHED);
	assert_int_equal(r.ttl, KEYSTATE_TTL_MIN);
}

static void
test_missing_names_the_fix(void **state)
{
	struct keystate_result	 r = check("gone");

	(void)state;
	assert_string_equal(keystate_name(r.state), "missing");
	assert_non_null(strstr(r.cause, "NXDOMAIN"));
	assert_non_null(strstr(r.fix, "dkimlens-keytool"));
	/* A TXT that is not a key record is no key either. */
	r = check("spf");
	assert_int_equal(r.state, KEYSTATE_MISSING);
	assert_non_null(strstr(r.cause, "none a DKIM key record"));
}

static void
test_missing_at_duplicated_apex(void **state)
{
	struct keystate_result	 r = check("dup");

	(void)state;
	assert_int_equal(r.state, KEYSTATE_MISSING);
	assert_non_null(strstr(r.cause,
	    "dup._domainkey.example.com.example.com"));
	assert_true(r.fix[0] != '\0');
}

static void
test_mismatch(void **state)
{
	struct keystate_result	 r = check("other");

	(void)state;
	assert_string_equal(keystate_name(r.state), "mismatch");
	assert_true(r.cause[0] != '\0');
	assert_non_null(strstr(r.fix, "public half"));
	r = check("two");
	assert_int_equal(r.state, KEYSTATE_MISMATCH);
	assert_non_null(strstr(r.cause, "2 DKIM key records"));
	r = check("quoted");
	assert_int_equal(r.state, KEYSTATE_MISMATCH);
	assert_non_null(strstr(r.fix, "quotes"));
}

static void
test_revoked_and_testing(void **state)
{
	struct keystate_result	 r = check("revoked");

	(void)state;
	assert_string_equal(keystate_name(r.state), "revoked");
	assert_non_null(strstr(r.cause, "revoked"));
	r = check("test");
	assert_string_equal(keystate_name(r.state), "testing");
	assert_non_null(strstr(r.cause, "t=y"));
}

static void
test_dns_error(void **state)
{
	struct keystate_result	 r = check("broken");

	(void)state;
	assert_string_equal(keystate_name(r.state), "dns-error");
	assert_non_null(strstr(r.cause, "SERVFAIL"));
	assert_int_equal(r.ttl, KEYSTATE_RETRY);
}

static void
test_overlong_name_is_an_error(void **state)
{
	struct keystate_result	 r;
	struct errbuf		 err;
	char			 d[256];
	size_t			 i, before;

	(void)state;
	/* four labels of 60 octets: a domain of 243, a key name of 257 */
	for (i = 0; i < sizeof(d) - 1; i++)
		d[i] = i % 61 == 60 ? '.' : 'a';
	d[243] = '\0';
	errbuf_clear(&err);
	before = fake_dns_queries();
	assert_int_equal(keystate_check(res, d, "sel", ours, &r, &err), -1);
	if (strstr(err.msg, "253") == NULL)
		fail_msg("%s", err.msg);
	/* never looked up at a shortened name */
	assert_int_equal(fake_dns_queries(), before);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_published),
		cmocka_unit_test(test_ttl_is_clamped),
		cmocka_unit_test(test_missing_names_the_fix),
		cmocka_unit_test(test_missing_at_duplicated_apex),
		cmocka_unit_test(test_mismatch),
		cmocka_unit_test(test_revoked_and_testing),
		cmocka_unit_test(test_dns_error),
		cmocka_unit_test(test_overlong_name_is_an_error),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
