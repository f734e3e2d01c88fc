/*
 * diagname - the misplaced names of a selector's record: S._domainkey.D.D
 * (the DNS provider appended the domain) and S.domainkey.D (the
 * underscore lost), looked up through the resolver
 *
 * It owns diag_duplicated_apex() and diag_no_underscore(), the hints the
 * verifier asks for after an NXDOMAIN, and diag_misplaced() for diag_run.
 * A finding is filled, never appended to a report; it never prints.
 */
#include <stdio.h>
#include <string.h>

#include "lib/diag.h"
#include "lib/diagint.h"
#include "lib/dns.h"
#include "lib/errbuf.h"

/*
 * exists - does name exist as a CNAME or TXT, through the resolver?  1
 * with a description of what is there in out, 0 when not, -1 on local
 * failure.
 */
static int
exists(struct dns_resolver *res, const char *name, char *out, size_t size,
    char *server, size_t ssize, struct errbuf *err)
{
	struct dns_answer	*a = NULL;
	char			*text = NULL;
	int			 has, rc = 0;

	out[0] = '\0';
	if (strlen(name) > 253)
		return 0;
	if (dns_query(res, name, DNS_T_TXT, &a, err) == -1)
		return -1;
	if (a->ncname > 0) {
		/* A CNAME, whatever its target gives. */
		rc = 1;
		snprintf(out, size, "CNAME %s", a->cname[0]);
	} else if (a->status == DNS_OK)
		rc = 2;
	else if (a->status != DNS_NXDOMAIN) {
		/* No TXT, or the lookup failed: a CNAME may be there. */
		dns_answer_free(a);
		if (dns_query(res, name, DNS_T_CNAME, &a, err) == -1)
			return -1;
		rc = a->status == DNS_OK ? 2 : 0;
	}
	if (rc == 2) {
		if ((text = diag_records_text(a, name, &has)) == NULL) {
			dns_answer_free(a);
			return errbuf_set(err, "diag: out of memory");
		}
		diag_shorten(text, out, size < SHOW_MAX + 8 ? size
		    : SHOW_MAX + 8);
		free(text);
		rc = 1;
	}
	snprintf(server, ssize, "%s", diag_server_of(a));
	dns_answer_free(a);
	return rc;
}

/* diag_misplaced - diag_duplicated_apex and diag_no_underscore */
int
diag_misplaced(struct dns_resolver *res, const char *selector,
    const char *domain,
    int apex, struct diag_finding *f, struct errbuf *err)
{
	char	 name[DNS_NAME_MAX * 2 + 16], found[DIAG_EVIDENCE_MAX / 2];
	char	 server[DIAG_SERVER_MAX];
	int	 rc;

	if (selector == NULL || domain == NULL || *selector == '\0' ||
	    *domain == '\0')
		return errbuf_set(err, "diag: no selector or domain");
	if (apex)
		snprintf(name, sizeof(name), "%s._domainkey.%s.%s", selector,
		    domain, domain);
	else
		snprintf(name, sizeof(name), "%s.domainkey.%s", selector,
		    domain);
	if (strlen(name) >= DNS_NAME_MAX)
		return 0;
	if ((rc = exists(res, name, found, sizeof(found), server,
	    sizeof(server), err)) != 1)
		return rc;
	memset(f, 0, sizeof(*f));
	f->check = apex ? DIAG_DUPLICATED_APEX : DIAG_NO_UNDERSCORE;
	f->status = DIAG_FAIL;
	snprintf(f->name, sizeof(f->name), "%s", name);
	snprintf(f->server, sizeof(f->server), "%s", server);
	if (apex) {
		snprintf(f->evidence, sizeof(f->evidence), "%s exists (%s): "
		    "the DNS provider appended %s to the name entered",
		    name, found, domain);
		snprintf(f->fix, sizeof(f->fix), "Rename the record to "
		    "%s._domainkey (without the domain), or enter the full "
		    "name with a trailing dot: %s._domainkey.%s.", selector,
		    selector, domain);
	} else {
		snprintf(f->evidence, sizeof(f->evidence), "%s exists (%s): "
		    "the name lacks the underscore of _domainkey", name,
		    found);
		snprintf(f->fix, sizeof(f->fix), "Rename the record to "
		    "%s._domainkey.%s (with the underscore); if your provider"
		    " refuses underscores, ask its support or move the zone.",
		    selector, domain);
	}
	return 1;
}

/* diag_duplicated_apex - is the record at S._domainkey.D.D? */
int
diag_duplicated_apex(struct dns_resolver *res, const char *selector,
    const char *domain, struct diag_finding *finding_out, struct errbuf *err)
{
	return diag_misplaced(res, selector, domain, 1, finding_out, err);
}

/* diag_no_underscore - is the record at S.domainkey.D? */
int
diag_no_underscore(struct dns_resolver *res, const char *selector,
    const char *domain, struct diag_finding *finding_out, struct errbuf *err)
{
	return diag_misplaced(res, selector, domain, 0, finding_out, err);
}

