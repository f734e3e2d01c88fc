/*
 * confopt - the dkimlens options of dkimlens.conf, each with its parser
 * (see lib/conf.h and lib/confint.h)
 *
 * One table names every option with its parser; a parser checks one
 * value and stores it in struct conf, or says in a few words what is
 * wrong.  It owns what a value may be (names, paths, lists, numbers and
 * their ranges, actions); it never reads a file, never sees another
 * option's value (conf.c checks those) and never prints.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/buf.h"
#include "lib/conf.h"
#include "lib/confint.h"
#include "lib/lookup.h"

static parse_fn p_socket, p_mode, p_domain, p_selector, p_keyfile,
	    p_keytable, p_signingtable, p_multiple, p_subdomains,
	    p_internal, p_canon, p_sigalg, p_signheaders, p_oversign,
	    p_sigttl, p_authservid, p_nameservers, p_dnstimeout, p_userid,
	    p_pidfile, p_umask, p_syslog, p_facility, p_minkeybits,
	    p_background, p_espdomains, p_maxsigs, p_onbad, p_ondns,
	    p_oninternal, p_onnosig, p_sesrelay, p_sesremove,
	    p_dnsthreads;

/* Indexed by enum conf_key. */
static const struct opt opts[CONF_K_COUNT] = {
	{ "Socket", CONF_K_SOCKET, p_socket },
	{ "Mode", CONF_K_MODE, p_mode },
	{ "Domain", CONF_K_DOMAIN, p_domain },
	{ "Selector", CONF_K_SELECTOR, p_selector },
	{ "KeyFile", CONF_K_KEYFILE, p_keyfile },
	{ "KeyTable", CONF_K_KEYTABLE, p_keytable },
	{ "SigningTable", CONF_K_SIGNINGTABLE, p_signingtable },
	{ "MultipleSignatures", CONF_K_MULTIPLESIGS, p_multiple },
	{ "SubDomains", CONF_K_SUBDOMAINS, p_subdomains },
	{ "InternalHosts", CONF_K_INTERNALHOSTS, p_internal },
	{ "Canonicalization", CONF_K_CANON, p_canon },
	{ "SignatureAlgorithm", CONF_K_SIGALG, p_sigalg },
	{ "SignHeaders", CONF_K_SIGNHEADERS, p_signheaders },
	{ "OversignHeaders", CONF_K_OVERSIGN, p_oversign },
	{ "SignatureTTL", CONF_K_SIGTTL, p_sigttl },
	{ "AuthservID", CONF_K_AUTHSERVID, p_authservid },
	{ "Nameservers", CONF_K_NAMESERVERS, p_nameservers },
	{ "DNSTimeout", CONF_K_DNSTIMEOUT, p_dnstimeout },
	{ "UserID", CONF_K_USERID, p_userid },
	{ "PidFile", CONF_K_PIDFILE, p_pidfile },
	{ "UMask", CONF_K_UMASK, p_umask },
	{ "Syslog", CONF_K_SYSLOG, p_syslog },
	{ "SyslogFacility", CONF_K_FACILITY, p_facility },
	{ "MinimumKeyBits", CONF_K_MINKEYBITS, p_minkeybits },
	{ "Background", CONF_K_BACKGROUND, p_background },
	{ "EspDomains", CONF_K_ESPDOMAINS, p_espdomains },
	{ "MaxSignatures", CONF_K_MAXSIGS, p_maxsigs },
	{ "OnBadSignature", CONF_K_ONBAD, p_onbad },
	{ "OnDNSError", CONF_K_ONDNS, p_ondns },
	{ "OnInternalError", CONF_K_ONINTERNAL, p_oninternal },
	{ "OnNoSignature", CONF_K_ONNOSIG, p_onnosig },
	{ "SesRelay", CONF_K_SESRELAY, p_sesrelay },
	{ "SesRelayRemoveEspSignatures", CONF_K_SESREMOVE, p_sesremove },
	{ "DNSLookupThreads", CONF_K_DNSTHREADS, p_dnsthreads },
};

/*
 * OpenDKIM names for dkimlens options: MaximumSignaturesToVerify is
 * MaxSignatures.  On-Default (every On-* action not set on its own line)
 * is handled in parse_line.
 */
