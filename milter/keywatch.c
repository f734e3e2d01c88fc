/*
 * keywatch - our own signing keys, looked up in DNS off the message path
 *
 * One background thread keeps, for every signing key (d=, s=, the private
 * key), its lib/keystate state: checked at start, after every reload, and
 * again when the answer's TTL runs out.  Keys whose d= is the From domain
 * ('%' in the KeyTable, Domain patterns) are learned when they first sign
 * (keywatch_note) and checked then.  A change of state is logged once,
 * with lib/diag's cause and fix; the signer reads the state for the
 * verdict line (keywatch_state) and never waits for DNS.
 *
 * The thread has its own resolver without cache (so a record deleted in
 * DNS is seen once its TTL has run out), built from the configuration's
 * Nameservers and DNSTimeout and rebuilt after a reload.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>

#include "lib/buf.h"
#include "lib/dns.h"
#include "lib/errbuf.h"
#include "lib/keystate.h"
#include "lib/report.h"
#include "lib/table.h"
#include "milter/milter.h"

#define KW_MAX		256	/* keys watched; more are logged, not watched */
#define CHECK_TIMEOUT_MS 2000	/* -n: per server, one try */

struct kw_entry {
	char		 d[256];
	char		 s[128];
	EVP_PKEY	*key;		/* a reference of our own */
	enum keystate	 state;
	time_t		 due;		/* next check; 0: now */
};

static pthread_mutex_t	 kw_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 kw_cond = PTHREAD_COND_INITIALIZER;
static struct kw_entry	 kw[KW_MAX];
static size_t		 nkw;
static int		 kw_running, kw_stopping;
static pthread_t	 kw_thread;
/* resolver settings; kw_gen counts reloads so the thread rebuilds */
static char		*kw_ns;
static unsigned int	 kw_timeout_ms;
static unsigned int	 kw_gen;

/* find - the entry for d and s, or NULL; kw_lock held */
static struct kw_entry *
find(const char *d, const char *s)
{
	size_t	 i;

	for (i = 0; i < nkw; i++)
		if (strcasecmp(kw[i].d, d) == 0 && strcmp(kw[i].s, s) == 0)
			return &kw[i];
	return NULL;
}

/* add - watch d, s with key (due now); the entry or NULL when full;
 * kw_lock held */
static struct kw_entry *
add(const char *d, const char *s, EVP_PKEY *key, enum keystate state)
{
	struct kw_entry	*e;

	if (nkw == KW_MAX || strlen(d) >= sizeof(e->d) ||
	    strlen(s) >= sizeof(e->s) || EVP_PKEY_up_ref(key) != 1)
		return NULL;
	e = &kw[nkw++];
	memset(e, 0, sizeof(*e));
	memcpy(e->d, d, strlen(d) + 1);
	memcpy(e->s, s, strlen(s) + 1);
	e->key = key;
	e->state = state;
	return e;
}

/* logline - one state change, every value escaped (they come from DNS) */
static void
logline(const struct kw_entry *e, enum keystate was,
    const struct keystate_result *r)
{
	struct buf	 b;
	int		 bad = 0;

	buf_init(&b, REPORT_MAX);
	bad |= buf_printf(&b, "key d=") == -1 || report_value(&b, e->d) ||
	    buf_printf(&b, " s=") == -1 || report_value(&b, e->s) ||
	    buf_printf(&b, " state=%s was=%s name=", keystate_name(r->state),
	    keystate_name(was)) == -1 || report_value(&b, r->name);
	if (r->state != KEYSTATE_PUBLISHED)
		bad |= buf_printf(&b, " cause=") == -1 ||
		    report_value(&b, r->cause) ||
		    buf_printf(&b, " fix=") == -1 ||
		    report_value(&b, r->fix);
	if (!bad)
		mlog(r->state == KEYSTATE_PUBLISHED ? LOG_INFO : LOG_WARNING,
		    "%s", b.data);
	else
		mlog(LOG_WARNING, "key %s state=%s (line too long)",
		    r->name, keystate_name(r->state));
	buf_free(&b);
}

