/*
 * cmd_report - dkimlens-keytool report: summarise the verdict lines of
 * mail logs (plain or gzip, several files, standard input)
 *
 * Streams: each input is read through zlib (which reads plain files as
 * they are) in chunks; a chunk is searched for " verdict=" as grep would,
 * and only the lines holding it are parsed (lib/logparse.h) and counted
 * (lib/logsum.h).  Line numbers are counted between matches, so that an
 * unparsable verdict line is reported as FILE:LINE.
 */
#define _GNU_SOURCE	/* memmem(), memrchr() */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "lib/errbuf.h"
#include "lib/logparse.h"
#include "lib/logsum.h"

#include "keytool/cmds.h"
#include "keytool/output.h"
#include "keytool/report.h"

#define CHUNK		(1024 * 1024)	/* bytes read at a time */
#define LINE_CAP	(64 * 1024)	/* parsed of a line over CHUNK */
#define NEEDLE		" verdict="

static const char usage_text[] =
    "usage: dkimlens-keytool report [--since T] [--until T] [--domain D]\n"
    "           [--json] [--html FILE] [FILE...]\n"
    "Summarises the dkimlens-milter verdict lines of mail logs (plain or\n"
    ".gz; standard input when no FILE or '-'): messages per verdict, per\n"
    "From domain (share passing, reasons with hint and example queue id),\n"
    "per signing key and per host, worst first.  T: YYYY-MM-DD[THH:MM[:SS]]\n"
    "(local time unless Z or +HH:MM follows) or Nm, Nh, Nd ago.\n"
    "--json prints JSON instead of text; --html FILE also writes a page\n"
    "with charts.  Exit 0, 1 when a verdict line could not be parsed,\n"
    "2 on usage or I/O errors.\n";

/* The state of one run over the inputs. */
struct run {
	struct logparse	 lp;
	struct logsum	*ls;
	struct logline	 line;
	const char	*name;		/* of the input being read */
	unsigned long	 lineno;	/* lines before 'counted' */
	int		 failed;	/* out of memory */
};

/* count_nl - newlines in [p, end) */
static unsigned long
count_nl(const char *p, const char *end)
{
	unsigned long	 n = 0;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}

/* one - a line that holds " verdict=", number lineno */
static void
one(struct run *r, const char *p, size_t len, unsigned long lineno,
    const char *toolong)
{
	struct errbuf	 err;

	switch (logparse_line(&r->lp, p, len, &r->line)) {
	case LOGPARSE_SKIP:
		return;
	case LOGPARSE_BAD:
		if (logsum_unparsed(r->ls, r->name, lineno, toolong != NULL ?
		    toolong : r->line.why) == -1)
			r->failed = 1;
		return;
	case LOGPARSE_OK:
		if (toolong != NULL) {
			if (logsum_unparsed(r->ls, r->name, lineno,
			    toolong) == -1)
				r->failed = 1;
			return;
		}
		errbuf_clear(&err);
		if (logsum_add(r->ls, &r->line, &err) == -1) {
			kt_warnx("%s:%lu: %s", r->name, lineno, err.msg);
			r->failed = 1;
		}
		return;
	}
}

/*
 * region - the complete lines in [p, end): parse those with a match.
 * Returns the number of newlines in it.
 */
static unsigned long
region(struct run *r, const char *p, const char *end)
{
	const char	*m, *ls, *le, *counted = p, *start = p;
	unsigned long	 base = r->lineno;

	while (p < end && (m = memmem(p, (size_t)(end - p), NEEDLE,
	    sizeof(NEEDLE) - 1)) != NULL) {
		ls = memrchr(start, '\n', (size_t)(m - start));
		ls = ls != NULL ? ls + 1 : start;
		if ((le = memchr(m, '\n', (size_t)(end - m))) == NULL)
			le = end;
		r->lineno += count_nl(counted, ls);
		counted = ls;
		one(r, ls, (size_t)(le - ls), r->lineno + 1, NULL);
		p = le < end ? le + 1 : end;
	}
	r->lineno += count_nl(counted, end);
	return r->lineno - base;
}

