/*
 * test_diag - the DNS diagnosis (lib/diag.c) against fixture DNS
 *
 * The fixture resolver of tests/unit/fake_dns.h plays the parent zone's
 * server (192.0.2.1), the delegated servers (192.0.2.10-12) and the
 * recursive resolver.  Each test asserts check ids and statuses.
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

#include "lib/b64.h"
#include "lib/diag.h"
#include "lib/dns.h"
#include "lib/errbuf.h"
#include "tests/unit/fake_dns.h"

#define RSA1024	"MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCiqFTNlNcxNvL2DC5vsC" \
	"Tdx/hajOPBwl1jcKZGnww4T3oAIp3XbTNaLyHvA5O+ylgWx2pk6SQAJlNY3bKaWymI" \
	"SQz5+3hVu1ph5xJJl8uZPT1G/U4hKnrGVwzjSs8hqOL11kpph9oDoiZSoNmqjO+TA0" \
	"dUhQ1x9NpShJLCtxWEPQIDAQAB"
#define RSA512	"MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAJTLUbmlniCP94kh9qikavWp3lV" \
	"yC18f0RaMz/hcAO3Lu+0r9QyLkyBVUkR8MhEVMgQN+6whJn1rqngYoKjW4T8CAwEAA" \
	"Q=="
#define ED25519	"YseZFV99ZC9ZDHEfsIZlBnv262S/Zj7MMpesOfdh/Kg="

/* example.com, delegated by com.'s server 192.0.2.1 to two servers. */
static const char deleg[] =
    "com NS a.gtld.test\n"
    "a.gtld.test A 192.0.2.1\n"
    "example.com NS ns1.example.net\n"
    "example.com NS ns2.example.net\n"
    "example.com SOA ns1.example.net h.example.com 1 2 3 4 300\n"
    "ns1.example.net A 192.0.2.10\n"
    "ns2.example.net A 192.0.2.11\n"
    "@192.0.2.1 example.com AUTH NS ns1.example.net\n"
    "@192.0.2.1 example.com AUTH NS ns2.example.net\n"
    "@192.0.2.1 ns1.example.net ADDL A 192.0.2.10\n";

static const char easy[] =
    "t1._domainkey.example.com CNAME t1.dkim.amazonses.com\n"
    "t2._domainkey.example.com CNAME t2.dkim.amazonses.com.\n"
    "t1.dkim.amazonses.com TXT \"v=DKIM1; k=rsa; p=" RSA1024 "\"\n"
    "t2.dkim.amazonses.com TXT \"v=DKIM1; k=rsa; \" \"p=" RSA1024 "\"\n";

struct fx {
	struct dns_resolver	*res;
	struct diag_report	*rep;
};

