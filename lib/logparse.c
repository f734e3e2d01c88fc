/*
 * logparse - read one mail-log line and, if it is a dkimlens verdict
 * line, its fields (the grammar: lib/logparse.h, dkimlens.conf(5))
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/logparse.h"

#define PROG_LEN	(sizeof(LOGPARSE_PROGRAM) - 1)

/* A cursor over the line: [p, end). */
struct cur {
	const char	*p;
	const char	*end;
};

/* num - n decimal digits at c->p; the value, or -1 */
static int
num(struct cur *c, size_t n)
{
	int	 v = 0;
	size_t	 i;

	if ((size_t)(c->end - c->p) < n)
		return -1;
	for (i = 0; i < n; i++) {
		if (c->p[i] < '0' || c->p[i] > '9')
			return -1;
		v = v * 10 + (c->p[i] - '0');
	}
	c->p += n;
	return v;
}

/* eat - consume ch; 1, or 0 when it is not next */
static int
eat(struct cur *c, char ch)
{
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return 1;
	}
	return 0;
}

/* days - days from 1970-01-01 to y-m-d (proleptic Gregorian) */
static int64_t
days(int y, int m, int d)
{
	int64_t	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* valid - a plausible calendar date and time of day */
static int
valid(int y, int mo, int d, int h, int mi, int s)
{
	return y >= 1970 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 &&
	    d <= 31 && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 &&
	    s <= 60;
}

/* local - local time to UTC seconds, mktime once per hour (cached) */
static time_t
local(struct logparse *lp, int y, int mo, int d, int h, int mi, int s)
{
	struct tm	 tm;
	int		 key = ((y * 13 + mo) * 32 + d) * 24 + h;

	if (key != lp->cache_key) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		tm.tm_hour = h;
		tm.tm_isdst = -1;
		lp->cache_base = mktime(&tm);
		lp->cache_key = key;
	}
	return lp->cache_base + mi * 60 + s;
}

/*
 * iso - YYYY-MM-DD[T ]HH:MM:SS[.frac][Z|+HH:MM|+HHMM]; local time when
 * no zone is given.  0, or -1 (cursor unspecified).
 */
static int
iso(struct logparse *lp, struct cur *c, time_t *out)
{
	int	 y, mo, d, h, mi, s, oh, om, sign;

	if ((y = num(c, 4)) < 0 || !eat(c, '-') || (mo = num(c, 2)) < 0 ||
	    !eat(c, '-') || (d = num(c, 2)) < 0 ||
	    !(eat(c, 'T') || eat(c, ' ')) || (h = num(c, 2)) < 0 ||
	    !eat(c, ':') || (mi = num(c, 2)) < 0 || !eat(c, ':') ||
	    (s = num(c, 2)) < 0 || !valid(y, mo, d, h, mi, s))
		return -1;
	if (eat(c, '.') || eat(c, ',')) {
		if (num(c, 1) < 0)
			return -1;
		while (num(c, 1) >= 0)
			;
	}
	if (eat(c, 'Z')) {
		*out = (time_t)(days(y, mo, d) * 86400 + h * 3600 + mi * 60 +
		    s);
		return 0;
	}
	if (c->p < c->end && (*c->p == '+' || *c->p == '-')) {
		sign = *c->p++ == '-' ? -1 : 1;
		if ((oh = num(c, 2)) < 0)
			return -1;
		eat(c, ':');
		if ((om = num(c, 2)) < 0 || oh > 23 || om > 59)
			return -1;
		*out = (time_t)(days(y, mo, d) * 86400 + h * 3600 + mi * 60 +
		    s - sign * (oh * 3600 + om * 60));
		return 0;
	}
	*out = local(lp, y, mo, d, h, mi, s);
	return 0;
}

/* classic - "Mmm dd hh:mm:ss" (day space- or zero-padded); 0 or -1 */
static int
classic(struct logparse *lp, struct cur *c, time_t *out)
{
	static const char	 months[] = "JanFebMarAprMayJunJulAugSepOct"
	    "NovDec";
	int			 mo, d, h, mi, s, y;
	time_t			 t;

	if (c->end - c->p < 15)
		return -1;
	for (mo = 0; mo < 12; mo++)
		if (memcmp(c->p, months + mo * 3, 3) == 0)
			break;
	if (mo == 12 || c->p[3] != ' ')
		return -1;
	c->p += 4;
	if (*c->p == ' ')
		c->p++;
	if ((d = num(c, 2)) < 0) {
		if ((d = num(c, 1)) < 0)
			return -1;
	}
	if (!eat(c, ' ') || (h = num(c, 2)) < 0 || !eat(c, ':') ||
	    (mi = num(c, 2)) < 0 || !eat(c, ':') || (s = num(c, 2)) < 0 ||
	    !valid(lp->now_year, mo + 1, d, h, mi, s))
		return -1;
	/* no year in the line: the latest that is not in the future */
	y = lp->now_year;
	t = local(lp, y, mo + 1, d, h, mi, s);
	if (t > lp->now + 86400)
		t = local(lp, y - 1, mo + 1, d, h, mi, s);
	*out = t;
	return 0;
}

