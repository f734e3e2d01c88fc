/*
 * conf - the dkimlens.conf file, parsed into an immutable struct conf
 *
 * One table names every option with its parser; a parser checks one
 * value and stores it, or says in a few words what is wrong.  The caller
 * (parse_line) puts "FILE:LINE: Option: " in front.  Checks that need
 * several options (KeyFile needs Selector and Domain, ...) run at the end
 * and name the line of the option that is incomplete.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/conf.h"
#include "lib/lookup.h"

#define WHY_MAX	256

typedef int parse_fn(struct conf *c, const char *value, char *why,
	    size_t whylen);

struct opt {
	const char	*name;
	enum conf_key	 key;
	parse_fn	*parse;
};

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
 * Every other option of opendkim.conf(5) (OpenDKIM 2.11), so that an
 * OpenDKIM configuration is read unchanged.  An option whose absence
 * changes nothing about the security or the signatures of the mail is
 * ignored with a warning saying what dkimlens does instead (IGNORE).  One
 * whose absence would (sign other mail, or other header fields, or pass
 * mail that OpenDKIM would fail, reject or quarantine) is refused, and
 * the message says which (REFUSE); for some, one value is harmless:
 * OpenDKIM's own default, which is what dkimlens does (REFUSE_UNLESS:
 * "no" for a Boolean, or the value in ok).
 */
enum foreign_kind { IGNORE, REFUSE, REFUSE_UNLESS };

