/*
 * errbuf - a sentence describing why a fallible call failed
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

#include "lib/errbuf.h"

/* errbuf_set - format a message into err */
int
errbuf_set(struct errbuf *err, const char *fmt, ...)
{
	va_list	 ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* errbuf_ssl - format a message and append OpenSSL's error queue */
int
errbuf_ssl(struct errbuf *err, const char *fmt, ...)
{
	va_list		 ap;
	unsigned long	 e;
	size_t		 n;
	char		 buf[256];

	if (err == NULL) {
		ERR_clear_error();
		return -1;
	}
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	while ((e = ERR_get_error()) != 0) {
		ERR_error_string_n(e, buf, sizeof(buf));
		n = strlen(err->msg);
		if (n + 3 < sizeof(err->msg))
			snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", buf);
	}
	return -1;
}

/* errbuf_clear - empty the message */
void
errbuf_clear(struct errbuf *err)
{
	if (err != NULL)
		err->msg[0] = '\0';
}

/* errbuf_strerror - strerror_r into buf (strerror is not thread-safe) */
const char *
errbuf_strerror(int e, char *buf, size_t len)
{
	if (strerror_r(e, buf, len) != 0)
		snprintf(buf, len, "error %d", e);
	return buf;
}
