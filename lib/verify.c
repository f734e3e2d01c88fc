/*
 * verify - verify every DKIM-Signature of one message (RFC 6376 section 6)
 *
 * Flow: header fields are kept (capped); at end of headers each
 * DKIM-Signature is parsed and, when it parsed, its key lookup is queued
 * on the lookup pool (lib/lookup.h) while the body streams through one
 * shared body hash per distinct (canonicalization, l=) pair.  A body hash
 * whose signatures have all failed already stops hashing.  At end of
 * message the lookups are waited for, up to the message's DNS deadline,
 * and each surviving signature gets bh= and b= checked.  A lookup still
 * running then, or when the message is abandoned, is left to finish in
 * the background: it owns what it uses (struct keyjob).
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "lib/bodyhash.h"
#include "lib/diag.h"
#include "lib/buf.h"
#include "lib/from.h"
#include "lib/hdr.h"
#include "lib/keycache.h"
#include "lib/keyname.h"
#include "lib/keyrec.h"
#include "lib/lookup.h"
#include "lib/sig.h"
#include "lib/verify.h"

struct vsig {
	struct verify_sig	 out;
	struct sig		*sig;		/* NULL when it did not parse */
	size_t			 field;		/* index in v->hdrs */
	int			 final;		/* out.result is decided */
	struct bodyhash		*bh;		/* shared, owned by v */
	/* key lookup: its result is moved here at end of message */
	struct lookup_job	*job;		/* NULL: not queued */
	struct keyjob		*kj;		/* the job's, or ours unqueued */
	int			 key_failed;	/* lookup done and unusable */
	int			 key_cached;	/* taken from the key cache */
	struct keyrec		*key;
	struct verdict_result	 key_r;
	char			 key_hint[320];
	struct verifier		*v;
};

struct verifier {
	struct dns_resolver	*dns;
	char			*esp_domains;
	size_t			 max_signatures;
	unsigned int		 min_key_bits;
	time_t			 now;
	struct hdrlist		 hdrs;
	struct vsig		*sigs;
	size_t			 nsigs;
	struct bodyhash		*bhs[VERIFY_MAX_SIGNATURES * 4];
	int			 bh_live[VERIFY_MAX_SIGNATURES * 4];
	size_t			 nbhs;
	struct lookup_pool	*pool;
	unsigned int		 deadline_ms;	/* from end of headers */
	long long		 deadline;	/* lookup_now_ms() clock */
	int			 eoh, eom;
	char			 from_domain[FROM_DOMAIN_MAX];
	enum from_status	 from_status;
	enum msg_verdict	 verdict;
	char			 hint[400];
};

/* msg_verdict_name - the verdict word of a verdict line */
const char *
msg_verdict_name(enum msg_verdict m)
{
	switch (m) {
	case MSG_PASS:		return "pass";
	case MSG_ESP_ONLY:	return "esp-only";
	case MSG_THIRD_PARTY:	return "third-party";
	case MSG_FAIL:		return "fail";
	case MSG_DNS_ERROR:	return "dns-error";
	case MSG_PERMERROR:	return "permerror";
	case MSG_NONE:		return "none";
	}
	return "none";
}

/* verifier_new - a verifier for one message */
struct verifier *
verifier_new(const struct verify_settings *settings, struct errbuf *err)
{
	struct verifier	*v;

	if (settings->dns == NULL) {
		errbuf_set(err, "verifier: no DNS resolver");
		return NULL;
	}
	if ((v = calloc(1, sizeof(*v))) == NULL) {
		errbuf_set(err, "out of memory");
		return NULL;
	}
	v->dns = settings->dns;
	v->pool = settings->pool;
	v->deadline_ms = settings->dns_deadline_ms;
	v->max_signatures = settings->max_signatures == 0 ?
	    VERIFY_MAX_SIGNATURES : settings->max_signatures;
	if (v->max_signatures > VERIFY_MAX_SIGNATURES * 4)
		v->max_signatures = VERIFY_MAX_SIGNATURES * 4;
	v->min_key_bits = settings->min_key_bits == 0 ? 1024 :
	    settings->min_key_bits;
	v->now = settings->now == 0 ? time(NULL) : settings->now;
	v->verdict = MSG_NONE;
	if ((v->esp_domains = strdup(settings->esp_domains != NULL ?
	    settings->esp_domains : ROLE_ESP_DEFAULT)) == NULL) {
		verifier_free(v);
		errbuf_set(err, "out of memory");
		return NULL;
	}
	return v;
}