static const struct {
	const char		*name;
	enum foreign_kind	 kind;
	const char		*ok;		/* REFUSE_UNLESS: "no", "accept" */
	const char		*why;		/* what dkimlens does instead */
} foreign[] = {
	{ "AllowSHA1Only", IGNORE, NULL, "dkimlens always has SHA-256 and "
	  "never passes rsa-sha1 (RFC 8301)" },
	{ "AlwaysAddARHeader", IGNORE, NULL, "dkimlens always adds "
	  "Authentication-Results, dkim=none for unsigned mail" },
	{ "AuthservIDWithJobID", IGNORE, NULL, "the authserv-id is "
	  "AuthservID alone; the verdict line carries the queue id" },
	{ "AutoRestart", IGNORE, NULL, "systemd restarts the service" },
	{ "AutoRestartCount", IGNORE, NULL, "systemd restarts the service" },
	{ "AutoRestartRate", IGNORE, NULL, "systemd restarts the service" },
	{ "BaseDirectory", REFUSE, NULL, "relative paths are relative to the "
	  "directory of this file, so ignoring it would read other files; "
	  "make the paths absolute and remove the line" },
	{ "BodyLengthDB", IGNORE, NULL, "dkimlens always signs the whole "
	  "body (no l=)" },
	{ "BogusKey", IGNORE, NULL, "a signature that does not verify with "
	  "its key fails" },
	{ "CaptureUnknownErrors", IGNORE, NULL, "dkimlens logs its own "
	  "errors" },
	{ "ChangeRootDirectory", REFUSE, NULL, "ignoring it would run "
	  "dkimlens outside the chroot you asked for; the systemd unit's "
	  "sandboxing confines it instead: remove the line" },
	{ "ClockDrift", IGNORE, NULL, "dkimlens applies its own tolerance to "
	  "t= and x=" },
	{ "Diagnostics", IGNORE, NULL, "dkimlens adds no z= tag" },
	{ "DiagnosticDirectory", IGNORE, NULL, "the verdict line says why a "
	  "signature failed" },
	{ "DisableCryptoInit", IGNORE, NULL, "OpenSSL 3 initialises itself" },
	{ "DNSConnect", IGNORE, NULL, "dkimlens asks over UDP and retries "
	  "over TCP when an answer is truncated" },
	{ "DomainKeysCompat", IGNORE, NULL, "DomainKeys (RFC 4870) key "
	  "records are not DKIM keys" },
	{ "DontSignMailTo", REFUSE, NULL, "ignoring it would sign mail to "
	  "the listed recipients" },
	{ "EnableCoredumps", IGNORE, NULL, "core dumps are systemd's "
	  "(LimitCORE=)" },
	{ "ExemptDomains", REFUSE, NULL, "ignoring it would sign and verify "
	  "mail from domains OpenDKIM leaves alone" },
	{ "ExternalIgnoreList", IGNORE, NULL, "it only silences OpenDKIM's "
	  "\"external host tried to send mail as\" message; dkimlens signs "
	  "mail from InternalHosts and authenticated clients only" },
	{ "FinalPolicyScript", REFUSE, NULL, "Lua policy scripts are not "
	  "supported, and ignoring one would change what happens to mail" },
	{ "FixCRLF", IGNORE, NULL, "dkimlens canonicalizes the body as the "
	  "MTA passes it" },
	{ "IdentityHeader", REFUSE, NULL, "ignoring it would sign without "
	  "the i= it names" },
	{ "IdentityHeaderRemove", IGNORE, NULL, "IdentityHeader is not "
	  "supported, so there is nothing to remove" },
	{ "IgnoreMalformedMail", IGNORE, NULL, "dkimlens verifies what it "
	  "can of malformed mail and says so in the verdict line" },
	{ "Include", REFUSE, NULL, "ignoring it would lose the options of "
	  "that file; copy them into this one" },
	{ "KeepAuthResults", IGNORE, NULL, "dkimlens always removes "
	  "Authentication-Results carrying its own AuthservID (forged)" },
	{ "KeepTemporaryFiles", IGNORE, NULL, "dkimlens writes no temporary "
	  "files" },
	{ "LDAPAuthMechanism", IGNORE, NULL, "data sets are files only" },
	{ "LDAPAuthName", IGNORE, NULL, "data sets are files only" },
	{ "LDAPAuthRealm", IGNORE, NULL, "data sets are files only" },
	{ "LDAPAuthUser", IGNORE, NULL, "data sets are files only" },
	{ "LDAPBindPassword", IGNORE, NULL, "data sets are files only" },
	{ "LDAPBindUser", IGNORE, NULL, "data sets are files only" },
	{ "LDAPDisableCache", IGNORE, NULL, "data sets are files only" },
	{ "LDAPKeepaliveIdle", IGNORE, NULL, "data sets are files only" },
	{ "LDAPKeepaliveInterval", IGNORE, NULL, "data sets are files only" },
	{ "LDAPKeepaliveProbes", IGNORE, NULL, "data sets are files only" },
	{ "LDAPTimeout", IGNORE, NULL, "data sets are files only" },
	{ "LDAPUseTLS", IGNORE, NULL, "data sets are files only" },
	{ "LogResults", IGNORE, NULL, "dkimlens always logs one verdict line "
	  "per message" },
	{ "LogWhy", IGNORE, NULL, "dkimlens always logs the reason" },
	{ "MacroList", REFUSE, NULL, "ignoring it would change which mail is "
	  "signed; dkimlens signs mail from InternalHosts and authenticated "
	  "clients" },
	{ "MaximumHeaders", IGNORE, NULL, "dkimlens has its own limits, and "
	  "the verdict names one that is hit" },
	{ "MaximumSignedBytes", IGNORE, NULL, "dkimlens always signs the "
	  "whole body (no l=)" },
	{ "MilterDebug", IGNORE, NULL, "dkimlens-milter -v logs debug "
	  "trace" },
	{ "Minimum", REFUSE, NULL, "ignoring it would change which partly "
	  "signed (l=) messages pass" },
	{ "MTA", REFUSE, NULL, "ignoring it would change which mail is "
	  "signed" },
	{ "MTACommand", IGNORE, NULL, "dkimlens sends no reports" },
	{ "MustBeSigned", REFUSE, NULL, "ignoring it would pass signatures "
	  "that do not cover these header fields" },
	{ "NoHeaderB", IGNORE, NULL, "dkimlens always writes header.b" },
	{ "OmitHeaders", REFUSE, NULL, "ignoring it would sign the header "
	  "fields it omits; list the ones to sign in SignHeaders" },
	{ "On-KeyNotFound", REFUSE_UNLESS, "accept", "ignoring it would apply "
	  "OnBadSignature to a missing key; set that instead" },
	{ "On-Security", REFUSE_UNLESS, "accept", "ignoring it would apply "
	  "OnBadSignature to such mail; set that instead" },
	{ "On-SignatureError", REFUSE_UNLESS, "accept", "ignoring it would "
	  "apply OnBadSignature to such mail; set that instead" },
	{ "PeerList", REFUSE, NULL, "ignoring it would sign and verify mail "
	  "from hosts OpenDKIM passes untouched" },
	{ "POPDBFile", REFUSE, NULL, "ignoring it would leave mail from "
	  "POP-before-SMTP clients unsigned; list them in InternalHosts" },
	{ "QueryCache", IGNORE, NULL, "dkimlens always caches DNS answers "
	  "for their TTL" },
	{ "Quarantine", REFUSE_UNLESS, "no", "ignoring it would deliver mail "
	  "OpenDKIM quarantines; use OnBadSignature tempfail or reject" },
	{ "RedirectFailuresTo", REFUSE, NULL, "ignoring it would deliver "
	  "failing mail to its recipients" },
	{ "RemoveARAll", REFUSE_UNLESS, "no", "ignoring it would keep other "
	  "hosts' Authentication-Results, which filters after dkimlens may "
	  "trust" },
	{ "RemoveARFrom", REFUSE, NULL, "ignoring it would keep those hosts' "
	  "Authentication-Results, which filters after dkimlens may trust" },
	{ "RemoveOldSignatures", REFUSE_UNLESS, "no", "ignoring it would "
	  "keep the signatures already on mail that dkimlens signs" },
	{ "ReplaceHeaders", REFUSE, NULL, "ignoring it would sign header "
	  "fields that OpenDKIM rewrites first" },
	{ "ReplaceRules", REFUSE, NULL, "ignoring it would sign header "
	  "fields that OpenDKIM rewrites first" },
	{ "ReportAddress", IGNORE, NULL, "dkimlens sends no reports" },
	{ "ReportBccAddress", IGNORE, NULL, "dkimlens sends no reports" },
	{ "RequestReports", IGNORE, NULL, "dkimlens sends and requests no "
	  "reports" },
	{ "RequiredHeaders", REFUSE_UNLESS, "no", "ignoring it would accept "
	  "mail OpenDKIM rejects for its header field counts" },
	{ "RequireSafeKeys", IGNORE, NULL, "dkimlens always refuses keys "
	  "others can read or replace" },
	{ "ResignAll", REFUSE_UNLESS, "no", "ignoring it would leave relayed "
	  "mail unsigned" },
	{ "ResignMailTo", REFUSE, NULL, "ignoring it would leave relayed "
	  "mail unsigned" },
	{ "ResolverConfiguration", IGNORE, NULL, "dkimlens asks Nameservers, "
	  "or the servers of /etc/resolv.conf" },
	{ "ResolverTracing", IGNORE, NULL, "dkimlens-milter -v logs debug "
	  "trace" },
	{ "ScreenPolicyScript", REFUSE, NULL, "Lua policy scripts are not "
	  "supported, and ignoring one would change what happens to mail" },
	{ "SelectCanonicalizationHeader", REFUSE, NULL, "ignoring it would "
	  "sign every message with Canonicalization" },
	{ "SenderHeaders", REFUSE, NULL, "ignoring it would choose the "
	  "signing key by the From field" },
	{ "SenderMacro", REFUSE, NULL, "ignoring it would choose the signing "
	  "key by the From field" },
	{ "SendReports", IGNORE, NULL, "dkimlens sends no reports" },
	{ "SetupPolicyScript", REFUSE, NULL, "Lua policy scripts are not "
	  "supported, and ignoring one would change what happens to mail" },
	{ "SigningTableMatchDomains", REFUSE, NULL, "ignoring it would "
	  "change which key signs which mail" },
	{ "SMTPURI", IGNORE, NULL, "dkimlens sends no reports" },
	{ "SoftStart", IGNORE, NULL, "dkimlens-milter stops at start when it "
	  "cannot listen, and systemd restarts it" },
	{ "SoftwareHeader", IGNORE, NULL, "dkimlens adds no software header "
	  "field" },
	{ "Statistics", IGNORE, NULL, "the verdict lines are the record" },
	{ "StatisticsName", IGNORE, NULL, "the verdict lines are the "
	  "record" },
	{ "StatisticsPolicyScript", IGNORE, NULL, "the verdict lines are the "
	  "record" },
	{ "StatisticsPrefix", IGNORE, NULL, "the verdict lines are the "
	  "record" },
	{ "StrictHeaders", REFUSE_UNLESS, "no", "ignoring it would verify "
	  "mail OpenDKIM refuses for its header field counts" },
	{ "StrictTestMode", IGNORE, NULL, "it only applies to opendkim -t" },
	{ "SyslogName", IGNORE, NULL, "dkimlens logs as dkimlens-milter" },
	{ "SyslogSuccess", IGNORE, NULL, "dkimlens always logs one verdict "
	  "line per message" },
	{ "TemporaryDirectory", IGNORE, NULL, "dkimlens writes no temporary "
	  "files" },
	{ "TestDNSData", REFUSE, NULL, "test data: ignoring it would look "
	  "the names up in DNS instead" },
	{ "TestPublicKeys", REFUSE, NULL, "test data: ignoring it would "
	  "look the keys up in DNS instead" },
	{ "TrustAnchorFile", IGNORE, NULL, "dkimlens does not validate DNSSEC "
	  "itself: point Nameservers at a validating resolver" },
	{ "TrustSignaturesFrom", IGNORE, NULL, "another domain's signature "
	  "never counts as the author's: the verdict says third-party" },
	{ "UnprotectedKey", REFUSE_UNLESS, "none", "ignoring it would pass "
	  "signatures whose key record is not DNSSEC-signed" },
	{ "VBR-Certifiers", IGNORE, NULL, "dkimlens adds no VBR-Info" },
	{ "VBR-PurgeFields", IGNORE, NULL, "dkimlens adds no VBR-Info" },
	{ "VBR-TrustedCertifiers", IGNORE, NULL, "dkimlens does not check "
	  "VBR-Info" },
	{ "VBR-TrustedCertifiersOnly", IGNORE, NULL, "dkimlens does not check "
	  "VBR-Info" },
	{ "VBR-Type", IGNORE, NULL, "dkimlens adds no VBR-Info" },
	{ "WeakSyntaxChecks", IGNORE, NULL, "dkimlens checks signatures "
	  "strictly" },
	{ "X-Header", IGNORE, NULL, "dkimlens adds no software header "
	  "field" },
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

/* conf_action_name - the word of an action */
const char *
conf_action_name(enum conf_action a)
{
	switch (a) {
	case CONF_ACCEPT:	return "accept";
	case CONF_TEMPFAIL:	return "tempfail";
	case CONF_REJECT:	return "reject";
	}
	return "accept";
}

/* conf_where - "FILE:LINE" of an option */
const char *
conf_where(const struct conf *c, enum conf_key k, char *out, size_t outlen)
{
	if ((size_t)k < CONF_K_COUNT && c->line[k] != 0)
		snprintf(out, outlen, "%s:%u", c->path != NULL ? c->path :
		    "(defaults)", c->line[k]);
	else
		snprintf(out, outlen, "%s", c->path != NULL ? c->path :
		    "(defaults)");
	return out;
}

/* conf_path - absolute form of path against dir */
char *
conf_path(const char *dir, const char *path)
{
	size_t	 n;
	char	*p;

	if (path[0] == '/' || dir == NULL || dir[0] == '\0')
		return strdup(path);
	while (path[0] == '.' && path[1] == '/')
		for (path += 2; *path == '/'; path++)
			;
	n = strlen(dir) + strlen(path) + 2;
	if ((p = malloc(n)) == NULL)
		return NULL;
	snprintf(p, n, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" :
	    "/", path);
	return p;
}

/* conf_split - next item of a comma/blank separated list */
int
conf_split(const char **pp, char *out, size_t outlen)
{
	const char	*p = *pp, *s;
	size_t		 n;

	while (*p == ',' || *p == ' ' || *p == '\t')
		p++;
	for (s = p; *p != '\0' && *p != ',' && *p != ' ' && *p != '\t'; p++)
		;
	n = (size_t)(p - s);
	*pp = p;
	if (n >= outlen)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return (int)n;
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

/* parse_bool - OpenDKIM's Boolean words */
static int
parse_bool(const char *s, int *out)
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
	if (parse_bool(value, dst) == -1)
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

/* ses_named - the first SES-rewritten field a colon list names, or NULL */
static const char *
ses_named(const char *list, char *out, size_t outlen)
{
	const char	*p, *e;

	for (p = list; p != NULL && *p != '\0'; p = *e == '\0' ? e : e + 1) {
		e = p + strcspn(p, ":");
		if (conf_ses_unsigned(p, (size_t)(e - p))) {
			snprintf(out, outlen, "%.*s", (int)(e - p), p);
			return out;
		}
	}
	return NULL;
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

	if (strlen(value) >= sizeof(buf))
		return setwhy(why, whylen, "too long");
	snprintf(buf, sizeof(buf), "%s", value);
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

/* action - accept, tempfail or reject; OpenDKIM's others are refused */
static int
action(enum conf_action *dst, const char *value, char *why, size_t whylen)
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
	return action(&c->on_bad_signature, value, why, whylen);
}

static int
p_ondns(struct conf *c, const char *value, char *why, size_t whylen)
{
	return action(&c->on_dns_error, value, why, whylen);
}

static int
p_oninternal(struct conf *c, const char *value, char *why, size_t whylen)
{
	return action(&c->on_internal_error, value, why, whylen);
}

static int
p_onnosig(struct conf *c, const char *value, char *why, size_t whylen)
{
	return action(&c->on_no_signature, value, why, whylen);
}

/* edit_distance - Levenshtein distance, case-insensitive, short words */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t	 row[64], i, j, prev, tmp, la = strlen(a), lb = strlen(b);

	if (la >= 64 || lb >= 64)
		return 64;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			row[j] = tolower((unsigned char)a[i - 1]) ==
			    tolower((unsigned char)b[j - 1]) ? prev :
			    1 + (prev < row[j] ? (prev < row[j - 1] ? prev :
			    row[j - 1]) : (row[j] < row[j - 1] ? row[j] :
			    row[j - 1]));
			prev = tmp;
		}
	}
	return row[lb];
}

