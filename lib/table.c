/*
 * table - which keys sign a message: KeyTable, SigningTable, KeyFile
 *
 * Tables are read into arrays once; a key file named several times is
 * read once.  Matching walks the arrays: tables are small, and this runs
 * once per outgoing message.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "lib/buf.h"
#include "lib/conf.h"
#include "lib/keyfile.h"
#include "lib/keyname.h"
#include "lib/rfile.h"
#include "lib/table.h"

enum source { SRC_NONE, SRC_TABLES, SRC_KEYFILE };

struct kentry {			/* one KeyTable line, or one KeyFile */
	char		*name;
	char		*domain;	/* "%" for the From domain */
	char		*selector;
	EVP_PKEY	*key;		/* borrowed from t->keys */
	int		 alg;
};

struct sentry {			/* one SigningTable line */
	char		*pattern;
	char		*keyname;
	char		*signer;	/* or NULL */
};

struct loaded {
	char		*path;		/* NULL for an inline key */
	EVP_PKEY	*key;
};

struct table {
	enum source	 src;
	int		 multiple, subdomains, refile, algs;
	struct kentry	*k;
	size_t		 nk;
	struct sentry	*s;
	size_t		 ns;
	char		**dom;		/* Domain entries (KeyFile mode) */
	size_t		 ndom;
	struct loaded	*keys;
	size_t		 nkeys;
	const char	*file;		/* while loading: the file read */
	char		*dir;		/* while loading: its directory */
};

typedef int line_fn(struct table *t, unsigned int line, char *text,
	    struct errbuf *err);

/*
 * grow - room for element n of an array grown by doubling (sizes 1, 2,
 * 4, ...): the array, moved if needed, or NULL on memory failure.
 */
static void *
grow(void *arr, size_t n, size_t size)
{
	if (n != 0 && (n & (n - 1)) != 0)
		return arr;
	return reallocarray(arr, n == 0 ? 1 : n * 2, size);
}

/* read_lines - call fn for each line of path, comments and blanks cut */
static int
read_lines(struct table *t, const char *path, line_fn *fn,
    struct errbuf *err)
{
	FILE		*fp;
	char		 line[8192], *p, *e;
	unsigned int	 n = 0;
	int		 rc = 0;

	if ((fp = rfile_open(path, err)) == NULL)
		return -1;
	t->file = path;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (++n > TABLE_MAX_LINES) {
			rc = errbuf_set(err, "%s: more than %d lines", path,
			    TABLE_MAX_LINES);
			break;
		}
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			rc = errbuf_set(err, "%s:%u: line too long", path, n);
			break;
		}
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		e = p + strlen(p);
		while (e > p && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (*p == '\0')
			continue;
		if ((rc = fn(t, n, p, err)) == -1)
			break;
	}
	if (rc == 0 && ferror(fp))
		rc = errbuf_set(err, "%s: read error", path);
	fclose(fp);
	return rc;
}

/* split_kv - "KEY VALUE" into its two parts; -1 when there is no value */
static int
split_kv(char *text, char **key, char **value)
{
	char	*p;

	*key = text;
	for (p = text; *p != '\0' && *p != ' ' && *p != '\t'; p++)
		;
	if (*p == '\0')
		return -1;
	*p++ = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	*value = p;
	return *p == '\0' ? -1 : 0;
}