/*
 * What one key lookup needs and finds.  Owned by its lookup job, which may
 * outlive the message (lib/lookup.h), so it holds the resolver and copies
 * of the names instead of pointing into the verifier.
 */
struct keyjob {
	struct dns_resolver	*dns;		/* held */
	char			*name;		/* s._domainkey.d */
	char			*s, *d;
	unsigned int		 probes;	/* hint probes allowed */
	int			 failed;	/* done and unusable */
	struct keyrec		*key;
	struct verdict_result	 r;
	char			 hint[320];
};

/*
 * What a key lookup concluded, as the key cache keeps it (lib/keycache.h)
 * for the DNS answer's TTL: the parsed key, or why there is none.  Never
 * changed once put; readers get their own hold on the key.
 */
struct keyans {
	int			 failed;
	struct keyrec		*key;		/* held */
	struct verdict_result	 r;
	char			 hint[320];
};

/* keyans_free - a keycache_free_fn */
static void
keyans_free(void *arg)
{
	struct keyans	*ka = arg;

	keyrec_free(ka->key);
	free(ka);
}

/* keyans_copy - a keycache_copy_fn: the outcome into a signature */
static void
keyans_copy(const void *arg, void *dst)
{
	const struct keyans	*ka = arg;
	struct vsig		*vs = dst;

	vs->key = ka->key != NULL ? keyrec_hold(ka->key) : NULL;
	vs->key_r = ka->r;
	memcpy(vs->key_hint, ka->hint, sizeof(vs->key_hint));
	vs->key_failed = ka->failed;
	vs->key_cached = 1;
}

/*
 * remember - keep a lookup's outcome in the key cache for ttl seconds;
 * without memory it is simply not kept.
 */
static void
remember(struct keyjob *kj, uint32_t ttl)
{
	struct keycache	*kc;
	struct keyans	*ka;

	if (ttl == 0 || (kc = dns_resolver_keycache(kj->dns)) == NULL ||
	    (ka = calloc(1, sizeof(*ka))) == NULL)
		return;
	ka->failed = kj->failed;
	ka->key = kj->key != NULL ? keyrec_hold(kj->key) : NULL;
	ka->r = kj->r;
	memcpy(ka->hint, kj->hint, sizeof(ka->hint));
	keycache_put(kc, kj->name, ka, keyans_free, ttl,
	    lookup_now_ms() / 1000);
}

/* keyjob_free - free a lookup's state (a lookup_free_fn); NULL allowed */
static void
keyjob_free(void *arg)
{
	struct keyjob	*kj = arg;

	if (kj == NULL)
		return;
	dns_resolver_free(kj->dns);
	free(kj->name);
	free(kj->s);
	free(kj->d);
	keyrec_free(kj->key);
	free(kj);
}

/* keyjob_new - the lookup of one signature's key; NULL on ENOMEM */
static struct keyjob *
keyjob_new(struct verifier *v, const struct vsig *vs, unsigned int probes)
{
	struct keyjob	*kj;

	if ((kj = calloc(1, sizeof(*kj))) == NULL)
		return NULL;
	if ((kj->name = strdup(vs->out.key_name)) == NULL ||
	    (kj->s = strdup(vs->out.s)) == NULL ||
	    (kj->d = strdup(vs->out.d)) == NULL) {
		keyjob_free(kj);
		return NULL;
	}
	kj->dns = dns_resolver_hold(v->dns);
	kj->probes = probes;
	return kj;
}

/* verifier_free - free everything; lookups still running are left */
void
verifier_free(struct verifier *v)
{
	size_t	 i;

	if (v == NULL)
		return;
	for (i = 0; i < v->nsigs; i++) {
		/* never waits: a running lookup frees its keyjob itself */
		if (v->sigs[i].job != NULL)
			lookup_release(v->sigs[i].job);
		else
			keyjob_free(v->sigs[i].kj);
		sig_free(v->sigs[i].sig);
		keyrec_free(v->sigs[i].key);
	}
	free(v->sigs);
	for (i = 0; i < v->nbhs; i++)
		bodyhash_free(v->bhs[i]);
	hdrlist_free(&v->hdrs);
	free(v->esp_domains);
	free(v);
}

