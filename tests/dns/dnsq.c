/*
 * dnsq - ask DNS through lib/dns.h and print what came back, for tests
 *
 * usage: dnsq [--ns LIST] [--timeout-ms N] [--retries N] [--no-cache]
 *             [--at SERVER [--norecurse]] [--threads N]
 *             NAME TYPE [NAME TYPE ...]
 *
 * All queries run in one process with one resolver, so a repeated query
 * shows the cache at work.  The pair "+sleep MS" waits between queries.
 * With --threads N, N threads each run the whole list at once on the
 * shared resolver (output blocks are whole but interleaved).
 *
 * For each query it prints one summary line
 *   answer q=NAME type=T status=S rcode=N aa=0|1 server=S cache=0|1
 *       cname=A,B|- nrr=N nauth=N naddl=N
 * then one line per record, "rr", "auth" or "addl":
 *   rr NAME TYPE TTL nstrings=N DATA
 * DATA is last on the line, bytes outside printable ASCII as \xNN.
 * Exit: 0 when every query returned (whatever its DNS status), 2 on
 * usage or local failure.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "lib/dns.h"
#include "lib/errbuf.h"

/* usage - print the synopsis and exit 2 */
static void
usage(void)
{
	fprintf(stderr, "usage: dnsq [--ns LIST] [--timeout-ms N] "
	    "[--retries N] [--no-cache]\n"
	    "            [--at SERVER [--norecurse]] [--threads N]\n"
	    "            NAME TYPE [NAME TYPE ...]\n");
	exit(2);
}

/* parse_type - "TXT" to DNS_T_TXT; -1 when unknown */
static int
parse_type(const char *s, enum dns_type *type_out)
{
	static const enum dns_type types[] = { DNS_T_A, DNS_T_NS,
	    DNS_T_CNAME, DNS_T_SOA, DNS_T_TXT, DNS_T_AAAA };
	size_t	 i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcasecmp(s, dns_type_name(types[i])) == 0) {
			*type_out = types[i];
			return 0;
		}
	return -1;
}

/* print_rrs - one line per record */
static void
print_rrs(const char *label, const struct dns_rr *rr, size_t n)
{
	const unsigned char	*p;
	size_t			 i, j;

	for (i = 0; i < n; i++) {
		printf("%s %s %s %u nstrings=%zu ", label, rr[i].name,
		    dns_type_name(rr[i].type), (unsigned int)rr[i].ttl,
		    rr[i].nstrings);
		p = (const unsigned char *)rr[i].data;
		for (j = 0; j < rr[i].data_len; j++) {
			if (p[j] >= 0x20 && p[j] < 0x7f && p[j] != '\\')
				putchar(p[j]);
			else
				printf("\\x%02x", p[j]);
		}
		putchar('\n');
	}
}

/* print_answer - the summary line and the records */
static void
print_answer(const struct dns_answer *a)
{
	size_t	 i;

	printf("answer q=%s type=%s status=%s rcode=%d aa=%d server=%s "
	    "cache=%d cname=", a->qname, dns_type_name(a->qtype),
	    dns_status_name(a->status), a->rcode, a->aa,
	    a->server[0] != '\0' ? a->server : "-", a->from_cache);
	if (a->ncname == 0)
		putchar('-');
	for (i = 0; i < a->ncname; i++)
		printf("%s%s", i > 0 ? "," : "", a->cname[i]);
	printf(" nrr=%zu nauth=%zu naddl=%zu\n", a->nrr, a->nauth, a->naddl);
	print_rrs("rr", a->rr, a->nrr);
	print_rrs("auth", a->auth, a->nauth);
	print_rrs("addl", a->addl, a->naddl);
}

/* number - a non-negative decimal option argument */
static unsigned int
number(const char *s)
{
	char		*end;
	unsigned long	 n;

	n = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || n > 600000)
		usage();
	return (unsigned int)n;
}

