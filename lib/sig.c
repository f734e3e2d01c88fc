/*
 * sig - parse and validate one DKIM-Signature field (RFC 6376 3.5, 6.1.1)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/b64.h"
#include "lib/keyname.h"
#include "lib/sig.h"
#include "lib/taglist.h"
#include "lib/text.h"

static const char *const required[] = { "v", "a", "b", "bh", "d", "h", "s" };

/* sig_alg_name - the a= word */
const char *
sig_alg_name(enum sig_alg alg)
{
	switch (alg) {
	case SIG_ALG_RSA_SHA256:	return "rsa-sha256";
	case SIG_ALG_ED25519_SHA256:	return "ed25519-sha256";
	case SIG_ALG_RSA_SHA1:		return "rsa-sha1";
	}
	return "unknown";
}

/* sig_free - free a parsed signature */
void
sig_free(struct sig *sig)
{
	size_t	 i;

	if (sig == NULL)
		return;
	for (i = 0; i < sig->nh; i++)
		free(sig->h[i]);
	free(sig->z);
	free(sig);
}

/* copy_nows - copy src without FWS into dst; -1 if it does not fit */
static int
copy_nows(char *dst, size_t dstlen, const char *src)
{
	size_t	 n = 0;

	for (; *src != '\0'; src++) {
		if (text_is_fws(*src))
			continue;
		if (n + 1 >= dstlen) {
			dst[0] = '\0';	/* never a cut copy */
			return -1;
		}
		dst[n++] = *src;
	}
	dst[n] = '\0';
	return 0;
}

/* number - parse an unsigned decimal of at most max_digits; -1 if bad */
static long long
number(const char *s, size_t max_digits)
{
	size_t		 n = strlen(s), i;
	long long	 v = 0;

	if (n == 0 || n > max_digits)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (0x7fffffffffffffffLL - 9) / 10)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
parse_h(struct sig *sig, const char *h, struct verdict_result *r)
{
	const char	*p = h, *e;
	char		 name[128];
	size_t		 len, i, o;
	int		 from = 0;

	for (;;) {
		e = strchr(p, ':');
		len = e == NULL ? strlen(p) : (size_t)(e - p);
		/* copy without the FWS around the name */
		for (i = 0, o = 0; i < len; i++) {
			if (text_is_fws(p[i]))
				continue;
			if (o + 1 >= sizeof(name)) {
				verdict_set(r, VERDICT_PERMERROR,
				    REASON_SIG_SYNTAX, "h= name too long");
				return -1;
			}
			name[o++] = p[i];
		}
		name[o] = '\0';
		if (o == 0) {
			verdict_set(r, VERDICT_PERMERROR, REASON_SIG_SYNTAX,
			    "h= has an empty header name");
			return -1;
		}
		if (sig->nh == SIG_MAX_HEADERS) {
			verdict_set(r, VERDICT_PERMERROR, REASON_SIG_SYNTAX,
			    "h= lists more than %d headers", SIG_MAX_HEADERS);
			return -1;
		}
		if ((sig->h[sig->nh] = strdup(name)) == NULL) {
			verdict_set(r, VERDICT_TEMPERROR, REASON_INTERNAL,
			    "out of memory");
			return -1;
		}
		sig->nh++;
		if (strcasecmp(name, "from") == 0)
			from = 1;
		if (e == NULL)
			break;
		p = e + 1;
	}
	if (!from) {
		verdict_set(r, VERDICT_PERMERROR, REASON_SIG_NO_FROM,
		    "h=%.60s", h);
		return -1;
	}
	return 0;
}

static int
parse_i(struct sig *sig, const char *i, struct verdict_result *r)
{
	const char	*at, *dom;

	if (copy_nows(sig->i, sizeof(sig->i), i) == -1) {
		verdict_set(r, VERDICT_PERMERROR, REASON_SIG_BAD_IDENTITY,
		    "i= too long");
		return -1;
	}
	if ((at = strrchr(sig->i, '@')) == NULL) {
		verdict_set(r, VERDICT_PERMERROR, REASON_SIG_BAD_IDENTITY,
		    "i=%.60s has no '@'", sig->i);
		return -1;
	}
	dom = at + 1;
	/* RFC 6376 3.5 i=: the domain is d= or a subdomain of it */
	if (strcasecmp(dom, sig->d) != 0) {
		size_t dl = strlen(dom), sl = strlen(sig->d);

		if (dl <= sl || dom[dl - sl - 1] != '.' ||
		    strcasecmp(dom + dl - sl, sig->d) != 0) {
			verdict_set(r, VERDICT_PERMERROR,
			    REASON_SIG_BAD_IDENTITY, "i=%.60s, d=%.60s",
			    sig->i, sig->d);
			return -1;
		}
	}
	return 0;
}