/* verifier_header - keep one header field */
int
verifier_header(struct verifier *v, const char *name, const char *value,
    struct errbuf *err)
{
	if (v->eoh)
		return errbuf_set(err, "header after end of headers");
	return hdrlist_add(&v->hdrs, name, value, err);
}

/*
 * keyjob_run - look one key up (a lookup_run_fn; job is NULL when run
 * without the pool).  On NXDOMAIN or NODATA the seeds' usual mistakes
 * are probed, at names the signature chose, within the probes this
 * signature was allowed and only while the message still wants the
 * answer.
 */
static void
keyjob_run(struct lookup_job *job, void *arg)
{
	struct keyjob		*kj = arg;
	struct dns_answer	*a = NULL;
	struct errbuf		 err;
	struct diag_finding	 f;
	const char		*rec = NULL;
	char			 over[80] = "";
	size_t			 i, ncand = 0, reclen = 0;
	int			 found = 0, keep = 1;

	errbuf_clear(&err);
	if (kj->probes < 2)
		snprintf(over, sizeof(over), "; hint probes skipped: over the "
		    "budget of %d per message", VERIFY_HINT_PROBES);
	if (dns_query(kj->dns, kj->name, DNS_T_TXT, &a, &err) == -1) {
		verdict_set(&kj->r, VERDICT_TEMPERROR, REASON_KEY_DNS_ERROR,
		    "TXT %s: %s", kj->name, err.msg);
		goto failed;
	}
	switch (a->status) {
	case DNS_OK:
		break;
	case DNS_NXDOMAIN:
	case DNS_NODATA:
		verdict_set(&kj->r, VERDICT_PERMERROR, REASON_KEY_NOT_FOUND,
		    "TXT %s: %s%s%s from %s%s", kj->name,
		    dns_status_name(a->status), a->ncname > 0 ?
		    " at CNAME target " : "", a->ncname > 0 ?
		    a->cname[a->ncname - 1] : "", a->server, over);
		/*
		 * The seeds' usual mistakes, checked only on failure.  The
		 * outcome is kept only when every probe was made: one cut
		 * short by the budget or the deadline is this message's.
		 */
		keep = kj->probes >= 2;
		if (kj->probes >= 1 && !lookup_expired(job))
			found = diag_duplicated_apex(kj->dns, kj->s, kj->d, &f,
			    NULL) == 1;
		if (!found && kj->probes >= 2 && !lookup_expired(job))
			found = diag_no_underscore(kj->dns, kj->s, kj->d, &f,
			    NULL) == 1;
		if (found)
			snprintf(kj->hint, sizeof(kj->hint),
			    "the key is published at %s instead: %s", f.name,
			    f.fix);
		else if (lookup_expired(job))
			keep = 0;
		goto failed;
	default:
		verdict_set(&kj->r, VERDICT_TEMPERROR, REASON_KEY_DNS_ERROR,
		    "TXT %s: %s from %s%s%s", kj->name,
		    dns_status_name(a->status), a->server[0] != '\0' ?
		    a->server : dns_servers(kj->dns), a->ncname > 0 ?
		    " via CNAME " : "", a->ncname > 0 ? a->cname[a->ncname - 1]
		    : "");
		if (a->ncname > 0)
			snprintf(kj->hint, sizeof(kj->hint),
			    "the CNAME to %s resolves but TXT there fails; "
			    "check the target's DNS servers",
			    a->cname[a->ncname - 1]);
		goto failed;
	}
	/* RFC 6376 3.6.2.2: one key record per selector */
	for (i = 0; i < a->nrr; i++) {
		if (strstr(a->rr[i].data, "p=") == NULL)
			continue;
		if (ncand++ == 0) {
			rec = a->rr[i].data;
			reclen = a->rr[i].data_len;
		}
	}
	if (ncand == 0 && a->nrr > 0) {
		rec = a->rr[0].data;
		reclen = a->rr[0].data_len;
		ncand = 1;
	}
	if (ncand > 1) {
		verdict_set(&kj->r, VERDICT_PERMERROR, REASON_KEY_MULTIPLE,
		    "%zu TXT records at %s", ncand, kj->name);
		goto failed;
	}
	/* a NUL would cut the record short where C strings end */
	if (rec != NULL && memchr(rec, '\0', reclen) != NULL) {
		verdict_set(&kj->r, VERDICT_PERMERROR, REASON_KEY_NUL,
		    "TXT %s: NUL at octet %zu of %zu", kj->name,
		    (size_t)((const char *)memchr(rec, '\0', reclen) - rec),
		    reclen);
		goto failed;
	}
	if (keyrec_parse(rec, &kj->key, &kj->r) == -1)
		goto failed;
	/* a->ttl is 0 for what the DNS cache does not keep either */
	remember(kj, a->ttl);
	dns_answer_free(a);
	return;
failed:
	kj->failed = 1;
	/* not an out-of-memory verdict, which is nobody's answer */
	if (a != NULL && keep && kj->r.reason != REASON_INTERNAL)
		remember(kj, a->ttl);
	dns_answer_free(a);
}