/* watcher - the thread: check what is due, sleep until the next */
static void *
watcher(void *arg)
{
	struct dns_resolver	*res = NULL;
	struct dns_settings	 ds;
	struct keystate_result	 r;
	struct kw_entry		*e;
	struct errbuf		 err;
	struct timespec		 until;
	char			 d[256], s[128];
	EVP_PKEY		*key;
	unsigned int		 gen = 0;
	time_t			 now, next;
	size_t			 i;
	int			 rc;

	(void)arg;
	pthread_mutex_lock(&kw_lock);
	while (!kw_stopping) {
		if (res == NULL || gen != kw_gen) {
			dns_resolver_free(res);
			memset(&ds, 0, sizeof(ds));
			ds.nameservers = kw_ns;
			ds.timeout_ms = kw_timeout_ms;
			ds.retries = 1;
			ds.no_cache = 1;
			errbuf_clear(&err);
			gen = kw_gen;
			if ((res = dns_resolver_new(&ds, &err)) == NULL) {
				mlog(LOG_ERR, "key watch: %s", err.msg);
				pthread_cond_wait(&kw_cond, &kw_lock);
				continue;
			}
		}
		now = time(NULL);
		next = 0;
		for (i = 0, e = NULL; i < nkw; i++) {
			if (kw[i].due <= now) {
				e = &kw[i];
				break;
			}
			if (next == 0 || kw[i].due < next)
				next = kw[i].due;
		}
		if (e == NULL) {
			if (next == 0)
				pthread_cond_wait(&kw_cond, &kw_lock);
			else {
				until.tv_sec = next;
				until.tv_nsec = 0;
				pthread_cond_timedwait(&kw_cond, &kw_lock,
				    &until);
			}
			continue;
		}
		memcpy(d, e->d, sizeof(d));
		memcpy(s, e->s, sizeof(s));
		key = e->key;
		EVP_PKEY_up_ref(key);
		/* Not due again while it is being checked. */
		e->due = now + KEYSTATE_RETRY;
		pthread_mutex_unlock(&kw_lock);
		errbuf_clear(&err);
		rc = keystate_check(res, d, s, key, &r, &err);
		pthread_mutex_lock(&kw_lock);
		EVP_PKEY_free(key);
		/* A reload may have replaced or removed the entry. */
		if ((e = find(d, s)) == NULL || e->key != key)
			continue;
		if (rc == -1) {
			mlog(LOG_ERR, "key watch: %s", err.msg);
			continue;
		}
		if (r.state != e->state) {
			logline(e, e->state, &r);
			e->state = r.state;
		}
		e->due = time(NULL) + (time_t)r.ttl;
	}
	pthread_mutex_unlock(&kw_lock);
	dns_resolver_free(res);
	return NULL;
}

void
keywatch_load(const struct state *st)
{
	struct table_sig	*sig;
	struct kw_entry		*old;
	size_t			 i, n, nold;
	struct kw_entry		*e;
	enum keystate		 was;
	char			*ns = NULL;

	sig = calloc(KW_MAX + 1, sizeof(*sig));
	old = calloc(KW_MAX, sizeof(*old));
	if (sig == NULL || old == NULL || (st->conf->nameservers != NULL &&
	    (ns = strdup(st->conf->nameservers)) == NULL)) {
		mlog(LOG_ERR, "key watch: out of memory; keys not watched");
		free(sig);
		free(old);
		return;
	}
	if ((n = table_selectors(st->table, sig, KW_MAX + 1)) > KW_MAX) {
		mlog(LOG_WARNING, "key watch: more than %d signing keys; the "
		    "first %d are watched", KW_MAX, KW_MAX);
		n = KW_MAX;
	}
	pthread_mutex_lock(&kw_lock);
	memcpy(old, kw, nkw * sizeof(kw[0]));
	nold = nkw;
	nkw = 0;
	for (i = 0; i < n; i++) {
		/* The same key keeps its state, so a reload logs changes
		 * only; every key is checked again now. */
		for (was = KEYSTATE_UNKNOWN, e = old; e < old + nold; e++)
			if (strcasecmp(e->d, sig[i].d) == 0 &&
			    strcmp(e->s, sig[i].s) == 0 &&
			    EVP_PKEY_eq(e->key, sig[i].key) == 1)
				was = e->state;
		if (find(sig[i].d, sig[i].s) == NULL)
			(void)add(sig[i].d, sig[i].s, sig[i].key, was);
	}
	for (e = old; e < old + nold; e++)
		EVP_PKEY_free(e->key);
	free(kw_ns);
	kw_ns = ns;
	kw_timeout_ms = st->conf->dns_timeout_ms;
	kw_gen++;
	pthread_cond_signal(&kw_cond);
	pthread_mutex_unlock(&kw_lock);
	free(sig);
	free(old);
}

