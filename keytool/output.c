/*
 * output - text and JSON output helpers shared by the keytool subcommands
 */
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/keyfile.h"

#include "keytool/output.h"

/* json_str - write s as a JSON string literal (RFC 8259 escapes) */
void
json_str(FILE *fp, const char *s)
{
	const unsigned char	*p;

	fputc('"', fp);
	for (p = (const unsigned char *)(s != NULL ? s : ""); *p != '\0'; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", fp);
			break;
		case '\\':
			fputs("\\\\", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		case '\r':
			fputs("\\r", fp);
			break;
		case '\t':
			fputs("\\t", fp);
			break;
		default:
			if (*p < 0x20)
				fprintf(fp, "\\u%04x", *p);
			else
				fputc(*p, fp);
		}
	}
	fputc('"', fp);
}

/* odd - a byte that esc_str writes as \xNN */
static int
odd(unsigned char c)
{
	return c < 0x20 || c > 0x7e;
}

/* esc_str - s with odd bytes as \xNN */
void
esc_str(FILE *fp, const char *s)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)(s != NULL ? s : ""); *p != '\0'; p++)
		if (odd(*p))
			fprintf(fp, "\\x%02x", *p);
		else
			fputc(*p, fp);
}

/* json_esc_str - a JSON string of esc_str's text */
void
json_esc_str(FILE *fp, const char *s)
{
	const unsigned char	*p;

	fputc('"', fp);
	for (p = (const unsigned char *)(s != NULL ? s : ""); *p != '\0'; p++)
		if (odd(*p))
			fprintf(fp, "\\\\x%02x", *p);
		else if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p);
		else
			fputc(*p, fp);
	fputc('"', fp);
}

/* kt_reader - --user, the invoking user, or (root) the key's owner */
int
kt_reader(const char *user, uid_t *reader_out)
{
	struct passwd	 pw, *res = NULL;
	char		 buf[2048];

	if (user == NULL) {
		*reader_out = geteuid() != 0 ? geteuid() :
		    KEYFILE_READER_OWNER;
		return 0;
	}
	if (getpwnam_r(user, &pw, buf, sizeof(buf), &res) != 0 ||
	    res == NULL) {
		kt_warnx("--user: no user '%s'", user);
		return -1;
	}
	*reader_out = pw.pw_uid;
	return 0;
}

/* kt_warnx - a diagnostic on stderr */
void
kt_warnx(const char *fmt, ...)
{
	va_list	 ap;

	fputs("dkimlens-keytool: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* read_input - slurp a file or stdin, capped */
char *
read_input(const char *path, size_t max, size_t *len_out)
{
	FILE	*fp;
	char	*buf = NULL, *nbuf;
	size_t	 len = 0, cap = 0, n;
	int	 is_stdin;

	is_stdin = path == NULL || strcmp(path, "-") == 0;
	if (is_stdin)
		fp = stdin;
	else if ((fp = fopen(path, "rb")) == NULL) {
		kt_warnx("%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - len < 65536) {
			if (cap > max) {
				kt_warnx("%s: larger than %zu bytes",
				    is_stdin ? "stdin" : path, max);
				goto fail;
			}
			cap = cap == 0 ? 65536 : cap * 2;
			if ((nbuf = realloc(buf, cap + 1)) == NULL) {
				kt_warnx("out of memory");
				goto fail;
			}
			buf = nbuf;
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(fp)) {
		kt_warnx("%s: read error", is_stdin ? "stdin" : path);
		goto fail;
	}
	if (len > max) {
		kt_warnx("%s: larger than %zu bytes", is_stdin ? "stdin" : path,
		    max);
		goto fail;
	}
	if (buf == NULL && (buf = malloc(1)) == NULL)
		goto fail;
	buf[len] = '\0';
	if (!is_stdin)
		fclose(fp);
	*len_out = len;
	return buf;
fail:
	free(buf);
	if (!is_stdin)
		fclose(fp);
	return NULL;
}
