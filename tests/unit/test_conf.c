/*
 * test_conf - dkimlens.conf parsing: values, defaults, and errors that
 * name the file and the line
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "lib/conf.h"
#include "lib/errbuf.h"

/* datapath - a fixture under tests/data/conf, from the source tree */
static const char *
datapath(const char *name, char *out, size_t outlen)
{
	const char	*top = getenv("DKIMLENS_TOP");

	snprintf(out, outlen, "%s/tests/data/conf/%s", top != NULL ? top : ".",
	    name);
	return out;
}

/* parse - conf_parse of a string named "t.conf" in /etc/dkimlens */
static struct conf *
parse(const char *text, struct errbuf *err)
{
	errbuf_clear(err);
	return conf_parse("/etc/dkimlens/t.conf", text, strlen(text), err);
}

static void
test_defaults_when_file_is_empty(void **state)
{
	struct errbuf	 err;
	struct conf	*c;

	(void)state;
	c = parse("# nothing\n\n", &err);
	assert_non_null(c);
	assert_string_equal(c->socket, CONF_SOCKET_DEFAULT);
	assert_int_equal(c->mode, CONF_MODE_SIGN | CONF_MODE_VERIFY);
	assert_int_equal(c->hcanon, CANON_RELAXED);
	assert_int_equal(c->bcanon, CANON_RELAXED);
	assert_string_equal(c->internal_hosts, "127.0.0.1, ::1");
	assert_string_equal(c->oversign, "From");
	assert_string_equal(c->esp_domains, "amazonses.com");
	assert_string_equal(c->facility, "mail");
	assert_null(c->authserv_id);
	assert_null(c->keyfile);
	assert_int_equal(c->max_signatures, 8);
	assert_int_equal(c->dns_threads, 16);
	assert_int_equal(c->min_key_bits, 1024);
	assert_int_equal(c->dns_timeout_ms, 5000);
	assert_int_equal(c->on_bad_signature, CONF_ACCEPT);
	assert_int_equal(c->on_dns_error, CONF_ACCEPT);
	assert_int_equal(c->on_internal_error, CONF_ACCEPT);
	assert_int_equal(c->on_no_signature, CONF_ACCEPT);
	assert_int_equal(c->umask, -1);
	assert_int_equal(c->syslog, 1);
	assert_int_equal(c->nwarnings, 0);
	conf_free(c);
}

static void
test_every_option_is_read(void **state)
{
	struct errbuf	 err;
	struct conf	*c;
	char		 path[512];

	(void)state;
	errbuf_clear(&err);
	c = conf_load(datapath("good.conf", path, sizeof(path)), &err);
	if (c == NULL)
		fail_msg("%s", err.msg);
	assert_string_equal(c->socket, "inet6:8891@::1");
	assert_int_equal(c->mode, CONF_MODE_SIGN | CONF_MODE_VERIFY);
	assert_string_equal(c->domain, "example.com, example.org");
	assert_string_equal(c->selector, "rsa2024, ed2024");
	/* relative to the config file's directory */
	assert_non_null(strstr(c->keyfile, "/tests/data/conf/keys/rsa.pem,"));
	assert_non_null(strstr(c->keyfile, ",/etc/dkimlens/ed.pem"));
	assert_int_equal(c->subdomains, 1);
	assert_int_equal(c->multiple_signatures, 0);
	assert_string_equal(c->internal_hosts, "127.0.0.1, ::1, 192.0.2.0/24");
	assert_int_equal(c->hcanon, CANON_RELAXED);
	assert_int_equal(c->bcanon, CANON_SIMPLE);
	assert_int_equal(c->algs, CONF_ALG_RSA_SHA256 |
	    CONF_ALG_ED25519_SHA256);
	assert_string_equal(c->sign_headers, "From:To:Subject:Date");
	assert_string_equal(c->oversign, "From:Subject");
	assert_int_equal(c->signature_ttl, 604800);
	assert_string_equal(c->authserv_id, "mx.example.com");
	assert_string_equal(c->nameservers, "127.0.0.1:5353, [::1]:53");
	assert_int_equal(c->dns_timeout_ms, 3000);
	assert_string_equal(c->user, "dkimlens");
	assert_string_equal(c->group, "mail");
	assert_string_equal(c->pidfile, "/run/dkimlens/dkimlens.pid");
	assert_int_equal(c->umask, 007);
	assert_string_equal(c->facility, "local3");
	assert_int_equal(c->min_key_bits, 2048);
	assert_int_equal(c->background, 0);
	assert_string_equal(c->esp_domains, "amazonses.com, sendgrid.net");
	assert_int_equal(c->max_signatures, 4);
	assert_int_equal(c->dns_threads, 4);
	assert_int_equal(c->on_bad_signature, CONF_REJECT);
	assert_int_equal(c->on_dns_error, CONF_TEMPFAIL);
	assert_int_equal(c->on_internal_error, CONF_TEMPFAIL);
	assert_int_equal(c->on_no_signature, CONF_ACCEPT);
	assert_int_equal(c->line[CONF_K_SOCKET], 2);
	assert_int_equal(c->line[CONF_K_ONNOSIG], 30);
	assert_int_equal(c->nwarnings, 0);
	conf_free(c);
}

