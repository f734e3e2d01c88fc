/*
 * test_ares - Authentication-Results formatting and recognition
 * (lib/ares.h, RFC 8601)
 *
 * Wording is tested by golden files in tests/data/ares/: resinfo.in holds
 * one verify_sig per line (verdict|reason code|d|s|a|b8|detail), each is
 * formatted with ares_resinfo and compared with the same line of
 * resinfo.ref; rfc8463.ref and none.ref are whole field values from
 * ares_format.  ares_is_ours is a table of field values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/ares.h"
#include "lib/dns.h"
#include "lib/errbuf.h"
#include "lib/msg.h"
#include "lib/reason.h"
#include "lib/verdict.h"
#include "lib/verify.h"
#include "tests/unit/fake_dns.h"

#define AUTHSERV	"mx.example.net"

struct fx {
	struct dns_resolver	*dns;
	struct verifier		*v;
	char			*in, *ref, *msg, *out;
};

/* slurp - a file under tests/data/ (from $DKIMLENS_TOP or the cwd) */
static char *
slurp(const char *rel)
{
	const char	*top = getenv("DKIMLENS_TOP");
	char		 path[1024], *data;
	FILE		*f;
	long		 n;

	snprintf(path, sizeof(path), "%s/tests/data/%s",
	    top != NULL ? top : ".", rel);
	if ((f = fopen(path, "rb")) == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	assert_true((n = ftell(f)) >= 0);
	rewind(f);
	assert_non_null(data = malloc((size_t)n + 1));
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	data[n] = '\0';
	fclose(f);
	return data;
}

static int
setup(void **state)
{
	static struct fx	 fx;
	struct dns_settings	 ds;

	memset(&fx, 0, sizeof(fx));
	fake_dns_reset();
	memset(&ds, 0, sizeof(ds));
	ds.nameservers = "127.0.0.1";
	if ((fx.dns = dns_resolver_new(&ds, NULL)) == NULL)
		return -1;
	*state = &fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*fx = *state;

	verifier_free(fx->v);
	dns_resolver_free(fx->dns);
	free(fx->in);
	free(fx->ref);
	free(fx->msg);
	free(fx->out);
	fake_dns_reset();
	return 0;
}

/* field - the next '|'-separated field of *p (modified in place) */
static char *
field(char **p)
{
	char	*f = *p, *bar;

	if ((bar = strchr(f, '|')) != NULL) {
		*bar = '\0';
		*p = bar + 1;
	} else
		*p = f + strlen(f);
	return f;
}

/* parse_row - one resinfo.in line into vs */
static void
parse_row(char *line, struct verify_sig *vs, size_t lineno)
{
	char		*p = line, *w;
	int		 i, found;

	memset(vs, 0, sizeof(*vs));
	w = field(&p);
	for (i = VERDICT_NONE, found = 0; i <= VERDICT_PERMERROR; i++)
		if (strcmp(verdict_name((enum verdict)i), w) == 0) {
			vs->result.verdict = (enum verdict)i;
			found = 1;
		}
	if (!found)
		fail_msg("resinfo.in line %zu: verdict '%s'", lineno, w);
	w = field(&p);
	for (i = 0, found = 0; i < REASON_LAST; i++)
		if (strcmp(reason_code((enum reason)i), w) == 0) {
			vs->result.reason = (enum reason)i;
			found = 1;
		}
	if (!found)
		fail_msg("resinfo.in line %zu: reason '%s'", lineno, w);
	snprintf(vs->d, sizeof(vs->d), "%s", field(&p));
	snprintf(vs->s, sizeof(vs->s), "%s", field(&p));
	snprintf(vs->a, sizeof(vs->a), "%s", field(&p));
	snprintf(vs->b8, sizeof(vs->b8), "%s", field(&p));
	snprintf(vs->result.detail, sizeof(vs->result.detail), "%s", p);
	vs->body_length = -1;
}

/* test_resinfo_matches_golden_file - resinfo.in -> resinfo.ref */
static void
test_resinfo_matches_golden_file(void **state)
{
	struct fx		*fx = *state;
	struct verify_sig	 vs;
	char			*in, *ref, *line, *want, out[1200];
	size_t			 lineno = 0, rows = 0;

	fx->in = slurp("ares/resinfo.in");
	fx->ref = slurp("ares/resinfo.ref");
	in = fx->in;
	ref = fx->ref;
	while ((line = strsep(&in, "\n")) != NULL) {
		lineno++;
		if (line[0] == '#' || (line[0] == '\0' && in == NULL))
			continue;
		parse_row(line, &vs, lineno);
		if ((want = strsep(&ref, "\n")) == NULL)
			fail_msg("resinfo.ref has no line for input line %zu",
			    lineno);
		memset(out, 'X', sizeof(out));
		ares_resinfo(&vs, out, sizeof(out));
		if (strcmp(out, want) != 0)
			fail_msg("resinfo.in line %zu:\n  got  %s\n  want %s",
			    lineno, out, want);
		rows++;
	}
	assert_true(rows >= 9);
}

/* test_resinfo_is_always_terminated - a short buffer is cut, not run over */
static void
test_resinfo_is_always_terminated(void **state)
{
	struct verify_sig	 vs;
	char			 out[24];

	(void)state;
	memset(&vs, 0, sizeof(vs));
	vs.result.verdict = VERDICT_PASS;
	snprintf(vs.d, sizeof(vs.d), "a-rather-long-domain.example.com");
	memset(out, 'X', sizeof(out));
	ares_resinfo(&vs, out, sizeof(out));
	assert_true(memchr(out, '\0', sizeof(out)) != NULL);
	assert_true(strncmp(out, "dkim=pass", 9) == 0);
}

/* test_resinfo_has_no_line_breaks - values from mail cannot fold it */
static void
test_resinfo_has_no_line_breaks(void **state)
{
	struct verify_sig	 vs;
	char			 out[1200];

	(void)state;
	memset(&vs, 0, sizeof(vs));
	vs.result.verdict = VERDICT_PERMERROR;
	vs.result.reason = REASON_SIG_BAD_DOMAIN;
	snprintf(vs.result.detail, sizeof(vs.result.detail),
	    "d=evil\r\nX-Injected: yes (oops");
	snprintf(vs.d, sizeof(vs.d), "evil\r\nX-Injected: yes");
	snprintf(vs.s, sizeof(vs.s), "s\n");
	ares_resinfo(&vs, out, sizeof(out));
	assert_null(strchr(out, '\r'));
	assert_null(strchr(out, '\n'));
}

/* test_resinfo_is_rfc8601_syntax_only - item 7: no raw 8-bit, DEL, CTL */
static void
test_resinfo_is_rfc8601_syntax_only(void **state)
{
	struct verify_sig	 vs;
	char			 out[1300];
	const unsigned char	*p;
	int			 inquote = 0;

	(void)state;
	memset(&vs, 0, sizeof(vs));
	vs.result.verdict = VERDICT_PERMERROR;
	vs.result.reason = REASON_SIG_BAD_DOMAIN;
	snprintf(vs.result.detail, sizeof(vs.result.detail),
	    "d=pay\xc3\xa4pal.com\x7f\x01");
	snprintf(vs.d, sizeof(vs.d), "pay\xc3\xa4pal.com");
	snprintf(vs.s, sizeof(vs.s), "sel\x7f");
	snprintf(vs.a, sizeof(vs.a), "rsa \"x\\y\"");
	snprintf(vs.b8, sizeof(vs.b8), "AbCd\x80");
	ares_resinfo(&vs, out, sizeof(out));
	assert_true(strncmp(out, "dkim=permerror (", 16) == 0);
	for (p = (const unsigned char *)out; *p != '\0'; p++)
		if (*p < 0x20 || *p >= 0x7f)
			fail_msg("byte 0x%02x at %zu in %s", *p,
			    (size_t)(p - (const unsigned char *)out), out);
	/* values with bytes RFC 8601 cannot carry are left out */
	assert_null(strstr(out, "header.d="));
	assert_null(strstr(out, "header.s="));
	assert_null(strstr(out, "header.b="));
	/* a printable value with tspecials is a quoted-string, escaped */
	assert_non_null(strstr(out, " header.a=\"rsa \\\"x\\\\y\\\"\""));
	for (p = (const unsigned char *)strstr(out, "header.a="); *p != '\0';
	    p++) {
		if (*p == '\\' && inquote)
			p++;
		else if (*p == '"')
			inquote = !inquote;
	}
	assert_int_equal(inquote, 0);
}

/* test_resinfo_never_cuts_a_value - a short buffer keeps whole parts */
static void
test_resinfo_never_cuts_a_value(void **state)
{
	struct verify_sig	 vs;
	char			 out[60];

	(void)state;
	memset(&vs, 0, sizeof(vs));
	vs.result.verdict = VERDICT_PASS;
	snprintf(vs.d, sizeof(vs.d), "paypal.com.attacker.example");
	ares_resinfo(&vs, out, sizeof(out));
	assert_null(strstr(out, "paypal"));
	assert_string_equal(out, "dkim=pass");
}

static int
vheader(void *arg, const char *name, const char *value, struct errbuf *err)
{
	return verifier_header(arg, name, value, err);
}

/* verify - run msg through a verifier at time now */
static void
verify(struct fx *fx, const char *msg, time_t now)
{
	struct verify_settings	 vs;
	struct errbuf		 err;
	size_t			 off, len = strlen(msg);

	memset(&vs, 0, sizeof(vs));
	vs.dns = fx->dns;
	vs.now = now;
	assert_non_null(fx->v = verifier_new(&vs, &err));
	assert_int_equal(msg_split(msg, len, vheader, fx->v, &off, &err), 0);
	assert_int_equal(verifier_eoh(fx->v, &err), 0);
	assert_int_equal(verifier_body(fx->v, msg + off, len - off, &err), 0);
	assert_int_equal(verifier_eom(fx->v, &err), 0);
}

/* expect_golden - fx->out equals the bytes of a .ref file */
static void
expect_golden(struct fx *fx, const char *rel)
{
	fx->ref = slurp(rel);
	if (strcmp(fx->out, fx->ref) != 0)
		fail_msg("%s differs:\n  got  [%s]\n  want [%s]", rel, fx->out,
		    fx->ref);
}

/* test_format_rfc8463_message_matches_golden - two passing signatures */
static void
test_format_rfc8463_message_matches_golden(void **state)
{
	struct fx	*fx = *state;
	char		*zone;

	zone = slurp("rfc/rfc8463-a2-dns.txt");
	assert_int_equal(fake_dns_load(zone), 0);
	free(zone);
	fx->msg = slurp("rfc/rfc8463-a3-signed.eml");
	verify(fx, fx->msg, 1528637909);
	assert_non_null(fx->out = ares_format(AUTHSERV, fx->v));
	expect_golden(fx, "ares/rfc8463.ref");
}

/* test_format_unsigned_message_is_none - RFC 8601 2.7.1 dkim=none */
static void
test_format_unsigned_message_is_none(void **state)
{
	struct fx	*fx = *state;

	verify(fx, "From: joe@example.com\r\nSubject: hi\r\n\r\nHi.\r\n",
	    1700000000);
	assert_non_null(fx->out = ares_format(AUTHSERV, fx->v));
	expect_golden(fx, "ares/none.ref");
}

/* test_format_is_recognized_as_ours - what we add, we would remove */
static void
test_format_is_recognized_as_ours(void **state)
{
	struct fx	*fx = *state;

	verify(fx, "DKIM-Signature: v=1; broken\r\nFrom: joe@example.com\r\n"
	    "\r\nHi.\r\n", 1700000000);
	assert_non_null(fx->out = ares_format(AUTHSERV, fx->v));
	assert_true(fx->out[0] == ' ');
	assert_non_null(strstr(fx->out, "dkim=permerror"));
	assert_int_equal(ares_is_ours(fx->out, AUTHSERV), 1);
	assert_int_equal(ares_is_ours(fx->out, "other.example.net"), 0);
}

static const struct {
	const char	*value;
	const char	*id;
	int		 want;
} ours_rows[] = {
	{ "mx.example.net; dkim=pass header.d=example.com", AUTHSERV, 1 },
	{ "MX.Example.NET; dkim=pass", AUTHSERV, 1 },
	{ "mx.example.net; dkim=pass", "MX.EXAMPLE.NET", 1 },
	{ " mx.example.net; dkim=pass", AUTHSERV, 1 },
	{ "\r\n\tmx.example.net;\r\n\tdkim=fail", AUTHSERV, 1 },
	{ "(forged) mx.example.net; dkim=pass", AUTHSERV, 1 },
	{ " (nested (comment) here)\r\n mx.example.net; dkim=pass", AUTHSERV,
	  1 },
	{ "mx.example.net (comment); dkim=pass", AUTHSERV, 1 },
	{ "mx.example.net(comment); dkim=pass", AUTHSERV, 1 },
	/* RFC 8601 2.2: authserv-id [ CFWS authres-version ] */
	{ "mx.example.net 1; dkim=pass", AUTHSERV, 1 },
	{ "mx.example.net; none", AUTHSERV, 1 },
	{ "mx.example.net", AUTHSERV, 1 },
	/* RFC 8601 2.2: authserv-id is a "value": token or quoted-string */
	{ "\"mx.example.net\"; dkim=pass", AUTHSERV, 1 },
	{ "mx.example.net.evil; dkim=pass", AUTHSERV, 0 },
	{ "evil.mx.example.net; dkim=pass", AUTHSERV, 0 },
	{ "mx.example; dkim=pass", AUTHSERV, 0 },
	{ "other.example; dkim=pass header.d=mx.example.net", AUTHSERV, 0 },
	{ "(mx.example.net) other.example; dkim=pass", AUTHSERV, 0 },
	{ "", AUTHSERV, 0 },
	{ "(unterminated mx.example.net; dkim=pass", AUTHSERV, 0 },
	{ "mx.example.net; dkim=pass", "", 0 },
};

/* test_is_ours_rows - the authserv-id, case-insensitive, after CFWS */
static void
test_is_ours_rows(void **state)
{
	size_t	 i;
	int	 got;

	(void)state;
	for (i = 0; i < sizeof(ours_rows) / sizeof(ours_rows[0]); i++) {
		got = ares_is_ours(ours_rows[i].value, ours_rows[i].id);
		if (got != ours_rows[i].want)
			fail_msg("ares_is_ours(\"%s\", \"%s\") = %d, want %d",
			    ours_rows[i].value, ours_rows[i].id, got,
			    ours_rows[i].want);
	}
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_resinfo_matches_golden_file),
		cmocka_unit_test(test_resinfo_is_always_terminated),
		cmocka_unit_test(test_resinfo_has_no_line_breaks),
		cmocka_unit_test(test_resinfo_is_rfc8601_syntax_only),
		cmocka_unit_test(test_resinfo_never_cuts_a_value),
		T(test_format_rfc8463_message_matches_golden),
		T(test_format_unsigned_message_is_none),
		T(test_format_is_recognized_as_ours),
		cmocka_unit_test(test_is_ours_rows),
	};

	return cmocka_run_group_tests_name("ares", tests, NULL, NULL);
}