/* table_glob - '*' matches any string, case-insensitive */
int
table_glob(const char *pat, const char *s)
{
	const char	*star = NULL, *resume = NULL;

	while (*s != '\0') {
		if (*pat == '*') {
			star = pat++;
			resume = s;
		} else if (tolower((unsigned char)*pat) ==
		    tolower((unsigned char)*s)) {
			pat++;
			s++;
		} else if (star != NULL) {
			pat = star + 1;
			s = ++resume;
		} else
			return 0;
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}

/* key_alg - the algorithm a key signs with; -1 with why when none */
static int
key_alg(EVP_PKEY *pkey, char *why, size_t whylen)
{
	int	 bits;

	switch (EVP_PKEY_get_base_id(pkey)) {
	case EVP_PKEY_RSA:
		bits = EVP_PKEY_get_bits(pkey);
		if (bits < 1024) {
			snprintf(why, whylen, "%d-bit RSA key; DKIM needs at "
			    "least 1024 bits (RFC 8301), better 2048", bits);
			return -1;
		}
		return CONF_ALG_RSA_SHA256;
	case EVP_PKEY_ED25519:
		return CONF_ALG_ED25519_SHA256;
	default:
		snprintf(why, whylen, "not an RSA or Ed25519 key");
		return -1;
	}
}

/*
 * load_key - a key from a file (keyfile_load_signing: one open, the rule
 * for the effective user applied on it) or
 * inline base64; where prefixes every message.  The key stays owned by
 * t->keys; *alg_out is its algorithm.
 */
static int
load_key(struct table *t, const char *path, const char *inline_b64,
    const char *where, EVP_PKEY **key_out, int *alg_out, struct errbuf *err)
{
	struct errbuf	 e;
	EVP_PKEY	*pkey = NULL;
	char		 why[200];
	size_t		 i;
	int		 alg;
	void		*p;

	errbuf_clear(&e);
	for (i = 0; path != NULL && i < t->nkeys; i++)
		if (t->keys[i].path != NULL && strcmp(t->keys[i].path, path)
		    == 0) {
			pkey = t->keys[i].key;
			break;
		}
	if (pkey == NULL) {
		if (path != NULL) {
			/* read as the process reads keys: UserID */
			if (keyfile_load_signing(path, geteuid(), &pkey, &e)
			    == -1)
				return errbuf_set(err, "%s: %s", where, e.msg);
		} else if (keyfile_parse_private(where, (const unsigned char *)
		    inline_b64, strlen(inline_b64), &pkey, &e) == -1)
			return errbuf_set(err, "%s: the key is neither a path "
			    "nor a valid key: %s", where, e.msg);
		if ((p = grow(t->keys, t->nkeys, sizeof(*t->keys))) == NULL) {
			EVP_PKEY_free(pkey);
			return errbuf_set(err, "out of memory");
		}
		t->keys = p;
		t->keys[t->nkeys].key = pkey;
		t->keys[t->nkeys].path = NULL;
		if (path != NULL && (t->keys[t->nkeys].path = strdup(path)) ==
		    NULL) {
			EVP_PKEY_free(pkey);
			return errbuf_set(err, "out of memory");
		}
		t->nkeys++;
	}
	if ((alg = key_alg(pkey, why, sizeof(why))) == -1)
		return errbuf_set(err, "%s: %s: %s", where, path != NULL ?
		    path : "inline key", why);
	if (t->algs != 0 && (t->algs & alg) == 0)
		return errbuf_set(err, "%s: %s is an %s key but "
		    "SignatureAlgorithm does not list %s", where, path != NULL ?
		    path : "the inline key", alg == CONF_ALG_RSA_SHA256 ?
		    "RSA" : "Ed25519", alg == CONF_ALG_RSA_SHA256 ? "rsa-sha256" :
		    "ed25519-sha256");
	*key_out = pkey;
	*alg_out = alg;
	return 0;
}

/* is_path - OpenDKIM's rule, plus: base64 never holds a '.' */
static int
is_path(const char *s)
{
	return s[0] == '/' || strncmp(s, "./", 2) == 0 ||
	    strncmp(s, "../", 3) == 0 || strchr(s, '.') != NULL;
}

/* kt_line - NAME DOMAIN:SELECTOR:KEY */
static int
kt_line(struct table *t, unsigned int line, char *text, struct errbuf *err)
{
	struct kentry		*k;
	struct verdict_result	 why;
	char			*name, *value, *dom, *sel, *key, *path = NULL;
	char			 where[600], kname[KEYNAME_MAX + 1];
	size_t		 i;
	int		 rc;
	void		*p;

	snprintf(where, sizeof(where), "%s:%u", t->file, line);
	if (split_kv(text, &name, &value) == -1)
		return errbuf_set(err, "%s: expected NAME DOMAIN:SELECTOR:KEY",
		    where);
	dom = value;
	if ((sel = strchr(dom, ':')) == NULL || (key = strchr(sel + 1, ':'))
	    == NULL)
		return errbuf_set(err, "%s: '%s' is not DOMAIN:SELECTOR:KEY",
		    where, value);
	*sel++ = '\0';
	*key++ = '\0';
	if (strcmp(dom, "%") != 0 && !keyname_domain_ok(dom, 0))
		return errbuf_set(err, "%s: '%s' is not a domain name (or %%)",
		    where, dom);
	if (!keyname_domain_ok(sel, 0) ||
	    strlen(sel) >= sizeof(((struct table_sig *)NULL)->s))
		return errbuf_set(err, "%s: '%s' is not a selector (letters, "
		    "digits, inner hyphens, labels of at most 63 and %zu in "
		    "all)", where, sel,
		    sizeof(((struct table_sig *)NULL)->s) - 1);
	/* the name verifiers will look up must exist (lib/keyname.h) */
	if (strcmp(dom, "%") != 0 && keyname_build(sel, dom, kname,
	    sizeof(kname), &why) == -1)
		return errbuf_set(err, "%s: %s", where, why.detail);
	if (*key == '\0')
		return errbuf_set(err, "%s: no key after the selector", where);
	if (strlen(name) >= sizeof(((struct table_sig *)NULL)->keyname))
		return errbuf_set(err, "%s: key name '%.40s...' is longer "
		    "than %zu characters", where, name,
		    sizeof(((struct table_sig *)NULL)->keyname) - 1);
	for (i = 0; i < t->nk; i++)
		if (strcmp(t->k[i].name, name) == 0)
			return errbuf_set(err, "%s: key name '%s' is already "
			    "used", where, name);
	if (is_path(key)) {
		if (strchr(key, '%') != NULL)
			return errbuf_set(err, "%s: '%%' in a key path is not "
			    "supported: keys are read at start, before "
			    "privileges are dropped; list each domain", where);
		if ((path = conf_path(t->dir, key)) == NULL)
			return errbuf_set(err, "out of memory");
	}
	if ((p = grow(t->k, t->nk, sizeof(*t->k))) == NULL) {
		free(path);
		return errbuf_set(err, "out of memory");
	}
	t->k = p;
	k = &t->k[t->nk];
	memset(k, 0, sizeof(*k));
	rc = load_key(t, path, key, where, &k->key, &k->alg, err);
	free(path);
	if (rc == -1)
		return -1;
	if ((k->name = strdup(name)) == NULL || (k->domain = strdup(dom)) ==
	    NULL || (k->selector = strdup(sel)) == NULL) {
		free(k->name);
		free(k->domain);
		return errbuf_set(err, "out of memory");
	}
	t->nk++;
	return 0;
}

/* find_key - the KeyTable entry called name */
static const struct kentry *
find_key(const struct table *t, const char *name)
{
	size_t	 i;

	for (i = 0; i < t->nk; i++)
		if (strcasecmp(t->k[i].name, name) == 0)
			return &t->k[i];
	return NULL;
}

/* st_line - PATTERN KEYNAME[:SIGNER] */
static int
st_line(struct table *t, unsigned int line, char *text, struct errbuf *err)
{
	struct sentry	*s;
	char		*pat, *value, *signer;
	void		*p;

	if (split_kv(text, &pat, &value) == -1)
		return errbuf_set(err, "%s:%u: expected SENDER KEYNAME",
		    t->file, line);
	if ((signer = strchr(value, ':')) != NULL)
		*signer++ = '\0';
	if (signer != NULL && *signer == '\0')
		signer = NULL;
	if (*value == '\0')
		return errbuf_set(err, "%s:%u: no key name", t->file, line);
	if (strchr(value, '%') == NULL && find_key(t, value) == NULL)
		return errbuf_set(err, "%s:%u: key name '%s' is not in the "
		    "KeyTable", t->file, line, value);
	if (!t->refile && strchr(pat, '*') != NULL && strcmp(pat, "*") != 0
	    && strcmp(pat + strlen(pat) - 2, "@*") != 0)
		return errbuf_set(err, "%s:%u: '%s' is a pattern, but the "
		    "SigningTable is not a refile: write SigningTable "
		    "refile:%s", t->file, line, pat, t->file);
	if ((p = grow(t->s, t->ns, sizeof(*t->s))) == NULL)
		return errbuf_set(err, "out of memory");
	t->s = p;
	s = &t->s[t->ns];
	memset(s, 0, sizeof(*s));
	if ((s->pattern = strdup(pat)) == NULL || (s->keyname =
	    strdup(value)) == NULL || (signer != NULL && (s->signer =
	    strdup(signer)) == NULL)) {
		free(s->pattern);
		free(s->keyname);
		return errbuf_set(err, "out of memory");
	}
	t->ns++;
	return 0;
}

/* add_domain - one Domain entry */
static int
add_domain(struct table *t, const char *d, const char *where,
    struct errbuf *err)
{
	void	*p;

	if (strchr(d, '*') == NULL && !keyname_domain_ok(d, 0))
		return errbuf_set(err, "%s: '%s' is not a domain name", where,
		    d);
	if ((p = grow(t->dom, t->ndom, sizeof(*t->dom))) == NULL)
		return errbuf_set(err, "out of memory");
	t->dom = p;
	if ((t->dom[t->ndom] = strdup(d)) == NULL)
		return errbuf_set(err, "out of memory");
	t->ndom++;
	return 0;
}

/* dom_items - entries of a list or of a Domain file line */
static int
dom_items(struct table *t, const char *text, const char *where,
    struct errbuf *err)
{
	char	 item[300];
	int	 n;

	while ((n = conf_split(&text, item, sizeof(item))) != 0) {
		if (n < 0)
			return errbuf_set(err, "%s: an entry is too long",
			    where);
		if (add_domain(t, item, where, err) == -1)
			return -1;
	}
	return 0;
}

/* dom_line - one line of a Domain file */
static int
dom_line(struct table *t, unsigned int line, char *text, struct errbuf *err)
{
	char	 where[600];

	snprintf(where, sizeof(where), "%s:%u", t->file, line);
	/* a refile may carry a value column, as OpenDKIM's: keep the key */
	text[strcspn(text, " \t")] = '\0';
	return dom_items(t, text, where, err);
}

/* set_dir - the directory of the file being read */
static int
set_dir(struct table *t, const char *path)
{
	const char	*slash = strrchr(path, '/');
	size_t		 n;

	free(t->dir);
	n = slash == NULL ? 0 : slash == path ? 1 : (size_t)(slash - path);
	if ((t->dir = malloc(n + 2)) == NULL)
		return -1;
	if (n == 0)
		snprintf(t->dir, 2, ".");
	else {
		memcpy(t->dir, path, n);
		t->dir[n] = '\0';
	}
	return 0;
}

/* strip_prefix - the path of a "file:" / "refile:" data set value */
static const char *
strip_prefix(const char *v, int *refile)
{
	*refile = 0;
	if (strncmp(v, "file:", 5) == 0)
		return v + 5;
	if (strncmp(v, "refile:", 7) == 0) {
		*refile = 1;
		return v + 7;
	}
	return v;
}

/* load_tables - KeyTable then SigningTable */
static int
load_tables(struct table *t, const struct conf *c, struct errbuf *err)
{
	const char	*path;
	int		 re;

	path = strip_prefix(c->keytable, &re);
	if (set_dir(t, path) == -1)
		return errbuf_set(err, "out of memory");
	if (read_lines(t, path, kt_line, err) == -1)
		return -1;
	path = strip_prefix(c->signingtable, &t->refile);
	if (set_dir(t, path) == -1)
		return errbuf_set(err, "out of memory");
	return read_lines(t, path, st_line, err);
}

/* load_keyfiles - Domain plus Selector/KeyFile pairs */
static int
load_keyfiles(struct table *t, const struct conf *c, struct errbuf *err)
{
	const char	*ps = c->selector, *pk = c->keyfile, *path;
	char		 sel[128], file[1024], where[600], name[32];
	struct kentry	*k;
	int		 re;
	void		*p;

	conf_where(c, CONF_K_DOMAIN, where, sizeof(where));
	if (strchr(c->domain, '/') != NULL) {
		path = strip_prefix(c->domain, &re);
		if (read_lines(t, path, dom_line, err) == -1)
			return -1;
	} else if (dom_items(t, c->domain, where, err) == -1)
		return -1;
	conf_where(c, CONF_K_KEYFILE, where, sizeof(where));
	while (conf_split(&pk, file, sizeof(file)) > 0 &&
	    conf_split(&ps, sel, sizeof(sel)) > 0) {
		if ((p = grow(t->k, t->nk, sizeof(*t->k))) == NULL)
			return errbuf_set(err, "out of memory");
		t->k = p;
		k = &t->k[t->nk];
		memset(k, 0, sizeof(*k));
		if (load_key(t, file, NULL, where, &k->key, &k->alg, err) ==
		    -1)
			return -1;
		snprintf(name, sizeof(name), "KeyFile %zu", t->nk + 1);
		if ((k->name = strdup(name)) == NULL ||
		    (k->selector = strdup(sel)) == NULL) {
			free(k->name);
			return errbuf_set(err, "out of memory");
		}
		t->nk++;
	}
	return 0;
}

/* table_load - everything c says about signing keys */
struct table *
table_load(const struct conf *c, struct errbuf *err)
{
	struct table	*t;
	int		 rc = 0;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		errbuf_set(err, "out of memory");
		return NULL;
	}
	t->multiple = c->multiple_signatures;
	t->subdomains = c->subdomains;
	t->algs = c->algs;
	if (c->keytable != NULL && c->signingtable != NULL) {
		t->src = SRC_TABLES;
		rc = load_tables(t, c, err);
	} else if (c->keyfile != NULL && c->selector != NULL &&
	    c->domain != NULL) {
		t->src = SRC_KEYFILE;
		rc = load_keyfiles(t, c, err);
	}
	free(t->dir);
	t->dir = NULL;
	t->file = NULL;
	if (rc == -1) {
		table_free(t);
		return NULL;
	}
	return t;
}

