/*
 * test_logparse - the verdict line read back from the mail log
 * (lib/logparse.c) and summarised (lib/logsum.c): what lib/report.c
 * writes parses back to the same values, every log format Debian
 * produces, tolerance of fields the parser does not know, and lines cut
 * short or forged by other programs
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/logparse.h"
#include "lib/logsum.h"
#include "lib/report.h"

/* 2024-12-04T12:00:00Z: "now" for every test (TZ=UTC is set in main) */
#define NOW	((time_t)1733313600)

static struct logparse	 lp;
static struct logline	 ll;

static enum logparse_status
parse(const char *line)
{
	logparse_init(&lp, NOW);
	memset(&ll, 0, sizeof(ll));
	return logparse_line(&lp, line, strlen(line), &ll);
}

/* What lib/report.c writes, with hostile values, parses back the same. */
static void
test_report_format_round_trip(void **state)
{
	struct report_made	 made[2] = {
		{ "example.com", "sel1", "rsa-sha256", "published" },
		{ "ex\x01" "ample.com", "s 2", "ed25519-sha256", NULL },
	};
	struct report		 r;
	char			*line, full[20000];

	(void)state;
	memset(&r, 0, sizeof(r));
	r.queue_id = "Q1\xd6 x";	/* quoted in the line */
	r.verdict = "signed";
	r.from_domain = "bad\"dom\\ain\x1b[31m\xc3\xa9.example";
	r.made = made;
	r.nmade = 2;
	r.hint = "say \"hi\"\n\\ok";
	r.note = "outgoing";
	r.action = "accept";
	line = report_format(&r);
	assert_non_null(line);
	snprintf(full, sizeof(full), "Dec  4 10:00:00 mx1 "
	    "dkimlens-milter[42]: %s", line);
	free(line);
	assert_int_equal(parse(full), LOGPARSE_OK);
	assert_string_equal(ll.queue_id, "Q1\xd6 x");
	assert_string_equal(ll.verdict, "signed");
	assert_string_equal(ll.from, r.from_domain);
	assert_string_equal(ll.hint, r.hint);
	assert_string_equal(ll.action, "accept");
	assert_int_equal(ll.nsigned, 2);
	assert_string_equal(ll.signed_[0].d, "example.com");
	assert_string_equal(ll.signed_[1].d, "ex\x01" "ample.com");
	assert_string_equal(ll.signed_[1].s, "s 2");
	assert_string_equal(ll.signed_[1].a, "ed25519-sha256");
	assert_string_equal(ll.host, "mx1");
	assert_string_equal(ll.code, "");
}

static const char payload[] = "Q2: verdict=pass from=example.com "
    "sig1=d:example.com,s:s1,a:rsa-sha256,role:author,result:pass "
    "action=accept";

/* Every timestamp format: the time (UTC seconds) and the host. */
static void
test_formats(void **state)
{
	static const struct {
		const char	*label;
		const char	*prefix;
		int		 has_time;
		time_t		 when;
		const char	*host;
	} t[] = {
		{ "classic", "Dec  4 10:00:01 mx1 dkimlens-milter[1]: ", 1,
		  NOW - 7199, "mx1" },
		{ "classic zero day", "Dec 04 10:00:01 mx1 "
		  "dkimlens-milter[1]: ", 1, NOW - 7199, "mx1" },
		{ "classic, later in the year: last year", "Dec 25 10:00:01 "
		  "mx1 dkimlens-milter[1]: ", 1, NOW - 7199 + 21 * 86400 -
		  366 * 86400, "mx1" },
		{ "rsyslog high precision", "2024-12-04T11:00:01.123456+01:00 "
		  "mx2 dkimlens-milter[7]: ", 1, NOW - 3599 - 3600, "mx2" },
		{ "journalctl short-iso", "2024-12-04T11:00:01+0100 mx3 "
		  "dkimlens-milter[7]: ", 1, NOW - 3599 - 3600, "mx3" },
		{ "ISO Z", "2024-12-04T10:00:01Z h dkimlens-milter[7]: ", 1,
		  NOW - 7199, "h" },
		{ "ISO negative offset", "2024-12-04T05:00:01-05:00 h "
		  "dkimlens-milter[7]: ", 1, NOW - 7199, "h" },
		{ "RFC 5424", "<22>1 2024-12-04T10:00:01.5Z mx4 "
		  "dkimlens-milter 99 - - ", 1, NOW - 7199, "mx4" },
		{ "RFC 5424 with SD", "<22>1 2024-12-04T10:00:01Z mx4 "
		  "dkimlens-milter 99 ID47 [ex@1 a=\"x\\]y\"] ", 1, NOW - 7199,
		  "mx4" },
		{ "PRI before classic", "<22>Dec  4 10:00:01 mx1 "
		  "dkimlens-milter[1]: ", 1, NOW - 7199, "mx1" },
		{ "tag without pid", "Dec  4 10:00:01 mx1 dkimlens-milter: ",
		  1, NOW - 7199, "mx1" },
		{ "milter -f", "dkimlens-milter: ", 0, 0, "" },
	};
	char	 line[1000];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		print_message("case: %s\n", t[i].label);
		snprintf(line, sizeof(line), "%s%s\n", t[i].prefix, payload);
		assert_int_equal(parse(line), LOGPARSE_OK);
		assert_int_equal(ll.has_time, t[i].has_time);
		if (t[i].has_time)
			assert_int_equal((long long)ll.when,
			    (long long)t[i].when);
		assert_string_equal(ll.host, t[i].host);
		assert_string_equal(ll.queue_id, "Q2");
		assert_string_equal(ll.verdict, "pass");
	}
}

