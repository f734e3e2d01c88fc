/*
 * conf - the dkimlens.conf file, parsed into an immutable struct conf
 *
 * One table names every option with its parser; a parser checks one
 * value and stores it, or says in a few words what is wrong.  The caller
 * (parse_line) puts "FILE:LINE: Option: " in front.  Checks that need
 * several options (KeyFile needs Selector and Domain, ...) run at the end
 * and name the line of the option that is incomplete.
 *
 * This file owns reading the file (lines, comments, option names and
 * values), the checks across options, the defaults and the result; the
 * option table and its parsers are confopt.c's, OpenDKIM's options
 * confodk.c's (see lib/confint.h).  It never prints.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/conf.h"
#include "lib/rfile.h"
#include "lib/confint.h"
#include "lib/errbuf.h"
#include "lib/lookup.h"

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


/* conf_warn - keep one warning (the first CONF_WARN_MAX) */
int
conf_warn(struct conf *c, const char *fmt, ...)
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
	o = confopt_find(name);
	if (o == NULL && strcasecmp(name, "On-Default") == 0)
		return confodk_on_default(c, line, value, err);
	if (o == NULL)
		return confodk_unknown(c, line, name, value, err);
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
	if (c->ses_remove_esp && !c->ses_relay && conf_warn(c, "%s: "
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
		if (c->keyfile != NULL && conf_warn(c, "%s: KeyFile is "
		    "ignored: KeyTable is set (as in OpenDKIM)",
		    conf_where(c, CONF_K_KEYFILE, w, sizeof(w))) == -1)
			return errbuf_set(err, "out of memory");
		if (c->keyfile == NULL && c->selector != NULL &&
		    conf_warn(c, "%s: Selector is ignored: KeyTable "
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
	if (c->keyfile == NULL && c->domain != NULL && conf_warn(c,
	    "%s: Domain has no KeyFile and Selector: nothing is signed",
	    conf_where(c, CONF_K_DOMAIN, w, sizeof(w))) == -1)
		return errbuf_set(err, "out of memory");
	if (c->keyfile == NULL && (c->mode & CONF_MODE_SIGN) &&
	    c->line[CONF_K_MODE] != 0 && conf_warn(c, "%s: Mode includes "
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

	if ((fp = rfile_open(path, err)) == NULL)
		return NULL;
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