int
keywatch_start(const struct state *st, struct errbuf *err)
{
	int	 e;

	keywatch_load(st);
	if ((e = pthread_create(&kw_thread, NULL, watcher, NULL)) != 0)
		return errbuf_set(err, "key watch: cannot start a thread: %s",
		    e == EAGAIN ? "out of resources" : "error");
	kw_running = 1;
	return 0;
}

void
keywatch_stop(void)
{
	size_t	 i;

	if (!kw_running)
		return;
	pthread_mutex_lock(&kw_lock);
	kw_stopping = 1;
	pthread_cond_signal(&kw_cond);
	pthread_mutex_unlock(&kw_lock);
	pthread_join(kw_thread, NULL);
	kw_running = 0;
	for (i = 0; i < nkw; i++)
		EVP_PKEY_free(kw[i].key);
	nkw = 0;
	free(kw_ns);
	kw_ns = NULL;
}

enum keystate
keywatch_note(const char *d, const char *s, EVP_PKEY *key)
{
	struct kw_entry	*e;
	enum keystate	 st = KEYSTATE_UNKNOWN;

	pthread_mutex_lock(&kw_lock);
	if ((e = find(d, s)) != NULL)
		st = e->state;
	else if (kw_running && add(d, s, key, KEYSTATE_UNKNOWN) != NULL)
		pthread_cond_signal(&kw_cond);
	pthread_mutex_unlock(&kw_lock);
	return st;
}

/*
 * keywatch_check_now - -n: every key's state, printed.  It runs in front
 * of systemd's ExecReload too, so a DNS outage must not hold it long: one
 * try of at most CHECK_TIMEOUT_MS per server, and after a key whose lookup
 * failed the others are named as not checked.
 */
int
keywatch_check_now(const struct state *st)
{
	struct table_sig	*sig;
	struct keystate_result	 r;
	struct dns_settings	 ds;
	struct dns_resolver	*res;
	struct errbuf		 err;
	struct buf		 b;
	size_t			 i, n;
	int			 bad, down = 0;

	memset(&ds, 0, sizeof(ds));
	ds.nameservers = st->conf->nameservers;
	ds.timeout_ms = st->conf->dns_timeout_ms != 0 &&
	    st->conf->dns_timeout_ms < CHECK_TIMEOUT_MS ?
	    st->conf->dns_timeout_ms : CHECK_TIMEOUT_MS;
	ds.no_cache = 1;
	errbuf_clear(&err);
	if ((res = dns_resolver_new(&ds, &err)) == NULL) {
		fprintf(stderr, "%s: warning: keys not checked in DNS: %s\n",
		    MILTER_NAME, err.msg);
		return -1;
	}
	if ((sig = calloc(KW_MAX, sizeof(*sig))) == NULL) {
		dns_resolver_free(res);
		return -1;
	}
	n = table_selectors(st->table, sig, KW_MAX);
	for (i = 0; i < n; i++) {
		if (down) {
			fprintf(stderr, "%s: warning: key %s._domainkey.%s: not "
			    "checked (DNS did not answer for the key before)\n",
			    MILTER_NAME, sig[i].s, sig[i].d);
			continue;
		}
		errbuf_clear(&err);
		if (keystate_check(res, sig[i].d, sig[i].s, sig[i].key,
		    &r, &err) == -1) {
			fprintf(stderr, "%s: warning: key d=%s s=%s: %s\n",
			    MILTER_NAME, sig[i].d, sig[i].s, err.msg);
			continue;
		}
		if (r.state == KEYSTATE_PUBLISHED) {
			printf("%s: key %s: published\n", MILTER_NAME, r.name);
			continue;
		}
		down = r.state == KEYSTATE_DNS_ERROR;
		buf_init(&b, REPORT_MAX);
		bad = buf_printf(&b, "cause=") == -1 ||
		    report_value(&b, r.cause) ||
		    buf_printf(&b, " fix=") == -1 ||
		    report_value(&b, r.fix);
		fprintf(stderr, "%s: warning: key %s: %s: %s\n", MILTER_NAME,
		    r.name, keystate_name(r.state), bad ? "(too long)" :
		    b.data);
		buf_free(&b);
	}
	free(sig);
	dns_resolver_free(res);
	return (int)n;
}
