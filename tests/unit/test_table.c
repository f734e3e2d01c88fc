/*
 * test_table - KeyTable/SigningTable/KeyFile loading and matching, and
 * the From address they match on
 *
 * Keys are made at setup (RSA 1024 and Ed25519) in a private temporary
 * directory, so no private key lives in the source tree.
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
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "lib/conf.h"
#include "lib/errbuf.h"
#include "lib/table.h"

struct fx {
	char	 dir[64];
	char	 rsa[128], ed[128], open[128];
};

/* put - write text to dir/name with mode */
static void
put(const struct fx *f, const char *name, const char *text, mode_t mode)
{
	char	 path[256];
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(chmod(path, mode), 0);
}

/* writekey - a PEM private key file */
static void
writekey(EVP_PKEY *k, const char *path, mode_t mode)
{
	FILE	*fp;

	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(PEM_write_PrivateKey(fp, k, NULL, NULL, 0, NULL,
	    NULL), 1);
	fclose(fp);
	assert_int_equal(chmod(path, mode), 0);
}

static int
setup(void **state)
{
	static struct fx	 f;
	EVP_PKEY		*rsa, *ed;

	snprintf(f.dir, sizeof(f.dir), "/tmp/test_table.XXXXXX");
	if (mkdtemp(f.dir) == NULL)
		return -1;
	snprintf(f.rsa, sizeof(f.rsa), "%s/rsa.pem", f.dir);
	snprintf(f.ed, sizeof(f.ed), "%s/ed.pem", f.dir);
	snprintf(f.open, sizeof(f.open), "%s/open.pem", f.dir);
	rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (rsa == NULL || ed == NULL)
		return -1;
	writekey(rsa, f.rsa, 0600);
	writekey(ed, f.ed, 0600);
	writekey(rsa, f.open, 0644);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ed);
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*f = *state;
	char		 cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* load - write dkimlens.conf with text into the fixture dir, load both */
static struct table *
load(const struct fx *f, const char *text, struct errbuf *err)
{
	struct conf	*c;
	struct table	*t;
	char		 path[256];

	put(f, "dkimlens.conf", text, 0644);
	snprintf(path, sizeof(path), "%s/dkimlens.conf", f->dir);
	errbuf_clear(err);
	if ((c = conf_load(path, err)) == NULL)
		fail_msg("conf: %s", err->msg);
	t = table_load(c, err);
	conf_free(c);
	return t;
}

static const char keytable[] =
    "# name  domain:selector:key\n"
    "rsa	example.com:rsa1:rsa.pem\n"
    "ed	example.com:ed1:./ed.pem\n"
    "any	%:any1:rsa.pem\n"
    "example.org	example.org:org1:ed.pem\n";