static void
test_sample_config_parses(void **state)
{
	struct errbuf	 err;
	struct conf	*c;
	char		 path[512];
	const char	*top = getenv("DKIMLENS_TOP");

	(void)state;
	snprintf(path, sizeof(path), "%s/conf/dkimlens.conf",
	    top != NULL ? top : ".");
	errbuf_clear(&err);
	c = conf_load(path, &err);
	if (c == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(c->nwarnings, 0);
	conf_free(c);
}

static void
test_file_error_names_file_and_line(void **state)
{
	struct errbuf	 err;
	struct conf	*c;
	char		 path[512], want[600];

	(void)state;
	errbuf_clear(&err);
	datapath("bad-line7.conf", path, sizeof(path));
	c = conf_load(path, &err);
	assert_null(c);
	snprintf(want, sizeof(want), "%s:7: MaxSignatures: ", path);
	assert_memory_equal(err.msg, want, strlen(want));
}

static void
test_missing_file_names_the_file(void **state)
{
	struct errbuf	 err;

	(void)state;
	errbuf_clear(&err);
	assert_null(conf_load("/nonexistent/dkimlens.conf", &err));
	assert_string_equal(err.msg,
	    "/nonexistent/dkimlens.conf: No such file or directory");
}

/* Each bad input, the line it must name, and a word of the message. */
static const struct {
	const char	*label;
	const char	*text;
	const char	*prefix;	/* start of the error */
	const char	*word;		/* somewhere in the error */
} bad[] = {
	{ "unknown option with suggestion", "Mode sv\nSelecter s1\n",
	  "/etc/dkimlens/t.conf:2: unknown option 'Selecter'",
	  "did you mean Selector?" },
	{ "unknown option without suggestion", "\n\nFrobnicate 1\n",
	  "/etc/dkimlens/t.conf:3: unknown option 'Frobnicate'", NULL },
	{ "OpenDKIM option that changes signing", "DontSignMailTo /x\n",
	  "/etc/dkimlens/t.conf:1: DontSignMailTo: OpenDKIM option not "
	  "supported by dkimlens: ", "would sign mail to" },
	{ "OpenDKIM option refused unless harmless", "RemoveOldSignatures "
	  "yes\n", "/etc/dkimlens/t.conf:1: RemoveOldSignatures: OpenDKIM "
	  "option not supported", "keep the signatures" },
	{ "OpenDKIM action refused unless accept", "\nOn-KeyNotFound reject\n",
	  "/etc/dkimlens/t.conf:2: On-KeyNotFound: OpenDKIM option",
	  "OnBadSignature" },
	{ "On-Default with a bad action", "On-Default bounce\n",
	  "/etc/dkimlens/t.conf:1: On-Default: ", "accept, tempfail" },
	{ "OpenDKIM MaximumSignaturesToVerify", "MaximumSignaturesToVerify 0",
	  "/etc/dkimlens/t.conf:1: MaxSignatures: ", "1 to 32" },
	{ "Postfix-style inet socket", "Socket inet:127.0.0.1:8891\n",
	  "/etc/dkimlens/t.conf:1: Socket: 'inet:127.0.0.1:8891' is Postfix's "
	  "syntax", "inet:8891@127.0.0.1" },
	{ "Postfix-style inet socket with a name", "Socket inet:localhost:25\n",
	  "/etc/dkimlens/t.conf:1: Socket: ", "inet:25@localhost" },
	{ "Postfix-style inet6 socket", "Socket inet6:[::1]:8891\n",
	  "/etc/dkimlens/t.conf:1: Socket: ", "inet6:8891@::1" },
	{ "missing value", "Socket\n", "/etc/dkimlens/t.conf:1: Socket needs "
	  "a value", NULL },
	{ "duplicate option", "Mode s\nmode v\n", "/etc/dkimlens/t.conf:2: "
	  "Mode is already set at line 1", NULL },
	{ "socket without scheme", "Socket 8891@localhost\n",
	  "/etc/dkimlens/t.conf:1: Socket: ", "inet:PORT@HOST" },
	{ "socket bad port", "Socket inet:99999@127.0.0.1\n",
	  "/etc/dkimlens/t.conf:1: Socket: ", "1 to 65535" },
	{ "socket relative unix path", "Socket unix:dkim.sock\n",
	  "/etc/dkimlens/t.conf:1: Socket: ", "absolute path" },
	{ "mode", "Mode x\n", "/etc/dkimlens/t.conf:1: Mode: ", "s, v or sv" },
	{ "canonicalization", "Canonicalization relaxed/loose\n",
	  "/etc/dkimlens/t.conf:1: Canonicalization: ", "simple or relaxed" },
	{ "rsa-sha1", "SignatureAlgorithm rsa-sha1\n",
	  "/etc/dkimlens/t.conf:1: SignatureAlgorithm: ", "RFC 8301" },
	{ "algorithm", "SignatureAlgorithm rsa-sha512\n",
	  "/etc/dkimlens/t.conf:1: SignatureAlgorithm: ", "rsa-sha512" },
	{ "boolean", "SubDomains maybe\n",
	  "/etc/dkimlens/t.conf:1: SubDomains: ", "yes or no" },
	{ "domain", "Domain exa$mple.com\n",
	  "/etc/dkimlens/t.conf:1: Domain: ", NULL },
	{ "domain bad label", "Domain ex!ample.com\n",
	  "/etc/dkimlens/t.conf:1: Domain: ", "not a domain name" },
	{ "selector", "Selector sel_1\n",
	  "/etc/dkimlens/t.conf:1: Selector: ", "not a selector" },
	{ "header name", "OversignHeaders From, Sub:ject\n",
	  "/etc/dkimlens/t.conf:1: OversignHeaders: ", "Sub:ject" },
	{ "SignHeaders without From", "SignHeaders To, Subject\n",
	  "/etc/dkimlens/t.conf:1: SignHeaders: ", "From" },
	{ "authserv-id", "AuthservID mx example\n",
	  "/etc/dkimlens/t.conf:1: AuthservID: ", NULL },
	{ "nameserver port", "Nameservers 127.0.0.1:0\n",
	  "/etc/dkimlens/t.conf:1: Nameservers: ", "host[:port]" },
	{ "dns timeout", "DNSTimeout 0\n",
	  "/etc/dkimlens/t.conf:1: DNSTimeout: ", NULL },
	{ "userid", "UserID dkim lens\n",
	  "/etc/dkimlens/t.conf:1: UserID: ", "USER:GROUP" },
	{ "umask", "UMask 089\n", "/etc/dkimlens/t.conf:1: UMask: ", "octal" },
	{ "facility", "SyslogFacility kern\n",
	  "/etc/dkimlens/t.conf:1: SyslogFacility: ", NULL },
	{ "weak key bits", "MinimumKeyBits 512\n",
	  "/etc/dkimlens/t.conf:1: MinimumKeyBits: ", "RFC 8301" },
	{ "esp domains", "EspDomains amazonses.com, bad..com\n",
	  "/etc/dkimlens/t.conf:1: EspDomains: ", "bad..com" },
	{ "max signatures", "MaxSignatures 0\n",
	  "/etc/dkimlens/t.conf:1: MaxSignatures: ", "1 to 32" },
	{ "lookup threads", "DNSLookupThreads 0\n",
	  "/etc/dkimlens/t.conf:1: DNSLookupThreads: ", "1 to 256" },
	{ "action", "OnBadSignature bounce\n",
	  "/etc/dkimlens/t.conf:1: OnBadSignature: ", "accept, tempfail or "
	  "reject" },
	{ "action discard", "On-DNSError discard\n",
	  "/etc/dkimlens/t.conf:1: OnDNSError: ", "never lost" },
	{ "data set type", "KeyTable db:/etc/opendkim/keys.db\n",
	  "/etc/dkimlens/t.conf:1: KeyTable: ", "db:" },
	{ "KeyFile without Selector", "Domain example.com\n"
	  "KeyFile /k.pem\n", "/etc/dkimlens/t.conf:2: KeyFile needs a "
	  "Selector", NULL },
	{ "Selector without KeyFile", "Domain example.com\nSelector s\n",
	  "/etc/dkimlens/t.conf:2: Selector needs a KeyFile", NULL },
	{ "KeyFile without Domain", "Selector s\nKeyFile /k.pem\n",
	  "/etc/dkimlens/t.conf:2: KeyFile needs Domain", NULL },
	{ "key files and selectors differ", "Domain example.com\n"
	  "Selector a, b\nKeyFile /a.pem\n", "/etc/dkimlens/t.conf:3: ",
	  "1 key files but 2 selectors at line 2" },
	{ "KeyTable without SigningTable", "\nKeyTable /etc/k\n",
	  "/etc/dkimlens/t.conf:2: KeyTable needs a SigningTable", NULL },
	{ "SigningTable without KeyTable", "SigningTable refile:/etc/s\n",
	  "/etc/dkimlens/t.conf:1: SigningTable needs a KeyTable", NULL },
	{ "SesRelay and SignHeaders naming Date", "SesRelay yes\n"
	  "SignHeaders From, Subject, Date\n", "/etc/dkimlens/t.conf:2: "
	  "SignHeaders names Date", "SES" },
	{ "SesRelay and OversignHeaders naming Message-ID",
	  "OversignHeaders From, message-id\nSesRelay yes\n",
	  "/etc/dkimlens/t.conf:1: OversignHeaders names message-id", "SES" },
	{ "SesRelay not a boolean", "SesRelay sometimes\n",
	  "/etc/dkimlens/t.conf:1: SesRelay: ", "yes or no" },
	{ "line too long", NULL, "/etc/dkimlens/t.conf:1: line longer", NULL },
};

static void
test_bad_input_names_file_and_line(void **state)
{
	struct errbuf	 err;
	struct conf	*c;
	char		*text;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (bad[i].text != NULL)
			text = strdup(bad[i].text);
		else {
			text = malloc(CONF_LINE_MAX + 20);
			assert_non_null(text);
			memset(text, 'a', CONF_LINE_MAX + 10);
			text[CONF_LINE_MAX + 10] = '\0';
		}
		assert_non_null(text);
		c = parse(text, &err);
		free(text);
		if (c != NULL) {
			conf_free(c);
			fail_msg("%s: accepted", bad[i].label);
		}
		if (strncmp(err.msg, bad[i].prefix, strlen(bad[i].prefix))
		    != 0)
			fail_msg("%s: got \"%s\", want prefix \"%s\"",
			    bad[i].label, err.msg, bad[i].prefix);
		if (bad[i].word != NULL && strstr(err.msg, bad[i].word) ==
		    NULL)
			fail_msg("%s: \"%s\" lacks \"%s\"", bad[i].label,
			    err.msg, bad[i].word);
	}
}