/* setup - an empty fixture table and a resolver without cache */
static int
setup(void **state)
{
	struct fx		*fx;
	struct dns_settings	 set;

	fake_dns_reset();
	if ((fx = calloc(1, sizeof(*fx))) == NULL)
		return -1;
	memset(&set, 0, sizeof(set));
	set.nameservers = "192.0.2.53";
	set.no_cache = 1;
	if ((fx->res = dns_resolver_new(&set, NULL)) == NULL) {
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

/* teardown - free the report, the resolver and the table */
static int
teardown(void **state)
{
	struct fx	*fx = *state;

	diag_report_free(fx->rep);
	dns_resolver_free(fx->res);
	free(fx);
	fake_dns_reset();
	return 0;
}

/* load - the delegation plus the scenario's lines */
static void
load(const char *more)
{
	assert_int_equal(fake_dns_load(deleg), 0);
	assert_int_equal(fake_dns_load(more), 0);
}

/* run - diag_run for example.com with the selectors (NULL-terminated
 * pairs of selector and expected CNAME) */
static struct diag_report *
run(struct fx *fx, EVP_PKEY *key, const char *probe, ...)
{
	struct diag_selector	 sel[DIAG_SELECTOR_MAX];
	struct diag_settings	 ds;
	struct errbuf		 err;
	const char		*probes[1], *s;
	size_t			 n = 0;
	va_list			 ap;

	va_start(ap, probe);
	while ((s = va_arg(ap, const char *)) != NULL) {
		sel[n].selector = s;
		sel[n].expect_cname = va_arg(ap, const char *);
		n++;
	}
	va_end(ap);
	memset(&ds, 0, sizeof(ds));
	ds.domain = "example.com";
	ds.selectors = sel;
	ds.nselectors = n;
	ds.key = key;
	probes[0] = probe;
	ds.probe_servers = probes;
	ds.nprobe = probe != NULL ? 1 : 0;
	errbuf_clear(&err);
	if (diag_run(fx->res, &ds, &fx->rep, &err) == -1)
		fail_msg("diag_run: %s", err.msg);
	return fx->rep;
}

/* count - findings with this check, status and (unless NULL) name */
static size_t
count(const struct diag_report *r, enum diag_check check,
    enum diag_status status, const char *name)
{
	size_t	 i, n = 0;

	for (i = 0; i < r->nfindings; i++)
		n += r->findings[i].check == check &&
		    r->findings[i].status == status &&
		    (name == NULL || strcmp(r->findings[i].name, name) == 0);
	return n;
}

/* problems - warn and fail findings */
static size_t
problems(const struct diag_report *r)
{
	return r->nwarn + r->nfail;
}

/* dump - the report, shown when an assertion fails */
static void
dump(const struct diag_report *r)
{
	size_t	 i;

	for (i = 0; i < r->nfindings; i++)
		print_message("# %s %s %s @ %s: %s\n",
		    diag_status_name(r->findings[i].status),
		    diag_check_name(r->findings[i].check),
		    r->findings[i].name, r->findings[i].server,
		    r->findings[i].evidence);
}

static void
test_healthy_easy_dkim_is_clean(void **state)
{
	struct fx		*fx = *state;
	struct diag_report	*r;

	load(easy);
	r = run(fx, NULL, NULL, "t1", "t1.dkim.amazonses.com",
	    "t2", "t2.dkim.amazonses.com", NULL);
	if (problems(r) != 0)
		dump(r);
	assert_int_equal(problems(r), 0);
	assert_int_equal(count(r, DIAG_DELEGATION, DIAG_OK, "example.com"), 1);
	assert_int_equal(count(r, DIAG_NS_CONSISTENCY, DIAG_OK, NULL), 1);
	assert_int_equal(count(r, DIAG_CNAME_TARGET, DIAG_OK, NULL), 2);
	assert_int_equal(count(r, DIAG_KEY_RECORD, DIAG_OK,
	    "t2._domainkey.example.com"), 1);
}

static void
test_trailing_dot_in_expected_target_is_not_an_error(void **state)
{
	struct fx		*fx = *state;
	struct diag_report	*r;

	load(easy);
	r = run(fx, NULL, NULL, "t1", "T1.dkim.amazonses.com.", NULL);
	assert_int_equal(problems(r), 0);
	assert_int_equal(count(r, DIAG_CNAME_TARGET, DIAG_OK, NULL), 1);
}

static void
test_missing_selector_fails(void **state)
{
	struct fx		*fx = *state;
	struct diag_report	*r;

	load(easy);
	r = run(fx, NULL, NULL, "t3", "t3.dkim.amazonses.com", NULL);
	assert_int_equal(r->nfail, 1);
	assert_int_equal(count(r, DIAG_SELECTOR_MISSING, DIAG_FAIL,
	    "t3._domainkey.example.com"), 1);
	assert_non_null(strstr(r->findings[0].fix, "t3.dkim.amazonses.com"));
}

static void
test_duplicated_apex_names_the_doubled_name(void **state)
{
	struct fx		*fx = *state;
	struct diag_report	*r;
	struct diag_finding	 f;

	load("t1._domainkey.example.com.example.com CNAME "
	    "t1.dkim.amazonses.com\n"
	    "t1.dkim.amazonses.com TXT \"v=DKIM1; p=" RSA1024 "\"\n");
	assert_int_equal(diag_duplicated_apex(fx->res, "t1", "example.com",
	    &f, NULL), 1);
	assert_int_equal(f.check, DIAG_DUPLICATED_APEX);
	assert_string_equal(f.name, "t1._domainkey.example.com.example.com");
	assert_int_equal(diag_duplicated_apex(fx->res, "t2", "example.com",
	    &f, NULL), 0);
	r = run(fx, NULL, NULL, "t1", "t1.dkim.amazonses.com", NULL);
	assert_int_equal(r->nfail, 1);
	assert_int_equal(count(r, DIAG_DUPLICATED_APEX, DIAG_FAIL, NULL), 1);
	assert_int_equal(count(r, DIAG_SELECTOR_MISSING, DIAG_FAIL, NULL), 0);
}

static void
test_leftover_at_doubled_name_is_a_warning(void **state)
{
	struct fx		*fx = *state;
	struct diag_report	*r;

	load(easy);
	assert_int_equal(fake_dns_load("t1._domainkey.example.com.example.com "
	    "CNAME t1.dkim.amazonses.com\n"), 0);
	r = run(fx, NULL, NULL, "t1", "t1.dkim.amazonses.com", NULL);
	assert_int_equal(r->nfail, 0);
	assert_int_equal(count(r, DIAG_DUPLICATED_APEX, DIAG_WARN, NULL), 1);
}

static void
test_no_underscore(void **state)
{
	struct fx		*fx = *state;
	struct diag_report	*r;
	struct diag_finding	 f;

	load("s1.domainkey.example.com TXT \"v=DKIM1; p=" RSA1024 "\"\n");
	assert_int_equal(diag_no_underscore(fx->res, "s1", "example.com", &f,
	    NULL), 1);
	assert_int_equal(f.check, DIAG_NO_UNDERSCORE);
	r = run(fx, NULL, NULL, "s1", NULL, NULL);
	assert_int_equal(r->nfail, 1);
	assert_int_equal(count(r, DIAG_NO_UNDERSCORE, DIAG_FAIL,
	    "s1.domainkey.example.com"), 1);
}

static void
test_cname_typo_and_appended_domain(void **state)
{
	struct fx		*fx = *state;
	struct diag_report	*r;
	size_t			 i;

	load("t1._domainkey.example.com CNAME t1.dkim.amazonses.co\n"
	    "t1.dkim.amazonses.co NXDOMAIN\n"
	    "t2._domainkey.example.com CNAME "
	    "t2.dkim.amazonses.com.example.com\n");
	r = run(fx, NULL, NULL, "t1", "t1.dkim.amazonses.com",
	    "t2", "t2.dkim.amazonses.com", NULL);
	assert_int_equal(r->nfail, 2);
	assert_int_equal(count(r, DIAG_CNAME_TARGET, DIAG_FAIL, NULL), 2);
	assert_int_equal(count(r, DIAG_TXT_VIA_CNAME, DIAG_FAIL, NULL), 0);
	for (i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i].name,
		    "t2._domainkey.example.com") == 0 &&
		    r->findings[i].status == DIAG_FAIL)
			assert_non_null(strstr(r->findings[i].evidence,
			    "appended"));
}