/*
 * start_lookups - a keyjob per signature still open, queued on the pool
 * when there is one.  The hint probes are rationed per message, since
 * their names come from the signature: author signatures first, then the
 * others in header order, VERIFY_HINT_PROBES in all.  A keyjob that could
 * not be queued runs at end of message.
 */
static int
start_lookups(struct verifier *v, struct errbuf *err)
{
	struct vsig	*vs;
	unsigned int	 budget = VERIFY_HINT_PROBES, probes;
	size_t		 i;
	int		 pass;
	long long	 now_ms = lookup_now_ms(), now_s = now_ms / 1000;

	v->deadline = v->deadline_ms == 0 ? LLONG_MAX : now_ms +
	    v->deadline_ms;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < v->nsigs; i++) {
			vs = &v->sigs[i];
			if (vs->final || (vs->out.role == ROLE_AUTHOR) !=
			    (pass == 0))
				continue;
			/* a key looked up for an earlier message: no job */
			if (keycache_get(dns_resolver_keycache(v->dns),
			    vs->out.key_name, now_s, keyans_copy, vs))
				continue;
			probes = budget < 2 ? budget : 2;
			budget -= probes;
			if ((vs->kj = keyjob_new(v, vs, probes)) == NULL)
				return errbuf_set(err, "out of memory");
			if (v->pool != NULL)
				vs->job = lookup_submit(v->pool, keyjob_run,
				    keyjob_free, vs->kj, v->deadline, NULL);
		}
	return 0;
}

/*
 * collect - the key lookup's result into vs: wait for it until the
 * message's deadline, or run it now when it was never queued.
 */
static void
collect(struct verifier *v, struct vsig *vs)
{
	struct keyjob	*kj = vs->kj;

	if (vs->key_cached)
		return;
	if (kj == NULL) {
		/* verifier_eoh failed before this signature's lookup */
		verdict_set(&vs->key_r, VERDICT_TEMPERROR, REASON_INTERNAL,
		    "out of memory");
		vs->key_failed = 1;
		return;
	}
	if (vs->job == NULL)
		keyjob_run(NULL, kj);
	else if (!lookup_wait(vs->job, v->deadline)) {
		verdict_set(&vs->key_r, VERDICT_TEMPERROR,
		    REASON_KEY_DNS_ERROR, "TXT %s: no answer within the "
		    "message's DNS deadline of %u ms", vs->out.key_name,
		    v->deadline_ms);
		vs->key_failed = 1;
		return;
	}
	vs->key = kj->key;
	kj->key = NULL;
	vs->key_r = kj->r;
	snprintf(vs->key_hint, sizeof(vs->key_hint), "%s", kj->hint);
	vs->key_failed = kj->failed;
}

static struct bodyhash *
shared_bodyhash(struct verifier *v, enum canon c, long long limit,
    struct errbuf *err)
{
	size_t	 i;

	for (i = 0; i < v->nbhs; i++)
		if (bodyhash_canon(v->bhs[i]) == c &&
		    bodyhash_limit(v->bhs[i]) == limit)
			return v->bhs[i];
	if (v->nbhs == sizeof(v->bhs) / sizeof(v->bhs[0])) {
		errbuf_set(err, "too many body hashes");
		return NULL;
	}
	if ((v->bhs[v->nbhs] = bodyhash_new(c, limit, err)) == NULL)
		return NULL;
	v->bh_live[v->nbhs] = 1;
	return v->bhs[v->nbhs++];
}