static void
test_ses_relay_options(void **state)
{
	struct errbuf	 err;
	struct conf	*c;

	(void)state;
	c = parse("SesRelay yes\nSesRelayRemoveEspSignatures yes\n", &err);
	if (c == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(c->ses_relay, 1);
	assert_int_equal(c->ses_remove_esp, 1);
	assert_int_equal(c->nwarnings, 0);
	conf_free(c);
	c = parse("\nSesRelayRemoveEspSignatures yes\n", &err);
	assert_non_null(c);
	assert_int_equal(c->ses_relay, 0);
	assert_int_equal(c->nwarnings, 1);
	assert_non_null(strstr(c->warning[0], "t.conf:2: "
	    "SesRelayRemoveEspSignatures does nothing without SesRelay"));
	conf_free(c);
	assert_int_equal(conf_ses_unsigned("bounces-to", 10), 1);
	assert_int_equal(conf_ses_unsigned("Subject", 7), 0);
}

static void
test_warnings_name_the_line(void **state)
{
	struct errbuf	 err;
	struct conf	*c;

	(void)state;
	c = parse("LogWhy yes\nKeyTable /k\nSigningTable refile:/s\n"
	    "KeyFile /x.pem\n", &err);
	if (c == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(c->nwarnings, 2);
	assert_non_null(strstr(c->warning[0], "t.conf:1: LogWhy"));
	assert_non_null(strstr(c->warning[1], "t.conf:4: KeyFile is "
	    "ignored"));
	conf_free(c);
	c = parse("Mode s\n", &err);
	assert_non_null(c);
	assert_int_equal(c->nwarnings, 1);
	assert_non_null(strstr(c->warning[0], "t.conf:1: Mode includes s"));
	conf_free(c);
}

static void
test_values_and_aliases(void **state)
{
	struct errbuf	 err;
	struct conf	*c;

	(void)state;
	c = parse("socket unix:/run/dkimlens/s.sock\r\nMODE v\n"
	    "DNSTimeout 250ms\nOversignHeaders none\nAuthservID HOSTNAME\n"
	    "On-NoSignature tempfail\nCanonicalization simple\n"
	    "KeyTable key.table\nSigningTable refile:./signing.table\n"
	    "InternalHosts file:hosts\nUserID 110\n", &err);
	if (c == NULL)
		fail_msg("%s", err.msg);
	assert_string_equal(c->socket, "unix:/run/dkimlens/s.sock");
	assert_int_equal(c->mode, CONF_MODE_VERIFY);
	assert_int_equal(c->dns_timeout_ms, 250);
	assert_string_equal(c->oversign, "");
	assert_null(c->authserv_id);
	assert_int_equal(c->on_no_signature, CONF_TEMPFAIL);
	assert_int_equal(c->hcanon, CANON_SIMPLE);
	assert_int_equal(c->bcanon, CANON_SIMPLE);
	assert_string_equal(c->keytable, "/etc/dkimlens/key.table");
	assert_string_equal(c->signingtable,
	    "refile:/etc/dkimlens/signing.table");
	assert_string_equal(c->internal_hosts, "file:/etc/dkimlens/hosts");
	assert_string_equal(c->user, "110");
	assert_null(c->group);
	conf_free(c);
}

/*
 * Every option name of opendkim.conf(5) is known: read as dkimlens' own,
 * ignored with one warning that names the line and says what dkimlens
 * does instead, or refused with a message saying what ignoring it would
 * change.  Never "unknown option".
 */
static void
test_every_opendkim_option_is_known(void **state)
{
	struct errbuf	 err;
	struct conf	*c;
	FILE		*fp;
	char		 path[512], name[128], text[256], want[300];
	size_t		 n = 0, len;

	(void)state;
	fp = fopen(datapath("opendkim-options", path, sizeof(path)), "r");
	assert_non_null(fp);
	while (fgets(name, sizeof(name), fp) != NULL) {
		name[strcspn(name, "\n")] = '\0';
		if (name[0] == '#' || name[0] == '\0')
			continue;
		n++;
		snprintf(text, sizeof(text), "# opendkim.conf\n%s x\n", name);
		c = parse(text, &err);
		snprintf(want, sizeof(want), "t.conf:2: %s: OpenDKIM option "
		    "ignored; ", name);
		if (c != NULL) {
			/* ours, or ignored: then one warning with why */
			if (c->nwarnings > 0 && strstr(c->warning[0],
			    "OpenDKIM") != NULL && (c->nwarnings != 1 ||
			    strstr(c->warning[0], want) == NULL ||
			    strlen(strstr(c->warning[0], want)) <=
			    strlen(want) + 10))
				fail_msg("%s: warning \"%s\"", name,
				    c->warning[0]);
			conf_free(c);
			continue;
		}
		if (strstr(err.msg, "unknown option") != NULL)
			fail_msg("%s: %s", name, err.msg);
		snprintf(want, sizeof(want), "/etc/dkimlens/t.conf:2: %s: "
		    "OpenDKIM option not supported by dkimlens: ", name);
		len = strlen(want);
		/* refused: with the reason, or a value error of ours */
		if (strncmp(err.msg, want, len) == 0 && strlen(err.msg) < len +
		    10)
			fail_msg("%s: no reason: %s", name, err.msg);
		if (strncmp(err.msg, want, len) != 0 && strncasecmp(err.msg +
		    strlen("/etc/dkimlens/t.conf:2: "), name, 2) != 0)
			fail_msg("%s: %s", name, err.msg);
	}
	fclose(fp);
	assert_true(n >= 130);
}

/* Debian's /etc/opendkim.conf, unchanged: read, with two warnings */
static void
test_debian_opendkim_conf(void **state)
{
	struct errbuf	 err;
	struct conf	*c;
	char		 path[512];

	(void)state;
	errbuf_clear(&err);
	c = conf_load(datapath("debian-opendkim.conf", path, sizeof(path)),
	    &err);
	if (c == NULL)
		fail_msg("%s", err.msg);
	assert_string_equal(c->socket, "local:/run/opendkim/opendkim.sock");
	assert_string_equal(c->user, "opendkim");
	assert_int_equal(c->umask, 007);
	assert_int_equal(c->bcanon, CANON_SIMPLE);
	assert_int_equal(c->nwarnings, 2);
	assert_non_null(strstr(c->warning[0], ": SyslogSuccess: OpenDKIM "
	    "option ignored; dkimlens always logs"));
	assert_non_null(strstr(c->warning[1], ": TrustAnchorFile: OpenDKIM "
	    "option ignored; dkimlens does not validate DNSSEC"));
	conf_free(c);
}

/* OpenDKIM's spellings that dkimlens implements */
static void
test_opendkim_equivalents(void **state)
{
	struct errbuf	 err;
	struct conf	*c;

	(void)state;
	/* On-Default sets every action not set on its own line */
	c = parse("On-BadSignature accept\nOn-Default reject\n"
	    "On-NoSignature tempfail\nMaximumSignaturesToVerify 3\n"
	    "KeyTable refile:/etc/opendkim/key.table\n"
	    "SigningTable refile:/etc/opendkim/signing.table\n"
	    "RemoveOldSignatures no\nOn-KeyNotFound accept\n"
	    "UnprotectedKey none\nQuarantine false\n", &err);
	if (c == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(c->on_bad_signature, CONF_ACCEPT);
	assert_int_equal(c->on_dns_error, CONF_REJECT);
	assert_int_equal(c->on_internal_error, CONF_REJECT);
	assert_int_equal(c->on_no_signature, CONF_TEMPFAIL);
	assert_int_equal(c->max_signatures, 3);
	assert_int_equal(c->line[CONF_K_MAXSIGS], 4);
	assert_string_equal(c->keytable, "file:/etc/opendkim/key.table");
	/* the default values of refused options are harmless */
	assert_int_equal(c->nwarnings, 4);
	assert_non_null(strstr(c->warning[0], "t.conf:7: RemoveOldSignatures: "
	    "OpenDKIM option ignored; 'no' is OpenDKIM's default"));
	assert_non_null(strstr(c->warning[3], "t.conf:10: Quarantine: "));
	conf_free(c);
}

static void
test_where_and_helpers(void **state)
{
	struct errbuf	 err;
	struct conf	*c;
	char		 buf[256], item[16], *p;
	const char	*s = " a,b  ,, c";

	(void)state;
	c = parse("\nMode v\n", &err);
	assert_non_null(c);
	assert_string_equal(conf_where(c, CONF_K_MODE, buf, sizeof(buf)),
	    "/etc/dkimlens/t.conf:2");
	assert_string_equal(conf_where(c, CONF_K_SOCKET, buf, sizeof(buf)),
	    "/etc/dkimlens/t.conf");
	assert_string_equal(conf_name(CONF_K_KEYTABLE), "KeyTable");
	assert_string_equal(conf_action_name(CONF_TEMPFAIL), "tempfail");
	conf_free(c);
	p = conf_path("/etc/dkimlens", "./k.pem");
	assert_string_equal(p, "/etc/dkimlens/k.pem");
	free(p);
	p = conf_path("/etc/dkimlens", "/abs.pem");
	assert_string_equal(p, "/abs.pem");
	free(p);
	assert_int_equal(conf_split(&s, item, sizeof(item)), 1);
	assert_string_equal(item, "a");
	assert_int_equal(conf_split(&s, item, sizeof(item)), 1);
	assert_string_equal(item, "b");
	assert_int_equal(conf_split(&s, item, sizeof(item)), 1);
	assert_string_equal(item, "c");
	assert_int_equal(conf_split(&s, item, sizeof(item)), 0);
	c = conf_defaults();
	assert_non_null(c);
	assert_string_equal(c->socket, CONF_SOCKET_DEFAULT);
	conf_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_when_file_is_empty),
		cmocka_unit_test(test_every_option_is_read),
		cmocka_unit_test(test_sample_config_parses),
		cmocka_unit_test(test_file_error_names_file_and_line),
		cmocka_unit_test(test_missing_file_names_the_file),
		cmocka_unit_test(test_bad_input_names_file_and_line),
		cmocka_unit_test(test_ses_relay_options),
		cmocka_unit_test(test_warnings_name_the_line),
		cmocka_unit_test(test_values_and_aliases),
		cmocka_unit_test(test_where_and_helpers),
		cmocka_unit_test(test_every_opendkim_option_is_known),
		cmocka_unit_test(test_debian_opendkim_conf),
		cmocka_unit_test(test_opendkim_equivalents),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