/* find_opt - the option called name; "On-X" is accepted for "OnX" */
static const struct opt *
find_opt(const char *name)
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

static int
add_warning(struct conf *c, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* add_warning - keep one warning (the first CONF_WARN_MAX) */
static int
add_warning(struct conf *c, const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[512];

	if (c->nwarnings == CONF_WARN_MAX)
		return 0;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if ((c->warning[c->nwarnings] = strdup(buf)) == NULL)
		return -1;
	c->nwarnings++;
	return 0;
}

/*
 * harmless_value - the value of a REFUSE_UNLESS option is the one that
 * changes nothing ("no" for a Boolean, OpenDKIM's way: the first letter)
 */
static int
harmless_value(const char *ok, const char *value)
{
	int	 b;

	if (strcmp(ok, "no") == 0)
		return parse_bool(value, &b) == 0 ? !b : strchr("FfNn0",
		    value[0]) != NULL && value[0] != '\0';
	return strcasecmp(ok, value) == 0;
}

/* unknown - explain an option name that is not ours */
static int
unknown(struct conf *c, unsigned int line, const char *name,
    const char *value, struct errbuf *err)
{
	size_t		 i, d, best = 3;
	const char	*near = NULL;

	for (i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++) {
		if (strcasecmp(name, foreign[i].name) != 0)
			continue;
		if (foreign[i].kind == IGNORE) {
			if (add_warning(c, "%s:%u: %s: OpenDKIM option "
			    "ignored; %s", c->path, line, foreign[i].name,
			    foreign[i].why) == -1)
				return errbuf_set(err, "out of memory");
			return 0;
		}
		if (foreign[i].kind == REFUSE_UNLESS &&
		    harmless_value(foreign[i].ok, value)) {
			if (add_warning(c, "%s:%u: %s: OpenDKIM option "
			    "ignored; '%s' is OpenDKIM's default and what "
			    "dkimlens does", c->path, line, foreign[i].name,
			    value) == -1)
				return errbuf_set(err, "out of memory");
			return 0;
		}
		return errbuf_set(err, "%s:%u: %s: OpenDKIM option not "
		    "supported by dkimlens: %s", c->path, line,
		    foreign[i].name, foreign[i].why);
	}
	for (i = 0; i < CONF_K_COUNT; i++)
		if ((d = edit_distance(name, opts[i].name)) < best) {
			best = d;
			near = opts[i].name;
		}
	if (near != NULL)
		return errbuf_set(err, "%s:%u: unknown option '%s' (did you "
		    "mean %s?)", c->path, line, name, near);
	return errbuf_set(err, "%s:%u: unknown option '%s'", c->path, line,
	    name);
}

/*
 * on_default - OpenDKIM's On-Default: the action of every On-* option
 * not set on a line of its own (before or after this one)
 */
static int
on_default(struct conf *c, unsigned int line, const char *value,
    struct errbuf *err)
{
	static const enum conf_key	 keys[] = { CONF_K_ONBAD, CONF_K_ONDNS,
		CONF_K_ONINTERNAL, CONF_K_ONNOSIG };
	enum conf_action		 a, *dst[4];
	char				 why[WHY_MAX];
	size_t				 i;

	dst[0] = &c->on_bad_signature;
	dst[1] = &c->on_dns_error;
	dst[2] = &c->on_internal_error;
	dst[3] = &c->on_no_signature;
	if (action(&a, value, why, sizeof(why)) == -1)
		return errbuf_set(err, "%s:%u: On-Default: %s", c->path, line,
		    why);
	for (i = 0; i < 4; i++)
		if (c->line[keys[i]] == 0)
			*dst[i] = a;
	return 0;
}

/* parse_line - one line of the file, already cut at '#' */
static int
parse_line(struct conf *c, unsigned int line, char *s, struct errbuf *err)
{
	const struct opt	*o;
	char			*name, *value, *end;
	char			 why[WHY_MAX];

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r'))
		*--end = '\0';
	if (*s == '\0')
		return 0;
	name = s;
	while (*s != '\0' && *s != ' ' && *s != '\t')
		s++;
	if (*s != '\0')
		*s++ = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	value = s;
	o = find_opt(name);
	if (o == NULL && strcasecmp(name, "On-Default") == 0)
		return on_default(c, line, value, err);
	if (o == NULL)
		return unknown(c, line, name, value, err);
	if (*value == '\0')
		return errbuf_set(err, "%s:%u: %s needs a value", c->path,
		    line, o->name);
	if (c->line[o->key] != 0)
		return errbuf_set(err, "%s:%u: %s is already set at line %u",
		    c->path, line, o->name, c->line[o->key]);
	why[0] = '\0';
	if (o->parse(c, value, why, sizeof(why)) == -1)
		return errbuf_set(err, "%s:%u: %s: %s", c->path, line,
		    o->name, why);
	c->line[o->key] = line;
	return 0;
}

/* count_items - entries in a comma/blank list */
static size_t
count_items(const char *s)
{
	char	 item[1024];
	size_t	 n = 0;
	int	 k;

	while ((k = conf_split(&s, item, sizeof(item))) != 0)
		n++;
	return n;
}

/* check_keys - the combinations of key options that cannot work */
static int
check_keys(struct conf *c, struct errbuf *err)
{
	char	 w[300], name[128];
	int	 tables = c->keytable != NULL || c->signingtable != NULL;

	if (c->ses_relay && ses_named(c->sign_headers, name, sizeof(name)))
		return errbuf_set(err, "%s: SignHeaders names %s, which Amazon "
		    "SES rewrites: with SesRelay yes a signature over it "
		    "breaks; remove it from the list",
		    conf_where(c, CONF_K_SIGNHEADERS, w, sizeof(w)), name);
	if (c->ses_relay && ses_named(c->oversign, name, sizeof(name)))
		return errbuf_set(err, "%s: OversignHeaders names %s, which "
		    "Amazon SES adds or rewrites: with SesRelay yes a "
		    "signature over it breaks; remove it from the list",
		    conf_where(c, CONF_K_OVERSIGN, w, sizeof(w)), name);
	if (c->ses_remove_esp && !c->ses_relay && add_warning(c, "%s: "
	    "SesRelayRemoveEspSignatures does nothing without SesRelay yes",
	    conf_where(c, CONF_K_SESREMOVE, w, sizeof(w))) == -1)
		return errbuf_set(err, "out of memory");

	if (c->keytable != NULL && c->signingtable == NULL)
		return errbuf_set(err, "%s: KeyTable needs a SigningTable "
		    "saying which key signs which sender",
		    conf_where(c, CONF_K_KEYTABLE, w, sizeof(w)));
	if (c->signingtable != NULL && c->keytable == NULL)
		return errbuf_set(err, "%s: SigningTable needs a KeyTable "
		    "naming the keys", conf_where(c, CONF_K_SIGNINGTABLE, w,
		    sizeof(w)));
	if (tables) {
		/* OpenDKIM: "KeyTable ... overrides any KeyFile setting" */
		if (c->keyfile != NULL && add_warning(c, "%s: KeyFile is "
		    "ignored: KeyTable is set (as in OpenDKIM)",
		    conf_where(c, CONF_K_KEYFILE, w, sizeof(w))) == -1)
			return errbuf_set(err, "out of memory");
		if (c->keyfile == NULL && c->selector != NULL &&
		    add_warning(c, "%s: Selector is ignored: KeyTable "
		    "names the selectors", conf_where(c, CONF_K_SELECTOR, w,
		    sizeof(w))) == -1)
			return errbuf_set(err, "out of memory");
		return 0;
	}
	if (c->keyfile != NULL && c->selector == NULL)
		return errbuf_set(err, "%s: KeyFile needs a Selector",
		    conf_where(c, CONF_K_KEYFILE, w, sizeof(w)));
	if (c->selector != NULL && c->keyfile == NULL)
		return errbuf_set(err, "%s: Selector needs a KeyFile",
		    conf_where(c, CONF_K_SELECTOR, w, sizeof(w)));
	if (c->keyfile != NULL && c->domain == NULL)
		return errbuf_set(err, "%s: KeyFile needs Domain (the "
		    "domains to sign for)", conf_where(c, CONF_K_KEYFILE, w,
		    sizeof(w)));
	if (c->keyfile != NULL && count_items(c->keyfile) !=
	    count_items(c->selector))
		return errbuf_set(err, "%s: %zu key files but %zu selectors "
		    "at line %u; list one selector per key file, in the same "
		    "order", conf_where(c, CONF_K_KEYFILE, w, sizeof(w)),
		    count_items(c->keyfile), count_items(c->selector),
		    c->line[CONF_K_SELECTOR]);
	if (c->keyfile == NULL && c->domain != NULL && add_warning(c,
	    "%s: Domain has no KeyFile and Selector: nothing is signed",
	    conf_where(c, CONF_K_DOMAIN, w, sizeof(w))) == -1)
		return errbuf_set(err, "out of memory");
	if (c->keyfile == NULL && (c->mode & CONF_MODE_SIGN) &&
	    c->line[CONF_K_MODE] != 0 && add_warning(c, "%s: Mode includes "
	    "s but no key is configured (KeyFile or KeyTable): nothing is "
	    "signed", conf_where(c, CONF_K_MODE, w, sizeof(w))) == -1)
		return errbuf_set(err, "out of memory");
	return 0;
}

/* fill_defaults - every default except the strings set later */
static int
fill_defaults(struct conf *c)
{
	c->mode = CONF_MODE_SIGN | CONF_MODE_VERIFY;
	c->hcanon = c->bcanon = CANON_RELAXED;
	c->dns_timeout_ms = 5000;
	c->umask = -1;
	c->syslog = 1;
	c->min_key_bits = 1024;
	c->background = 1;
	c->max_signatures = 8;
	c->dns_threads = LOOKUP_THREADS_DEFAULT;
	c->on_bad_signature = c->on_dns_error = c->on_internal_error =
	    c->on_no_signature = CONF_ACCEPT;
	return 0;
}

/* default_strings - the string defaults of options left unset */
static int
default_strings(struct conf *c)
{
	if (c->socket == NULL && (c->socket = strdup(CONF_SOCKET_DEFAULT)) ==
	    NULL)
		return -1;
	if (c->internal_hosts == NULL && (c->internal_hosts =
	    strdup(CONF_INTERNAL_DEFAULT)) == NULL)
		return -1;
	if (c->oversign == NULL && (c->oversign =
	    strdup(CONF_OVERSIGN_DEFAULT)) == NULL)
		return -1;
	if (c->facility == NULL && (c->facility = strdup("mail")) == NULL)
		return -1;
	if (c->esp_domains == NULL && (c->esp_domains =
	    strdup("amazonses.com")) == NULL)
		return -1;
	return 0;
}

/* conf_defaults - every default, no file */
struct conf *
conf_defaults(void)
{
	struct conf	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	fill_defaults(c);
	if (default_strings(c) == -1) {
		conf_free(c);
		return NULL;
	}
	return c;
}

/*
 * dir_of - the directory part of path, made absolute when it exists (the
 * daemon changes to "/" and a reload must still find relative files)
 */
static char *
dir_of(const char *path)
{
	const char	*slash = strrchr(path, '/');
	char		*d, *abs;
	size_t		 n;

	if (slash == NULL)
		d = strdup(".");
	else {
		n = slash == path ? 1 : (size_t)(slash - path);
		if ((d = malloc(n + 1)) == NULL)
			return NULL;
		memcpy(d, path, n);
		d[n] = '\0';
	}
	if (d != NULL && d[0] != '/' && (abs = realpath(d, NULL)) != NULL) {
		free(d);
		d = abs;
	}
	return d;
}

/* conf_parse - parse text named path */
struct conf *
conf_parse(const char *path, const char *text, size_t len,
    struct errbuf *err)
{
	struct conf	*c;
	char		 line[CONF_LINE_MAX + 2], *hash;
	size_t		 off = 0, n;
	unsigned int	 lineno = 0;
	const char	*nl;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		errbuf_set(err, "out of memory");
		return NULL;
	}
	fill_defaults(c);
	if ((c->path = strdup(path)) == NULL || (c->dir = dir_of(path)) ==
	    NULL) {
		errbuf_set(err, "out of memory");
		goto fail;
	}
	while (off < len) {
		lineno++;
		nl = memchr(text + off, '\n', len - off);
		n = nl == NULL ? len - off : (size_t)(nl - (text + off));
		if (n > CONF_LINE_MAX) {
			errbuf_set(err, "%s:%u: line longer than %d bytes",
			    path, lineno, CONF_LINE_MAX);
			goto fail;
		}
		memcpy(line, text + off, n);
		line[n] = '\0';
		off += n + (nl != NULL);
		if (memchr(line, '\0', n) != NULL) {
			errbuf_set(err, "%s:%u: NUL byte in line", path,
			    lineno);
			goto fail;
		}
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		if (parse_line(c, lineno, line, err) == -1)
			goto fail;
	}
	if (check_keys(c, err) == -1)
		goto fail;
	if (default_strings(c) == -1) {
		errbuf_set(err, "out of memory");
		goto fail;
	}
	return c;
fail:
	conf_free(c);
	return NULL;
}