/* word - the bytes up to the next space into dst; 0, or -1 */
static int
word(struct cur *c, char *dst, size_t dstlen)
{
	const char	*sp = memchr(c->p, ' ', (size_t)(c->end - c->p));
	size_t		 n;

	if (sp == NULL || sp == c->p)
		return -1;
	n = (size_t)(sp - c->p);
	if (dst != NULL) {
		if (n >= dstlen)
			return -1;
		memcpy(dst, c->p, n);
		dst[n] = '\0';
	}
	c->p = sp + 1;
	return 0;
}

/* tag - "dkimlens-milter[PID]: " or "dkimlens-milter: "; 0 or -1 */
static int
tag(struct cur *c)
{
	if ((size_t)(c->end - c->p) < PROG_LEN + 2 ||
	    memcmp(c->p, LOGPARSE_PROGRAM, PROG_LEN) != 0)
		return -1;
	c->p += PROG_LEN;
	if (eat(c, '[')) {
		if (num(c, 1) < 0)
			return -1;
		while (num(c, 1) >= 0)
			;
		if (!eat(c, ']'))
			return -1;
	}
	return eat(c, ':') && eat(c, ' ') ? 0 : -1;
}

/*
 * rfc5424 - after "<PRI>1 ": TIMESTAMP HOSTNAME APP-NAME PROCID MSGID
 * STRUCTURED-DATA MSG (RFC 5424 section 6); 0, or -1 to skip the line
 */
static int
rfc5424(struct logparse *lp, struct cur *c, struct logline *out)
{
	char	 app[LOGPARSE_NAME_MAX];
	int	 depth = 0;

	if (eat(c, '-'))
		out->has_time = 0;
	else if (iso(lp, c, &out->when) == -1)
		return -1;
	else
		out->has_time = 1;
	if (!eat(c, ' ') || word(c, out->host, sizeof(out->host)) == -1 ||
	    word(c, app, sizeof(app)) == -1 ||
	    strcmp(app, LOGPARSE_PROGRAM) != 0 ||
	    word(c, NULL, 0) == -1 || word(c, NULL, 0) == -1)
		return -1;
	if (strcmp(out->host, "-") == 0)
		out->host[0] = '\0';
	if (eat(c, '-'))
		return eat(c, ' ') ? 0 : -1;
	/* SD-ELEMENTs: [id param="value"]..., with \] \" \\ in values */
	while (c->p < c->end) {
		if (*c->p == '\\' && c->end - c->p > 1)
			c->p++;
		else if (*c->p == '[')
			depth++;
		else if (*c->p == ']')
			depth--;
		else if (*c->p == ' ' && depth == 0)
			break;
		c->p++;
	}
	if (!eat(c, ' '))
		return -1;
	/* a UTF-8 BOM may start MSG */
	if (c->end - c->p >= 3 && memcmp(c->p, "\xef\xbb\xbf", 3) == 0)
		c->p += 3;
	return 0;
}

/* prefix - time, host and tag; leaves c at MSG.  0, or -1 to skip */
static int
prefix(struct logparse *lp, struct cur *c, struct logline *out)
{
	struct cur	 save;

	out->has_time = 0;
	out->host[0] = '\0';
	if (eat(c, '<')) {
		if (num(c, 1) < 0)
			return -1;
		while (num(c, 1) >= 0)
			;
		if (!eat(c, '>'))
			return -1;
		save = *c;
		if (eat(c, '1') && eat(c, ' '))
			return rfc5424(lp, c, out);
		*c = save;
	}
	/* the milter's own -f output: no time, no host */
	if (tag(c) == 0)
		return 0;
	save = *c;
	if (iso(lp, c, &out->when) == -1) {
		*c = save;
		if (classic(lp, c, &out->when) == -1)
			return -1;
	}
	out->has_time = 1;
	if (!eat(c, ' '))
		return -1;
	while (eat(c, ' '))
		;
	if (word(c, out->host, sizeof(out->host)) == -1)
		return -1;
	return tag(c);
}

