/*
 * mfhold - hold milter messages at end of header, then finish them
 *
 *   mfhold [-c COUNT] [-w MS] SOCKET
 *
 * Opens COUNT connections to the milter at SOCKET (inet:PORT@HOST or
 * unix:PATH) and takes one message on each as far as end of header
 * (option negotiation, CONNECT from 192.0.2.1, MAIL, RCPT, the header
 * fields, EOH), then prints "held COUNT" and waits: for SIGUSR1, or MS
 * milliseconds (default: no limit; 0 does not wait).  Then it sends each
 * message's body and end of message and prints one line per connection:
 *   "N final accept edits K"   the milter's final reply and header edits
 *   "N error WHY"              the connection failed (reset, closed)
 * Exit status: 0 when every connection got a final reply, 1 otherwise,
 * 2 usage.  The MTA side follows tests/bench/mta.c (Postfix's milter8):
 * protocol version 6, every action and step offered.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfdef.h>

#define MAXCONN		64
#define REPLY_MAX	(1024 * 1024)

struct hold {
	int		 fd;
	uint32_t	 protocol;	/* steps the milter asked for */
	unsigned	 edits;
	char		 final;
	char		 why[160];
};

/* fail - mark the connection failed with a reason; -1 */
static int
fail(struct hold *h, const char *what, int e)
{
	if (h->why[0] == '\0')
		snprintf(h->why, sizeof(h->why), "%s: %s", what,
		    e == 0 ? "connection closed" : strerror(e));
	return -1;
}

/* put - one command: length, code, data */
static int
put(struct hold *h, char cmd, const void *data, size_t len)
{
	unsigned char	 buf[4096];
	uint32_t	 n = htonl((uint32_t)len + 1);
	size_t		 off = 0;
	ssize_t		 w;

	if (len + 5 > sizeof(buf))
		return fail(h, "command too long", EINVAL);
	memcpy(buf, &n, 4);
	buf[4] = (unsigned char)cmd;
	if (len > 0)
		memcpy(buf + 5, data, len);
	while (off < len + 5) {
		w = send(h->fd, buf + off, len + 5 - off, MSG_NOSIGNAL);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return fail(h, "write", w == 0 ? 0 : errno);
		off += (size_t)w;
	}
	return 0;
}