static void
test_txt_servfail_through_working_cname(void **state)
{
	struct fx		*fx = *state;
	struct diag_report	*r;

	load("t1._domainkey.example.com CNAME t1.dkim.amazonses.com\n"
	    "t1.dkim.amazonses.com SERVFAIL\n");
	r = run(fx, NULL, NULL, "t1", "t1.dkim.amazonses.com", NULL);
	assert_int_equal(r->nfail, 1);
	assert_int_equal(count(r, DIAG_TXT_VIA_CNAME, DIAG_FAIL,
	    "t1._domainkey.example.com"), 1);
	assert_int_equal(count(r, DIAG_CNAME_TARGET, DIAG_OK, NULL), 1);
}

static void
test_stray_characters_in_cname_target(void **state)
{
	struct fx		*fx = *state;
	struct diag_report	*r;

	load("t1._domainkey.example.com CNAME "
	    "\\\"\\032t1.dkim.amazonses.com\n");
	r = run(fx, NULL, NULL, "t1", "t1.dkim.amazonses.com", NULL);
	if (r->nfail != 1)
		dump(r);
	assert_int_equal(r->nfail, 1);
	assert_int_equal(count(r, DIAG_STRAY_CHARACTERS, DIAG_FAIL, NULL), 1);
}

static void
test_server_without_records_is_named(void **state)
{
	struct fx		*fx = *state;
	struct diag_report	*r;

	load(easy);
	assert_int_equal(fake_dns_load("@192.0.2.11 example.com SOA "
	    "ns1.example.net h.example.com 1 2 3 4 300\n"), 0);
	r = run(fx, NULL, NULL, "t1", "t1.dkim.amazonses.com", NULL);
	assert_int_equal(r->nfail, 1);
	assert_int_equal(count(r, DIAG_NS_CONSISTENCY, DIAG_FAIL,
	    "t1._domainkey.example.com"), 1);
	assert_non_null(strstr(r->findings[0].server, "192.0.2.11"));
	/* The records the others publish are still judged. */
	assert_int_equal(count(r, DIAG_KEY_RECORD, DIAG_OK, NULL), 1);
}