/* table_free - free entries and keys */
void
table_free(struct table *t)
{
	size_t	 i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nk; i++) {
		free(t->k[i].name);
		free(t->k[i].domain);
		free(t->k[i].selector);
	}
	free(t->k);
	for (i = 0; i < t->ns; i++) {
		free(t->s[i].pattern);
		free(t->s[i].keyname);
		free(t->s[i].signer);
	}
	free(t->s);
	for (i = 0; i < t->ndom; i++)
		free(t->dom[i]);
	free(t->dom);
	for (i = 0; i < t->nkeys; i++) {
		EVP_PKEY_free(t->keys[i].key);
		free(t->keys[i].path);
	}
	free(t->keys);
	free(t->dir);
	free(t);
}

/* table_nkeys - distinct keys */
size_t
table_nkeys(const struct table *t)
{
	return t->nkeys;
}

/* subst - copy s into out, '%' replaced by domain; -1 if it won't fit */
static int
subst(const char *s, const char *domain, char *out, size_t outlen)
{
	size_t	 n = 0, dl = strlen(domain);

	out[0] = '\0';
	for (; *s != '\0'; s++) {
		if (*s == '%') {
			if (n + dl >= outlen)
				goto toolong;
			memcpy(out + n, domain, dl);
			n += dl;
		} else {
			if (n + 1 >= outlen)
				goto toolong;
			out[n++] = *s;
		}
	}
	out[n] = '\0';
	return 0;
toolong:
	out[0] = '\0';	/* never a cut name */
	return -1;
}