static int
parse_b64(const char *tag, const char *val, unsigned char *out, size_t cap,
    size_t *len_out, struct verdict_result *r)
{
	enum b64_status	 st;

	st = b64_decode(val, strlen(val), out, cap, len_out);
	if (st != B64_OK || *len_out == 0) {
		verdict_set(r, VERDICT_PERMERROR, REASON_SIG_BAD_BASE64,
		    "%s=: %s", tag, st != B64_OK ? b64_status_text(st) :
		    "empty");
		return -1;
	}
	return 0;
}

/* sig_parse - parse and validate a DKIM-Signature value */
int
sig_parse(const char *value, time_t now, struct sig **sig_out,
    struct verdict_result *r, struct sig *partial)
{
	struct taglist		 tl;
	enum taglist_status	 tst;
	struct sig		*sig;
	const char		*v;
	char			 where[64];
	const char		*toolong = NULL;
	size_t			 k;

	*sig_out = NULL;
	verdict_set(r, VERDICT_PASS, REASON_OK, NULL);
	if (partial != NULL) {
		memset(partial, 0, sizeof(*partial));
		partial->l = partial->t = partial->x = -1;
	}
	if ((sig = calloc(1, sizeof(*sig))) == NULL) {
		verdict_set(r, VERDICT_TEMPERROR, REASON_INTERNAL,
		    "out of memory");
		return -1;
	}
	sig->l = sig->t = sig->x = -1;
	tst = taglist_parse(value, &tl, where, sizeof(where));
	switch (tst) {
	case TAGLIST_OK:
		break;
	case TAGLIST_DUPLICATE:
		verdict_set(r, VERDICT_PERMERROR, REASON_SIG_DUP_TAG,
		    "tag %s= appears twice", where);
		goto fail;
	case TAGLIST_NOMEM:
		verdict_set(r, VERDICT_TEMPERROR, REASON_INTERNAL,
		    "out of memory");
		goto fail;
	default:
		verdict_set(r, VERDICT_PERMERROR, REASON_SIG_SYNTAX,
		    "not a tag=value list near '%s'", where);
		goto fail;
	}
	/*
	 * Fill what a report needs first, so a rejection can name it.  A
	 * value too long for its field is left out and rejected below:
	 * a cut s= or d= would name a key the signer never chose.
	 */
	if ((v = taglist_get(&tl, "d")) != NULL &&
	    copy_nows(sig->d, sizeof(sig->d), v) == 0)
		text_lower(sig->d);
	else if (v != NULL)
		toolong = "d";
	if ((v = taglist_get(&tl, "s")) != NULL &&
	    copy_nows(sig->s, sizeof(sig->s), v) == -1 && toolong == NULL)
		toolong = "s";
	if ((v = taglist_get(&tl, "a")) != NULL &&
	    copy_nows(sig->a, sizeof(sig->a), v) == -1 && toolong == NULL)
		toolong = "a";
	if ((v = taglist_get(&tl, "b")) != NULL) {
		for (k = 0; *v != '\0' && k < 8; v++)
			if (!text_is_fws(*v))
				sig->b8[k++] = *v;
		sig->b8[k] = '\0';
	}
	if (partial != NULL) {
		memset(partial, 0, sizeof(*partial));
		memcpy(partial->d, sig->d, sizeof(sig->d));
		memcpy(partial->s, sig->s, sizeof(sig->s));
		memcpy(partial->a, sig->a, sizeof(sig->a));
		memcpy(partial->b8, sig->b8, sizeof(sig->b8));
		partial->l = partial->t = partial->x = -1;
	}
	for (k = 0; k < sizeof(required) / sizeof(required[0]); k++)
		if (taglist_get(&tl, required[k]) == NULL) {
			verdict_set(r, VERDICT_PERMERROR,
			    REASON_SIG_MISSING_TAG, "no %s= tag", required[k]);
			goto fail;
		}
	if (toolong != NULL) {
		verdict_set(r, VERDICT_PERMERROR, REASON_SIG_TAG_TOO_LONG,
		    "%s= is %zu octets, at most %zu are possible", toolong,
		    strlen(taglist_get(&tl, toolong)), *toolong == 'd' ?
		    sizeof(sig->d) - 1 : *toolong == 's' ? sizeof(sig->s) - 1 :
		    sizeof(sig->a) - 1);
		goto fail;
	}
	if (strcmp(taglist_get(&tl, "v"), "1") != 0) {
		verdict_set(r, VERDICT_PERMERROR, REASON_SIG_BAD_VERSION,
		    "v=%.20s", taglist_get(&tl, "v"));
		goto fail;
	}
	if (strcmp(sig->a, "rsa-sha256") == 0)
		sig->alg = SIG_ALG_RSA_SHA256;
	else if (strcmp(sig->a, "ed25519-sha256") == 0)
		sig->alg = SIG_ALG_ED25519_SHA256;
	else if (strcmp(sig->a, "rsa-sha1") == 0) {
		sig->alg = SIG_ALG_RSA_SHA1;
		verdict_set(r, VERDICT_PERMERROR, REASON_SIG_SHA1,
		    "a=rsa-sha1");
		goto fail;
	} else {
		verdict_set(r, VERDICT_PERMERROR, REASON_SIG_BAD_ALGORITHM,
		    "a=%.20s", taglist_get(&tl, "a"));
		goto fail;
	}
	if (!keyname_domain_ok(sig->d, 0)) {
		verdict_set(r, VERDICT_PERMERROR, REASON_SIG_BAD_DOMAIN,
		    "d=%.60s", taglist_get(&tl, "d"));
		goto fail;
	}
	if (!keyname_domain_ok(sig->s, 1)) {
		verdict_set(r, VERDICT_PERMERROR, REASON_SIG_BAD_SELECTOR,
		    "s=%.60s", taglist_get(&tl, "s"));
		goto fail;
	}
	if (parse_b64("b", taglist_get(&tl, "b"), sig->b, sizeof(sig->b),
	    &sig->b_len, r) == -1 ||
	    parse_b64("bh", taglist_get(&tl, "bh"), sig->bh, sizeof(sig->bh),
	    &sig->bh_len, r) == -1)
		goto fail;
	if (sig->bh_len != 32) {
		verdict_set(r, VERDICT_PERMERROR, REASON_SIG_BAD_BASE64,
		    "bh= is %zu bytes, SHA-256 needs 32", sig->bh_len);
		goto fail;
	}
	sig->hcanon = sig->bcanon = CANON_SIMPLE;
	if ((v = taglist_get(&tl, "c")) != NULL &&
	    canon_parse(v, &sig->hcanon, &sig->bcanon) == -1) {
		verdict_set(r, VERDICT_PERMERROR, REASON_SIG_BAD_CANON,
		    "c=%.40s", v);
		goto fail;
	}
	if (parse_h(sig, taglist_get(&tl, "h"), r) == -1)
		goto fail;
	if ((v = taglist_get(&tl, "i")) != NULL) {
		if (parse_i(sig, v, r) == -1)
			goto fail;
	} else
		snprintf(sig->i, sizeof(sig->i), "@%s", sig->d);
	if ((v = taglist_get(&tl, "l")) != NULL &&
	    (sig->l = number(v, 18)) < 0) {
		verdict_set(r, VERDICT_PERMERROR, REASON_SIG_BAD_LENGTH,
		    "l=%.30s", v);
		goto fail;
	}
	/* RFC 6376 3.5 q=: a colon-separated list; only dns/txt exists */
	if ((v = taglist_get(&tl, "q")) != NULL &&
	    !taglist_list_has(v, "dns/txt")) {
		verdict_set(r, VERDICT_PERMERROR, REASON_SIG_BAD_QUERY,
		    "q=%.40s", v);
		goto fail;
	}
	if ((v = taglist_get(&tl, "t")) != NULL &&
	    (sig->t = number(v, 12)) < 0) {
		verdict_set(r, VERDICT_PERMERROR, REASON_SIG_BAD_TIME,
		    "t=%.30s", v);
		goto fail;
	}
	if ((v = taglist_get(&tl, "x")) != NULL &&
	    (sig->x = number(v, 12)) < 0) {
		verdict_set(r, VERDICT_PERMERROR, REASON_SIG_BAD_TIME,
		    "x=%.30s", v);
		goto fail;
	}
	/* RFC 6376 3.5 x=: MUST be greater than t= */
	if (sig->t >= 0 && sig->x >= 0 && sig->x <= sig->t) {
		verdict_set(r, VERDICT_PERMERROR, REASON_SIG_X_BEFORE_T,
		    "t=%lld x=%lld", sig->t, sig->x);
		goto fail;
	}
	if (sig->x >= 0 && (long long)now > sig->x) {
		verdict_set(r, VERDICT_PERMERROR, REASON_SIG_EXPIRED,
		    "x=%lld is %lld seconds ago", sig->x,
		    (long long)now - sig->x);
		goto fail;
	}
	if (sig->t >= 0 && sig->t > (long long)now + SIG_FUTURE_SLACK) {
		verdict_set(r, VERDICT_PERMERROR, REASON_SIG_FUTURE,
		    "t=%lld is %lld seconds ahead", sig->t,
		    sig->t - (long long)now);
		goto fail;
	}
	if ((v = taglist_get(&tl, "z")) != NULL &&
	    (sig->z = strdup(v)) == NULL) {
		verdict_set(r, VERDICT_TEMPERROR, REASON_INTERNAL,
		    "out of memory");
		goto fail;
	}
	taglist_free(&tl);
	*sig_out = sig;
	return 0;
fail:
	taglist_free(&tl);
	sig_free(sig);
	return -1;
}