/* conf_load - read the file and parse it */
struct conf *
conf_load(const char *path, struct errbuf *err)
{
	FILE		*fp;
	char		*text;
	size_t		 len;
	struct conf	*c;
	char		 ebuf[128];

	if ((fp = fopen(path, "r")) == NULL) {
		if (strerror_r(errno, ebuf, sizeof(ebuf)) != 0)
			snprintf(ebuf, sizeof(ebuf), "error %d", errno);
		errbuf_set(err, "%s: %s", path, ebuf);
		return NULL;
	}
	if ((text = malloc(CONF_FILE_MAX + 1)) == NULL) {
		fclose(fp);
		errbuf_set(err, "out of memory");
		return NULL;
	}
	len = fread(text, 1, CONF_FILE_MAX + 1, fp);
	if (ferror(fp)) {
		errbuf_set(err, "%s: read error", path);
		c = NULL;
	} else if (len > CONF_FILE_MAX) {
		errbuf_set(err, "%s: larger than %d bytes", path,
		    CONF_FILE_MAX);
		c = NULL;
	} else
		c = conf_parse(path, text, len, err);
	fclose(fp);
	free(text);
	return c;
}

/* conf_free - free everything */
void
conf_free(struct conf *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	free(c->path);
	free(c->dir);
	free(c->socket);
	free(c->domain);
	free(c->selector);
	free(c->keyfile);
	free(c->keytable);
	free(c->signingtable);
	free(c->internal_hosts);
	free(c->sign_headers);
	free(c->oversign);
	free(c->authserv_id);
	free(c->nameservers);
	free(c->user);
	free(c->group);
	free(c->pidfile);
	free(c->facility);
	free(c->esp_domains);
	for (i = 0; i < c->nwarnings; i++)
		free(c->warning[i]);
	free(c);
}