/* under - name is domain or below it */
static int
under(const char *name, const char *domain)
{
	size_t	 n = strlen(name), d = strlen(domain);

	if (n == d)
		return strcasecmp(name, domain) == 0;
	return n > d && name[n - d - 1] == '.' &&
	    strcasecmp(name + n - d, domain) == 0;
}

/* add_sig - append one signature unless it is there already */
static size_t
add_sig(struct table_sig *out, size_t n, size_t max, const struct kentry *k,
    const char *d, const char *signer)
{
	struct table_sig	*ts;
	const char		*at;
	size_t			 i;

	if (n >= max)
		return n;
	for (i = 0; i < n; i++)
		if (strcasecmp(out[i].d, d) == 0 && strcmp(out[i].s,
		    k->selector) == 0)
			return n;
	ts = &out[n];
	memset(ts, 0, sizeof(*ts));
	/* checked copies: a name that does not fit signs nothing */
	if (buf_copy(ts->d, sizeof(ts->d), d) == -1 ||
	    buf_copy(ts->s, sizeof(ts->s), k->selector) == -1 ||
	    buf_copy(ts->keyname, sizeof(ts->keyname), k->name) == -1) {
		memset(ts, 0, sizeof(*ts));
		return n;
	}
	ts->key = k->key;
	ts->alg = k->alg;
	/* RFC 6376 3.5 i=: the domain must be d= or below it */
	if (signer != NULL && signer[0] != '\0') {
		at = strrchr(signer, '@');
		if (under(at != NULL ? at + 1 : signer, d) &&
		    (size_t)snprintf(ts->i, sizeof(ts->i), "%s%s", at != NULL ?
		    "" : "@", signer) >= sizeof(ts->i))
			ts->i[0] = '\0';
	}
	return n + 1;
}