/* Lines that are not verdict lines are skipped, whoever wrote them. */
static void
test_skipped(void **state)
{
	static const char *const t[] = {
		"Dec  4 10:00:01 mx1 postfix/smtpd[1]: connect from x",
		/* a header logged by Postfix is the sender's text */
		"Dec  4 10:00:01 mx1 postfix/cleanup[1]: Q: warning: header "
		"Subject: Q9: verdict=pass from=bank.example action=accept",
		"Dec  4 10:00:01 mx1 dkimlens-milterX[1]: Q: verdict=pass "
		"from=a action=accept",
		"Dec  4 10:00:01 mx1 dkimlens-milter[1]: reloaded x: 2 keys",
		"Dec  4 10:00:01 mx1 dkimlens-milter[1]: Q: out of memory for "
		"the verdict line",
		"garbage verdict= garbage",
		"",
		"<22>1 2024-12-04T10:00:01Z mx4 postfix 99 - - Q: verdict=pass "
		"from=a action=accept",
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		print_message("case %zu: %s\n", i, t[i]);
		assert_int_equal(parse(t[i]), LOGPARSE_SKIP);
	}
}

/* Verdict lines that do not parse are BAD, with a reason. */
static void
test_bad(void **state)
{
	static const struct {
		const char	*msg;
		const char	*why;	/* a substring of ll.why */
	} t[] = {
		{ "Q: verdict=pass from=a.example sig1=d:a.exa", "action=" },
		{ "Q: verdict=fail from=a.example reason=\"body ha",
		  "no closing quote" },
		{ "Q: verdict=pass from=a.example action=acc", "action" },
		{ "Q: verdict=pass from=\"a\\qb\" action=accept", "escape" },
		{ "Q: verdict=pass from=\"a\\x00b\" action=accept", "escape" },
		{ "Q: verdict=pass from=\"a\"b action=accept", "quote" },
		{ "Q: from=a verdict=pass action=accept", "first" },
		{ "Q: verdict=PASS from=a action=accept", "word" },
		{ "Q: verdict=pass  from=a action=accept", "key=value" },
		{ "Q verdict=pass from=a action=accept", "QUEUEID" },
		{ "Q: verdict=signed from=a signed1=d:a action=accept",
		  "signed1" },
		{ "Q: verdict=pass from=a sig1=d:a\\x4 action=accept",
		  "sig1" },
	};
	char	 line[1000];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		print_message("case: %s\n", t[i].msg);
		snprintf(line, sizeof(line), "Dec  4 10:00:01 mx1 "
		    "dkimlens-milter[1]: %s", t[i].msg);
		assert_int_equal(parse(line), LOGPARSE_BAD);
		assert_non_null(strstr(ll.why, t[i].why));
	}
}

/* Fields and parts from newer milters are skipped, signedN key: kept. */
static void
test_unknown_fields_tolerated(void **state)
{
	(void)state;
	assert_int_equal(parse("dkimlens-milter: Q: verdict=signed "
	    "from=a.example newfield=1 removed1=d:a.example,s:x,why:forged "
	    "signed1=d:a.example,s:s1,a:rsa-sha256,key:expiring,extra:9 "
	    "note=\"n\" action=accept later=\"x y\""), LOGPARSE_OK);
	assert_int_equal(ll.nsigned, 1);
	assert_string_equal(ll.signed_[0].key, "expiring");
	assert_string_equal(ll.signed_[0].s, "s1");
	assert_string_equal(ll.verdict, "signed");
}

