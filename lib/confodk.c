/*
 * confodk - OpenDKIM's options in dkimlens.conf (see lib/confint.h)
 *
 * It owns the list of every other option of opendkim.conf(5), each either
 * ignored with a warning that says what dkimlens does instead or refused
 * with the reason, On-Default, and the "did you mean" of an unknown name.
 * It never parses a dkimlens option's value (confopt.c) and never prints.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/conf.h"
#include "lib/confint.h"
#include "lib/errbuf.h"

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
	const char		*ok;		/* REFUSE_UNLESS: "no",
	    "accept" */
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


/*
 * harmless_value - the value of a REFUSE_UNLESS option is the one that
 * changes nothing ("no" for a Boolean, OpenDKIM's way: the first letter)
 */
static int
harmless_value(const char *ok, const char *value)
{
	int	 b;

	if (strcmp(ok, "no") == 0)
		return confopt_bool(value, &b) == 0 ? !b : strchr("FfNn0",
		    value[0]) != NULL && value[0] != '\0';
	return strcasecmp(ok, value) == 0;
}

/* confodk_unknown - explain an option name that is not ours */
int
confodk_unknown(struct conf *c, unsigned int line, const char *name,
    const char *value, struct errbuf *err)
{
	size_t		 i, d, best = 3;
	const char	*near = NULL;

	for (i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++) {
		if (strcasecmp(name, foreign[i].name) != 0)
			continue;
		if (foreign[i].kind == IGNORE) {
			if (conf_warn(c, "%s:%u: %s: OpenDKIM option "
			    "ignored; %s", c->path, line, foreign[i].name,
			    foreign[i].why) == -1)
				return errbuf_set(err, "out of memory");
			return 0;
		}
		if (foreign[i].kind == REFUSE_UNLESS &&
		    harmless_value(foreign[i].ok, value)) {
			if (conf_warn(c, "%s:%u: %s: OpenDKIM option "
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
		if ((d = edit_distance(name,
		    conf_name((enum conf_key)i))) < best) {
			best = d;
			near = conf_name((enum conf_key)i);
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
int
confodk_on_default(struct conf *c, unsigned int line, const char *value,
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
	if (confopt_action(&a, value, why, sizeof(why)) == -1)
		return errbuf_set(err, "%s:%u: On-Default: %s", c->path, line,
		    why);
	for (i = 0; i < 4; i++)
		if (c->line[keys[i]] == 0)
			*dst[i] = a;
	return 0;
}
