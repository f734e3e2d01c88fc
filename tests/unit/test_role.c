/*
 * test_role - author, ESP or third-party signature (lib/role.h)
 *
 * Organizational domains (RFC 7489 3.2: the registrable domain under the
 * Public Suffix List, including its wildcard and exception rules), RFC
 * 7489 3.1.1 relaxed alignment between d= and the From domain, and the ESP
 * list (default amazonses.com, comma or space separated, subdomains
 * included).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/role.h"

static const struct {
	const char	*name;
	const char	*org;
} org_rows[] = {
	{ "example.com", "example.com" },
	{ "mail.example.com", "example.com" },
	{ "a.b.c.example.com", "example.com" },
	{ "Mail.Example.COM", "example.com" },
	{ "example.com.", "example.com" },
	{ "mail.example.de", "example.de" },
	{ "example.co.uk", "example.co.uk" },
	{ "mail.example.co.uk", "example.co.uk" },
	{ "a.b.example.com.au", "example.com.au" },
	{ "shop.example.ne.jp", "example.ne.jp" },
	{ "a.b.example.pvt.k12.ma.us", "example.pvt.k12.ma.us" },
	/* PSL wildcard "*.kawasaki.jp" and exception "!city.kawasaki.jp" */
	{ "a.b.kawasaki.jp", "a.b.kawasaki.jp" },
	{ "www.city.kawasaki.jp", "city.kawasaki.jp" },
	/* a public suffix is its own organizational domain */
	{ "co.uk", "co.uk" },
	{ "com", "com" },
	{ "", "" },
};

/* test_org_domain_rows - one row per shape of name */
static void
test_org_domain_rows(void **state)
{
	char	 out[256];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(org_rows) / sizeof(org_rows[0]); i++) {
		memset(out, 'X', sizeof(out));
		role_org_domain(org_rows[i].name, out, sizeof(out));
		if (strcmp(out, org_rows[i].org) != 0)
			fail_msg("org of \"%s\": \"%s\", want \"%s\"",
			    org_rows[i].name, out, org_rows[i].org);
	}
}

/* test_org_domain_truncates_to_outlen - always NUL-terminated */
static void
test_org_domain_truncates_to_outlen(void **state)
{
	char	 out[6];

	(void)state;
	memset(out, 'X', sizeof(out));
	role_org_domain("mail.example.com", out, sizeof(out));
	assert_true(memchr(out, '\0', sizeof(out)) != NULL);
	assert_true(strncmp(out, "examp", 5) == 0);
}

static const struct {
	const char	*name, *domain;
	int		 want;
} under_rows[] = {
	{ "example.com", "example.com", 1 },
	{ "mail.example.com", "example.com", 1 },
	{ "a.b.example.com", "example.com", 1 },
	{ "EXAMPLE.com", "example.COM", 1 },
	{ "mail.example.com.", "example.com", 1 },
	{ "mail.example.com", "example.com.", 1 },
	{ "badexample.com", "example.com", 0 },
	{ "example.com", "mail.example.com", 0 },
	{ "example.com.evil", "example.com", 0 },
	{ "com", "example.com", 0 },
	{ "example.com", "", 0 },
};

/* test_is_under_rows - equal or a subdomain on a label boundary */
static void
test_is_under_rows(void **state)
{
	size_t	 i;
	int	 got;

	(void)state;
	for (i = 0; i < sizeof(under_rows) / sizeof(under_rows[0]); i++) {
		got = role_is_under(under_rows[i].name, under_rows[i].domain);
		if (got != under_rows[i].want)
			fail_msg("is_under(\"%s\", \"%s\") = %d, want %d",
			    under_rows[i].name, under_rows[i].domain, got,
			    under_rows[i].want);
	}
}