static enum logparse_status bad(struct logline *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* bad - say why the line is BAD; returns LOGPARSE_BAD */
static enum logparse_status
bad(struct logline *out, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(out->why, sizeof(out->why), fmt, ap);
	va_end(ap);
	return LOGPARSE_BAD;
}

/* hexval - one hex digit's value, or -1 */
static int
hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * unxnn - \xNN at p (end bounds it) as a byte; the byte (1-255), or -1
 * (\x00 is refused: no value the milter logs can hold a NUL)
 */
static int
unxnn(const char *p, const char *end)
{
	int	 hi, lo;

	if (end - p < 4 || p[1] != 'x' || (hi = hexval(p[2])) < 0 ||
	    (lo = hexval(p[3])) < 0 || hi * 16 + lo == 0)
		return -1;
	return hi * 16 + lo;
}

/* put - append one byte to dst (NULL: only count); 0, or -1 when full */
static int
put(char *dst, size_t dstlen, size_t *n, char ch)
{
	if (dst != NULL) {
		if (*n + 1 >= dstlen)
			return -1;
		dst[*n] = ch;
	}
	(*n)++;
	return 0;
}

/*
 * value - one field value at c (bare up to a space, or quoted, then the
 * end of the line or the byte after), into dst unescaped (NULL: only
 * check it).  0, or -1 with *why set.
 */
static int
value_to(struct cur *c, char *dst, size_t dstlen, const char **why,
    char after)
{
	size_t	 n = 0;
	int	 b;

	if (!eat(c, '"')) {
		while (c->p < c->end && *c->p != ' ')
			if (put(dst, dstlen, &n, *c->p++) == -1) {
				*why = "too long";
				return -1;
			}
	} else {
		for (;;) {
			if (c->p >= c->end) {
				*why = "has no closing quote";
				return -1;
			}
			if (*c->p == '"') {
				c->p++;
				break;
			}
			if (*c->p == '\\') {
				if (c->end - c->p >= 2 && (c->p[1] == '"' ||
				    c->p[1] == '\\')) {
					b = (unsigned char)c->p[1];
					c->p += 2;
				} else if ((b = unxnn(c->p, c->end)) != -1)
					c->p += 4;
				else {
					*why = "has a bad escape";
					return -1;
				}
			} else
				b = (unsigned char)*c->p++;
			if (put(dst, dstlen, &n, (char)b) == -1) {
				*why = "too long";
				return -1;
			}
		}
		if (c->p < c->end && *c->p != after) {
			*why = "goes on after its closing quote";
			return -1;
		}
	}
	if (dst != NULL)
		dst[n] = '\0';
	return 0;
}

/* value - a field value, followed by a space or the end of the line */
static int
value(struct cur *c, char *dst, size_t dstlen, const char **why)
{
	return value_to(c, dst, dstlen, why, ' ');
}

/*
 * part - copy one sigN/signedN part value [p, end) to dst, \xNN escapes
 * decoded; 0, or -1 (bad escape, too long)
 */
static int
part(const char *p, const char *end, char *dst, size_t dstlen)
{
	size_t	 n = 0;
	int	 b;

	while (p < end) {
		if (*p == '\\') {
			if ((b = unxnn(p, end)) == -1)
				return -1;
			p += 4;
		} else
			b = (unsigned char)*p++;
		if (put(dst, dstlen, &n, (char)b) == -1)
			return -1;
	}
	dst[n] = '\0';
	return 0;
}

/* The parts of one sigN= or signedN= value that this parser reads. */
struct parts {
	char	 d[LOGPARSE_NAME_MAX];
	char	 s[LOGPARSE_NAME_MAX];
	char	 a[LOGPARSE_WORD_MAX];
	char	 role[LOGPARSE_WORD_MAX];
	char	 result[LOGPARSE_WORD_MAX];
	char	 reason[LOGPARSE_WORD_MAX];
	char	 key[LOGPARSE_WORD_MAX];
};

/*
 * parts - "k:v,k:v,..." (values never quoted, \xNN escaped) into pt;
 * unknown parts are skipped.  0, or -1 with *why set.
 */
static int
parts(const char *p, const char *end, struct parts *pt, const char **why)
{
	const char	*comma, *colon;
	char		*dst;
	size_t		 dstlen, klen;

	memset(pt, 0, sizeof(*pt));
	while (p < end) {
		if ((comma = memchr(p, ',', (size_t)(end - p))) == NULL)
			comma = end;
		if ((colon = memchr(p, ':', (size_t)(comma - p))) == NULL) {
			*why = "has a part without ':'";
			return -1;
		}
		klen = (size_t)(colon - p);
		dst = NULL;
		dstlen = LOGPARSE_WORD_MAX;
#define PART(k, f)	if (klen == sizeof(k) - 1 && \
			    memcmp(p, k, klen) == 0) dst = pt->f
		PART("a", a);
		PART("role", role);
		PART("result", result);
		PART("reason", reason);
		PART("key", key);
#undef PART
		if (klen == 1 && (*p == 'd' || *p == 's')) {
			dst = *p == 'd' ? pt->d : pt->s;
			dstlen = LOGPARSE_NAME_MAX;
		}
		if (dst != NULL && part(colon + 1, comma, dst, dstlen) == -1) {
			*why = "has a part too long or badly escaped";
			return -1;
		}
		p = comma < end ? comma + 1 : end;
	}
	return 0;
}