static void
test_silent_server_is_unreachable(void **state)
{
	struct fx		*fx = *state;
	struct diag_report	*r;

	load(easy);
	assert_int_equal(fake_dns_load(
	    "@192.0.2.1 example.com AUTH NS ns3.example.net\n"
	    "ns3.example.net A 192.0.2.12\n"
	    "@192.0.2.12 example.com TIMEOUT\n"), 0);
	r = run(fx, NULL, NULL, "t1", "t1.dkim.amazonses.com",
	    "t2", "t2.dkim.amazonses.com", NULL);
	assert_int_equal(r->nfail, 1);
	assert_int_equal(count(r, DIAG_NS_UNREACHABLE, DIAG_FAIL,
	    "example.com"), 1);
	assert_non_null(strstr(r->findings[0].server, "ns3.example.net"));
}

/*
 * The recursive resolver times out on the domain (it tried the silent
 * server first): the delegation is read from the parent's server and
 * every delegated server directly, and the silent one is the finding,
 * never "delegation: TIMEOUT" (issue 14).
 */
static void
test_resolver_timeout_is_not_the_delegation(void **state)
{
	struct fx		*fx = *state;
	struct diag_report	*r;
	static const char	 per_server[] =
	    "example.com NS ns1.example.net\n"
	    "example.com NS ns2.example.net\n"
	    "example.com NS ns3.example.net\n"
	    "example.com SOA ns1.example.net h.example.com 1 2 3 4 300\n"
	    "t1._domainkey.example.com CNAME t1.dkim.amazonses.com\n";
	char			 fx10[1024], fx11[1024];
	char			*p;
	const char		*line;
	size_t			 i;

	/* Each of the two live servers' own table: the same zone. */
	for (i = 0; i < 2; i++) {
		p = i == 0 ? fx10 : fx11;
		*p = '\0';
		for (line = per_server; *line != '\0';) {
			const char *e = strchr(line, '\n');

			p += sprintf(p, "@192.0.2.%zu %.*s\n", 10 + i,
			    (int)(e - line), line);
			line = e + 1;
		}
	}
	assert_int_equal(fake_dns_load(
	    "com NS a.gtld.test\n"
	    "a.gtld.test A 192.0.2.1\n"
	    "example.com TIMEOUT\n"
	    "ns1.example.net A 192.0.2.10\n"
	    "ns2.example.net A 192.0.2.11\n"
	    "ns3.example.net A 192.0.2.12\n"
	    "@192.0.2.1 example.com AUTH NS ns1.example.net\n"
	    "@192.0.2.1 example.com AUTH NS ns2.example.net\n"
	    "@192.0.2.1 example.com AUTH NS ns3.example.net\n"
	    "@192.0.2.12 example.com TIMEOUT\n"
	    "t1._domainkey.example.com CNAME t1.dkim.amazonses.com\n"
	    "t1.dkim.amazonses.com TXT \"v=DKIM1; k=rsa; p=" RSA1024 "\"\n"),
	    0);
	assert_int_equal(fake_dns_load(fx10), 0);
	assert_int_equal(fake_dns_load(fx11), 0);
	r = run(fx, NULL, NULL, "t1", "t1.dkim.amazonses.com", NULL);
	assert_int_equal(count(r, DIAG_DELEGATION, DIAG_FAIL, NULL), 0);
	assert_int_equal(count(r, DIAG_DELEGATION, DIAG_OK, "example.com"),
	    1);
	assert_int_equal(r->nfail, 1);
	assert_int_equal(count(r, DIAG_NS_UNREACHABLE, DIAG_FAIL,
	    "example.com"), 1);
	assert_non_null(strstr(r->findings[0].server, "ns3.example.net"));
}

static void
test_records_only_at_undelegated_server(void **state)
{
	struct fx		*fx = *state;
	struct diag_report	*r;

	load("@192.0.2.99 t1._domainkey.example.com CNAME "
	    "t1.dkim.amazonses.com\n");
	r = run(fx, NULL, "192.0.2.99", "t1", "t1.dkim.amazonses.com", NULL);
	assert_int_equal(r->nfail, 1);
	assert_int_equal(count(r, DIAG_NOT_DELEGATED, DIAG_FAIL, NULL), 1);
	assert_non_null(strstr(r->findings[0].server, "192.0.2.99"));
}

