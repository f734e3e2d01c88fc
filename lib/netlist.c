/*
 * netlist - a set of hosts: addresses, networks and host names
 *
 * Entries are kept in one array, matched linearly: InternalHosts lists
 * are short, and a message costs one match per connection.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/buf.h"
#include "lib/conf.h"
#include "lib/netlist.h"
#include "lib/rfile.h"

enum ent_kind { ENT_NET4, ENT_NET6, ENT_HOST, ENT_SUFFIX };

struct entry {
	enum ent_kind	 kind;
	int		 negate;
	unsigned char	 addr[16];	/* network, host bits cleared */
	unsigned int	 prefix;	/* bits */
	char		*name;		/* ENT_HOST: name; ENT_SUFFIX: ".d" */
};

struct netlist {
	struct entry	*e;
	size_t		 n, cap;
};

/* mask - clear the bits after prefix */
static void
mask(unsigned char *a, size_t len, unsigned int prefix)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (prefix >= 8) {
			prefix -= 8;
			continue;
		}
		a[i] &= (unsigned char)(0xff << (8 - prefix));
		prefix = 0;
	}
}

/* looks_numeric - an entry meant as an address, not a host name */
static int
looks_numeric(const char *s)
{
	if (strchr(s, ':') != NULL || strchr(s, '/') != NULL)
		return 1;
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s) && *s != '.')
			return 0;
	return 1;
}

/* is_hostname - letters, digits, '-', '_' in dot-separated labels */
static int
is_hostname(const char *s)
{
	size_t	 label = 0;

	if (*s == '\0' || strlen(s) > 253)
		return 0;
	for (; *s != '\0'; s++) {
		if (*s == '.') {
			if (label == 0)
				return 0;
			label = 0;
		} else if (isalnum((unsigned char)*s) || *s == '-' ||
		    *s == '_') {
			if (++label > 63)
				return 0;
		} else
			return 0;
	}
	return label > 0;
}

/* parse_entry - one entry into e; -1 with a reason in why */
static int
parse_entry(const char *item, struct entry *e, char *why, size_t whylen)
{
	char		 buf[300], *slash;
	const char	*s = item;
	unsigned long	 bits;
	char		*end;
	size_t		 len;

	memset(e, 0, sizeof(*e));
	if (*s == '!') {
		e->negate = 1;
		s++;
	}
	if (buf_copy(buf, sizeof(buf), s) == -1) {
		snprintf(why, whylen, "'%s' is too long", item);
		return -1;
	}
	if (!looks_numeric(buf)) {
		if (buf[0] == '*' && buf[1] == '.')
			memmove(buf, buf + 1, strlen(buf));
		e->kind = buf[0] == '.' ? ENT_SUFFIX : ENT_HOST;
		if (!is_hostname(buf + (e->kind == ENT_SUFFIX))) {
			snprintf(why, whylen, "'%s' is not an address, a "
			    "network or a host name", item);
			return -1;
		}
		for (end = buf; *end != '\0'; end++)
			*end = (char)tolower((unsigned char)*end);
		if ((e->name = strdup(buf)) == NULL) {
			snprintf(why, whylen, "out of memory");
			return -1;
		}
		return 0;
	}
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	len = strlen(buf);
	if (len > 2 && buf[0] == '[' && buf[len - 1] == ']') {
		memmove(buf, buf + 1, len - 2);
		buf[len - 2] = '\0';
	}
	if (inet_pton(AF_INET, buf, e->addr) == 1) {
		e->kind = ENT_NET4;
		e->prefix = 32;
	} else if (inet_pton(AF_INET6, buf, e->addr) == 1) {
		e->kind = ENT_NET6;
		e->prefix = 128;
	} else {
		snprintf(why, whylen, "'%s' is not an IPv4 or IPv6 address",
		    item);
		return -1;
	}
	if (slash != NULL) {
		errno = 0;
		bits = strtoul(slash, &end, 10);
		if (*slash == '\0' || *end != '\0' || errno != 0 ||
		    bits > e->prefix) {
			snprintf(why, whylen, "'%s': the prefix length must "
			    "be 0 to %u", item, e->prefix);
			return -1;
		}
		e->prefix = (unsigned int)bits;
	}
	mask(e->addr, e->kind == ENT_NET4 ? 4 : 16, e->prefix);
	return 0;
}

/* add_items - parse the entries of one line (or inline list) */
static int
add_items(struct netlist *nl, const char *text, const char *where,
    struct errbuf *err)
{
	const char	*p = text;
	char		 item[300], why[400];
	struct entry	*grow;
	int		 n;