/* numbered - key is PREFIX followed by 1-9 digits and nothing else */
static int
numbered(const char *key, size_t klen, const char *prefix)
{
	size_t	 i, plen = strlen(prefix);

	if (klen <= plen || klen > plen + 9 || memcmp(key, prefix, plen) != 0)
		return 0;
	for (i = plen; i < klen; i++)
		if (key[i] < '0' || key[i] > '9')
			return 0;
	return 1;
}

/* decides - a signature result that fits the message verdict */
static int
decides(const char *verdict, const char *result)
{
	if (strcmp(verdict, "fail") == 0)
		return strcmp(result, "fail") == 0;
	if (strcmp(verdict, "dns-error") == 0)
		return strcmp(result, "temperror") == 0;
	if (strcmp(verdict, "permerror") == 0)
		return strcmp(result, "permerror") == 0 ||
		    strcmp(result, "policy") == 0;
	return 0;
}

/* word_ok - a verdict or action name: [a-z-]+ */
static int
word_ok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || *s == '-'))
			return 0;
	return 1;
}

/* The state of one message while its fields are read. */
struct msgstate {
	char	 code_author[LOGPARSE_WORD_MAX];
	char	 code_any[LOGPARSE_WORD_MAX];
	int	 have_action;
};

/* sigfield - one sigN= value (raw token [p, end)) */
static int
sigfield(struct logline *out, struct msgstate *ms, const char *p,
    const char *end, const char **why)
{
	struct parts	 pt;

	if (parts(p, end, &pt, why) == -1)
		return -1;
	out->nsigs++;
	if (pt.reason[0] != '\0' && decides(out->verdict, pt.result)) {
		if (strcmp(pt.role, "author") == 0 &&
		    ms->code_author[0] == '\0')
			memcpy(ms->code_author, pt.reason, sizeof(pt.reason));
		if (ms->code_any[0] == '\0')
			memcpy(ms->code_any, pt.reason, sizeof(pt.reason));
	}
	if (strcmp(pt.role, "esp") == 0 && strcmp(pt.result, "pass") == 0 &&
	    out->esp[0] == '\0')
		memcpy(out->esp, pt.d, sizeof(pt.d));
	return 0;
}

/* signedfield - one signedN= value */
static int
signedfield(struct logline *out, const char *p, const char *end,
    const char **why)
{
	struct parts		 pt;
	struct logparse_signed	*sg;

	if (parts(p, end, &pt, why) == -1)
		return -1;
	if (pt.d[0] == '\0' || pt.s[0] == '\0') {
		*why = "has no d: or s: part";
		return -1;
	}
	if (out->nsigned == LOGPARSE_SIGNED_MAX) {
		*why = "is one signedN too many for this report";
		return -1;
	}
	sg = &out->signed_[out->nsigned++];
	memcpy(sg->d, pt.d, sizeof(sg->d));
	memcpy(sg->s, pt.s, sizeof(sg->s));
	memcpy(sg->a, pt.a, sizeof(sg->a));
	memcpy(sg->key, pt.key, sizeof(sg->key));
	return 0;
}