static const struct {
	const char	*label;
	const char	*sdid, *from, *esp;
	enum role	 want;
} role_rows[] = {
	{ "same domain", "example.com", "example.com", NULL, ROLE_AUTHOR },
	{ "case differs", "EXAMPLE.com", "example.COM", NULL, ROLE_AUTHOR },
	{ "d= parent of From", "example.com", "mail.example.com", NULL,
	  ROLE_AUTHOR },
	{ "d= child of From", "dkim.example.com", "example.com", NULL,
	  ROLE_AUTHOR },
	{ "siblings in one org domain", "a.example.com", "b.example.com",
	  NULL, ROLE_AUTHOR },
	{ "same org under co.uk", "mail.example.co.uk", "example.co.uk",
	  NULL, ROLE_AUTHOR },
	{ "different org under co.uk", "other.co.uk", "example.co.uk", NULL,
	  ROLE_THIRD_PARTY },
	{ "registry label is not an org", "co.uk", "example.co.uk", NULL,
	  ROLE_THIRD_PARTY },
	{ "TLD is not an org", "com", "example.com", NULL,
	  ROLE_THIRD_PARTY },
	{ "unrelated domain", "example.net", "example.com", NULL,
	  ROLE_THIRD_PARTY },
	{ "look-alike suffix", "badexample.com", "example.com", NULL,
	  ROLE_THIRD_PARTY },
	{ "default ESP", "amazonses.com", "example.com", NULL, ROLE_ESP },
	{ "below the default ESP", "us-east-1.amazonses.com", "example.com",
	  NULL, ROLE_ESP },
	{ "ESP is the author of its own mail", "amazonses.com",
	  "amazonses.com", NULL, ROLE_AUTHOR },
	{ "no From: ESP", "amazonses.com", NULL, NULL, ROLE_ESP },
	{ "no From: anything else", "example.com", NULL, NULL,
	  ROLE_THIRD_PARTY },
	{ "empty From", "example.com", "", NULL, ROLE_THIRD_PARTY },
	{ "comma list", "sendgrid.net", "example.com",
	  "amazonses.com,sendgrid.net", ROLE_ESP },
	{ "comma and space list", "mailgun.org", "example.com",
	  "sendgrid.net, mailgun.org", ROLE_ESP },
	{ "space list", "em.mailgun.org", "example.com",
	  "sendgrid.net mailgun.org", ROLE_ESP },
	{ "tab in list", "mailgun.org", "example.com",
	  "sendgrid.net\tmailgun.org", ROLE_ESP },
	{ "custom list replaces the default", "amazonses.com",
	  "example.com", "sendgrid.net", ROLE_THIRD_PARTY },
	{ "empty list", "amazonses.com", "example.com", "",
	  ROLE_THIRD_PARTY },
	{ "list entry is not a substring match", "notsendgrid.net",
	  "example.com", "sendgrid.net", ROLE_THIRD_PARTY },
};

/* test_role_of_rows - author wins, then the ESP list, else third party */
static void
test_role_of_rows(void **state)
{
	size_t		 i;
	enum role	 got;

	(void)state;
	for (i = 0; i < sizeof(role_rows) / sizeof(role_rows[0]); i++) {
		got = role_of(role_rows[i].sdid, role_rows[i].from,
		    role_rows[i].esp);
		if (got != role_rows[i].want)
			fail_msg("%s: d=%s From=%s: %s, want %s",
			    role_rows[i].label, role_rows[i].sdid,
			    role_rows[i].from == NULL ? "(none)" :
			    role_rows[i].from, role_name(got),
			    role_name(role_rows[i].want));
	}
}

/* test_role_names - the words of verdict lines */
static void
test_role_names(void **state)
{
	(void)state;
	assert_string_equal(role_name(ROLE_AUTHOR), "author");
	assert_string_equal(role_name(ROLE_ESP), "esp");
	assert_string_equal(role_name(ROLE_THIRD_PARTY), "third-party");
	assert_string_equal(ROLE_ESP_DEFAULT, "amazonses.com");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_org_domain_rows),
		cmocka_unit_test(test_org_domain_truncates_to_outlen),
		cmocka_unit_test(test_is_under_rows),
		cmocka_unit_test(test_role_of_rows),
		cmocka_unit_test(test_role_names),
	};

	return cmocka_run_group_tests_name("role", tests, NULL, NULL);
}