/* The reason code is the deciding signature's, an author's first. */
static void
test_reason_code(void **state)
{
	(void)state;
	assert_int_equal(parse("dkimlens-milter: Q: verdict=fail "
	    "from=a.example sig1=d:x.example,s:s,a:rsa-sha256,role:third-party,result:fail,"
	    "reason:signature-mismatch sig2=d:a.example,s:s,a:rsa-sha256,"
	    "role:author,result:fail,reason:body-hash-mismatch "
	    "action=accept"), LOGPARSE_OK);
	assert_string_equal(ll.code, "body-hash-mismatch");
	assert_int_equal(ll.nsigs, 2);
	assert_int_equal(parse("dkimlens-milter: Q: verdict=permerror from=a "
	    "sig1=d:a,s:s,a:rsa-sha256,role:author,result:policy,"
	    "reason:key-too-short action=accept"), LOGPARSE_OK);
	assert_string_equal(ll.code, "key-too-short");
	assert_int_equal(parse("dkimlens-milter: Q: verdict=esp-only from=a "
	    "sig1=d:amazonses.com,s:s,a:rsa-sha256,role:esp,result:pass "
	    "action=accept"), LOGPARSE_OK);
	assert_string_equal(ll.code, "esp-only");
	assert_string_equal(ll.esp, "amazonses.com");
	assert_int_equal(parse("dkimlens-milter: Q: verdict=pass from=a "
	    "action=accept"), LOGPARSE_OK);
	assert_string_equal(ll.code, "");
}

/* --since/--until values */
static void
test_time_argument(void **state)
{
	time_t	 t;

	(void)state;
	logparse_init(&lp, NOW);
	assert_int_equal(logparse_time(&lp, "2024-12-04", &t), 0);
	assert_int_equal((long long)t, (long long)(NOW - 12 * 3600));
	assert_int_equal(logparse_time(&lp, "2024-12-04T11:30", &t), 0);
	assert_int_equal((long long)t, (long long)(NOW - 1800));
	assert_int_equal(logparse_time(&lp, "2024-12-04 13:00:00+01:00", &t),
	    0);
	assert_int_equal((long long)t, (long long)NOW);
	assert_int_equal(logparse_time(&lp, "2024-12-04T13:00+01:00", &t), 0);
	assert_int_equal((long long)t, (long long)NOW);
	assert_int_equal(logparse_time(&lp, "2024-12-04T12:00Z", &t), 0);
	assert_int_equal((long long)t, (long long)NOW);
	assert_int_equal(logparse_time(&lp, "2d", &t), 0);
	assert_int_equal((long long)t, (long long)(NOW - 2 * 86400));
	assert_int_equal(logparse_time(&lp, "90m", &t), 0);
	assert_int_equal((long long)t, (long long)(NOW - 5400));
	assert_int_equal(logparse_time(&lp, "yesterday", &t), -1);
	assert_int_equal(logparse_time(&lp, "2024-13-01", &t), -1);
	assert_int_equal(logparse_time(&lp, "2024-12-04T11", &t), -1);
	assert_int_equal(logparse_time(&lp, "x2d", &t), -1);
}

/* add - parse and count one line into ls */
static void
add(struct logsum *ls, const char *line)
{
	struct errbuf	 err;

	assert_int_equal(parse(line), LOGPARSE_OK);
	assert_int_equal(logsum_add(ls, &ll, &err), 0);
}