/* verifier_eoh - parse signatures, start lookups */
int
verifier_eoh(struct verifier *v, struct errbuf *err)
{
	struct vsig	*vs;
	struct sig	 partial;
	size_t		 i, n = 0;

	v->eoh = 1;
	for (i = 0; i < v->hdrs.n; i++)
		if (hdr_name_is(v->hdrs.f[i].name, "DKIM-Signature"))
			n++;
	/*
	 * lib/from.h: one From field with one parsable mailbox, or no
	 * author at all (several From fields, RFC 6376 8.15): then no
	 * signature gets the author role.
	 */
	v->from_status = from_author(&v->hdrs, NULL, 0, v->from_domain,
	    sizeof(v->from_domain));
	if (n == 0)
		return 0;
	if ((v->sigs = calloc(n, sizeof(*v->sigs))) == NULL)
		return errbuf_set(err, "out of memory");
	for (i = 0; i < v->hdrs.n; i++) {
		if (!hdr_name_is(v->hdrs.f[i].name, "DKIM-Signature"))
			continue;
		vs = &v->sigs[v->nsigs++];
		vs->v = v;
		vs->field = i;
		vs->out.body_length = -1;
		if (v->nsigs > v->max_signatures) {
			verdict_set(&vs->out.result, VERDICT_POLICY,
			    REASON_SIG_TOO_MANY, "signature %zu of %zu, "
			    "MaxSignatures is %zu", v->nsigs, n,
			    v->max_signatures);
			vs->final = 1;
		} else if (sig_parse(v->hdrs.f[i].value, v->now, &vs->sig,
		    &vs->out.result, &partial) == -1) {
			vs->final = 1;
		}
		if (vs->sig != NULL) {
			memcpy(vs->out.d, vs->sig->d, sizeof(vs->out.d));
			memcpy(vs->out.s, vs->sig->s, sizeof(vs->out.s));
			memcpy(vs->out.a, vs->sig->a, sizeof(vs->out.a));
			memcpy(vs->out.i, vs->sig->i, sizeof(vs->out.i));
			memcpy(vs->out.b8, vs->sig->b8, sizeof(vs->out.b8));
			vs->out.body_length = vs->sig->l;
		} else if (!(v->nsigs > v->max_signatures)) {
			memcpy(vs->out.d, partial.d, sizeof(vs->out.d));
			memcpy(vs->out.s, partial.s, sizeof(vs->out.s));
			memcpy(vs->out.a, partial.a, sizeof(vs->out.a));
			memcpy(vs->out.b8, partial.b8, sizeof(vs->out.b8));
		}
		vs->out.role = role_of(vs->out.d, v->from_domain,
		    v->esp_domains);
		if (vs->final) {
			/* only a valid name is shown, never a cut one */
			if (vs->out.s[0] != '\0' && vs->out.d[0] != '\0' &&
			    keyname_build(vs->out.s, vs->out.d,
			    vs->out.key_name, sizeof(vs->out.key_name),
			    NULL) == -1)
				vs->out.key_name[0] = '\0';
			continue;
		}
		/* the one checked builder: a name over 253 is permerror */
		if (keyname_build(vs->out.s, vs->out.d, vs->out.key_name,
		    sizeof(vs->out.key_name), &vs->out.result) == -1) {
			vs->final = 1;
			continue;
		}
		if ((vs->bh = shared_bodyhash(v, vs->sig->bcanon, vs->sig->l,
		    err)) == NULL)
			return -1;
	}
	return start_lookups(v, err);
}

/* verifier_body - hash a chunk in every body hash still needed */
int
verifier_body(struct verifier *v, const void *data, size_t len,
    struct errbuf *err)
{
	size_t	 i, k;
	int	 live;

	(void)err;
	if (v->nbhs == 0 || len == 0)
		return 0;
	/* a finished job's keyjob may be read (lookup_done locks) */
	for (i = 0; i < v->nsigs; i++)
		if (v->sigs[i].job != NULL && !v->sigs[i].key_failed &&
		    lookup_done(v->sigs[i].job) && v->sigs[i].kj->failed)
			v->sigs[i].key_failed = 1;
	for (k = 0; k < v->nbhs; k++) {
		if (!v->bh_live[k])
			continue;
		live = 0;
		for (i = 0; i < v->nsigs && !live; i++)
			if (v->sigs[i].bh == v->bhs[k] &&
			    !v->sigs[i].key_failed)
				live = 1;
		v->bh_live[k] = live;
	}
	for (k = 0; k < v->nbhs; k++)
		if (v->bh_live[k])
			bodyhash_update(v->bhs[k], data, len);
	return 0;
}

