/*
 * errbuf - a sentence describing why a fallible call failed
 *
 * Fallible lib/ calls return 0 or -1 and fill a caller-owned struct errbuf
 * (which may be NULL when the caller does not care).  The sentence names the
 * object involved ("KeyTable line 12: k.pem: no such file").  errbuf_ssl()
 * drains OpenSSL's error queue into the buffer so that no stale error is
 * left behind for a later call to misreport.
 */
#ifndef DKIMLENS_ERRBUF_H
#define DKIMLENS_ERRBUF_H

#include <stddef.h>

#define ERRBUF_SIZE 512

struct errbuf {
	char	 msg[ERRBUF_SIZE];
};

/* errbuf_set - format a message into err (NULL is allowed); returns -1 */
int	errbuf_set(struct errbuf *err, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* errbuf_ssl - like errbuf_set, appending and clearing OpenSSL's errors */
int	errbuf_ssl(struct errbuf *err, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* errbuf_clear - empty the message */
void	errbuf_clear(struct errbuf *err);

/*
 * errbuf_strerror - errno e as text, into buf (len bytes), returned; the
 * thread-safe strerror for lib/ ("error N" when it has no text)
 */
const char *errbuf_strerror(int e, char *buf, size_t len);

#endif