static void
test_two_key_records_at_one_name(void **state)
{
	struct fx		*fx = *state;
	struct diag_report	*r;

	load("s1._domainkey.example.com TXT \"v=DKIM1; p=" RSA1024 "\"\n"
	    "s1._domainkey.example.com TXT \"v=DKIM1; k=ed25519; p=" ED25519
	    "\"\n"
	    "s1._domainkey.example.com TXT \"some other text\"\n");
	r = run(fx, NULL, NULL, "s1", NULL, NULL);
	assert_int_equal(r->nfail, 1);
	assert_int_equal(count(r, DIAG_MULTIPLE_RECORDS, DIAG_FAIL, NULL), 1);
	assert_int_equal(count(r, DIAG_KEY_RECORD, DIAG_OK, NULL), 2);
}

static void
test_txt_where_cname_expected(void **state)
{
	struct fx		*fx = *state;
	struct diag_report	*r;

	load("t1._domainkey.example.com TXT \"v=DKIM1; p=" RSA1024 "\"\n");
	r = run(fx, NULL, NULL, "t1", "t1.dkim.amazonses.com", NULL);
	assert_int_equal(r->nfail, 1);
	assert_int_equal(count(r, DIAG_CNAME_TARGET, DIAG_FAIL, NULL), 1);
}

/* One TXT value and the findings it must give. */
static const struct {
	const char		*label;
	const char		*value;
	enum diag_check		 check[3];
	enum diag_status	 status[3];
	size_t			 n;
} values[] = {
	{ "valid rsa", "v=DKIM1; k=rsa; p=" RSA1024,
	  { DIAG_KEY_RECORD }, { DIAG_OK }, 1 },
	{ "valid ed25519", "v=DKIM1; k=ed25519; p=" ED25519,
	  { DIAG_KEY_RECORD }, { DIAG_OK }, 1 },
	{ "revoked", "v=DKIM1; k=rsa; p=",
	  { DIAG_KEY_REVOKED }, { DIAG_FAIL }, 1 },
	{ "testing", "v=DKIM1; t=y; p=" RSA1024,
	  { DIAG_KEY_RECORD, DIAG_KEY_TESTING }, { DIAG_OK, DIAG_WARN }, 2 },
	{ "weak", "v=DKIM1; p=" RSA512,
	  { DIAG_KEY_RECORD, DIAG_KEY_WEAK }, { DIAG_OK, DIAG_FAIL }, 2 },
	{ "quoted", "\"v=DKIM1; p=" RSA1024 "\"",
	  { DIAG_STRAY_CHARACTERS, DIAG_KEY_RECORD },
	  { DIAG_FAIL, DIAG_OK }, 2 },
	{ "spaces around", "  v=DKIM1; p=" RSA1024 " ",
	  { DIAG_STRAY_CHARACTERS, DIAG_KEY_RECORD },
	  { DIAG_WARN, DIAG_OK }, 2 },
	{ "no-break space pasted", "v=DKIM1; p=" RSA1024 "\xc2\xa0",
	  { DIAG_STRAY_CHARACTERS, DIAG_KEY_RECORD },
	  { DIAG_FAIL, DIAG_OK }, 2 },
	{ "tag without =", "v=DKIM1; k=rsa; p" RSA1024,
	  { DIAG_KEY_RECORD }, { DIAG_FAIL }, 1 },
	{ "padding dropped", "v=DKIM1; k=ed25519; "
	  "p=YseZFV99ZC9ZDHEfsIZlBnv262S/Zj7MMpesOfdh/Kg",
	  { DIAG_KEY_RECORD }, { DIAG_FAIL }, 1 },
	{ "not base64", "v=DKIM1; p=MIGf!!!",
	  { DIAG_KEY_RECORD }, { DIAG_FAIL }, 1 },
	{ "bad version", "v=DKIM2; p=" RSA1024,
	  { DIAG_KEY_RECORD }, { DIAG_FAIL }, 1 },
};

/* printable - evidence is printable ASCII, whatever the record held */
static int
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

