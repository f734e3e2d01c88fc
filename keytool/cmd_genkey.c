/*
 * cmd_genkey - dkimlens-keytool genkey: a new key pair, ready for Amazon
 * SES BYODKIM: DIR/S.private (PEM, mode 0600), DIR/S.txt (the zone-file
 * record), and on stdout the record and, only with --upload-string, the
 * upload string (the private key itself: terminals and CI logs keep it)
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "lib/errbuf.h"
#include "lib/keyfile.h"
#include "lib/selector.h"

#include "keytool/cmds.h"
#include "keytool/output.h"

static const char usage_text[] =
    "usage: dkimlens-keytool genkey --selector S --domain D\n"
    "           [--bits 1024|2048] [--type rsa|ed25519] "
    "[--format pkcs1|pkcs8]\n"
    "           [--out DIR] [--user NAME] [--upload-string] [--json]\n"
    "Makes a key pair and writes DIR/S.private (PEM, mode 0600) and DIR/S.txt\n"
    "(the DNS TXT record in zone-file syntax); prints the record, and with\n"
    "--upload-string the one-line upload string for SES (the private key).\n"
    "--user NAME gives the key to NAME, the user that reads it\n"
    "(dkimlens-milter's UserID).  Defaults: --type rsa --bits 2048\n"
    "--format pkcs1 (pkcs8 for ed25519) --out .  Never overwrites a file.\n"
    "SES BYODKIM takes RSA only; an ed25519 key is for dkimlens-milter.\n";

/* write_new - a new file holding text, mode 0644; never replaces */
static int
write_new(const char *path, const char *text)
{
	size_t	 len = strlen(text), off = 0;
	ssize_t	 n;
	int	 fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0644);
	if (fd == -1) {
		kt_warnx("%s: %s%s", path, strerror(errno), errno == EEXIST ?
		    " (not replacing it; use another --selector or --out)" :
		    "");
		return -1;
	}
	while (off < len) {
		if ((n = write(fd, text + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			kt_warnx("%s: %s", path, strerror(errno));
			close(fd);
			unlink(path);
			return -1;
		}
		off += (size_t)n;
	}
	if (close(fd) == -1) {
		kt_warnx("%s: %s", path, strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

struct genkey {
	const char		*sel;
	const char		*dom;
	const char		*type;		/* "rsa" or "ed25519" */
	const char		*dir;
	unsigned int		 bits;
	enum keyfile_form	 form;
	int			 ed;
	int			 json;
	int			 show_upload;	/* --upload-string */
	const char		*user;		/* --user */
	uid_t			 reader;
	char			 keypath[4096];	/* DIR/S.private */
	char			 txtpath[4096];	/* DIR/S.txt */
};

/* parse_args - options into g; -1 to go on, or the exit status */
static int
parse_args(int argc, char **argv, struct genkey *g)
{
	static const struct option opts[] = {
		{ "selector", required_argument, NULL, 's' },
		{ "domain", required_argument, NULL, 'd' },
		{ "bits", required_argument, NULL, 'b' },
		{ "type", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "user", required_argument, NULL, 'u' },
		{ "upload-string", no_argument, NULL, 'U' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*fmt = NULL, *bitstr = NULL;
	int		 ch;

	memset(g, 0, sizeof(*g));
	g->type = "rsa";
	g->dir = ".";
	g->bits = 2048;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "s:d:b:t:f:o:u:Ujh", opts,
	    NULL)) != -1) {
		switch (ch) {
		case 's': g->sel = optarg; break;
		case 'd': g->dom = optarg; break;
		case 'b': bitstr = optarg; break;
		case 't': g->type = optarg; break;
		case 'f': fmt = optarg; break;
		case 'o': g->dir = optarg; break;
		case 'u': g->user = optarg; break;
		case 'U': g->show_upload = 1; break;
		case 'j': g->json = 1; break;
		case 'h':
			fputs(usage_text, stdout);
			return EXIT_OK;
		default:
			fputs(usage_text, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc || g->sel == NULL || g->dom == NULL) {
		if (optind == argc)
			kt_warnx("genkey needs --selector and --domain");
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (kt_reader(g->user, &g->reader) == -1)
		return EXIT_USAGE;
	if (strcmp(g->type, "rsa") != 0 && strcmp(g->type, "ed25519") != 0) {
		kt_warnx("--type: '%s' is not rsa or ed25519", g->type);
		return EXIT_USAGE;
	}
	g->ed = strcmp(g->type, "ed25519") == 0;
	if (bitstr != NULL && g->ed) {
		kt_warnx("--bits applies to rsa keys only");
		return EXIT_USAGE;
	}
	if (bitstr != NULL && strcmp(bitstr, "1024") == 0)
		g->bits = 1024;
	else if (bitstr != NULL && strcmp(bitstr, "2048") != 0) {
		kt_warnx("--bits: '%s': SES BYODKIM takes RSA keys of 1024 or "
		    "2048 bits (2048 is recommended)", bitstr);
		return EXIT_USAGE;
	}
	if (fmt == NULL)
		g->form = g->ed ? KEYFILE_FORM_PKCS8 : KEYFILE_FORM_PKCS1;
	else if (strcmp(fmt, "pkcs8") == 0)
		g->form = KEYFILE_FORM_PKCS8;
	else if (strcmp(fmt, "pkcs1") == 0 && !g->ed)
		g->form = KEYFILE_FORM_PKCS1;
	else {
		kt_warnx("--format: '%s' is not %s", fmt, g->ed ? "pkcs8 "
		    "(PKCS#1 holds RSA keys only)" : "pkcs1 or pkcs8");
		return EXIT_USAGE;
	}
	return -1;
}

/* check_names - selector, domain, directory and the two new paths */
static int
check_names(struct genkey *g)
{
	struct selector_result	 sr;
	struct errbuf		 err;
	struct stat		 st;

	selector_check(g->sel, &sr);
	if (sr.verdict == SELECTOR_INVALID) {
		kt_warnx("--selector: \"%s\" is not a DKIM selector: %s%s%s%s",
		    g->sel, sr.detail, sr.suggestion[0] != '\0' ?
		    "; try \"" : "", sr.suggestion,
		    sr.suggestion[0] != '\0' ? "\"" : "");
		return -1;
	}
	if (sr.verdict == SELECTOR_DKIM_ONLY)
		kt_warnx("warning: selector \"%s\" is valid DKIM but SES "
		    "BYODKIM rejects it (%s); for SES use \"%s\"", g->sel,
		    sr.detail, sr.suggestion);
	errbuf_clear(&err);
	if (selector_check_domain(g->dom, &err) == -1) {
		kt_warnx("--domain: %s", err.msg);
		return -1;
	}
	if (stat(g->dir, &st) == -1) {
		kt_warnx("--out %s: %s", g->dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		kt_warnx("--out %s: not a directory", g->dir);
		return -1;
	}
	if ((size_t)snprintf(g->keypath, sizeof(g->keypath), "%s/%s.private",
	    g->dir, g->sel) >= sizeof(g->keypath) ||
	    (size_t)snprintf(g->txtpath, sizeof(g->txtpath), "%s/%s.txt",
	    g->dir, g->sel) >= sizeof(g->txtpath)) {
		kt_warnx("--out: path too long");
		return -1;
	}
	if (lstat(g->keypath, &st) == 0 || lstat(g->txtpath, &st) == 0) {
		kt_warnx("%s: exists; not replacing a key (use another "
		    "--selector or --out)", lstat(g->keypath, &st) == 0 ?
		    g->keypath : g->txtpath);
		return -1;
	}
	return 0;
}

/* print_result - what was written, the upload string and the record */
static void
print_result(const struct genkey *g, const char *upload, const char *txt,
    const char *zone)
{
	if (g->json) {
		printf("{\"private_key_file\":");
		json_str(stdout, g->keypath);
		printf(",\"record_file\":");
		json_str(stdout, g->txtpath);
		printf(",\"key_type\":\"%s\",\"bits\":%u,\"format\":\"%s\","
		    "\"upload\":", g->ed ? "ED25519" : "RSA",
		    g->ed ? 256 : g->bits,
		    g->form == KEYFILE_FORM_PKCS1 ? "pkcs1" : "pkcs8");
		if (upload != NULL && g->show_upload)
			json_str(stdout, upload);
		else
			printf("null");
		printf(",\"txt\":");
		json_str(stdout, txt);
		printf(",\"zone\":");
		json_str(stdout, zone);
		printf("}\n");
		return;
	}
	if (g->ed)
		printf("private key: %s (Ed25519", g->keypath);
	else
		printf("private key: %s (RSA %u", g->keypath, g->bits);
	printf(", %s PEM, mode 0600)\nDNS record: %s\n",
	    g->form == KEYFILE_FORM_PKCS1 ? "PKCS#1" : "PKCS#8", g->txtpath);
	if (upload != NULL && g->show_upload)
		printf("\nupload string (paste into SES as the private key, "
		    "one line):\n%s\n", upload);
	else if (upload != NULL)
		printf("\nupload string: not shown (it is the private key); "
		    "to print it: dkimlens-keytool check %s --upload-string\n",
		    g->keypath);
	else
		printf("\nno upload string: SES BYODKIM takes RSA keys only; "
		    "this Ed25519 key signs with dkimlens-milter "
		    "(ed25519-sha256), next to an RSA key\n");
	printf("\nDNS record (zone-file syntax):\n%s\n", zone);
	printf("\nnext: publish the record at %s._domainkey.%s;\n", g->sel,
	    g->dom);
	if (upload != NULL)
		printf("then give SES BYODKIM the selector %s and the upload "
		    "string;\ncheck the DNS with: dkimlens-keytool dns %s "
		    "--selector %s --key %s\n", g->sel, g->dom, g->sel,
		    g->keypath);
	else
		printf("then point dkimlens-milter at %s\n", g->keypath);
}

/* cmd_genkey - generate a key pair */
int
cmd_genkey(int argc, char **argv)
{
	struct genkey	 g;
	struct errbuf	 err;
	EVP_PKEY	*pkey = NULL;
	char		*upload = NULL, *txt = NULL, *zone = NULL, *line = NULL;
	size_t		 n;
	int		 rc;

	if ((rc = parse_args(argc, argv, &g)) != -1)
		return rc;
	if (check_names(&g) == -1)
		return EXIT_USAGE;
	rc = EXIT_USAGE;
	errbuf_clear(&err);
	if (keyfile_generate(g.type, g.bits, &pkey, &err) == -1 ||
	    (txt = keyfile_txt_record(pkey, &err)) == NULL ||
	    (zone = keyfile_zone_record(g.sel, g.dom, txt, &err)) == NULL ||
	    (!g.ed && (upload = keyfile_upload_b64(pkey, g.form, &err)) ==
	    NULL)) {
		kt_warnx("%s", err.msg);
		goto done;
	}
	n = strlen(zone) + 2;
	if ((line = malloc(n)) == NULL) {
		kt_warnx("out of memory");
		goto done;
	}
	snprintf(line, n, "%s\n", zone);
	if (keyfile_write_private(g.keypath, pkey, g.form, &err) == -1) {
		kt_warnx("%s", err.msg);
		goto done;
	}
	if (write_new(g.txtpath, line) == -1) {
		unlink(g.keypath);
		goto done;
	}
	if (g.user != NULL && fchownat(AT_FDCWD, g.keypath, g.reader,
	    (gid_t)-1, AT_SYMLINK_NOFOLLOW) == -1) {
		kt_warnx("%s: chown %s: %s", g.keypath, g.user,
		    strerror(errno));
		unlink(g.keypath);
		unlink(g.txtpath);
		goto done;
	}
	if (keyfile_secure(g.keypath, g.reader, &err) == -1)
		kt_warnx("warning: %s", err.msg);
	print_result(&g, upload, txt, zone);
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_USAGE;
done:
	free(line);
	keyfile_secret_free(upload);
	free(zone);
	free(txt);
	EVP_PKEY_free(pkey);
	return rc;
}
