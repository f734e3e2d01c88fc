/*
 * logparse - read one mail-log line and, if it is a dkimlens verdict
 * line, its fields
 *
 * Owns the grammar of a verdict line as lib/report.c writes it (and
 * dkimlens.conf(5) documents it) as seen through the log formats Debian
 * produces:
 *
 *   classic syslog      Dec  4 17:00:01 HOST dkimlens-milter[PID]: MSG
 *   ISO 8601 / RFC 3339 2024-12-04T17:00:01.123456+01:00 HOST TAG: MSG
 *                       (rsyslog high precision, journalctl -o short-iso
 *                       and short-iso-precise, with or without the colon
 *                       in the offset)
 *   RFC 5424            <22>1 2024-12-04T17:00:01Z HOST dkimlens-milter
 *                       PID - - MSG
 *   the milter's -f     dkimlens-milter: MSG (stderr: no time, no host)
 *
 * An optional "<PRI>" in front of the classic and ISO forms is skipped.
 * MSG is "QUEUEID: verdict=V from=D [field=value]... action=A".  A line
 * is a verdict line when the program is dkimlens-milter and MSG contains
 * " verdict="; only such a line can be LOGPARSE_BAD.  Lines of other
 * programs are skipped even when they contain "verdict=": a header that
 * Postfix logs (header_checks) is the sender's text, and must not count.
 *
 * Tolerant of what it does not know: unknown key=value fields anywhere,
 * unknown parts inside sigN= and signedN= (e.g. key:STATE), unknown
 * verdict names.  Strict on what it knows: a quoted value must end, an
 * escape must be \", \\ or \xNN (never \x00), action= must be there, a
 * field that no buffer below can hold makes the line BAD, not cut short.
 *
 * Values are returned unescaped (raw bytes, NUL-terminated): whoever
 * shows them escapes them for the terminal, JSON or HTML.
 *
 * The message's reason code: for fail, dns-error and permerror, the
 * reason: part of the signature that decided it, as lib/report.c picks
 * it (an author signature whose result fits the verdict first, then
 * any); for any other verdict that is not pass, signed or skipped, the
 * verdict name itself (esp-only, third-party, none, unsigned, error).
 *
 * Never: reads files, allocates, keeps state between lines beyond a
 * time-conversion cache.  Thread-safe per struct logparse.
 */
#ifndef DKIMLENS_LOGPARSE_H
#define DKIMLENS_LOGPARSE_H

#include <stddef.h>
#include <time.h>

/* buffer sizes, NUL included */
#define LOGPARSE_NAME_MAX	256	/* host, domain, selector */
#define LOGPARSE_WORD_MAX	64	/* queue id, verdict, code, action */
#define LOGPARSE_TEXT_MAX	1024	/* hint */
#define LOGPARSE_SIGNED_MAX	32	/* signedN fields in one line */
#define LOGPARSE_PROGRAM	"dkimlens-milter"

enum logparse_status {
	LOGPARSE_SKIP,		/* not a verdict line */
	LOGPARSE_OK,		/* a verdict line, fields in the logline */
	LOGPARSE_BAD		/* a verdict line that does not parse */
};

/* One signature the milter added (signedN=d:D,s:S,a:A[,key:STATE]). */
struct logparse_signed {
	char	 d[LOGPARSE_NAME_MAX];
	char	 s[LOGPARSE_NAME_MAX];
	char	 a[LOGPARSE_WORD_MAX];
	char	 key[LOGPARSE_WORD_MAX];	/* "" when not logged */
};

/*
 * The fields of one verdict line.  host is "" for the -f format; code is
 * the reason code (see above); esp the d= of the first passing esp
 * signature; hint "" when the line has none.
 */
struct logline {
	time_t			 when;		/* UTC, if has_time */
	int			 has_time;
	char			 host[LOGPARSE_NAME_MAX];
	char			 queue_id[LOGPARSE_WORD_MAX];
	char			 verdict[LOGPARSE_WORD_MAX];
	char			 from[LOGPARSE_NAME_MAX];
	char			 code[LOGPARSE_WORD_MAX];
	char			 esp[LOGPARSE_NAME_MAX];
	char			 hint[LOGPARSE_TEXT_MAX];
	char			 action[LOGPARSE_WORD_MAX];
	size_t			 nsigs;
	size_t			 nsigned;
	struct logparse_signed	 signed_[LOGPARSE_SIGNED_MAX];
	char			 why[128];	/* for LOGPARSE_BAD */
};

/*
 * The conversion context: classic syslog has no year and no zone; its
 * time is local time in the year that puts it no later than a day after
 * now.  Caches the last local hour converted (mktime is slow).
 */
struct logparse {
	time_t	 now;
	int	 now_year;
	int	 cache_key;	/* year, month, day, hour; -1: empty */
	time_t	 cache_base;
};

/* logparse_init - a context for lines read at time now */
void	logparse_init(struct logparse *lp, time_t now);

/*
 * logparse_line - classify and parse one line of len bytes (no newline
 * needed; a trailing CR or LF is ignored).  OK fills *out; BAD fills
 * out->why; SKIP leaves *out unspecified.
 */
enum logparse_status logparse_line(struct logparse *lp, const char *line,
	    size_t len, struct logline *out);

/*
 * logparse_time - a time given by a person: YYYY-MM-DD or
 * YYYY-MM-DD[T ]HH:MM[:SS] (local time unless followed by Z or +HH:MM),
 * or N followed by m, h or d: that long before lp->now.  0 with *out set,
 * or -1.
 */
int	logparse_time(const struct logparse *lp, const char *s, time_t *out);

/*
 * logparse_verdict_rank - where a verdict goes in a worst-first list:
 * error, fail, permerror, dns-error, esp-only, none, third-party,
 * unsigned, skipped, pass, signed; unknown names after those.
 */
int	logparse_verdict_rank(const char *verdict);

/* logparse_passing - whether a verdict is a good outcome (pass, signed) */
int	logparse_passing(const char *verdict);

#endif
