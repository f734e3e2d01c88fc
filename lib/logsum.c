/*
 * logsum - the summary of many verdict lines (dkimlens-keytool report)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/errbuf.h"
#include "lib/logparse.h"
#include "lib/logsum.h"
#include "lib/reason.h"

/*
 * An open-addressing hash table of entries whose key is a byte string
 * (domain, host, "d\0s" of a key).  Entries are owned by the table's
 * user; the table holds pointers.
 */
struct entry {
	const char	*key;
	size_t		 keylen;
	void		*item;
};

struct table {
	struct entry	*slot;
	size_t		 n, cap;	/* cap: 0 or a power of two */
};

struct logsum {
	struct logsum_settings	 set;
	struct logsum_view	 view;
	char			*verdict_name[LOGSUM_VERDICTS_MAX];
	struct table		 domains, keys, hosts;
	struct logsum_unparsed	 unparsed[LOGSUM_UNPARSED_KEEP];
	size_t			 nunparsed;
	time_t			 tmin, tmax;	/* of the timed lines */
	int			 have_t;
};

/* hash - FNV-1a over len bytes */
static uint64_t
hash(const char *p, size_t len)
{
	uint64_t	 h = 1469598103934665603ULL;
	size_t		 i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* find - the slot of key, or the empty slot where it would go */
static struct entry *
find(const struct table *t, const char *key, size_t len)
{
	size_t	 i = (size_t)hash(key, len) & (t->cap - 1);

	while (t->slot[i].key != NULL && (t->slot[i].keylen != len ||
	    memcmp(t->slot[i].key, key, len) != 0))
		i = (i + 1) & (t->cap - 1);
	return &t->slot[i];
}

/* grow - double the table (or make it); 0, or -1 on ENOMEM */
static int
grow(struct table *t)
{
	struct table	 nt;
	struct entry	*e;
	size_t		 i;

	nt.cap = t->cap == 0 ? 64 : t->cap * 2;
	nt.n = t->n;
	if ((nt.slot = calloc(nt.cap, sizeof(*nt.slot))) == NULL)
		return -1;
	for (i = 0; i < t->cap; i++)
		if (t->slot[i].key != NULL) {
			e = find(&nt, t->slot[i].key, t->slot[i].keylen);
			*e = t->slot[i];
		}
	free(t->slot);
	*t = nt;
	return 0;
}

/*
 * lookup - the item of key; when absent, make one of size bytes with
 * mk(item, key, len) (which copies the key and returns the copy, or
 * NULL).  NULL on ENOMEM.
 */
static void *
lookup(struct table *t, const char *key, size_t len, size_t size,
    const char *(*mk)(void *, const char *, size_t))
{
	struct entry	*e;
	void		*item;

	if ((t->n + 1) * 2 > t->cap && grow(t) == -1)
		return NULL;
	e = find(t, key, len);
	if (e->key != NULL)
		return e->item;
	if ((item = calloc(1, size)) == NULL)
		return NULL;
	if ((e->key = mk(item, key, len)) == NULL) {
		free(item);
		return NULL;
	}
	e->keylen = len;
	e->item = item;
	t->n++;
	return item;
}

/* dupmem - a NUL-terminated copy of len bytes */
static char *
dupmem(const char *p, size_t len)
{
	char	*s;

	if ((s = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(s, p, len);
	s[len] = '\0';
	return s;
}

static const char *
mk_domain(void *item, const char *key, size_t len)
{
	struct logsum_domain	*d = item;

	d->namelen = len;
	return d->name = dupmem(key, len);
}

static const char *
mk_host(void *item, const char *key, size_t len)
{
	struct logsum_host	*h = item;

	h->namelen = len;
	return h->name = dupmem(key, len);
}

/* mk_key - key is "d\0s" */
static const char *
mk_key(void *item, const char *key, size_t len)
{
	struct logsum_key	*k = item;

	k->dlen = strlen(key);
	if ((k->d = dupmem(key, len)) == NULL)
		return NULL;
	k->s = k->d + k->dlen + 1;
	return k->d;
}

/* logsum_new - an empty summary */
struct logsum *
logsum_new(const struct logsum_settings *settings)
{
	struct logsum	*ls;

	if ((ls = calloc(1, sizeof(*ls))) == NULL)
		return NULL;
	ls->set = *settings;
	ls->set.domain = NULL;
	if (settings->domain != NULL &&
	    (ls->set.domain = strdup(settings->domain)) == NULL) {
		free(ls);
		return NULL;
	}
	ls->view.bucket_secs = 3600;
	return ls;
}

/* each - call fn on every item of t */
static void
each(struct table *t, void (*fn)(void *))
{
	size_t	 i;

	for (i = 0; i < t->cap; i++)
		if (t->slot[i].key != NULL)
			fn(t->slot[i].item);
	free(t->slot);
	t->slot = NULL;
	t->n = t->cap = 0;
}

static void
free_domain(void *item)
{
	struct logsum_domain	*d = item;
	size_t			 i;

	for (i = 0; i < d->nreasons; i++) {
		free(d->reasons[i].code);
		free(d->reasons[i].hint);
		free(d->reasons[i].example);
	}
	free(d->reasons);
	free(d->buckets);
	free(d->esp);
	free(d->name);
	free(d);
}

static void
free_host(void *item)
{
	struct logsum_host	*h = item;

	free(h->name);
	free(h);
}

static void
free_key(void *item)
{
	struct logsum_key	*k = item;

	free(k->d);
	free(k->a);
	free(k->state);
	free(k);
}

/* logsum_free - free everything */
void
logsum_free(struct logsum *ls)
{
	size_t	 i;

	if (ls == NULL)
		return;
	each(&ls->domains, free_domain);
	each(&ls->hosts, free_host);
	each(&ls->keys, free_key);
	for (i = 0; i < LOGSUM_VERDICTS_MAX; i++)
		free(ls->verdict_name[i]);
	for (i = 0; i < ls->nunparsed; i++) {
		free(ls->unparsed[i].file);
		free(ls->unparsed[i].why);
	}
	free(ls->view.domains);
	free(ls->view.keys);
	free(ls->view.hosts);
	free((char *)(uintptr_t)ls->set.domain);
	free(ls);
}

/* verdict_slot - the index of verdict name v, added when new; -1 */
static int
verdict_slot(struct logsum *ls, const char *v, struct errbuf *err)
{
	size_t	 i;

	for (i = 0; i < ls->view.nverdicts; i++)
		if (strcmp(ls->verdict_name[i], v) == 0)
			return (int)i;
	if (i == LOGSUM_VERDICTS_MAX)
		return errbuf_set(err, "more than %d verdict names (the "
		    "last: %.20s)", LOGSUM_VERDICTS_MAX, v);
	if ((ls->verdict_name[i] = strdup(v)) == NULL)
		return errbuf_set(err, "out of memory");
	ls->view.verdict_name[i] = ls->verdict_name[i];
	ls->view.nverdicts++;
	return (int)i;
}

/* class_of - the chart class of a verdict */
static enum logsum_class
class_of(const char *v)
{
	if (logparse_passing(v))
		return LOGSUM_C_PASS;
	if (strcmp(v, "fail") == 0)
		return LOGSUM_C_FAIL;
	if (strcmp(v, "permerror") == 0)
		return LOGSUM_C_PERMERROR;
	if (strcmp(v, "dns-error") == 0)
		return LOGSUM_C_DNS_ERROR;
	if (strcmp(v, "esp-only") == 0)
		return LOGSUM_C_ESP_ONLY;
	if (strcmp(v, "none") == 0)
		return LOGSUM_C_NONE;
	return LOGSUM_C_OTHER;
}

/* logsum_class_name - a chart class's name */
const char *
logsum_class_name(enum logsum_class c)
{
	static const char *const names[] = { "fail", "permerror",
	    "dns-error", "esp-only", "none", "other", "pass" };

	return (size_t)c < LOGSUM_C_COUNT ? names[c] : "other";
}

/* logsum_esp_causes - the seeds' causes, as one sentence */
const char *
logsum_esp_causes(void)
{
	return "DKIM is not enabled for the identity (enable it for the "
	    "domain); the "
	    "sender is an individually verified address, which uses its own "
	    "settings (delete that address identity); or the identity is "
	    "used in another region or account where DKIM is not set up "
	    "(configure DKIM in each one)";
}

/* table_hint - the reason table's hint for a code, or NULL */
static const char *
table_hint(const char *code)
{
	int	 r;

	if (strcmp(code, "esp-only") == 0)
		return logsum_esp_causes();
	for (r = 0; r < REASON_LAST; r++)
		if (strcmp(reason_code((enum reason)r), code) == 0)
			return reason_hint((enum reason)r);
	if (strcmp(code, "none") == 0)
		return "the sender does not DKIM-sign this mail, or a relay "
		    "removed its signature";
	if (strcmp(code, "third-party") == 0)
		return "only other domains sign this mail: the From domain "
		    "does not";
	return NULL;
}

/* add_reason - count the line's reason code in d */
static int
add_reason(struct logsum_domain *d, const struct logline *l)
{
	struct logsum_reason	*r, *nr;
	const char		*hint;
	size_t			 i;

	for (i = 0; i < d->nreasons; i++)
		if (strcmp(d->reasons[i].code, l->code) == 0) {
			d->reasons[i].count++;
			return 0;
		}
	if ((nr = reallocarray(d->reasons, d->nreasons + 1,
	    sizeof(*nr))) == NULL)
		return -1;
	d->reasons = nr;
	r = &nr[d->nreasons];
	hint = l->hint[0] != '\0' ? l->hint : table_hint(l->code);
	r->count = 1;
	r->code = strdup(l->code);
	r->hint = strdup(hint != NULL ? hint : "");
	r->example = strdup(l->queue_id);
	d->nreasons++;
	if (r->code == NULL || r->hint == NULL || r->example == NULL)
		return -1;
	return 0;
}

/* bucket_at - d's bucket with index ix, made when absent; NULL ENOMEM */
static struct logsum_bucket *
bucket_at(struct logsum_domain *d, int64_t ix)
{
	struct logsum_bucket	*nb;
	size_t			 lo = 0, hi = d->nbuckets, mid;

	/* lines mostly come in time order: look at the last one first */
	if (hi > 0 && d->buckets[hi - 1].index == ix)
		return &d->buckets[hi - 1];
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (d->buckets[mid].index < ix)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < d->nbuckets && d->buckets[lo].index == ix)
		return &d->buckets[lo];
	if (d->nbuckets == d->capbuckets) {
		if ((nb = reallocarray(d->buckets, d->capbuckets * 2 + 8,
		    sizeof(*nb))) == NULL)
			return NULL;
		d->buckets = nb;
		d->capbuckets = d->capbuckets * 2 + 8;
	}
	memmove(&d->buckets[lo + 1], &d->buckets[lo],
	    (d->nbuckets - lo) * sizeof(*nb));
	memset(&d->buckets[lo], 0, sizeof(*nb));
	d->buckets[lo].index = ix;
	d->nbuckets++;
	return &d->buckets[lo];
}

/* floordiv - a / b rounded down (times before 1970 are negative) */
static int64_t
floordiv(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* to_days - merge every domain's hourly buckets into days, in place */
static void
to_days(struct logsum *ls)
{
	struct logsum_domain	*d;
	size_t			 i, j, k, c;
	int64_t			 ix;

	for (i = 0; i < ls->domains.cap; i++) {
		if (ls->domains.slot[i].key == NULL)
			continue;
		d = ls->domains.slot[i].item;
		for (j = 0, k = 0; j < d->nbuckets; j++) {
			ix = floordiv(d->buckets[j].index, 24);
			if (k > 0 && d->buckets[k - 1].index == ix) {
				for (c = 0; c < LOGSUM_C_COUNT; c++)
					d->buckets[k - 1].count[c] +=
					    d->buckets[j].count[c];
			} else {
				d->buckets[k] = d->buckets[j];
				d->buckets[k++].index = ix;
			}
		}
		d->nbuckets = k;
	}
	ls->view.bucket_secs = 86400;
}

/* add_time - the line's time: period and, when kept, the bucket */
static int
add_time(struct logsum *ls, struct logsum_domain *d, const struct logline *l)
{
	struct logsum_bucket	*b;

	if (!ls->have_t || l->when < ls->tmin)
		ls->tmin = l->when;
	if (!ls->have_t || l->when > ls->tmax)
		ls->tmax = l->when;
	ls->have_t = 1;
	if (!ls->set.buckets)
		return 0;
	if (ls->view.bucket_secs == 3600 &&
	    ls->tmax - ls->tmin > LOGSUM_HOURLY_SPAN)
		to_days(ls);
	if ((b = bucket_at(d, floordiv((int64_t)l->when,
	    ls->view.bucket_secs))) == NULL)
		return -1;
	b->count[class_of(l->verdict)]++;
	return 0;
}

/* replace - set *dst to a copy of s (freeing the old one); 0 or -1 */
static int
replace(char **dst, const char *s)
{
	char	*n;

	if (*dst != NULL && strcmp(*dst, s) == 0)
		return 0;
	if ((n = strdup(s)) == NULL)
		return -1;
	free(*dst);
	*dst = n;
	return 0;
}

/* add_keys - the signatures the line says were added */
static int
add_keys(struct logsum *ls, const struct logline *l)
{
	struct logsum_key	*k;
	char			 key[2 * LOGPARSE_NAME_MAX];
	size_t			 i, dl, sl;

	for (i = 0; i < l->nsigned; i++) {
		dl = strlen(l->signed_[i].d);
		sl = strlen(l->signed_[i].s);
		memcpy(key, l->signed_[i].d, dl + 1);
		memcpy(key + dl + 1, l->signed_[i].s, sl);
		if ((k = lookup(&ls->keys, key, dl + 1 + sl, sizeof(*k),
		    mk_key)) == NULL)
			return -1;
		k->messages++;
		if ((k->a == NULL && replace(&k->a, l->signed_[i].a) == -1) ||
		    (l->signed_[i].key[0] != '\0' &&
		    replace(&k->state, l->signed_[i].key) == -1))
			return -1;
	}
	return 0;
}

/* logsum_add - count one line */
int
logsum_add(struct logsum *ls, const struct logline *l, struct errbuf *err)
{
	struct logsum_domain	*d;
	struct logsum_host	*h;
	int			 v, pass = logparse_passing(l->verdict);

	if ((ls->set.domain != NULL &&
	    strcasecmp(ls->set.domain, l->from) != 0) ||
	    ((ls->set.has_since || ls->set.has_until) && !l->has_time) ||
	    (ls->set.has_since && l->when < ls->set.since) ||
	    (ls->set.has_until && l->when >= ls->set.until)) {
		ls->view.filtered++;
		return 0;
	}
	if ((v = verdict_slot(ls, l->verdict, err)) == -1)
		return -1;
	if ((d = lookup(&ls->domains, l->from, strlen(l->from), sizeof(*d),
	    mk_domain)) == NULL ||
	    (h = lookup(&ls->hosts, l->host, strlen(l->host), sizeof(*h),
	    mk_host)) == NULL)
		goto nomem;
	ls->view.messages++;
	ls->view.verdict[v]++;
	d->messages++;
	d->verdict[v]++;
	d->passing += pass;
	h->messages++;
	h->verdict[v]++;
	h->passing += pass;
	if ((l->code[0] != '\0' && add_reason(d, l) == -1) ||
	    (l->esp[0] != '\0' && d->esp == NULL &&
	    (d->esp = strdup(l->esp)) == NULL) ||
	    add_keys(ls, l) == -1)
		goto nomem;
	if (!l->has_time)
		ls->view.untimed++;
	else if (add_time(ls, d, l) == -1)
		goto nomem;
	return 0;
nomem:
	return errbuf_set(err, "out of memory");
}

/* logsum_unparsed - record a line that did not parse */
int
logsum_unparsed(struct logsum *ls, const char *file, unsigned long line,
    const char *why)
{
	struct logsum_unparsed	*u;

	ls->view.unparsed++;
	if (ls->nunparsed == LOGSUM_UNPARSED_KEEP)
		return 0;
	u = &ls->unparsed[ls->nunparsed];
	u->file = strdup(file);
	u->why = strdup(why);
	u->line = line;
	if (u->file == NULL || u->why == NULL) {
		free(u->file);
		free(u->why);
		return -1;
	}
	ls->nunparsed++;
	return 0;
}

/* collect - the items of t as a new array; NULL on ENOMEM */
static void **
collect(const struct table *t)
{
	void	**a;
	size_t	  i, n = 0;

	if ((a = calloc(t->n + 1, sizeof(*a))) == NULL)
		return NULL;
	for (i = 0; i < t->cap; i++)
		if (t->slot[i].key != NULL)
			a[n++] = t->slot[i].item;
	return a;
}

/* cmp_u64 - b before a when b is larger (descending) */
static int
cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? 1 : a > b ? -1 : 0;
}

/* cmp_bytes - ascending by name bytes */
static int
cmp_bytes(const char *a, size_t al, const char *b, size_t bl)
{
	int	 c = memcmp(a, b, al < bl ? al : bl);

	return c != 0 ? c : al < bl ? -1 : al > bl;
}

static int
cmp_domain(const void *a, const void *b)
{
	const struct logsum_domain	*x = *(const struct logsum_domain *
	    const *)a, *y = *(const struct logsum_domain * const *)b;
	int				 c;

	if ((c = cmp_u64(x->messages - x->passing,
	    y->messages - y->passing)) != 0 ||
	    (c = cmp_u64(x->messages, y->messages)) != 0)
		return c;
	return cmp_bytes(x->name, x->namelen, y->name, y->namelen);
}

static int
cmp_host(const void *a, const void *b)
{
	const struct logsum_host	*x = *(const struct logsum_host *
	    const *)a, *y = *(const struct logsum_host * const *)b;
	int				 c;

	if ((c = cmp_u64(x->messages, y->messages)) != 0)
		return c;
	return cmp_bytes(x->name, x->namelen, y->name, y->namelen);
}

static int
cmp_key(const void *a, const void *b)
{
	const struct logsum_key	*x = *(const struct logsum_key *
	    const *)a, *y = *(const struct logsum_key * const *)b;
	int			 c;

	if ((c = cmp_u64(x->messages, y->messages)) != 0 ||
	    (c = cmp_bytes(x->d, x->dlen, y->d, y->dlen)) != 0)
		return c;
	return strcmp(x->s, y->s);
}

static int
cmp_reason(const void *a, const void *b)
{
	const struct logsum_reason	*x = a, *y = b;
	int				 c;

	if ((c = cmp_u64(x->count, y->count)) != 0)
		return c;
	return strcmp(x->code, y->code);
}

/* logsum_view - sort and show */
const struct logsum_view *
logsum_view(struct logsum *ls)
{
	struct logsum_view	*vw = &ls->view;
	size_t			 i, j, t;

	free(vw->domains);
	free(vw->keys);
	free(vw->hosts);
	vw->domains = (struct logsum_domain **)collect(&ls->domains);
	vw->keys = (struct logsum_key **)collect(&ls->keys);
	vw->hosts = (struct logsum_host **)collect(&ls->hosts);
	if (vw->domains == NULL || vw->keys == NULL || vw->hosts == NULL)
		return NULL;
	vw->ndomains = ls->domains.n;
	vw->nkeys = ls->keys.n;
	vw->nhosts = ls->hosts.n;
	qsort(vw->domains, vw->ndomains, sizeof(*vw->domains), cmp_domain);
	qsort(vw->keys, vw->nkeys, sizeof(*vw->keys), cmp_key);
	qsort(vw->hosts, vw->nhosts, sizeof(*vw->hosts), cmp_host);
	for (i = 0; i < vw->ndomains; i++)
		if (vw->domains[i]->nreasons > 0)
			qsort(vw->domains[i]->reasons,
			    vw->domains[i]->nreasons,
			    sizeof(struct logsum_reason), cmp_reason);
	/* verdicts worst first (insertion sort: at most 32) */
	for (i = 0; i < vw->nverdicts; i++) {
		vw->order[i] = i;
		for (j = i; j > 0 && logparse_verdict_rank(
		    vw->verdict_name[vw->order[j - 1]]) >
		    logparse_verdict_rank(vw->verdict_name[vw->order[j]]);
		    j--) {
			t = vw->order[j];
			vw->order[j] = vw->order[j - 1];
			vw->order[j - 1] = t;
		}
	}
	vw->has_time = ls->have_t;
	vw->first = ls->tmin;
	vw->last = ls->tmax;
	vw->unparsed_lines = ls->unparsed;
	vw->nunparsed_lines = ls->nunparsed;
	return vw;
}

/* logsum_verdict_index - index of v, or -1 */
int
logsum_verdict_index(const struct logsum_view *vw, const char *v)
{
	size_t	 i;

	for (i = 0; i < vw->nverdicts; i++)
		if (strcmp(vw->verdict_name[i], v) == 0)
			return (int)i;
	return -1;
}