static void
test_refile_first_match_wins(void **state)
{
	struct fx		*f = *state;
	struct errbuf		 err;
	struct table		*t;
	struct table_sig	 s[TABLE_MAX_SIGS];
	char			 note[200];

	put(f, "key.table", keytable, 0644);
	put(f, "signing.table", "*@example.com rsa\n*@example.com ed\n"
	    "*@*.example.com ed:@example.com\n* any\n", 0644);
	t = load(f, "KeyTable key.table\nSigningTable refile:signing.table\n",
	    &err);
	if (t == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(table_nkeys(t), 2);
	assert_int_equal(table_match(t, "bob@example.com", s, TABLE_MAX_SIGS,
	    note, sizeof(note)), 1);
	assert_string_equal(s[0].d, "example.com");
	assert_string_equal(s[0].s, "rsa1");
	assert_int_equal(s[0].alg, CONF_ALG_RSA_SHA256);
	assert_non_null(s[0].key);
	assert_string_equal(s[0].i, "");
	assert_string_equal(note, "");
	/* case-insensitive patterns */
	assert_int_equal(table_match(t, "Bob@EXAMPLE.com", s, TABLE_MAX_SIGS,
	    NULL, 0), 1);
	/* signer within d= becomes i= */
	assert_int_equal(table_match(t, "a@mail.example.com", s,
	    TABLE_MAX_SIGS, NULL, 0), 1);
	assert_string_equal(s[0].s, "ed1");
	assert_int_equal(s[0].alg, CONF_ALG_ED25519_SHA256);
	assert_string_equal(s[0].i, "@example.com");
	/* '%' as the KeyTable domain is the From domain */
	assert_int_equal(table_match(t, "x@other.net", s, TABLE_MAX_SIGS,
	    NULL, 0), 1);
	assert_string_equal(s[0].d, "other.net");
	assert_string_equal(s[0].s, "any1");
	table_free(t);
}

static void
test_multiple_signatures_apply_every_match(void **state)
{
	struct fx		*f = *state;
	struct errbuf		 err;
	struct table		*t;
	struct table_sig	 s[TABLE_MAX_SIGS];

	put(f, "key.table", keytable, 0644);
	put(f, "signing.table", "*@example.com rsa\n*@example.com ed\n"
	    "*@example.com rsa\n", 0644);
	t = load(f, "KeyTable key.table\nSigningTable refile:signing.table\n"
	    "MultipleSignatures yes\n", &err);
	if (t == NULL)
		fail_msg("%s", err.msg);
	/* the repeated rsa line does not sign twice */
	assert_int_equal(table_match(t, "bob@example.com", s, TABLE_MAX_SIGS,
	    NULL, 0), 2);
	assert_string_equal(s[0].s, "rsa1");
	assert_string_equal(s[1].s, "ed1");
	assert_int_equal(table_match(t, "bob@example.com", s, 1, NULL, 0), 1);
	assert_int_equal(table_match(t, "bob@example.net", s, TABLE_MAX_SIGS,
	    NULL, 0), 0);
	table_free(t);
}

/* OpenDKIM's lookup order in a plain SigningTable */
static void
test_plain_table_lookup_order(void **state)
{
	struct fx		*f = *state;
	struct errbuf		 err;
	struct table		*t;
	struct table_sig	 s[TABLE_MAX_SIGS];
	static const struct {
		const char	*label, *addr, *sel;
	} rows[] = {
		{ "user@host first", "bob@example.com", "ed1" },
		{ "then host", "eve@example.com", "rsa1" },
		{ "then user@.parent", "bob@a.b.example.org", "org1" },
		{ "then .parent", "eve@a.example.org", "any1" },
		{ "then user@*", "bob@elsewhere.net", "rsa1" },
		{ "finally *", "eve@elsewhere.net", "ed1" },
	};
	size_t			 i;

	put(f, "key.table", keytable, 0644);
	put(f, "signing.table",
	    "*		ed\n"
	    "bob@*		rsa\n"
	    ".example.org	any\n"
	    "bob@.example.org	example.org\n"
	    "example.com	rsa\n"
	    "bob@example.com	ed\n", 0644);
	t = load(f, "KeyTable key.table\nSigningTable file:signing.table\n",
	    &err);
	if (t == NULL)
		fail_msg("%s", err.msg);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (table_match(t, rows[i].addr, s, TABLE_MAX_SIGS, NULL, 0)
		    != 1)
			fail_msg("%s: no single match", rows[i].label);
		if (strcmp(s[0].s, rows[i].sel) != 0)
			fail_msg("%s: got %s, want %s", rows[i].label, s[0].s,
			    rows[i].sel);
	}
	table_free(t);
}