	while ((n = conf_split(&p, item, sizeof(item))) != 0) {
		if (n < 0)
			return errbuf_set(err, "%s: an entry is too long",
			    where);
		if (nl->n == NETLIST_MAX_ENTRIES)
			return errbuf_set(err, "%s: more than %d entries",
			    where, NETLIST_MAX_ENTRIES);
		if (nl->n == nl->cap) {
			grow = reallocarray(nl->e, nl->cap == 0 ? 8 :
			    nl->cap * 2, sizeof(*nl->e));
			if (grow == NULL)
				return errbuf_set(err, "out of memory");
			nl->e = grow;
			nl->cap = nl->cap == 0 ? 8 : nl->cap * 2;
		}
		if (parse_entry(item, &nl->e[nl->n], why, sizeof(why)) == -1)
			return errbuf_set(err, "%s: %s", where, why);
		nl->n++;
	}
	return 0;
}

/* load_file - entries from a file, errors as "FILE:LINE: ..." */
static int
load_file(struct netlist *nl, const char *path, struct errbuf *err)
{
	FILE		*fp;
	char		 line[4096], where[600], *hash;
	unsigned int	 lineno = 0;
	int		 rc = 0;

	if ((fp = rfile_open(path, err)) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			rc = errbuf_set(err, "%s:%u: line too long", path,
			    lineno);
			break;
		}
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		line[strcspn(line, "\r\n")] = '\0';
		snprintf(where, sizeof(where), "%s:%u", path, lineno);
		if ((rc = add_items(nl, line, where, err)) == -1)
			break;
	}
	if (rc == 0 && ferror(fp))
		rc = errbuf_set(err, "%s: read error", path);
	fclose(fp);
	return rc;
}

/* netlist_load - parse an inline list or a file */
struct netlist *
netlist_load(const char *spec, const char *where, struct errbuf *err)
{
	struct netlist	*nl;
	int		 rc;

	if ((nl = calloc(1, sizeof(*nl))) == NULL) {
		errbuf_set(err, "out of memory");
		return NULL;
	}
	if (strncmp(spec, "file:", 5) == 0)
		rc = load_file(nl, spec + 5, err);
	else if (strncmp(spec, "refile:", 7) == 0)
		rc = load_file(nl, spec + 7, err);
	else if (spec[0] == '/')
		rc = load_file(nl, spec, err);
	else
		rc = add_items(nl, spec, where, err);
	if (rc == -1) {
		netlist_free(nl);
		return NULL;
	}
	return nl;
}

/* netlist_free - free the entries */
void
netlist_free(struct netlist *nl)
{
	size_t	 i;

	if (nl == NULL)
		return;
	for (i = 0; i < nl->n; i++)
		free(nl->e[i].name);
	free(nl->e);
	free(nl);
}

/* netlist_count - number of entries */
size_t
netlist_count(const struct netlist *nl)
{
	return nl->n;
}

/* entry_match - one entry against the parsed client */
static int
entry_match(const struct entry *e, int fam, const unsigned char *a,
    const char *host)
{
	unsigned char	 net[16];
	size_t		 hl, sl;

	switch (e->kind) {
	case ENT_NET4:
	case ENT_NET6:
		if (fam != (e->kind == ENT_NET4 ? AF_INET : AF_INET6))
			return 0;
		memcpy(net, a, 16);
		mask(net, fam == AF_INET ? 4 : 16, e->prefix);
		return memcmp(net, e->addr, fam == AF_INET ? 4 : 16) == 0;
	case ENT_HOST:
		return host != NULL && strcasecmp(host, e->name) == 0;
	case ENT_SUFFIX:
		if (host == NULL)
			return 0;
		hl = strlen(host);
		sl = strlen(e->name);
		return hl > sl && strcasecmp(host + hl - sl, e->name) == 0;
	}
	return 0;
}

/* netlist_match - in the set: a plain entry matches, no '!' entry does */
int
netlist_match(const struct netlist *nl, const char *addr, const char *host)
{
	static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0xff, 0xff };
	unsigned char	 a[16];
	char		 buf[INET6_ADDRSTRLEN + 8], *pct;
	int		 fam = 0, in = 0;
	size_t		 i, len;

	memset(a, 0, sizeof(a));
	if (addr != NULL && buf_copy(buf, sizeof(buf), addr) == 0) {
		len = strlen(buf);
		if (len > 2 && buf[0] == '[' && buf[len - 1] == ']') {
			memmove(buf, buf + 1, len - 2);
			buf[len - 2] = '\0';
		}
		/* Sendmail's {client_addr} spells IPv6 as "IPv6:..." */
		if (strncasecmp(buf, "IPv6:", 5) == 0)
			memmove(buf, buf + 5, strlen(buf + 5) + 1);
		if ((pct = strchr(buf, '%')) != NULL)
			*pct = '\0';
		if (inet_pton(AF_INET, buf, a) == 1)
			fam = AF_INET;
		else if (inet_pton(AF_INET6, buf, a) == 1) {
			fam = AF_INET6;
			if (memcmp(a, v4mapped, 12) == 0) {
				memmove(a, a + 12, 4);
				memset(a + 4, 0, 12);
				fam = AF_INET;
			}
		}
	}
	for (i = 0; i < nl->n; i++) {
		if (!entry_match(&nl->e[i], fam, a, host))
			continue;
		if (nl->e[i].negate)
			return 0;
		in = 1;
	}
	return in;
}