/* field - one key=value at c; LOGPARSE_OK or LOGPARSE_BAD */
static enum logparse_status
field(struct cur *c, struct logline *out, struct msgstate *ms, int first)
{
	static const char *const actions[] = { "accept", "tempfail", "reject",
	    "discard", "quarantine" };
	char		 key[40];
	const char	*k = c->p, *why = NULL, *tok;
	size_t		 klen, i;
	int		 ok, show;

	while (c->p < c->end && ((*c->p >= 'a' && *c->p <= 'z') ||
	    (*c->p >= '0' && *c->p <= '9') || *c->p == '_'))
		c->p++;
	klen = (size_t)(c->p - k);
	/* the line is not NUL-terminated: quote at most what is left */
	show = c->end - k < 20 ? (int)(c->end - k) : 20;
	if (klen == 0 || !eat(c, '='))
		return bad(out, "expected key=value, found \"%.*s\"", show,
		    k);
	if (klen >= sizeof(key))
		return bad(out, "field name too long: %.*s", show, k);
	memcpy(key, k, klen);
	key[klen] = '\0';
	if (first && strcmp(key, "verdict") != 0)
		return bad(out, "%s", "verdict= is not the first field");
	tok = c->p;
	if (numbered(key, klen, "sig") || numbered(key, klen, "signed")) {
		/* d, s and a are \xNN-escaped, never quoted: one token */
		if ((tok < c->end && *tok == '"') ||
		    value(c, NULL, 0, &why) == -1)
			return bad(out, "%s is not one word", key);
		if ((key[3] == 'n' ? signedfield(out, tok, c->p, &why) :
		    sigfield(out, ms, tok, c->p, &why)) == -1) {
			snprintf(out->why, sizeof(out->why), "%s %s", key,
			    why);
			return LOGPARSE_BAD;
		}
		return LOGPARSE_OK;
	}
	ok = 0;
	if (strcmp(key, "verdict") == 0) {
		ok = value(c, out->verdict, sizeof(out->verdict), &why) == 0;
		if (ok && !word_ok(out->verdict))
			return bad(out, "%s", "verdict= is not a word");
	} else if (strcmp(key, "from") == 0)
		ok = value(c, out->from, sizeof(out->from), &why) == 0;
	else if (strcmp(key, "hint") == 0)
		ok = value(c, out->hint, sizeof(out->hint), &why) == 0;
	else if (strcmp(key, "action") == 0) {
		ok = value(c, out->action, sizeof(out->action), &why) == 0;
		for (i = 0; ok && i < sizeof(actions) / sizeof(actions[0]);
		    i++)
			if (strcmp(out->action, actions[i]) == 0)
				break;
		if (ok && i == sizeof(actions) / sizeof(actions[0]))
			return bad(out, "unknown action=%.20s", out->action);
		ms->have_action = 1;
	} else
		ok = value(c, NULL, 0, &why) == 0;
	if (!ok) {
		snprintf(out->why, sizeof(out->why), "%s= value %s", key, why);
		return LOGPARSE_BAD;
	}
	return LOGPARSE_OK;
}

/* message - "QUEUEID: verdict=V from=D ... action=A" */
static enum logparse_status
message(struct cur *c, struct logline *out)
{
	struct msgstate	 ms;
	const char	*why = NULL, *sp;
	size_t		 n;
	int		 first = 1;

	memset(&ms, 0, sizeof(ms));
	if (c->p < c->end && *c->p == '"') {
		if (value_to(c, out->queue_id, sizeof(out->queue_id), &why,
		    ':') == -1)
			return bad(out, "queue id %s", why);
		if (!eat(c, ':'))
			return bad(out, "%s", "no ':' after the queue id");
	} else {
		/* a bare queue id may hold ':'; it ends at ": " */
		if ((sp = memchr(c->p, ' ', (size_t)(c->end - c->p))) == NULL ||
		    sp == c->p || sp[-1] != ':')
			return bad(out, "%s", "no \"QUEUEID: \" in front");
		n = (size_t)(sp - 1 - c->p);
		if (n == 0 || n >= sizeof(out->queue_id))
			return bad(out, "%s", "queue id empty or too long");
		memcpy(out->queue_id, c->p, n);
		out->queue_id[n] = '\0';
		c->p = sp;
	}
	if (!eat(c, ' '))
		return bad(out, "%s", "no space after the queue id");
	while (c->p < c->end) {
		if (!first && !eat(c, ' '))
			return bad(out, "%s",
			    "fields not separated by a space");
		if (field(c, out, &ms, first) == LOGPARSE_BAD)
			return LOGPARSE_BAD;
		first = 0;
	}
	if (out->verdict[0] == '\0')
		return bad(out, "%s", "no verdict=");
	if (!ms.have_action)
		return bad(out, "%s", "no action= (the line is cut short?)");
	if (strcmp(out->verdict, "fail") == 0 ||
	    strcmp(out->verdict, "dns-error") == 0 ||
	    strcmp(out->verdict, "permerror") == 0) {
		if (ms.code_author[0] != '\0')
			memcpy(out->code, ms.code_author, sizeof(out->code));
		else if (ms.code_any[0] != '\0')
			memcpy(out->code, ms.code_any, sizeof(out->code));
		else
			memcpy(out->code, out->verdict, sizeof(out->code));
	} else if (strcmp(out->verdict, "pass") != 0 &&
	    strcmp(out->verdict, "signed") != 0 &&
	    strcmp(out->verdict, "skipped") != 0)
		memcpy(out->code, out->verdict, sizeof(out->code));
	return LOGPARSE_OK;
}