/* header_hash_input - RFC 6376 3.7: h= fields, then the signature */
static int
header_hash_input(struct verifier *v, struct vsig *vs, struct buf *out)
{
	if (hdrlist_canon_signed(&v->hdrs, vs->sig->hcanon, vs->sig->h,
	    vs->sig->nh, out) == -1)
		return -1;
	return canon_header(vs->sig->hcanon, v->hdrs.f[vs->field].name,
	    v->hdrs.f[vs->field].value, 1, out);
}

/* check_signature - verify b= over the canonical headers */
static int
check_signature(struct vsig *vs, const struct buf *data)
{
	EVP_MD_CTX	*ctx = NULL;
	unsigned char	 digest[32];
	unsigned int	 dlen = 0;
	int		 ok = -1;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (vs->sig->alg == SIG_ALG_ED25519_SHA256) {
		/* RFC 8463 3: Ed25519 (pure) over the SHA-256 of the data */
		if (EVP_Digest(data->data, data->len, digest, &dlen,
		    EVP_sha256(), NULL) != 1 ||
		    EVP_DigestVerifyInit(ctx, NULL, NULL, NULL,
		    vs->key->pkey) != 1)
			goto done;
		ok = EVP_DigestVerify(ctx, vs->sig->b, vs->sig->b_len, digest,
		    dlen) == 1;
	} else {
		if (EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL,
		    vs->key->pkey) != 1)
			goto done;
		ok = EVP_DigestVerify(ctx, vs->sig->b, vs->sig->b_len,
		    (const unsigned char *)data->data, data->len) == 1;
	}
done:
	EVP_MD_CTX_free(ctx);
	return ok;
}

/* key_acceptable - the key fits the signature (RFC 6376 6.1.2, 8301) */
static int
key_acceptable(struct verifier *v, struct vsig *vs)
{
	struct keyrec	*k = vs->key;
	const char	*at;

	vs->out.key_bits = k->bits;
	vs->out.key_testing = k->testing;
	/*
	 * RFC 6376 6.1.2 step 6: an empty p= means the key was revoked, and
	 * the verifier returns PERMFAIL (key revoked).  RFC 6376 PERMFAIL
	 * covers both RFC 8601 2.7.1 "fail" (the signature was checked and
	 * is wrong) and "permerror" (it could not be checked at all).  With
	 * a revoked key nothing is checked, so it is permerror, as for a
	 * missing key; README and dkimlens.conf(5) say the same.
	 */
	if (k->revoked) {
		verdict_set(&vs->out.result, VERDICT_PERMERROR,
		    REASON_KEY_REVOKED, "%s has an empty p=",
		    vs->out.key_name);
		return 0;
	}
	if ((k->type == KEYREC_ED25519) !=
	    (vs->sig->alg == SIG_ALG_ED25519_SHA256)) {
		verdict_set(&vs->out.result, VERDICT_PERMERROR,
		    REASON_KEY_TYPE_MISMATCH, "a=%s, key k=%s", vs->sig->a,
		    k->type == KEYREC_ED25519 ? "ed25519" : "rsa");
		return 0;
	}
	if (!k->sha256_ok) {
		verdict_set(&vs->out.result, VERDICT_PERMERROR,
		    REASON_KEY_HASH_MISMATCH, "%s h= excludes sha256",
		    vs->out.key_name);
		return 0;
	}
	if (k->type == KEYREC_RSA && k->bits < v->min_key_bits) {
		verdict_set(&vs->out.result, VERDICT_PERMERROR,
		    REASON_KEY_TOO_SHORT, "%u-bit RSA key at %s, minimum %u",
		    k->bits, vs->out.key_name, v->min_key_bits);
		return 0;
	}
	if (k->strict && (at = strrchr(vs->sig->i, '@')) != NULL &&
	    strcasecmp(at + 1, vs->sig->d) != 0) {
		verdict_set(&vs->out.result, VERDICT_PERMERROR,
		    REASON_KEY_STRICT_IDENTITY, "i=%s with t=s", vs->sig->i);
		return 0;
	}
	return 1;
}