struct run {
	struct dns_resolver	*res;
	const char		*at;
	int			 recurse;
	int			 argc;
	char			**argv;
	int			 rc;
};

/* sleep_ms - the "+sleep MS" pseudo-query */
static void
sleep_ms(unsigned int ms)
{
	struct timespec	 ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) == -1)
		continue;
}

/* run_queries - every NAME TYPE pair of the command line, in order */
static void *
run_queries(void *arg)
{
	struct run		*r = arg;
	struct dns_answer	*a;
	struct errbuf		 err;
	enum dns_type		 type;
	int			 i, rc;

	for (i = 0; i + 1 < r->argc; i += 2) {
		if (strcmp(r->argv[i], "+sleep") == 0) {
			sleep_ms(number(r->argv[i + 1]));
			continue;
		}
		if (parse_type(r->argv[i + 1], &type) == -1) {
			fprintf(stderr, "dnsq: unknown type %s\n",
			    r->argv[i + 1]);
			r->rc = 2;
			continue;
		}
		errbuf_clear(&err);
		if (r->at != NULL)
			rc = dns_query_at(r->res, r->at, r->argv[i], type,
			    r->recurse, &a, &err);
		else
			rc = dns_query(r->res, r->argv[i], type, &a, &err);
		flockfile(stdout);
		if (rc == -1) {
			printf("error q=%s %s\n", r->argv[i], err.msg);
			r->rc = 2;
		} else
			print_answer(a);
		funlockfile(stdout);
		if (rc == 0)
			dns_answer_free(a);
	}
	return NULL;
}

int
main(int argc, char *argv[])
{
	struct dns_settings	 set;
	struct errbuf		 err;
	struct run		 runs[16];
	pthread_t		 tids[16];
	unsigned int		 nthreads = 1, t;
	const char		*at = NULL;
	int			 i, recurse = 1, rc = 0;

	memset(&set, 0, sizeof(set));
	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--ns") == 0 && i + 1 < argc)
			set.nameservers = argv[++i];
		else if (strcmp(argv[i], "--timeout-ms") == 0 && i + 1 < argc)
			set.timeout_ms = number(argv[++i]);
		else if (strcmp(argv[i], "--retries") == 0 && i + 1 < argc)
			set.retries = number(argv[++i]);
		else if (strcmp(argv[i], "--no-cache") == 0)
			set.no_cache = 1;
		else if (strcmp(argv[i], "--at") == 0 && i + 1 < argc)
			at = argv[++i];
		else if (strcmp(argv[i], "--norecurse") == 0)
			recurse = 0;
		else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
			nthreads = number(argv[++i]);
		else
			usage();
	}
	if (i >= argc || (argc - i) % 2 != 0 || nthreads < 1 ||
	    nthreads > 16)
		usage();

	errbuf_clear(&err);
	memset(runs, 0, sizeof(runs));
	if ((runs[0].res = dns_resolver_new(&set, &err)) == NULL) {
		fprintf(stderr, "dnsq: %s\n", err.msg);
		return 2;
	}
	printf("servers %s\n", dns_servers(runs[0].res));
	fflush(stdout);
	for (t = 0; t < nthreads; t++) {
		runs[t].res = runs[0].res;
		runs[t].at = at;
		runs[t].recurse = recurse;
		runs[t].argc = argc - i;
		runs[t].argv = argv + i;
		if (nthreads == 1)
			run_queries(&runs[t]);
		else if (pthread_create(&tids[t], NULL, run_queries,
		    &runs[t]) != 0) {
			fprintf(stderr, "dnsq: cannot start a thread\n");
			return 2;
		}
	}
	for (t = 0; t < nthreads; t++) {
		if (nthreads > 1)
			pthread_join(tids[t], NULL);
		if (runs[t].rc != 0)
			rc = runs[t].rc;
	}
	dns_resolver_free(runs[0].res);
	return rc;
}