/* apply - one SigningTable entry that matched */
static size_t
apply(const struct table *t, const struct sentry *s, const char *domain,
    struct table_sig *out, size_t n, size_t max, char *note,
    size_t notelen)
{
	const struct kentry	*k;
	char			 name[300], signer[320], d[256];

	if (subst(s->keyname, domain, name, sizeof(name)) == -1) {
		if (note != NULL && note[0] == '\0')
			snprintf(note, notelen, "SigningTable entry '%s': key "
			    "name too long for domain %s", s->pattern, domain);
		return n;
	}
	if ((k = find_key(t, name)) == NULL) {
		if (note != NULL && note[0] == '\0')
			snprintf(note, notelen, "SigningTable entry '%s' names "
			    "key '%s', which is not in the KeyTable",
			    s->pattern, name);
		return n;
	}
	if (subst(k->domain, domain, d, sizeof(d)) == -1 ||
	    (s->signer != NULL && subst(s->signer, domain, signer,
	    sizeof(signer)) == -1)) {
		if (note != NULL && note[0] == '\0')
			snprintf(note, notelen, "KeyTable entry '%s': domain "
			    "or signer too long for %s", k->name, domain);
		return n;
	}
	return add_sig(out, n, max, k, d, s->signer != NULL ? signer : NULL);
}