static const struct {
	const char	*name;
	enum conf_key	 key;
} aliases[] = {
	{ "MaximumSignaturesToVerify", CONF_K_MAXSIGS },
};

static const char *const facilities[] = {
	"mail", "daemon", "user", "auth", "authpriv", "local0", "local1",
	"local2", "local3", "local4", "local5", "local6", "local7"
};

/* conf_name - the option's canonical name */
const char *
conf_name(enum conf_key k)
{
	return (size_t)k < CONF_K_COUNT ? opts[k].name : "?";
}

static int
setwhy(char *why, size_t whylen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* setwhy - format a parser's complaint; returns -1 */
static int
setwhy(char *why, size_t whylen, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -1;
}

/* setstr - replace *dst by a copy of s */
static int
setstr(char **dst, const char *s, char *why, size_t whylen)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		return setwhy(why, whylen, "out of memory");
	free(*dst);
	*dst = p;
	return 0;
}

/* parse_uint - a decimal number in [lo, hi] */
static int
parse_uint(const char *s, unsigned long lo, unsigned long hi,
    unsigned long *out)
{
	unsigned long	 v = 0;
	const char	*p;

	if (*s == '\0')
		return -1;
	for (p = s; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p))
			return -1;
		if (v > (hi - (unsigned long)(*p - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* confopt_bool - OpenDKIM's Boolean words */
int
confopt_bool(const char *s, int *out)
{
	static const char *const yes[] = { "yes", "true", "y", "t", "1",
		"on" };
	static const char *const no[] = { "no", "false", "n", "f", "0",
		"off" };
	size_t	 i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	return -1;
}

static int
bool_opt(int *dst, const char *value, char *why, size_t whylen)
{
	if (confopt_bool(value, dst) == -1)
		return setwhy(why, whylen, "'%s' is not yes or no", value);
	return 0;
}

/* is_domain - letters, digits, '-' and '_' in dot-separated labels */
static int
is_domain(const char *s)
{
	size_t	 label = 0, total = 0;

	if (*s == '\0' || *s == '.')
		return 0;
	for (; *s != '\0'; s++, total++) {
		if (*s == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return 0;
		if (++label > 63)
			return 0;
	}
	return label > 0 && total <= 253;
}

/* check_domains - every item of a list is a domain name */
static int
check_domains(const char *value, char *why, size_t whylen)
{
	const char	*p = value;
	char		 item[300];
	int		 n, count = 0;

	while ((n = conf_split(&p, item, sizeof(item))) != 0) {
		if (n < 0 || !is_domain(item))
			return setwhy(why, whylen, "'%s' is not a domain name",
			    n < 0 ? "(too long)" : item);
		count++;
	}
	if (count == 0)
		return setwhy(why, whylen, "no domain given");
	return 0;
}

/*
 * dataset - an OpenDKIM data set naming a file: "file:PATH",
 * "refile:PATH" or a bare path.  The path is made absolute and the prefix
 * kept.  Other OpenDKIM data set types (db:, ldap:, ...) are refused.
 * With list_ok, a value that is not a path is kept as an inline list.
 */
static int
dataset(struct conf *c, char **dst, const char *value, int list_ok,
    char *why, size_t whylen)
{
	static const char *const other[] = { "db:", "dsn:", "ldap:", "ldaps:",
		"ldapi:", "lua:", "memcache:", "redis:", "mdb:", "erlang:",
		"socket:", "csl:" };
	const char	*prefix = "", *path = value;
	char		*abs, *s;
	size_t		 i, n;

	if (strncmp(value, "file:", 5) == 0) {
		prefix = "file:";
		path = value + 5;
	} else if (strncmp(value, "refile:", 7) == 0) {
		prefix = "refile:";
		path = value + 7;
	} else {
		for (i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
			if (strncmp(value, other[i], strlen(other[i])) != 0)
				continue;
			if (list_ok && strcmp(other[i], "csl:") == 0)
				return setstr(dst, value + 4, why, whylen);
			return setwhy(why, whylen, "OpenDKIM data set type "
			    "'%s' is not supported; use a text file (file:"
			    " or refile:)", other[i]);
		}
		if (list_ok && value[0] != '/' && strncmp(value, "./", 2) != 0
		    && strncmp(value, "../", 3) != 0)
			return setstr(dst, value, why, whylen);
	}
	if (*path == '\0')
		return setwhy(why, whylen, "no file name after '%s'", prefix);
	if (strpbrk(path, " \t,") != NULL)
		return setwhy(why, whylen, "'%s' is not one file name", path);
	if ((abs = conf_path(c->dir, path)) == NULL)
		return setwhy(why, whylen, "out of memory");
	n = strlen(prefix) + strlen(abs) + 1;
	if ((s = malloc(n)) == NULL) {
		free(abs);
		return setwhy(why, whylen, "out of memory");
	}
	snprintf(s, n, "%s%s", prefix, abs);
	free(abs);
	free(*dst);
	*dst = s;
	return 0;
}

/*
 * postfix_style - rest (after "inet:" or "inet6:") is Postfix's HOST:PORT
 * ("inet:127.0.0.1:8891", "inet6:[::1]:8891"), the natural slip of an
 * admin who just wrote smtpd_milters: say so, with libmilter's form.
 * Returns 1 with why set, or 0 when it is not that.
 */
static int
postfix_style(const char *value, const char *rest, char *why, size_t whylen)
{
	const char	*colon = strrchr(rest, ':'), *p;
	int		 v6 = rest[0] == '[';
	size_t		 hlen;

	if (colon == NULL || colon == rest || colon[1] == '\0')
		return 0;
	for (p = colon + 1; *p != '\0'; p++)
		if (*p < '0' || *p > '9')
			return 0;
	hlen = (size_t)(colon - rest);
	if (v6 && (hlen < 3 || rest[hlen - 1] != ']'))
		return 0;
	if (!v6 && memchr(rest, ':', hlen) != NULL)
		return 0;
	setwhy(why, whylen, "'%s' is Postfix's syntax (smtpd_milters); "
	    "dkimlens takes libmilter's, as OpenDKIM: %s%s@%.*s", value,
	    v6 ? "inet6:" : "inet:", colon + 1, (int)(v6 ? hlen - 2 : hlen),
	    v6 ? rest + 1 : rest);
	return 1;
}

/* p_socket - libmilter's inet:PORT@HOST, inet6:, unix:/path, local: */
static int
p_socket(struct conf *c, const char *value, char *why, size_t whylen)
{
	const char	*port, *at, *path;
	unsigned long	 n;
	char		 pbuf[16];
	size_t		 len;

	path = NULL;
	if (strncmp(value, "unix:", 5) == 0)
		path = value + 5;
	else if (strncmp(value, "local:", 6) == 0)
		path = value + 6;
	else if (value[0] == '/')
		path = value;
	if (path != NULL) {
		if (path[0] != '/')
			return setwhy(why, whylen, "'%s': a unix socket needs "
			    "an absolute path, as unix:/run/dkimlens/"
			    "dkimlens.sock", value);
		return setstr(&c->socket, value, why, whylen);
	}
	if (strncmp(value, "inet:", 5) == 0)
		port = value + 5;
	else if (strncmp(value, "inet6:", 6) == 0)
		port = value + 6;
	else
		return setwhy(why, whylen, "'%s' is not inet:PORT@HOST, "
		    "inet6:PORT@HOST or unix:/PATH", value);
	at = strchr(port, '@');
	if (at == NULL && postfix_style(value, port, why, whylen))
		return -1;
	len = at == NULL ? strlen(port) : (size_t)(at - port);
	if (len == 0 || len >= sizeof(pbuf))
		return setwhy(why, whylen, "'%s': no port", value);
	memcpy(pbuf, port, len);
	pbuf[len] = '\0';
	if (parse_uint(pbuf, 1, 65535, &n) == -1)
		return setwhy(why, whylen, "'%s': port '%s' is not a number "
		    "from 1 to 65535", value, pbuf);
	if (at != NULL && at[1] == '\0')
		return setwhy(why, whylen, "'%s': no host after '@'", value);
	return setstr(&c->socket, value, why, whylen);
}

/* p_mode - s, v, sv or vs */
static int
p_mode(struct conf *c, const char *value, char *why, size_t whylen)
{
	const char	*p;
	int		 m = 0;

	for (p = value; *p != '\0'; p++) {
		if (*p == 's' || *p == 'S')
			m |= CONF_MODE_SIGN;
		else if (*p == 'v' || *p == 'V')
			m |= CONF_MODE_VERIFY;
		else
			m = -1;
		if (m == -1)
			break;
	}
	if (m <= 0 || strlen(value) > 2)
		return setwhy(why, whylen, "'%s' is not s, v or sv", value);
	c->mode = m;
	return 0;
}

/* p_domain - a list of domains, or a file (or refile) of them */
static int
p_domain(struct conf *c, const char *value, char *why, size_t whylen)
{
	char	*tmp = NULL;

	if (dataset(c, &tmp, value, 1, why, whylen) == -1)
		return -1;
	if (strchr(tmp, '/') == NULL && check_domains(tmp, why, whylen) ==
	    -1) {
		free(tmp);
		return -1;
	}
	free(c->domain);
	c->domain = tmp;
	return 0;
}

/* p_selector - RFC 6376 3.1: selectors are sub-domains, dot-separated */
static int
p_selector(struct conf *c, const char *value, char *why, size_t whylen)
{
	const char	*p = value;
	char		 item[128];
	int		 n;

	while ((n = conf_split(&p, item, sizeof(item))) != 0)
		if (n < 0 || !is_domain(item) || strchr(item, '_') != NULL)
			return setwhy(why, whylen, "'%s' is not a selector "
			    "(letters, digits, '-', labels separated by '.')",
			    n < 0 ? "(too long)" : item);
	return setstr(&c->selector, value, why, whylen);
}

/* p_keyfile - one path, or a comma list paired with Selector */
static int
p_keyfile(struct conf *c, const char *value, char *why, size_t whylen)
{
	const char	*p = value;
	char		 item[1024], *abs;
	size_t		 len = 0, n;
	int		 k;
	char		*out = NULL, *grow;

	while ((k = conf_split(&p, item, sizeof(item))) != 0) {
		if (k < 0) {
			free(out);
			return setwhy(why, whylen, "a file name is too long");
		}
		if ((abs = conf_path(c->dir, item)) == NULL)
			goto nomem;
		n = strlen(abs);
		if ((grow = realloc(out, len + n + 2)) == NULL) {
			free(abs);
			goto nomem;
		}
		out = grow;
		if (len > 0)
			out[len++] = ',';
		memcpy(out + len, abs, n + 1);
		len += n;
		free(abs);
	}
	if (out == NULL)
		return setwhy(why, whylen, "no file name given");
	free(c->keyfile);
	c->keyfile = out;
	return 0;
nomem:
	free(out);
	return setwhy(why, whylen, "out of memory");
}

static int
p_keytable(struct conf *c, const char *value, char *why, size_t whylen)
{
	char	 buf[CONF_LINE_MAX + 8];

	/*
	 * OpenDKIM guides often write "KeyTable refile:": the names it looks
	 * up are the SigningTable's key names, which match themselves, so
	 * it is read as file:.
	 */
	if (strncmp(value, "refile:", 7) == 0) {
		snprintf(buf, sizeof(buf), "file:%s", value + 7);
		value = buf;
	}
	return dataset(c, &c->keytable, value, 0, why, whylen);
}

static int
p_signingtable(struct conf *c, const char *value, char *why, size_t whylen)
{
	return dataset(c, &c->signingtable, value, 0, why, whylen);
}

static int
p_multiple(struct conf *c, const char *value, char *why, size_t whylen)
{
	return bool_opt(&c->multiple_signatures, value, why, whylen);
}

static int
p_subdomains(struct conf *c, const char *value, char *why, size_t whylen)
{
	return bool_opt(&c->subdomains, value, why, whylen);
}

/* p_internal - a list of addresses and networks, or a file of them */
static int
p_internal(struct conf *c, const char *value, char *why, size_t whylen)
{
	return dataset(c, &c->internal_hosts, value, 1, why, whylen);
}

static int
p_canon(struct conf *c, const char *value, char *why, size_t whylen)
{
	if (canon_parse(value, &c->hcanon, &c->bcanon) == -1)
		return setwhy(why, whylen, "'%s' is not HEADER/BODY with "
		    "each simple or relaxed", value);
	return 0;
}

/* p_sigalg - which algorithms may sign; each key signs with its own */
static int
p_sigalg(struct conf *c, const char *value, char *why, size_t whylen)
{
	const char	*p = value;
	char		 item[64];
	int		 n, algs = 0;

	while ((n = conf_split(&p, item, sizeof(item))) != 0) {
		if (n > 0 && strcasecmp(item, "rsa-sha256") == 0)
			algs |= CONF_ALG_RSA_SHA256;
		else if (n > 0 && strcasecmp(item, "ed25519-sha256") == 0)
			algs |= CONF_ALG_ED25519_SHA256;
		else if (n > 0 && strcasecmp(item, "rsa-sha1") == 0)
			return setwhy(why, whylen, "rsa-sha1 is not allowed "
			    "(RFC 8301); use rsa-sha256");
		else
			return setwhy(why, whylen, "'%s' is not rsa-sha256 or "
			    "ed25519-sha256", n < 0 ? value : item);
	}
	c->algs = algs;
	return 0;
}

/* header_list - comma list of field names into a colon list */
static int
header_list(char **dst, const char *value, char *why, size_t whylen)
{
	const char	*p = value, *q;
	char		 item[128];
	char		 out[CONF_LINE_MAX];
	size_t		 len = 0;
	int		 n;

	out[0] = '\0';
	while ((n = conf_split(&p, item, sizeof(item))) != 0) {
		if (n < 0)
			return setwhy(why, whylen, "a header name is too long");
		/* RFC 5322 2.2: printable US-ASCII except colon */
		for (q = item; *q != '\0'; q++)
			if (*q < 33 || *q > 126 || *q == ':')
				return setwhy(why, whylen, "'%s' is not a "
				    "header field name", item);
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s",
		    len > 0 ? ":" : "", item);
	}
	return setstr(dst, out, why, whylen);
}

/*
 * conf_ses_unsigned - 1 when name is a header field that Amazon SES adds
 * or rewrites and that a signature relayed through SES must not cover
 * (SES "Manual DKIM signing": Message-ID, Date, Return-Path, Bounces-To)
 */
int
conf_ses_unsigned(const char *name, size_t len)
{
	const char	*p, *e;

	for (p = CONF_SES_UNSIGNED; *p != '\0'; p = *e == '\0' ? e : e + 1) {
		e = p + strcspn(p, ":");
		if ((size_t)(e - p) == len && strncasecmp(p, name, len) == 0)
			return 1;
	}
	return 0;
}

/* has_from - the colon list names From */
static int
has_from(const char *list)
{
	const char	*p;

	for (p = list; p != NULL; p = strchr(p, ':')) {
		if (*p == ':')
			p++;
		if (strncasecmp(p, "from", 4) == 0 && (p[4] == ':' ||
		    p[4] == '\0'))
			return 1;
	}
	return 0;
}

static int
p_signheaders(struct conf *c, const char *value, char *why, size_t whylen)
{
	if (header_list(&c->sign_headers, value, why, whylen) == -1)
		return -1;
	if (!has_from(c->sign_headers))
		return setwhy(why, whylen, "From must be signed (RFC 6376 "
		    "5.4)");
	return 0;
}

static int
p_oversign(struct conf *c, const char *value, char *why, size_t whylen)
{
	if (strcasecmp(value, "none") == 0)
		return setstr(&c->oversign, "", why, whylen);
	return header_list(&c->oversign, value, why, whylen);
}

static int
p_sesrelay(struct conf *c, const char *value, char *why, size_t whylen)
{
	return bool_opt(&c->ses_relay, value, why, whylen);
}

static int
p_sesremove(struct conf *c, const char *value, char *why, size_t whylen)
{
	return bool_opt(&c->ses_remove_esp, value, why, whylen);
}

static int
p_sigttl(struct conf *c, const char *value, char *why, size_t whylen)
{
	unsigned long	 n;

	if (parse_uint(value, 0, 10UL * 365 * 86400, &n) == -1)
		return setwhy(why, whylen, "'%s' is not a number of seconds "
		    "(0 for no x= tag)", value);
	c->signature_ttl = (long)n;
	return 0;
}

/* p_authservid - RFC 8601 2.2 authserv-id; HOSTNAME means the default */
static int
p_authservid(struct conf *c, const char *value, char *why, size_t whylen)
{
	const char	*p;

	if (strcmp(value, "HOSTNAME") == 0) {
		free(c->authserv_id);
		c->authserv_id = NULL;
		return 0;
	}
	for (p = value; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 127 || strchr("()<>@,;:\\\"/[]?=", *p)
		    != NULL)
			return setwhy(why, whylen, "'%s' is not a token "
			    "(RFC 8601 2.2); use a host name", value);
	return setstr(&c->authserv_id, value, why, whylen);
}

/* p_nameservers - host[:port] or [v6]:port entries */
static int
p_nameservers(struct conf *c, const char *value, char *why, size_t whylen)
{
	const char	*p = value, *port;
	char		 item[128];
	unsigned long	 n;
	int		 k, count = 0;

	while ((k = conf_split(&p, item, sizeof(item))) != 0) {
		if (k < 0)
			return setwhy(why, whylen, "an entry is too long");
		port = NULL;
		if (item[0] == '[') {
			if ((port = strchr(item, ']')) == NULL)
				return setwhy(why, whylen, "'%s': no ']'",
				    item);
			port = port[1] == ':' ? port + 2 : port[1] == '\0' ?
			    NULL : port;
		} else if (strchr(item, ':') == strrchr(item, ':') &&
		    strchr(item, ':') != NULL)
			port = strchr(item, ':') + 1;
		if (port != NULL && parse_uint(port, 1, 65535, &n) == -1)
			return setwhy(why, whylen, "'%s' is not host[:port] "
			    "(IPv6 as [addr]:port)", item);
		count++;
	}
	if (count == 0)
		return setwhy(why, whylen, "no name server given");
	return setstr(&c->nameservers, value, why, whylen);
}

/* p_dnstimeout - seconds (as OpenDKIM), or milliseconds with "ms" */
static int
p_dnstimeout(struct conf *c, const char *value, char *why, size_t whylen)
{
	char		 num[16];
	size_t		 len = strlen(value);
	unsigned long	 n;

	if (len > 2 && strcmp(value + len - 2, "ms") == 0 &&
	    len - 2 < sizeof(num)) {
		memcpy(num, value, len - 2);
		num[len - 2] = '\0';
		if (parse_uint(num, 10, 300000, &n) == 0) {
			c->dns_timeout_ms = (unsigned int)n;
			return 0;
		}
	} else if (parse_uint(value, 1, 300, &n) == 0) {
		c->dns_timeout_ms = (unsigned int)n * 1000;
		return 0;
	}
	return setwhy(why, whylen, "'%s' is not seconds from 1 to 300 (or "
	    "milliseconds as 500ms)", value);
}

/* is_account - a user or group name, or a number */
static int
is_account(const char *s)
{
	if (*s == '\0' || *s == '-')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' &&
		    *s != '.')
			return 0;
	return 1;
}

/* p_userid - "user" or "user:group" */
static int
p_userid(struct conf *c, const char *value, char *why, size_t whylen)
{
	char		 buf[128];
	char		*colon;

	if (buf_copy(buf, sizeof(buf), value) == -1)
		return setwhy(why, whylen, "too long");
	if ((colon = strchr(buf, ':')) != NULL)
		*colon++ = '\0';
	if (!is_account(buf) || (colon != NULL && !is_account(colon)))
		return setwhy(why, whylen, "'%s' is not USER or USER:GROUP",
		    value);
	if (setstr(&c->user, buf, why, whylen) == -1)
		return -1;
	free(c->group);
	c->group = NULL;
	return colon == NULL ? 0 : setstr(&c->group, colon, why, whylen);
}

static int
p_pidfile(struct conf *c, const char *value, char *why, size_t whylen)
{
	char	*abs;

	if ((abs = conf_path(c->dir, value)) == NULL)
		return setwhy(why, whylen, "out of memory");
	free(c->pidfile);
	c->pidfile = abs;
	return 0;
}

static int
p_umask(struct conf *c, const char *value, char *why, size_t whylen)
{
	const char	*p;
	int		 m = 0;

	for (p = value; *p != '\0'; p++) {
		if (*p < '0' || *p > '7' || m > 0777)
			break;
		m = m * 8 + (*p - '0');
	}
	if (*p != '\0' || p == value || m > 0777)
		return setwhy(why, whylen, "'%s' is not an octal mask such "
		    "as 007", value);
	c->umask = m;
	return 0;
}

static int
p_syslog(struct conf *c, const char *value, char *why, size_t whylen)
{
	return bool_opt(&c->syslog, value, why, whylen);
}

static int
p_facility(struct conf *c, const char *value, char *why, size_t whylen)
{
	size_t	 i;

	for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (strcasecmp(value, facilities[i]) == 0)
			return setstr(&c->facility, facilities[i], why,
			    whylen);
	return setwhy(why, whylen, "'%s' is not a syslog facility (mail, "
	    "daemon, local0 ... local7)", value);
}

/* p_minkeybits - RFC 8301 3.2: under 1024 bits is never acceptable */
static int
p_minkeybits(struct conf *c, const char *value, char *why, size_t whylen)
{
	unsigned long	 n;

	if (parse_uint(value, 0, 16384, &n) == -1)
		return setwhy(why, whylen, "'%s' is not a number of bits",
		    value);
	if (n < 1024)
		return setwhy(why, whylen, "%lu is below 1024, which RFC "
		    "8301 forbids", n);
	c->min_key_bits = (unsigned int)n;
	return 0;
}

static int
p_background(struct conf *c, const char *value, char *why, size_t whylen)
{
	return bool_opt(&c->background, value, why, whylen);
}

static int
p_espdomains(struct conf *c, const char *value, char *why, size_t whylen)
{
	if (check_domains(value, why, whylen) == -1)
		return -1;
	return setstr(&c->esp_domains, value, why, whylen);
}

static int
p_maxsigs(struct conf *c, const char *value, char *why, size_t whylen)
{
	unsigned long	 n;

	if (parse_uint(value, 1, 32, &n) == -1)
		return setwhy(why, whylen, "'%s' is not a number from 1 to 32",
		    value);
	c->max_signatures = n;
	return 0;
}

/* p_dnsthreads - the lookup pool's size (lib/lookup.h) */
static int
p_dnsthreads(struct conf *c, const char *value, char *why, size_t whylen)
{
	unsigned long	 n;

	if (parse_uint(value, 1, LOOKUP_THREADS_MAX, &n) == -1)
		return setwhy(why, whylen, "'%s' is not a number from 1 to %d",
		    value, LOOKUP_THREADS_MAX);
	c->dns_threads = (unsigned int)n;
	return 0;
}

/* confopt_action - accept, tempfail or reject; OpenDKIM's others are refused */
int
confopt_action(enum conf_action *dst, const char *value, char *why,
    size_t whylen)
{
	if (strcasecmp(value, "accept") == 0)
		*dst = CONF_ACCEPT;
	else if (strcasecmp(value, "tempfail") == 0)
		*dst = CONF_TEMPFAIL;
	else if (strcasecmp(value, "reject") == 0)
		*dst = CONF_REJECT;
	else if (strcasecmp(value, "discard") == 0 ||
	    strcasecmp(value, "quarantine") == 0)
		return setwhy(why, whylen, "'%s' is not supported (mail is "
		    "never lost silently); use accept, tempfail or reject",
		    value);
	else
		return setwhy(why, whylen, "'%s' is not accept, tempfail or "
		    "reject", value);
	return 0;
}

static int
p_onbad(struct conf *c, const char *value, char *why, size_t whylen)
{
	return confopt_action(&c->on_bad_signature, value, why, whylen);
}

static int
p_ondns(struct conf *c, const char *value, char *why, size_t whylen)
{
	return confopt_action(&c->on_dns_error, value, why, whylen);
}

static int
p_oninternal(struct conf *c, const char *value, char *why, size_t whylen)
{
	return confopt_action(&c->on_internal_error, value, why, whylen);
}

static int
p_onnosig(struct conf *c, const char *value, char *why, size_t whylen)
{
	return confopt_action(&c->on_no_signature, value, why, whylen);
}

/* confopt_find - the option called name; "On-X" is accepted for "OnX" */
const struct opt *
confopt_find(const char *name)
{
	size_t	 i;
	char	 flat[64];

	if (strncasecmp(name, "On-", 3) == 0 && strlen(name) < sizeof(flat)) {
		snprintf(flat, sizeof(flat), "On%s", name + 3);
		name = flat;
	}
	for (i = 0; i < CONF_K_COUNT; i++)
		if (strcasecmp(name, opts[i].name) == 0)
			return &opts[i];
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcasecmp(name, aliases[i].name) == 0)
			return &opts[aliases[i].key];
	return NULL;
}