static void
test_missing_key_name_is_a_note(void **state)
{
	struct fx		*f = *state;
	struct errbuf		 err;
	struct table		*t;
	struct table_sig	 s[TABLE_MAX_SIGS];
	char			 note[200];

	put(f, "key.table", keytable, 0644);
	put(f, "signing.table", "*@* %\n", 0644);
	t = load(f, "KeyTable key.table\nSigningTable refile:signing.table\n",
	    &err);
	if (t == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(table_match(t, "a@example.org", s, TABLE_MAX_SIGS,
	    note, sizeof(note)), 1);
	assert_string_equal(s[0].s, "org1");
	assert_int_equal(table_match(t, "a@example.net", s, TABLE_MAX_SIGS,
	    note, sizeof(note)), 0);
	assert_non_null(strstr(note, "'example.net'"));
	table_free(t);
}

static void
test_keyfile_mode_signs_listed_domains(void **state)
{
	struct fx		*f = *state;
	struct errbuf		 err;
	struct table		*t;
	struct table_sig	 s[TABLE_MAX_SIGS];

	t = load(f, "Domain example.com, example.net\nSelector r, e\n"
	    "KeyFile rsa.pem, ed.pem\nSubDomains yes\n", &err);
	if (t == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(table_match(t, "a@example.com", s, TABLE_MAX_SIGS,
	    NULL, 0), 2);
	assert_string_equal(s[0].s, "r");
	assert_int_equal(s[0].alg, CONF_ALG_RSA_SHA256);
	assert_string_equal(s[1].s, "e");
	assert_int_equal(s[1].alg, CONF_ALG_ED25519_SHA256);
	/* SubDomains: d= is the listed domain */
	assert_int_equal(table_match(t, "a@mail.example.net", s,
	    TABLE_MAX_SIGS, NULL, 0), 2);
	assert_string_equal(s[0].d, "example.net");
	assert_int_equal(table_match(t, "a@example.org", s, TABLE_MAX_SIGS,
	    NULL, 0), 0);
	assert_int_equal(table_match(t, "no-at-sign", s, TABLE_MAX_SIGS,
	    NULL, 0), 0);
	table_free(t);
	t = load(f, "Domain example.com\nSelector r\nKeyFile rsa.pem\n", &err);
	assert_non_null(t);
	assert_int_equal(table_match(t, "a@mail.example.com", s,
	    TABLE_MAX_SIGS, NULL, 0), 0);
	table_free(t);
	put(f, "domains", "# signed domains\nexample.com\n*.example.org\n",
	    0644);
	t = load(f, "Domain file:domains\nSelector r\nKeyFile rsa.pem\n",
	    &err);
	if (t == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(table_match(t, "a@x.example.org", s, TABLE_MAX_SIGS,
	    NULL, 0), 1);
	assert_string_equal(s[0].d, "x.example.org");
	table_free(t);
}

static void
test_inline_base64_key(void **state)
{
	struct fx	*f = *state;
	struct errbuf	 err;
	struct table	*t;
	EVP_PKEY	*k;
	unsigned char	*der = NULL;
	char		 b64[4096], text[4500];
	int		 n;

	k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	assert_non_null(k);
	n = i2d_PrivateKey(k, &der);
	assert_true(n > 0);
	EVP_EncodeBlock((unsigned char *)b64, der, n);
	OPENSSL_free(der);
	EVP_PKEY_free(k);
	snprintf(text, sizeof(text), "k example.com:s:%s\n", b64);
	put(f, "key.table", text, 0644);
	put(f, "signing.table", "*@example.com k\n", 0644);
	t = load(f, "KeyTable key.table\nSigningTable refile:signing.table\n",
	    &err);
	if (t == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(table_nkeys(t), 1);
	table_free(t);
}

#define L60	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

/* Each broken setup and what the error must start with. */
static void
test_errors_name_file_and_line(void **state)
{
	struct fx	*f = *state;
	struct errbuf	 err;
	struct table	*t;
	char		 want[300];
	static const struct {
		const char	*label, *kt, *st, *conf, *where, *word;
	} rows[] = {
		{ "keytable line without value", "rsa\n", "", NULL,
		  "key.table:1: ", "NAME DOMAIN:SELECTOR:KEY" },
		{ "keytable no selector", "\n# c\nrsa example.com\n", "", NULL,
		  "key.table:3: ", "DOMAIN:SELECTOR:KEY" },
		{ "keytable bad domain", "rsa ex ample:s:rsa.pem\n", "", NULL,
		  "key.table:1: ", "not a domain name" },
		{ "keytable bad selector", "rsa example.com:s_1:rsa.pem\n", "",
		  NULL, "key.table:1: ", "not a selector" },
		/* issue 8: names verifiers could not look up are refused */
		{ "keytable key name over 253", "rsa " L60 "." L60 "." L60
		  ".com:" L60 "abc:rsa.pem\n", "", NULL, "key.table:1: ",
		  "253" },
		{ "keytable domain label over 63", "rsa " L60 "abcd.com:s:"
		  "rsa.pem\n", "", NULL, "key.table:1: ",
		  "not a domain name" },
		{ "keytable missing file", "rsa example.com:s:nope.pem\n", "",
		  NULL, "key.table:1: ", "nope.pem" },
		{ "keytable insecure key", "rsa example.com:s:open.pem\n", "",
		  NULL, "key.table:1: ", "chmod" },
		{ "keytable % in path", "rsa example.com:s:/k/%.pem\n", "",
		  NULL, "key.table:1: ", "list each domain" },
		{ "keytable duplicate name", "a example.com:s:rsa.pem\n"
		  "a example.com:t:ed.pem\n", "", NULL, "key.table:2: ",
		  "already used" },
		{ "keytable garbage key", "a example.com:s:AAAA\n", "", NULL,
		  "key.table:1: ", "neither a path nor a valid key" },
		{ "signingtable unknown key", "rsa example.com:s:rsa.pem\n",
		  "*@example.com rsa\n*@example.org nokey\n", NULL,
		  "signing.table:2: ", "'nokey' is not in the KeyTable" },
		{ "signingtable no value", "rsa example.com:s:rsa.pem\n",
		  "*@example.com\n", NULL, "signing.table:1: ", NULL },
		{ "pattern in plain table", "rsa example.com:s:rsa.pem\n",
		  "*@example.com rsa\n", "KeyTable key.table\nSigningTable "
		  "signing.table\n", "signing.table:1: ", "refile:" },
		{ "algorithm not allowed", "e example.com:s:ed.pem\n",
		  "*@example.com e\n", "KeyTable key.table\nSigningTable "
		  "refile:signing.table\nSignatureAlgorithm rsa-sha256\n",
		  "key.table:1: ", "SignatureAlgorithm" },
		{ "keyfile missing", "", "", "Domain example.com\nSelector s\n"
		  "KeyFile missing.pem\n", "dkimlens.conf:3: ", "missing.pem" },
		{ "keyfile insecure", "", "", "Domain example.com\nSelector s\n"
		  "\nKeyFile open.pem\n", "dkimlens.conf:4: ", "open.pem" },
		{ "missing keytable", NULL, "", "KeyTable nokt\nSigningTable "
		  "refile:signing.table\n", "nokt: ", "No such file" },
	};
	size_t		 i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (rows[i].kt != NULL)
			put(f, "key.table", rows[i].kt, 0644);
		else
			put(f, "key.table", "", 0644);
		put(f, "signing.table", rows[i].st, 0644);
		t = load(f, rows[i].conf != NULL ? rows[i].conf :
		    "KeyTable key.table\nSigningTable refile:signing.table\n",
		    &err);
		if (t != NULL) {
			table_free(t);
			fail_msg("%s: accepted", rows[i].label);
		}
		snprintf(want, sizeof(want), "%s/%s", f->dir, rows[i].where);
		if (strncmp(err.msg, want, strlen(want)) != 0)
			fail_msg("%s: got \"%s\", want prefix \"%s\"",
			    rows[i].label, err.msg, want);
		if (rows[i].word != NULL && strstr(err.msg, rows[i].word) ==
		    NULL)
			fail_msg("%s: \"%s\" lacks \"%s\"", rows[i].label,
			    err.msg, rows[i].word);
	}
}

static void
test_no_keys_configured(void **state)
{
	struct fx		*f = *state;
	struct errbuf		 err;
	struct table		*t;
	struct table_sig	 s[TABLE_MAX_SIGS];

	t = load(f, "Mode v\n", &err);
	assert_non_null(t);
	assert_int_equal(table_nkeys(t), 0);
	assert_int_equal(table_match(t, "a@example.com", s, TABLE_MAX_SIGS,
	    NULL, 0), 0);
	table_free(t);
}

static void
test_glob(void **state)
{
	(void)state;
	assert_true(table_glob("*@example.com", "bob@example.com"));
	assert_true(table_glob("*@EXAMPLE.com", "bob@example.COM"));
	assert_false(table_glob("*@example.com", "bob@sub.example.com"));
	assert_true(table_glob("*example.com", "bob@sub.example.com"));
	assert_true(table_glob("*", ""));
	assert_true(table_glob("a*b*c", "axxbyybzc"));
	assert_false(table_glob("a*b*c", "axxbyy"));
	assert_false(table_glob("bob@example.com", "bob@example.co"));
	assert_true(table_glob("bob@*.org", "bob@a.b.org"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refile_first_match_wins),
		cmocka_unit_test(test_multiple_signatures_apply_every_match),
		cmocka_unit_test(test_plain_table_lookup_order),
		cmocka_unit_test(test_missing_key_name_is_a_note),
		cmocka_unit_test(test_keyfile_mode_signs_listed_domains),
		cmocka_unit_test(test_inline_base64_key),
		cmocka_unit_test(test_errors_name_file_and_line),
		cmocka_unit_test(test_no_keys_configured),
		cmocka_unit_test(test_glob),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
