/*
 * conf - the dkimlens.conf file, parsed into an immutable struct conf
 *
 * The file is a list of "Key Value" lines, as OpenDKIM's opendkim.conf:
 * the key is a word (case-insensitive), the value the rest of the line
 * with surrounding blanks removed; '#' starts a comment; blank lines are
 * ignored.  Option names are OpenDKIM's where the option exists there
 * (Socket, Mode, Domain, Selector, KeyFile, KeyTable, SigningTable,
 * MultipleSignatures, SubDomains, InternalHosts, Canonicalization,
 * SignatureAlgorithm, SignHeaders, OversignHeaders, SignatureTTL,
 * AuthservID, Nameservers, DNSTimeout, UserID, PidFile, UMask, Syslog,
 * SyslogFacility, MinimumKeyBits, Background, and the On-* actions, which
 * are accepted with or without the hyphen), plus dkimlens' own
 * (EspDomains, MaxSignatures, DNSLookupThreads).  dkimlens.conf(5)
 * documents each.
 *
 * Every error names the file and the line: "FILE:LINE: what is wrong"
 * (an unknown option, with the nearest known name; a bad value, with what
 * is accepted; an option given twice; a combination that cannot work).
 * OpenDKIM options that dkimlens does not implement are named as such.
 * Things that work but are probably not what the admin meant (KeyFile
 * ignored because KeyTable is set, signing mode without any key) are
 * warnings, kept in the struct for the front end to show.
 *
 * Relative paths in values (KeyFile, KeyTable, SigningTable, PidFile,
 * file datasets) are made absolute against the directory of the
 * configuration file: the daemon runs from "/", so a path relative to the
 * current directory would mean nothing.
 *
 * Owns: the struct and its strings.  Never: opening keys, tables, sockets
 * (lib/table.h, lib/netlist.h and the milter do that), printing.
 */
#ifndef DKIMLENS_CONF_H
#define DKIMLENS_CONF_H

#include <stddef.h>

#include "lib/canon.h"
#include "lib/errbuf.h"

#define CONF_FILE_MAX		(1024 * 1024)	/* bytes in a config file */
#define CONF_LINE_MAX		4096		/* bytes in one line */
#define CONF_WARN_MAX		16		/* warnings kept */
#define CONF_SOCKET_DEFAULT	"inet:8891@127.0.0.1"
#define CONF_INTERNAL_DEFAULT	"127.0.0.1, ::1"
#define CONF_OVERSIGN_DEFAULT	"From"

/* Mode bits */
#define CONF_MODE_SIGN		0x1
#define CONF_MODE_VERIFY	0x2

/* SignatureAlgorithm bits; 0 means "each key's own algorithm" */
#define CONF_ALG_RSA_SHA256	0x1
#define CONF_ALG_ED25519_SHA256	0x2

/* What to do with a message (the On-* options) */
enum conf_action { CONF_ACCEPT, CONF_TEMPFAIL, CONF_REJECT };

/* Options whose line is remembered, for errors found after parsing */
enum conf_key {
	CONF_K_SOCKET, CONF_K_MODE, CONF_K_DOMAIN, CONF_K_SELECTOR,
	CONF_K_KEYFILE, CONF_K_KEYTABLE, CONF_K_SIGNINGTABLE,
	CONF_K_MULTIPLESIGS, CONF_K_SUBDOMAINS, CONF_K_INTERNALHOSTS,
	CONF_K_CANON, CONF_K_SIGALG, CONF_K_SIGNHEADERS, CONF_K_OVERSIGN,
	CONF_K_SIGTTL, CONF_K_AUTHSERVID, CONF_K_NAMESERVERS,
	CONF_K_DNSTIMEOUT, CONF_K_USERID, CONF_K_PIDFILE, CONF_K_UMASK,
	CONF_K_SYSLOG, CONF_K_FACILITY, CONF_K_MINKEYBITS,
	CONF_K_BACKGROUND, CONF_K_ESPDOMAINS, CONF_K_MAXSIGS,
	CONF_K_ONBAD, CONF_K_ONDNS, CONF_K_ONINTERNAL, CONF_K_ONNOSIG,
	CONF_K_SESRELAY, CONF_K_SESREMOVE,
	CONF_K_DNSTHREADS,
	CONF_K_COUNT
};

/*
 * The parsed settings.  Strings are owned by the struct, NUL-terminated,
 * and NULL when the option is absent unless a default is given.  Nothing
 * changes after conf_load() returns: threads may read it freely.
 */