/* has_verdict - " verdict=" occurs in [p, end) */
static int
has_verdict(const char *p, const char *end)
{
	while ((p = memchr(p, ' ', (size_t)(end - p))) != NULL) {
		if (end - p >= 9 && memcmp(p, " verdict=", 9) == 0)
			return 1;
		p++;
	}
	return 0;
}

/* logparse_init - a context for lines read at time now */
void
logparse_init(struct logparse *lp, time_t now)
{
	struct tm	 tm;

	memset(lp, 0, sizeof(*lp));
	lp->now = now;
	lp->now_year = localtime_r(&now, &tm) != NULL ? tm.tm_year + 1900 :
	    1970;
	lp->cache_key = -1;
}

/* logparse_line - classify and parse one line */
enum logparse_status
logparse_line(struct logparse *lp, const char *line, size_t len,
    struct logline *out)
{
	struct cur	 c;

	c.p = line;
	c.end = line + len;
	while (c.end > c.p && (c.end[-1] == '\n' || c.end[-1] == '\r'))
		c.end--;
	if (prefix(lp, &c, out) == -1)
		return LOGPARSE_SKIP;
	if (!has_verdict(c.p, c.end))
		return LOGPARSE_SKIP;
	out->queue_id[0] = out->verdict[0] = out->from[0] = '\0';
	out->code[0] = out->esp[0] = out->hint[0] = out->action[0] = '\0';
	out->why[0] = '\0';
	out->nsigs = out->nsigned = 0;
	if (memchr(c.p, '\0', (size_t)(c.end - c.p)) != NULL)
		return bad(out, "%s", "a NUL byte in the line");
	return message(&c, out);
}

/* logparse_time - a time given by a person */
int
logparse_time(const struct logparse *lp, const char *s, time_t *out)
{
	struct logparse	 tmp = *lp;
	struct cur	 c;
	char		*end;
	long		 n;
	char		 full[40];
	size_t		 len = strlen(s);

	if (len > 0 && strchr("mhd", s[len - 1]) != NULL && s[0] >= '0' &&
	    s[0] <= '9') {
		n = strtol(s, &end, 10);
		if (end != s + len - 1 || n < 0 || n > 100000)
			return -1;
		*out = lp->now - (time_t)n * (s[len - 1] == 'm' ? 60 :
		    s[len - 1] == 'h' ? 3600 : 86400);
		return 0;
	}
	/* complete the missing parts of the time of day */
	if (len >= sizeof(full) - 4 || (len != 10 && len < 16))
		return -1;
	if (len == 10)
		snprintf(full, sizeof(full), "%sT00:00:00", s);
	else if (s[16] != ':')
		snprintf(full, sizeof(full), "%.16s:00%s", s, s + 16);
	else
		snprintf(full, sizeof(full), "%s", s);
	c.p = full;
	c.end = full + strlen(full);
	tmp.cache_key = -1;
	if (iso(&tmp, &c, out) == -1 || c.p != c.end)
		return -1;
	return 0;
}

/* logparse_verdict_rank - worst first */
int
logparse_verdict_rank(const char *verdict)
{
	static const char *const order[] = { "error", "fail", "permerror",
	    "dns-error", "esp-only", "none", "third-party", "unsigned",
	    "skipped", "pass", "signed" };
	size_t	 i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (strcmp(verdict, order[i]) == 0)
			return (int)i;
	return (int)i;
}

/* logparse_passing - pass or signed */
int
logparse_passing(const char *verdict)
{
	return strcmp(verdict, "pass") == 0 || strcmp(verdict, "signed") == 0;
}