static void
finish_sig(struct verifier *v, struct vsig *vs, struct buf *hdata)
{
	unsigned char	 bh[BODYHASH_LEN];
	long long	 total = 0;
	struct errbuf	 err;
	int		 ok;

	if (vs->key == NULL) {
		vs->out.result = vs->key_r;
		return;
	}
	if (!key_acceptable(v, vs))
		return;
	if (bodyhash_final(vs->bh, bh, &total, &err) == -1) {
		verdict_set(&vs->out.result, VERDICT_TEMPERROR,
		    REASON_INTERNAL, "%s", err.msg);
		return;
	}
	if (vs->sig->l >= 0 && total < vs->sig->l) {
		verdict_set(&vs->out.result, VERDICT_FAIL,
		    REASON_BODY_HASH_MISMATCH, "l=%lld but the body has only "
		    "%lld canonical bytes", vs->sig->l, total);
		return;
	}
	if (vs->sig->l >= 0 && total > vs->sig->l)
		vs->out.body_extra = 1;
	if (memcmp(bh, vs->sig->bh, BODYHASH_LEN) != 0) {
		verdict_set(&vs->out.result, VERDICT_FAIL,
		    REASON_BODY_HASH_MISMATCH, "%s/%s body, %lld canonical bytes"
		    "%s", canon_name(vs->sig->hcanon),
		    canon_name(vs->sig->bcanon), total,
		    vs->sig->l >= 0 ? " up to l=" : "");
		return;
	}
	buf_reset(hdata);
	if (header_hash_input(v, vs, hdata) == -1) {
		verdict_set(&vs->out.result, VERDICT_TEMPERROR,
		    REASON_INTERNAL, "out of memory");
		return;
	}
	ok = check_signature(vs, hdata);
	if (ok == 1)
		verdict_set(&vs->out.result, VERDICT_PASS, REASON_OK,
		    "%u-bit %s key", vs->key->bits, vs->key->type ==
		    KEYREC_ED25519 ? "ed25519" : "RSA");
	else if (ok == 0)
		verdict_set(&vs->out.result, VERDICT_FAIL,
		    REASON_SIGNATURE_MISMATCH, "signed headers %s "
		    "canonicalization", canon_name(vs->sig->hcanon));
	else
		verdict_set(&vs->out.result, VERDICT_TEMPERROR,
		    REASON_INTERNAL, "OpenSSL verify setup failed");
}

static void
sig_hint(struct vsig *vs)
{
	const char	*h;

	if (vs->key_hint[0] != '\0') {
		snprintf(vs->out.hint, sizeof(vs->out.hint), "%s",
		    vs->key_hint);
		return;
	}
	if (vs->out.result.verdict == VERDICT_PASS) {
		if (vs->out.key_testing)
			snprintf(vs->out.hint, sizeof(vs->out.hint),
			    "key %s is in testing mode (t=y); remove t=y once "
			    "signing works", vs->out.key_name);
		else if (vs->out.body_extra)
			snprintf(vs->out.hint, sizeof(vs->out.hint),
			    "l=%lld covers only part of the body: content was "
			    "appended after signing and is not covered",
			    vs->out.body_length);
		return;
	}
	if ((h = reason_hint(vs->out.result.reason)) != NULL)
		snprintf(vs->out.hint, sizeof(vs->out.hint), "%s", h);
}