/* input - read one file ("-": stdin); 0, or -1 after a message */
static int
input(struct run *r, const char *path, char *buf)
{
	gzFile		 gz;
	const char	*nl, *why;
	size_t		 have = 0, keep;
	int		 fd, n, eof = 0, skipping = 0, zerr, rc = 0;

	r->name = strcmp(path, "-") == 0 ? "(stdin)" : path;
	r->lineno = 0;
	if (strcmp(path, "-") == 0)
		fd = dup(STDIN_FILENO);
	else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1 || (gz = gzdopen(fd, "rb")) == NULL) {
		kt_warnx("%s: %s", r->name, fd == -1 ? strerror(errno) :
		    "out of memory");
		if (fd != -1)
			close(fd);
		return -1;
	}
	gzbuffer(gz, 256 * 1024);
	while (!eof && !r->failed) {
		n = gzread(gz, buf + have, CHUNK + LINE_CAP - have);
		if (n < 0) {
			why = gzerror(gz, &zerr);
			kt_warnx("%s: %s", r->name, zerr == Z_ERRNO ?
			    strerror(errno) : why);
			rc = -1;
			break;
		}
		eof = n == 0;
		have += (size_t)n;
		if (skipping) {
			/* the rest of a line over LINE_CAP */
			if ((nl = memchr(buf, '\n', have)) == NULL) {
				have = 0;
				continue;
			}
			skipping = 0;
			r->lineno++;
			keep = have - (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, keep);
			have = keep;
		}
		nl = have > 0 ? memrchr(buf, '\n', have) : NULL;
		if (eof) {
			/* the last line may lack its newline (cut short) */
			region(r, buf, buf + have);
			have = 0;
			why = gzerror(gz, &zerr);
			if (zerr != Z_OK) {
				/* zlib: gzip data cut short is Z_BUF_ERROR */
				kt_warnx("%s: %s", r->name, why);
				rc = -1;
			}
			break;
		}
		if (nl == NULL) {
			if (have < CHUNK + LINE_CAP)
				continue;
			/* a line longer than the buffer */
			r->lineno++;
			one(r, buf, LINE_CAP, r->lineno, "line longer than "
			    "1 MiB, not read");
			skipping = 1;
			have = 0;
			continue;
		}
		region(r, buf, nl + 1);
		keep = have - (size_t)(nl + 1 - buf);
		memmove(buf, nl + 1, keep);
		have = keep;
	}
	gzclose(gz);
	return rc;
}

/* cmd_report - summarise mail logs */
int
cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "domain", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "html", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static char			*stdin_only[] = { (char *)"-", NULL };
	struct logsum_settings		 set;
	struct report_input		 in;
	const struct logsum_view	*vw;
	struct run			*r = NULL;
	char				*buf = NULL, **files;
	const char			*html = NULL;
	FILE				*hf;
	int				 ch, json = 0, rc = EXIT_USAGE;
	size_t				 i, nfiles;

	memset(&set, 0, sizeof(set));
	memset(&in, 0, sizeof(in));
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		kt_warnx("out of memory");
		return EXIT_USAGE;
	}
	logparse_init(&r->lp, time(NULL));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "s:u:d:jH:h", opts, NULL)) !=
	    -1) {
		switch (ch) {
		case 's':
		case 'u':
			if (logparse_time(&r->lp, optarg, ch == 's' ?
			    &set.since : &set.until) == -1) {
				kt_warnx("--%s: '%s' is not a time "
				    "(YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM], or "
				    "Nm, Nh, Nd ago)", ch == 's' ? "since" :
				    "until", optarg);
				goto done;
			}
			*(ch == 's' ? &set.has_since : &set.has_until) = 1;
			break;
		case 'd': set.domain = in.domain = optarg; break;
		case 'j': json = 1; break;
		case 'H': html = optarg; break;
		case 'h':
			fputs(usage_text, stdout);
			rc = EXIT_OK;
			goto done;
		default:
			fputs(usage_text, stderr);
			goto done;
		}
	}
	set.buckets = html != NULL;
	files = argc > optind ? argv + optind : stdin_only;
	nfiles = argc > optind ? (size_t)(argc - optind) : 1;
	if ((r->ls = logsum_new(&set)) == NULL ||
	    (buf = malloc(CHUNK + LINE_CAP)) == NULL) {
		kt_warnx("out of memory");
		goto done;
	}
	rc = EXIT_OK;
	for (i = 0; i < nfiles && !r->failed; i++)
		if (input(r, files[i], buf) == -1)
			rc = EXIT_USAGE;
	if (r->failed || (vw = logsum_view(r->ls)) == NULL) {
		kt_warnx("out of memory");
		rc = EXIT_USAGE;
		goto done;
	}
	in.nfiles = nfiles;
	if (json)
		report_json(stdout, vw, &in);
	else
		report_text(stdout, vw, &in);
	if (html != NULL) {
		if ((hf = fopen(html, "w")) == NULL) {
			kt_warnx("%s: %s", html, strerror(errno));
			rc = EXIT_USAGE;
		} else {
			report_html(hf, vw, &in);
			if (ferror(hf) | (fclose(hf) != 0)) {
				kt_warnx("%s: write error", html);
				rc = EXIT_USAGE;
			}
		}
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		rc = EXIT_USAGE;
	if (rc == EXIT_OK && vw->unparsed > 0)
		rc = EXIT_PROBLEM;
done:
	free(buf);
	if (r != NULL)
		logsum_free(r->ls);
	free(r);
	return rc;
}