struct conf {
	char		*path;		/* the file as given */
	char		*dir;		/* its directory, for relative paths */
	char		*socket;	/* default CONF_SOCKET_DEFAULT */
	int		 mode;		/* CONF_MODE_*; default both */
	char		*domain;	/* dataset: list, file or refile */
	char		*selector;	/* comma list, paired with keyfile */
	char		*keyfile;	/* comma list of absolute paths */
	char		*keytable;	/* dataset, "file:" or "refile:" kept */
	char		*signingtable;	/* dataset, prefix kept */
	int		 multiple_signatures;	/* default 0 */
	int		 subdomains;		/* default 0 */
	char		*internal_hosts; /* default CONF_INTERNAL_DEFAULT */
	enum canon	 hcanon, bcanon;	/* default relaxed/relaxed */
	int		 algs;		/* CONF_ALG_* bits; 0: any */
	char		*sign_headers;	/* colon list, NULL: RFC 6376 5.4.1 */
	char		*oversign;	/* colon list, "" for none */
	long		 signature_ttl;	/* seconds for x=; 0: none */
	char		*authserv_id;	/* NULL: the host name */
	char		*nameservers;	/* NULL: /etc/resolv.conf */
	unsigned int	 dns_timeout_ms;	/* default 5000 */
	char		*user;		/* UserID user part, or NULL */
	char		*group;		/* UserID group part, or NULL */
	char		*pidfile;	/* absolute path, or NULL */
	int		 umask;		/* -1 when not set */
	int		 syslog;	/* default 1 */
	char		*facility;	/* default "mail" */
	unsigned int	 min_key_bits;	/* default 1024 */
	int		 background;	/* default 1 */
	char		*esp_domains;	/* default "amazonses.com" */
	size_t		 max_signatures;	/* default 8 */
	unsigned int	 dns_threads;	/* default LOOKUP_THREADS_DEFAULT */
	enum conf_action on_bad_signature;	/* default accept */
	enum conf_action on_dns_error;
	enum conf_action on_internal_error;
	enum conf_action on_no_signature;
	int		 ses_relay;	/* SesRelay; default 0 */
	int		 ses_remove_esp; /* SesRelayRemoveEspSignatures */
	unsigned int	 line[CONF_K_COUNT];	/* 0 when not set */
	char		*warning[CONF_WARN_MAX];	/* "FILE:LINE: ..." */
	size_t		 nwarnings;
};

/*
 * conf_load - read and check the file at path.  Returns an owned conf
 * (free with conf_free), or NULL with err holding "FILE:LINE: why" (or
 * "FILE: why" when the file cannot be read).
 */
struct conf *conf_load(const char *path, struct errbuf *err)
	    __attribute__((warn_unused_result));

/*
 * conf_parse - as conf_load, from text in memory; path names the text in
 * messages and gives the directory for relative paths.
 */
struct conf *conf_parse(const char *path, const char *text, size_t len,
	    struct errbuf *err) __attribute__((warn_unused_result));

/* conf_defaults - a conf with every default and no file; NULL on ENOMEM */
struct conf *conf_defaults(void) __attribute__((warn_unused_result));

/* conf_free - NULL allowed */
void	conf_free(struct conf *c);

/* conf_name - the option's canonical name, "KeyFile" */
const char *conf_name(enum conf_key k);

/*
 * conf_where - "FILE:LINE" of option k (or "FILE" when it was not set),
 * written into out (always NUL-terminated); returns out.
 */
const char *conf_where(const struct conf *c, enum conf_key k, char *out,
	    size_t outlen);

/* the header fields Amazon SES adds or rewrites (SES "Manual DKIM signing") */
#define CONF_SES_UNSIGNED	"Message-ID:Date:Return-Path:Bounces-To"

/*
 * conf_ses_unsigned - 1 when the len bytes at name are a header field
 * name that Amazon SES adds or rewrites (Message-ID, Date, Return-Path,
 * Bounces-To), so that a signature relayed through SES must not cover it
 */
int	conf_ses_unsigned(const char *name, size_t len);

/* conf_action_name - "accept", "tempfail", "reject" */
const char *conf_action_name(enum conf_action a);

/*
 * conf_path - make a path from a value absolute against dir (unchanged
 * when already absolute).  Owned string, or NULL on memory failure.
 */
char	*conf_path(const char *dir, const char *path);

/*
 * conf_split - the next item of a list separated by commas and/or blanks:
 * skips separators at *pp, copies the item into out (NUL-terminated) and
 * advances *pp.  Returns the item's length (0 at the end), or -1 when it
 * does not fit in outlen bytes.
 */
int	conf_split(const char **pp, char *out, size_t outlen);

#endif