/* readn - exactly n bytes */
static int
readn(struct hold *h, void *dst, size_t n)
{
	char	*p = dst;
	ssize_t	 r;

	while (n > 0) {
		r = read(h->fd, p, n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return fail(h, "read", r == 0 ? 0 : errno);
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* get - one reply; its data (up to len) into data, its code returned */
static int
get(struct hold *h, char *cmd, void *data, size_t len)
{
	uint32_t	 n;
	size_t		 k;
	char		 skip[4096];

	if (readn(h, &n, 4) == -1)
		return -1;
	k = ntohl(n);
	if (k == 0 || k > REPLY_MAX)
		return fail(h, "bad reply length", EPROTO);
	if (readn(h, cmd, 1) == -1)
		return -1;
	for (k--; k > 0; ) {
		size_t	 m = k > sizeof(skip) ? sizeof(skip) : k;

		if (readn(h, skip, m) == -1)
			return -1;
		if (data != NULL) {
			memcpy(data, skip, m < len ? m : len);
			data = NULL;
		}
		k -= m;
	}
	return 0;
}

/*
 * step - send an event unless the milter skips it (no), read replies
 * until a decision unless it wants none (nr); the decision or 'c'
 */
static int
step(struct hold *h, char cmd, const void *data, size_t len, uint32_t no,
    uint32_t nr, char *final)
{
	char	 r;

	*final = SMFIR_CONTINUE;
	if (no != 0 && (h->protocol & no) != 0)
		return 0;
	if (put(h, cmd, data, len) == -1)
		return -1;
	if (nr != 0 && (h->protocol & nr) != 0)
		return 0;
	for (;;) {
		if (get(h, &r, NULL, 0) == -1)
			return -1;
		switch (r) {
		case SMFIR_PROGRESS:
			continue;
		case SMFIR_ADDHEADER:
		case SMFIR_INSHEADER:
		case SMFIR_CHGHEADER:
			h->edits++;
			continue;
		default:
			*final = r;
			return 0;
		}
	}
}

/* macro - SMFIC_MACRO with one name and value for stage */
static int
macro(struct hold *h, char stage, const char *name, const char *value)
{
	char	 buf[256];
	int	 n;

	n = snprintf(buf, sizeof(buf), "%c%s%c%s", stage, name, '\0', value);
	return put(h, SMFIC_MACRO, buf, (size_t)n + 1);
}

/* opening - connect and take one message to end of header */
static int
opening(struct hold *h, const struct sockaddr *sa, socklen_t salen, int seq)
{
	static const char *const hdrs[][2] = {
		{ "From", " Sender <sender@example.org>" },
		{ "To", " Rcpt <rcpt@example.net>" },
		{ "Subject", " held at end of header" },
		{ "Message-ID", " <hold@example.org>" },
	};
	uint32_t	 v[3];
	unsigned char	 data[512];
	char		 qid[32], r;
	size_t		 i, len, n;
	uint16_t	 port = htons(49152);

	if ((h->fd = socket(sa->sa_family, SOCK_STREAM, 0)) == -1)
		return fail(h, "socket", errno);
	if (connect(h->fd, sa, salen) == -1)
		return fail(h, "connect", errno);
	v[0] = htonl(6);
	v[1] = htonl(SMFI_V2_ACTS);
	v[2] = htonl(SMFI_CURR_PROT);
	if (put(h, SMFIC_OPTNEG, v, sizeof(v)) == -1 ||
	    get(h, &r, v, sizeof(v)) == -1)
		return -1;
	if (r != SMFIC_OPTNEG)
		return fail(h, "option negotiation", EPROTO);
	h->protocol = ntohl(v[2]);
	len = 0;
	memcpy(data, "client.example.org", 19);
	len += 19;
	data[len++] = SMFIA_INET;
	memcpy(data + len, &port, 2);
	len += 2;
	memcpy(data + len, "192.0.2.1", 10);
	len += 10;
	snprintf(qid, sizeof(qid), "HOLD%d", seq);
	if (step(h, SMFIC_CONNECT, data, len, SMFIP_NOCONNECT,
	    SMFIP_NR_CONN, &r) == -1 || r != SMFIR_CONTINUE ||
	    step(h, SMFIC_MAIL, "<sender@example.org>", 21, SMFIP_NOMAIL,
	    SMFIP_NR_MAIL, &r) == -1 || r != SMFIR_CONTINUE ||
	    step(h, SMFIC_RCPT, "<rcpt@example.net>", 19, SMFIP_NORCPT,
	    SMFIP_NR_RCPT, &r) == -1 || r != SMFIR_CONTINUE ||
	    macro(h, SMFIC_DATA, "i", qid) == -1 ||
	    step(h, SMFIC_DATA, NULL, 0, SMFIP_NODATA, SMFIP_NR_DATA,
	    &r) == -1 || r != SMFIR_CONTINUE)
		return h->why[0] != '\0' ? -1 : fail(h, "early decision",
		    EPROTO);
	for (i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]); i++) {
		n = strlen(hdrs[i][0]) + 1;
		memcpy(data, hdrs[i][0], n);
		memcpy(data + n, hdrs[i][1], strlen(hdrs[i][1]) + 1);
		n += strlen(hdrs[i][1]) + 1;
		if (step(h, SMFIC_HEADER, data, n, SMFIP_NOHDRS,
		    SMFIP_NR_HDR, &r) == -1)
			return -1;
	}
	return step(h, SMFIC_EOH, NULL, 0, SMFIP_NOEOH, SMFIP_NR_EOH, &r);
}

/* finish - body, end of message, the final reply */
static int
finish(struct hold *h, int seq)
{
	static const char	 body[] = "held, then finished\r\n";
	char			 qid[32], r;

	snprintf(qid, sizeof(qid), "HOLD%d", seq);
	if (step(h, SMFIC_BODY, body, sizeof(body) - 1, SMFIP_NOBODY,
	    SMFIP_NR_BODY, &r) == -1 ||
	    macro(h, SMFIC_BODYEOB, "i", qid) == -1 ||
	    step(h, SMFIC_BODYEOB, NULL, 0, 0, 0, &h->final) == -1)
		return -1;
	(void)put(h, SMFIC_QUIT, NULL, 0);
	return 0;
}

/* target - SOCKET into an address */
static int
target(const char *spec, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_un	*un = (struct sockaddr_un *)ss;
	struct addrinfo		 hints, *res;
	char			 port[16];
	const char		*at;

	memset(ss, 0, sizeof(*ss));
	if (strncmp(spec, "unix:", 5) == 0) {
		if (strlen(spec + 5) >= sizeof(un->sun_path))
			return -1;
		un->sun_family = AF_UNIX;
		strcpy(un->sun_path, spec + 5);
		*len = sizeof(*un);
		return 0;
	}
	if (strncmp(spec, "inet:", 5) != 0 || (at = strchr(spec, '@')) ==
	    NULL || (size_t)(at - spec - 5) >= sizeof(port))
		return -1;
	snprintf(port, sizeof(port), "%.*s", (int)(at - spec - 5), spec + 5);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(at + 1, port, &hints, &res) != 0)
		return -1;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/* final_name - an SMFIR_* decision by name */
static const char *
final_name(char c)
{
	switch (c) {
	case SMFIR_ACCEPT:
		return "accept";
	case SMFIR_CONTINUE:
		return "continue";
	case SMFIR_REJECT:
		return "reject";
	case SMFIR_TEMPFAIL:
		return "tempfail";
	case SMFIR_REPLYCODE:
		return "replycode";
	case SMFIR_DISCARD:
		return "discard";
	default:
		return "other";
	}
}

int
main(int argc, char *argv[])
{
	struct hold		 h[MAXCONN];
	struct sockaddr_storage	 ss;
	struct timespec		 ts;
	socklen_t		 sslen;
	sigset_t		 set;
	long			 wait_ms = -1;
	int			 ch, i, count = 1, held, bad = 0;

	while ((ch = getopt(argc, argv, "c:w:")) != -1) {
		switch (ch) {
		case 'c':
			count = atoi(optarg);
			break;
		case 'w':
			wait_ms = atol(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (optind + 1 != argc || count < 1 || count > MAXCONN ||
	    target(argv[optind], &ss, &sslen) == -1)
		goto usage;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	memset(h, 0, sizeof(h));
	held = count;
	for (i = 0; i < count; i++) {
		h[i].fd = -1;
		if (opening(&h[i], (struct sockaddr *)&ss, sslen, i) == -1)
			held--;
	}
	printf("held %d\n", held);
	fflush(stdout);
	if (wait_ms < 0)
		while (sigwaitinfo(&set, NULL) == -1)
			continue;
	else if (wait_ms > 0) {
		ts.tv_sec = wait_ms / 1000;
		ts.tv_nsec = (wait_ms % 1000) * 1000000L;
		(void)sigtimedwait(&set, NULL, &ts);
	}
	for (i = 0; i < count; i++) {
		if (h[i].why[0] == '\0')
			(void)finish(&h[i], i);
		if (h[i].why[0] != '\0')
			printf("%d error %s\n", i, h[i].why);
		else
			printf("%d final %s edits %u\n", i,
			    final_name(h[i].final), h[i].edits);
		if (h[i].why[0] != '\0')
			bad++;
		if (h[i].fd != -1)
			close(h[i].fd);
	}
	return bad > 0 ? 1 : 0;
usage:
	fprintf(stderr, "usage: mfhold [-c COUNT] [-w MS] inet:PORT@HOST|"
	    "unix:PATH\n");
	return 2;
}