static void
message_verdict(struct verifier *v)
{
	size_t		 i;
	int		 pass[3] = { 0, 0, 0 }, author = 0, a_temp = 0,
			 a_fail = 0, temp = 0, fail = 0, testing = 0;
	size_t		 n;
	struct vsig	*vs;

	v->verdict = MSG_NONE;
	v->hint[0] = '\0';
	if (v->nsigs == 0)
		return;
	for (i = 0; i < v->nsigs; i++) {
		vs = &v->sigs[i];
		if (vs->out.result.verdict == VERDICT_PASS) {
			pass[vs->out.role]++;
			continue;
		}
		/*
		 * RFC 6376 3.6.1 t=y: verifiers MUST NOT treat mail signed
		 * in testing mode differently from unsigned mail, so a
		 * failure with a testing key counts as no signature: it can
		 * never turn OnNoSignature into the gentler OnBadSignature.
		 */
		if (vs->out.key_testing) {
			testing++;
			continue;
		}
		if (vs->out.role == ROLE_AUTHOR) {
			author++;
			a_temp += vs->out.result.verdict == VERDICT_TEMPERROR;
			a_fail += vs->out.result.verdict == VERDICT_FAIL;
		}
		temp += vs->out.result.verdict == VERDICT_TEMPERROR;
		fail += vs->out.result.verdict == VERDICT_FAIL;
	}
	if (pass[ROLE_AUTHOR] > 0)
		v->verdict = MSG_PASS;
	else if (author > 0)
		v->verdict = a_temp ? MSG_DNS_ERROR : a_fail ? MSG_FAIL :
		    MSG_PERMERROR;
	else if (pass[ROLE_ESP] > 0)
		v->verdict = MSG_ESP_ONLY;
	else if (pass[ROLE_THIRD_PARTY] > 0)
		v->verdict = MSG_THIRD_PARTY;
	else if ((size_t)testing == v->nsigs) {
		v->verdict = MSG_NONE;
		snprintf(v->hint, sizeof(v->hint), "only signatures with "
		    "keys in testing mode (t=y) are present and none passes; "
		    "handled as unsigned mail (RFC 6376 3.6.1)");
		return;
	} else
		v->verdict = temp ? MSG_DNS_ERROR : fail ? MSG_FAIL :
		    MSG_PERMERROR;
	if (v->from_status != FROM_OK) {
		/* no author: say why before anything else */
		n = (size_t)snprintf(v->hint, sizeof(v->hint), "%s",
		    reason_text(from_reason(v->from_status)));
		if (n < sizeof(v->hint) && reason_hint(from_reason(
		    v->from_status)) != NULL)
			snprintf(v->hint + n, sizeof(v->hint) - n, "; %s",
			    reason_hint(from_reason(v->from_status)));
		return;
	}
	switch (v->verdict) {
	case MSG_ESP_ONLY:
	case MSG_THIRD_PARTY:
		snprintf(v->hint, sizeof(v->hint), "%s is not DKIM-signing "
		    "this mail: only %s signatures pass; is DKIM enabled for "
		    "the identity in this region, is the sender a separately "
		    "verified address?", v->from_domain[0] != '\0' ?
		    v->from_domain : "the From domain",
		    v->verdict == MSG_ESP_ONLY ? "the ESP's" : "third-party");
		break;
	default:
		/* the first failing author signature's hint, else any */
		for (i = 0; i < v->nsigs; i++)
			if (v->sigs[i].out.hint[0] != '\0' &&
			    v->sigs[i].out.role == ROLE_AUTHOR) {
				snprintf(v->hint, sizeof(v->hint), "%s",
				    v->sigs[i].out.hint);
				return;
			}
		for (i = 0; i < v->nsigs; i++)
			if (v->sigs[i].out.hint[0] != '\0') {
				snprintf(v->hint, sizeof(v->hint), "%s",
				    v->sigs[i].out.hint);
				return;
			}
	}
}

/* verifier_eom - finish every signature and the message verdict */
int
verifier_eom(struct verifier *v, struct errbuf *err)
{
	struct buf	 hdata;
	size_t		 i;
	struct vsig	*vs;

	if (!v->eoh && verifier_eoh(v, err) == -1)
		return -1;
	if (v->eom)
		return 0;
	v->eom = 1;
	buf_init(&hdata, HDR_MAX_BYTES + 4096);
	for (i = 0; i < v->nsigs; i++) {
		vs = &v->sigs[i];
		if (!vs->final) {
			collect(v, vs);
			finish_sig(v, vs, &hdata);
		}
		sig_hint(vs);
	}
	buf_free(&hdata);
	message_verdict(v);
	return 0;
}

/* verifier_nsigs - number of DKIM-Signature fields */
size_t
verifier_nsigs(const struct verifier *v)
{
	return v->nsigs;
}

/* verifier_sig - one signature's result */
const struct verify_sig *
verifier_sig(const struct verifier *v, size_t i)
{
	return i < v->nsigs ? &v->sigs[i].out : NULL;
}

/* verifier_from_domain - the From domain */
const char *
verifier_from_domain(const struct verifier *v)
{
	return v->from_domain;
}

/* verifier_from_reason - why the message has no author, or REASON_OK */
enum reason
verifier_from_reason(const struct verifier *v)
{
	return from_reason(v->from_status);
}

/* verifier_verdict - the message verdict */
enum msg_verdict
verifier_verdict(const struct verifier *v)
{
	return v->verdict;
}

/* verifier_hint - the message-level hint */
const char *
verifier_hint(const struct verifier *v)
{
	return v->hint;
}