/* lookup_plain - every entry whose first column is key */
static size_t
lookup_plain(const struct table *t, const char *key, const char *domain,
    struct table_sig *out, size_t n, size_t max, int *hit, char *note,
    size_t notelen)
{
	size_t	 i;

	for (i = 0; i < t->ns; i++) {
		if (strcasecmp(t->s[i].pattern, key) != 0)
			continue;
		*hit = 1;
		n = apply(t, &t->s[i], domain, out, n, max, note, notelen);
		if (!t->multiple)
			break;
	}
	return n;
}

/* match_tables - the SigningTable lookups of OpenDKIM */
static size_t
match_tables(const struct table *t, const char *addr, const char *user,
    const char *domain, struct table_sig *out, size_t max, char *note,
    size_t notelen)
{
	char		 key[600];
	const char	*p;
	size_t		 i, n = 0;
	int		 hit = 0;

	if (t->refile) {
		for (i = 0; i < t->ns; i++) {
			if (!table_glob(t->s[i].pattern, addr))
				continue;
			n = apply(t, &t->s[i], domain, out, n, max, note,
			    notelen);
			if (!t->multiple)
				break;
		}
		return n;
	}
#define TRY(k)	do {							\
		n = lookup_plain(t, (k), domain, out, n, max, &hit, note, \
		    notelen);						\
		if (hit && !t->multiple)				\
			return n;					\
	} while (0)
	TRY(addr);
	TRY(domain);
	for (p = strchr(domain, '.'); p != NULL; p = strchr(p + 1, '.')) {
		snprintf(key, sizeof(key), "%s@%s", user, p);
		TRY(key);
	}
	for (p = strchr(domain, '.'); p != NULL; p = strchr(p + 1, '.'))
		TRY(p);
	snprintf(key, sizeof(key), "%s@*", user);
	TRY(key);
	TRY("*");