static void
test_key_values(void **state)
{
	struct diag_report	*r;
	size_t			 i, j;

	(void)state;
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		print_message("# %s\n", values[i].label);
		assert_non_null(r = diag_report_new("example.com"));
		assert_int_equal(diag_key_value(r, "s._domainkey.example.com",
		    "192.0.2.10", values[i].value, NULL, 0, NULL), 0);
		if (r->nfindings != values[i].n)
			dump(r);
		assert_int_equal(r->nfindings, values[i].n);
		for (j = 0; j < values[i].n; j++) {
			assert_int_equal(r->findings[j].check,
			    values[i].check[j]);
			assert_int_equal(r->findings[j].status,
			    values[i].status[j]);
			if (r->findings[j].status != DIAG_OK)
				assert_true(r->findings[j].fix[0] != '\0');
			assert_true(printable(r->findings[j].evidence));
		}
		diag_report_free(r);
	}
}

static void
test_key_mismatch(void **state)
{
	struct diag_report	*r;
	EVP_PKEY		*a, *b;
	unsigned char		 raw[32];
	char			 value[128], p[64];
	size_t			 len = sizeof(raw);

	(void)state;
	assert_non_null(a = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"));
	assert_non_null(b = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"));
	assert_int_equal(EVP_PKEY_get_raw_public_key(a, raw, &len), 1);
	b64_encode(raw, len, p);
	snprintf(value, sizeof(value), "v=DKIM1; k=ed25519; p=%s", p);

	assert_non_null(r = diag_report_new("example.com"));
	assert_int_equal(diag_key_value(r, "s", "x", value, a, 0, NULL), 0);
	assert_int_equal(count(r, DIAG_KEY_MISMATCH, DIAG_OK, NULL), 1);
	diag_report_free(r);

	assert_non_null(r = diag_report_new("example.com"));
	assert_int_equal(diag_key_value(r, "s", "x", value, b, 0, NULL), 0);
	assert_int_equal(count(r, DIAG_KEY_MISMATCH, DIAG_FAIL, NULL), 1);
	diag_report_free(r);
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
}

static void
test_bad_settings_are_errors(void **state)
{
	struct fx		*fx = *state;
	struct diag_selector	 sel = { "bad selector", NULL };
	struct diag_settings	 ds;
	struct errbuf		 err;

	memset(&ds, 0, sizeof(ds));
	ds.domain = "example.com";
	assert_int_equal(diag_run(fx->res, &ds, &fx->rep, &err), -1);
	assert_null(fx->rep);
	ds.selectors = &sel;
	ds.nselectors = 1;
	assert_int_equal(diag_run(fx->res, &ds, &fx->rep, &err), -1);
	assert_non_null(strstr(err.msg, "bad selector"));
	sel.selector = "ok";
	ds.domain = "exa mple.com";
	assert_int_equal(diag_run(fx->res, &ds, &fx->rep, &err), -1);
}

static void
test_worst_first_and_names(void **state)
{
	struct fx		*fx = *state;
	struct diag_report	*r;
	size_t			 i;

	load(easy);
	assert_int_equal(fake_dns_load(
	    "s1._domainkey.example.com TXT \"v=DKIM1; t=y; p=" RSA1024 "\"\n"),
	    0);
	r = run(fx, NULL, NULL, "t1", "t1.dkim.amazonses.com", "s1", NULL,
	    "zz", NULL, NULL);
	for (i = 1; i < r->nfindings; i++)
		assert_true(r->findings[i - 1].status >=
		    r->findings[i].status);
	assert_int_equal(r->findings[0].status, DIAG_FAIL);
	assert_string_equal(diag_check_name(DIAG_TXT_VIA_CNAME),
	    "txt-via-cname");
	assert_string_equal(diag_check_name(DIAG_KEY_MISMATCH),
	    "key-mismatch");
	assert_string_equal(diag_status_name(DIAG_WARN), "warn");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_healthy_easy_dkim_is_clean, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_trailing_dot_in_expected_target_is_not_an_error,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_selector_fails,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_duplicated_apex_names_the_doubled_name, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_leftover_at_doubled_name_is_a_warning, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_no_underscore, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_cname_typo_and_appended_domain, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_txt_servfail_through_working_cname, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_stray_characters_in_cname_target, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_server_without_records_is_named, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_silent_server_is_unreachable, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_resolver_timeout_is_not_the_delegation, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_records_only_at_undelegated_server, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_two_key_records_at_one_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_txt_where_cname_expected,
		    setup, teardown),
		cmocka_unit_test(test_key_values),
		cmocka_unit_test(test_key_mismatch),
		cmocka_unit_test_setup_teardown(test_bad_settings_are_errors,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_worst_first_and_names,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