/* Counts, worst-first order, filters, unparsed records. */
static void
test_logsum_counts(void **state)
{
	struct logsum_settings		 set;
	struct logsum			*ls;
	const struct logsum_view	*vw;
	int				 i;

	(void)state;
	memset(&set, 0, sizeof(set));
	set.has_since = 1;
	set.since = NOW - 86400;
	assert_non_null(ls = logsum_new(&set));
	for (i = 0; i < 3; i++)
		add(ls, "2024-12-04T10:00:00Z mx1 dkimlens-milter[1]: Q1: "
		    "verdict=pass from=good.example action=accept");
	add(ls, "2024-12-04T10:00:00Z mx2 dkimlens-milter[1]: Q2: "
	    "verdict=fail from=bad.example sig1=d:bad.example,s:s,"
	    "a:rsa-sha256,role:author,result:fail,reason:body-hash-mismatch "
	    "action=accept");
	add(ls, "2024-12-04T11:00:00Z mx2 dkimlens-milter[1]: Q3: "
	    "verdict=signed from=good.example signed1=d:good.example,s:k1,"
	    "a:rsa-sha256 action=accept");
	/* before --since, and without a time: left out */
	add(ls, "2024-12-01T10:00:00Z mx1 dkimlens-milter[1]: Q4: "
	    "verdict=none from=old.example action=accept");
	add(ls, "dkimlens-milter: Q5: verdict=none from=old.example "
	    "action=accept");
	assert_int_equal(logsum_unparsed(ls, "mail.log", 17, "cut"), 0);
	assert_non_null(vw = logsum_view(ls));
	assert_int_equal(vw->messages, 5);
	assert_int_equal(vw->filtered, 2);
	assert_int_equal(vw->unparsed, 1);
	assert_string_equal(vw->unparsed_lines[0].file, "mail.log");
	assert_int_equal(vw->unparsed_lines[0].line, 17);
	assert_int_equal(vw->ndomains, 2);
	assert_string_equal(vw->domains[0]->name, "bad.example");
	assert_int_equal(vw->domains[0]->nreasons, 1);
	assert_string_equal(vw->domains[0]->reasons[0].code,
	    "body-hash-mismatch");
	assert_string_equal(vw->domains[0]->reasons[0].example, "Q2");
	assert_true(vw->domains[0]->reasons[0].hint[0] != '\0');
	assert_string_equal(vw->domains[1]->name, "good.example");
	assert_int_equal(vw->domains[1]->passing, 4);
	assert_string_equal(vw->verdict_name[vw->order[0]], "fail");
	assert_int_equal(vw->nkeys, 1);
	assert_string_equal(vw->keys[0]->s, "k1");
	assert_int_equal(vw->nhosts, 2);
	assert_int_equal(vw->hosts[0]->messages, 3);
	assert_int_equal((long long)vw->first, (long long)(NOW - 7200));
	assert_int_equal((long long)vw->last, (long long)(NOW - 3600));
	logsum_free(ls);
}

/* Buckets are hours, then days once the span passes three days. */
static void
test_logsum_buckets(void **state)
{
	struct logsum_settings		 set;
	struct logsum			*ls;
	const struct logsum_view	*vw;

	(void)state;
	memset(&set, 0, sizeof(set));
	set.buckets = 1;
	assert_non_null(ls = logsum_new(&set));
	add(ls, "2024-12-04T10:00:00Z h dkimlens-milter: Q: verdict=pass "
	    "from=a action=accept");
	add(ls, "2024-12-04T10:59:00Z h dkimlens-milter: Q: verdict=fail "
	    "from=a action=accept");
	add(ls, "2024-12-04T11:00:00Z h dkimlens-milter: Q: verdict=pass "
	    "from=a action=accept");
	assert_non_null(vw = logsum_view(ls));
	assert_int_equal(vw->bucket_secs, 3600);
	assert_int_equal(vw->domains[0]->nbuckets, 2);
	assert_int_equal(vw->domains[0]->buckets[0].count[LOGSUM_C_PASS], 1);
	assert_int_equal(vw->domains[0]->buckets[0].count[LOGSUM_C_FAIL], 1);
	/* out of order, and five days earlier: everything becomes days */
	add(ls, "2024-11-29T23:00:00Z h dkimlens-milter: Q: verdict=none "
	    "from=a action=accept");
	assert_non_null(vw = logsum_view(ls));
	assert_int_equal(vw->bucket_secs, 86400);
	assert_int_equal(vw->domains[0]->nbuckets, 2);
	assert_int_equal(vw->domains[0]->buckets[0].count[LOGSUM_C_NONE], 1);
	assert_int_equal(vw->domains[0]->buckets[1].count[LOGSUM_C_PASS], 2);
	assert_int_equal(vw->domains[0]->buckets[1].count[LOGSUM_C_FAIL], 1);
	logsum_free(ls);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_format_round_trip),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_skipped),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_unknown_fields_tolerated),
		cmocka_unit_test(test_reason_code),
		cmocka_unit_test(test_time_argument),
		cmocka_unit_test(test_logsum_counts),
		cmocka_unit_test(test_logsum_buckets),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