#undef TRY
	return n;
}

/* match_domains - KeyFile mode: the Domain entry covering domain */
static size_t
match_domains(const struct table *t, const char *domain,
    struct table_sig *out, size_t max)
{
	const char	*d = NULL;
	size_t		 i, n = 0;

	for (i = 0; i < t->ndom && d == NULL; i++) {
		if (strchr(t->dom[i], '*') != NULL) {
			if (table_glob(t->dom[i], domain))
				d = domain;
		} else if (strcasecmp(t->dom[i], domain) == 0 ||
		    (t->subdomains && under(domain, t->dom[i])))
			d = t->dom[i];
	}
	if (d == NULL)
		return 0;
	for (i = 0; i < t->nk; i++)
		n = add_sig(out, n, max, &t->k[i], d, NULL);
	return n;
}

/* table_match - the signatures for From addr */
size_t
table_match(const struct table *t, const char *addr, struct table_sig *out,
    size_t max, char *note, size_t notelen)
{
	char		 user[300];
	const char	*at;
	size_t		 ulen;

	if (note != NULL && notelen > 0)
		note[0] = '\0';
	if ((at = strrchr(addr, '@')) == NULL || at[1] == '\0')
		return 0;
	ulen = (size_t)(at - addr);
	if (ulen >= sizeof(user))
		return 0;
	memcpy(user, addr, ulen);
	user[ulen] = '\0';
	switch (t->src) {
	case SRC_TABLES:
		return match_tables(t, addr, user, at + 1, out, max, note,
		    notelen);
	case SRC_KEYFILE:
		return match_domains(t, at + 1, out, max);
	case SRC_NONE:
		break;
	}
	return 0;
}

size_t
table_selectors(const struct table *t, struct table_sig *out, size_t max)
{
	size_t	 i, j, n = 0;

	for (i = 0; i < t->nk; i++) {
		if (t->src == SRC_TABLES) {
			if (strchr(t->k[i].domain, '%') == NULL)
				n = add_sig(out, n, max, &t->k[i],
				    t->k[i].domain, NULL);
			continue;
		}
		for (j = 0; j < t->ndom; j++)
			if (strchr(t->dom[j], '*') == NULL)
				n = add_sig(out, n, max, &t->k[i], t->dom[j],
				    NULL);
	}
	return n;
}
