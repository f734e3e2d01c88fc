/*
 * mta - the MTA side of the Sendmail 8 milter protocol, for milterload
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfdef.h>

#include "lib/buf.h"
#include "lib/errbuf.h"

#include "tests/bench/message.h"
#include "tests/bench/mta.h"

#define MTA_FLUSH_SIZE	65536		/* write when this much is queued */
#define MTA_REPLY_MAX	(1024 * 1024)	/* largest reply accepted */
#define MTA_READ_SIZE	65536

/* The protocol steps milterload offers; all of version 6. */
#define MTA_ACTIONS	SMFI_CURR_ACTS
#define MTA_PROTOCOL	SMFI_CURR_PROT

struct mta_conn {
	int		 fd;
	int		 broken;	/* no more I/O: connection failed */
	int		 conn_final;	/* decision at CONNECT/HELO, or 0 */
	int		 quickack;	/* TCP_QUICKACK before each read */
	uint32_t	 protocol;	/* flags the milter asked for */
	struct buf	 out;		/* queued commands */
	struct buf	 reply;		/* data of the last reply */
	char		*rbuf;
	size_t		 rpos, rlen;
	char		 client_addr[64];
	char		 client_name[256];
};

/* now_ms - monotonic clock in milliseconds */
static double
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* mta_reply_name - name of an SMFIR_* reply code */
const char *
mta_reply_name(char code)
{
	switch (code) {
	case SMFIR_ACCEPT:
		return "accept";
	case SMFIR_CONTINUE:
		return "continue";
	case SMFIR_DISCARD:
		return "discard";
	case SMFIR_REJECT:
		return "reject";
	case SMFIR_TEMPFAIL:
		return "tempfail";
	case SMFIR_REPLYCODE:
		return "replycode";
	case SMFIR_SHUTDOWN:
		return "shutdown";
	case SMFIR_CONN_FAIL:
		return "connfail";
	case SMFIR_SKIP:
		return "skip";
	case 0:
		return "none";
	default:
		return "unknown";
	}
}

/* mta_target_parse - parse a libmilter socket specification */
int
mta_target_parse(const char *spec, struct mta_target *t, struct errbuf *err)
{
	struct addrinfo		 hints, *res;
	struct sockaddr_un	*sun;
	const char		*rest, *at;
	char			 port[16], host[256];
	int			 family, rc;

	memset(t, 0, sizeof(*t));
	snprintf(t->spec, sizeof(t->spec), "%s", spec);
	if (strncmp(spec, "unix:", 5) == 0 || strncmp(spec, "local:", 6) == 0) {
		rest = strchr(spec, ':') + 1;
		sun = (struct sockaddr_un *)&t->addr;
		if (strlen(rest) >= sizeof(sun->sun_path))
			return errbuf_set(err, "%s: path too long", spec);
		sun->sun_family = AF_UNIX;
		memcpy(sun->sun_path, rest, strlen(rest) + 1);
		t->addrlen = sizeof(*sun);
		return 0;
	}
	if (strncmp(spec, "inet:", 5) == 0) {
		family = AF_INET;
		rest = spec + 5;
	} else if (strncmp(spec, "inet6:", 6) == 0) {
		family = AF_INET6;
		rest = spec + 6;
	} else
		return errbuf_set(err, "%s: expected inet:PORT@HOST, "
		    "inet6:PORT@HOST or unix:PATH", spec);
	if ((at = strchr(rest, '@')) == NULL) {
		snprintf(port, sizeof(port), "%s", rest);
		snprintf(host, sizeof(host), "%s",
		    family == AF_INET ? "127.0.0.1" : "::1");
	} else {
		if ((size_t)(at - rest) >= sizeof(port))
			return errbuf_set(err, "%s: bad port", spec);
		snprintf(port, sizeof(port), "%.*s", (int)(at - rest), rest);
		snprintf(host, sizeof(host), "%s", at + 1);
		if (host[0] == '[' && host[strlen(host) - 1] == ']') {
			memmove(host, host + 1, strlen(host));
			host[strlen(host) - 1] = '\0';
		}
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0)
		return errbuf_set(err, "%s: %s", spec, gai_strerror(rc));
	memcpy(&t->addr, res->ai_addr, res->ai_addrlen);
	t->addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/* flush - write the queued commands */
static int
flush(struct mta_conn *c, struct errbuf *err)
{
	size_t	 off = 0;
	ssize_t	 n;

	while (off < c->out.len) {
		n = send(c->fd, c->out.data + off, c->out.len - off,
		    MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			c->broken = 1;
			return errbuf_set(err, "write to milter: %s",
			    n == 0 ? "short write" : strerror(errno));
		}
		off += (size_t)n;
	}
	buf_reset(&c->out);
	return 0;
}

/* put_cmd - queue one command: length, code, data */
static int
put_cmd(struct mta_conn *c, char cmd, const void *data, size_t len,
    struct errbuf *err)
{
	unsigned char	 hdr[5];
	uint32_t	 n = htonl((uint32_t)len + 1);

	memcpy(hdr, &n, 4);
	hdr[4] = (unsigned char)cmd;
	if (buf_append(&c->out, hdr, sizeof(hdr)) == -1 ||
	    buf_append(&c->out, data, len) == -1)
		return errbuf_set(err, "out of memory");
	if (c->out.len >= MTA_FLUSH_SIZE)
		return flush(c, err);
	return 0;
}

/* put_macros - queue SMFIC_MACRO for stage with NULL-terminated pairs */
static int
put_macros(struct mta_conn *c, char stage, const char *const *kv,
    struct errbuf *err)
{
	char	 data[1024];
	size_t	 len = 0, n;

	if (kv[0] == NULL)
		return 0;
	data[len++] = stage;
	for (; kv[0] != NULL; kv += 2) {
		n = strlen(kv[0]) + strlen(kv[1]) + 2;
		if (len + n > sizeof(data))
			return errbuf_set(err, "macros too long");
		memcpy(data + len, kv[0], strlen(kv[0]) + 1);
		len += strlen(kv[0]) + 1;
		memcpy(data + len, kv[1], strlen(kv[1]) + 1);
		len += strlen(kv[1]) + 1;
	}
	return put_cmd(c, SMFIC_MACRO, data, len, err);
}

/* read_full - read n bytes through the read buffer */
static int
read_full(struct mta_conn *c, void *dst, size_t n, struct errbuf *err)
{
	char	*p = dst;
	size_t	 k;
	ssize_t	 r;
	int	 one = 1;

	while (n > 0) {
		if (c->rpos == c->rlen) {
			/* Diagnosis only: ACK at once, as no MTA does. */
			if (c->quickack)
				setsockopt(c->fd, IPPROTO_TCP, TCP_QUICKACK,
				    &one, sizeof(one));
			r = read(c->fd, c->rbuf, MTA_READ_SIZE);
			if (r == -1 && errno == EINTR)
				continue;
			if (r <= 0) {
				c->broken = 1;
				if (r == -1 && (errno == EAGAIN ||
				    errno == EWOULDBLOCK))
					return errbuf_set(err, "read from "
					    "milter: timed out");
				return errbuf_set(err, "read from milter: %s",
				    r == 0 ? "connection closed" :
				    strerror(errno));
			}
			c->rpos = 0;
			c->rlen = (size_t)r;
		}
		k = c->rlen - c->rpos;
		if (k > n)
			k = n;
		memcpy(p, c->rbuf + c->rpos, k);
		c->rpos += k;
		p += k;
		n -= k;
	}
	return 0;
}

/* get_reply - flush, then read one reply; its data is in c->reply */
static int
get_reply(struct mta_conn *c, char *cmd_out, struct errbuf *err)
{
	uint32_t	 n;
	size_t		 len;
	char		 cmd;

	if (c->out.len > 0 && flush(c, err) == -1)
		return -1;
	if (read_full(c, &n, 4, err) == -1)
		return -1;
	len = ntohl(n);
	if (len == 0 || len > MTA_REPLY_MAX) {
		c->broken = 1;
		return errbuf_set(err, "milter sent a reply of length %zu",
		    len);
	}
	if (read_full(c, &cmd, 1, err) == -1)
		return -1;
	buf_reset(&c->reply);
	len--;
	while (len > 0) {
		char	 tmp[4096];
		size_t	 k = len > sizeof(tmp) ? sizeof(tmp) : len;

		if (read_full(c, tmp, k, err) == -1)
			return -1;
		if (buf_append(&c->reply, tmp, k) == -1)
			return errbuf_set(err, "out of memory");
		len -= k;
	}
	*cmd_out = cmd;
	return 0;
}

/* is_final - a decision that ends the message (or session) */
static int
is_final(char cmd)
{
	switch (cmd) {
	case SMFIR_ACCEPT:
	case SMFIR_CONTINUE:
	case SMFIR_DISCARD:
	case SMFIR_REJECT:
	case SMFIR_TEMPFAIL:
	case SMFIR_REPLYCODE:
	case SMFIR_SHUTDOWN:
	case SMFIR_CONN_FAIL:
	case SMFIR_SKIP:
		return 1;
	default:
		return 0;
	}
}

/*
 * event - queue an event unless the milter asked not to get it (no_flag),
 * read its reply unless it asked for none (nr_flag).  *final_out is the
 * decision, SMFIR_CONTINUE when no reply was read.
 */
static int
event(struct mta_conn *c, char cmd, const void *data, size_t len,
    uint32_t no_flag, uint32_t nr_flag, struct mta_result *res,
    char *final_out, struct errbuf *err)
{
	char	 r;

	*final_out = SMFIR_CONTINUE;
	if (no_flag != 0 && (c->protocol & no_flag) != 0)
		return 0;
	if (put_cmd(c, cmd, data, len, err) == -1)
		return -1;
	if (nr_flag != 0 && (c->protocol & nr_flag) != 0)
		return 0;
	for (;;) {
		if (get_reply(c, &r, err) == -1)
			return -1;
		if (res != NULL)
			res->replies++;
		if (r == SMFIR_PROGRESS || r == SMFIR_QUARANTINE)
			continue;
		if (!is_final(r)) {
			c->broken = 1;
			return errbuf_set(err, "milter sent '%c' in reply to "
			    "'%c', which allows no modification", r, cmd);
		}
		*final_out = r;
		if (res != NULL && r != SMFIR_CONTINUE && r != SMFIR_SKIP)
			res->stage = cmd;
		return 0;
	}
}

/* reply_str - next NUL-terminated string of the reply at *off, or NULL */
static const char *
reply_str(const struct buf *b, size_t *off)
{
	const char	*s, *end;

	if (*off >= b->len)
		return NULL;
	s = b->data + *off;
	if ((end = memchr(s, '\0', b->len - *off)) == NULL)
		return NULL;
	*off += (size_t)(end - s) + 1;
	return s;
}

/* note_edit - record a header edit at end of message */
static int
note_edit(struct mta_conn *c, char cmd, int keep, struct mta_result *res,
    struct errbuf *err)
{
	struct message_edit	*e;
	const char		*name, *value;
	uint32_t		 idx = 0;
	size_t			 off = 0, k;

	if (cmd == SMFIR_INSHEADER || cmd == SMFIR_CHGHEADER) {
		if (c->reply.len < 4)
			goto bad;
		memcpy(&idx, c->reply.data, 4);
		idx = ntohl(idx);
		off = 4;
	}
	if ((name = reply_str(&c->reply, &off)) == NULL ||
	    (value = reply_str(&c->reply, &off)) == NULL)
		goto bad;
	if (cmd != SMFIR_CHGHEADER) {
		k = strlen(res->added);
		snprintf(res->added + k, sizeof(res->added) - k, "%s%s",
		    k ? "," : "", name);
		if (strcasecmp(name, "DKIM-Signature") == 0)
			res->signed_ = 1;
		if (strcasecmp(name, "Authentication-Results") == 0) {
			if (res->ares[0] == '\0')
				snprintf(res->ares, sizeof(res->ares), "%s",
				    value);
			if (strstr(value, "dkim=pass") != NULL)
				res->dkim_pass = 1;
		}
	}
	if (!keep)
		return 0;
	e = reallocarray(res->edit_list, res->nedit_list + 1, sizeof(*e));
	if (e == NULL)
		return errbuf_set(err, "out of memory");
	res->edit_list = e;
	e = &e[res->nedit_list];
	e->kind = cmd;
	e->index = (long)idx;
	e->name = strdup(name);
	e->value = strdup(value);
	if (e->name == NULL || e->value == NULL) {
		free(e->name);
		free(e->value);
		return errbuf_set(err, "out of memory");
	}
	res->nedit_list++;
	return 0;
bad:
	c->broken = 1;
	return errbuf_set(err, "malformed '%c' reply from milter", cmd);
}

/* eom - send EOM and read edits until the final decision */
static int
eom(struct mta_conn *c, const char *const *macros, int keep,
    struct mta_result *res, struct errbuf *err)
{
	double	 t0, first = 0;
	char	 r;

	if (put_macros(c, SMFIC_BODYEOB, macros, err) == -1 ||
	    put_cmd(c, SMFIC_BODYEOB, NULL, 0, err) == -1)
		return -1;
	t0 = now_ms();
	for (;;) {
		if (get_reply(c, &r, err) == -1)
			return -1;
		if (first == 0)
			first = now_ms();
		res->replies++;
		switch (r) {
		case SMFIR_ADDHEADER:
		case SMFIR_INSHEADER:
		case SMFIR_CHGHEADER:
			res->edits++;
			if (note_edit(c, r, keep, res, err) == -1)
				return -1;
			continue;
		case SMFIR_ADDRCPT:
		case SMFIR_DELRCPT:
		case SMFIR_ADDRCPT_PAR:
		case SMFIR_REPLBODY:
		case SMFIR_CHGFROM:
		case SMFIR_QUARANTINE:
			res->edits++;
			continue;
		case SMFIR_PROGRESS:
			continue;
		default:
			break;
		}
		if (!is_final(r) || r == SMFIR_SKIP) {
			c->broken = 1;
			return errbuf_set(err, "milter sent '%c' at end of "
			    "message", r);
		}
		res->eom_ms = now_ms() - t0;
		/* A reply split over writes held by Nagle shows up here. */
		res->eom_gap_ms = now_ms() - first;
		res->final = r;
		res->stage = SMFIC_BODYEOB;
		return 0;
	}
}

/* negotiate - SMFIC_OPTNEG: offer everything, keep what the milter wants */
static int
negotiate(struct mta_conn *c, struct errbuf *err)
{
	uint32_t	 v[3];
	char		 r;

	v[0] = htonl(SMFI_PROT_VERSION);
	v[1] = htonl(MTA_ACTIONS);
	v[2] = htonl(MTA_PROTOCOL);
	if (put_cmd(c, SMFIC_OPTNEG, v, sizeof(v), err) == -1 ||
	    get_reply(c, &r, err) == -1)
		return -1;
	if (r != SMFIC_OPTNEG || c->reply.len < sizeof(v)) {
		c->broken = 1;
		return errbuf_set(err, "milter answered option negotiation "
		    "with '%c' (%zu bytes)", r, c->reply.len);
	}
	memcpy(v, c->reply.data, sizeof(v));
	if (ntohl(v[0]) < 2) {
		c->broken = 1;
		return errbuf_set(err, "milter protocol version %u",
		    (unsigned)ntohl(v[0]));
	}
	c->protocol = ntohl(v[2]) & MTA_PROTOCOL;
	return 0;
}

/* greet - CONNECT and HELO with Postfix's default macros */
static int
greet(struct mta_conn *c, struct errbuf *err)
{
	unsigned char	 data[512];
	char		 under[400], port[8] = "49152";
	const char	*conn_macros[] = { "j", "mta.example.com",
	    "{daemon_name}", "milterload", "{daemon_addr}", "127.0.0.1",
	    "v", "Postfix 3.7 (milterload)", "_", under,
	    "{client_addr}", c->client_addr, "{client_name}", c->client_name,
	    "{client_port}", port, NULL };
	const char	*helo_macros[] = { NULL };
	struct in6_addr	 a6;
	size_t		 len, n;
	uint16_t	 p16 = htons(49152);
	char		 r;
	int		 v6;

	snprintf(under, sizeof(under), "%s [%s]", c->client_name,
	    c->client_addr);
	v6 = inet_pton(AF_INET6, c->client_addr, &a6) == 1;
	n = strlen(c->client_name) + 1;
	len = 0;
	memcpy(data, c->client_name, n);
	len += n;
	data[len++] = v6 ? SMFIA_INET6 : SMFIA_INET;
	memcpy(data + len, &p16, 2);
	len += 2;
	n = strlen(c->client_addr) + 1;
	memcpy(data + len, c->client_addr, n);
	len += n;
	if (put_macros(c, SMFIC_CONNECT, conn_macros, err) == -1 ||
	    event(c, SMFIC_CONNECT, data, len, SMFIP_NOCONNECT, SMFIP_NR_CONN,
	    NULL, &r, err) == -1)
		return -1;
	if (r != SMFIR_CONTINUE) {
		c->conn_final = r;
		return 0;
	}
	if (put_macros(c, SMFIC_HELO, helo_macros, err) == -1 ||
	    event(c, SMFIC_HELO, c->client_name, strlen(c->client_name) + 1,
	    SMFIP_NOHELO, SMFIP_NR_HELO, NULL, &r, err) == -1)
		return -1;
	if (r != SMFIR_CONTINUE)
		c->conn_final = r;
	return 0;
}

/* mta_open - connect and run the session's opening events */
struct mta_conn *
mta_open(const struct mta_target *t, const struct mta_settings *s,
    struct errbuf *err)
{
	struct mta_conn	*c;
	struct timeval	 tv;
	int		 one = 1;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		errbuf_set(err, "out of memory");
		return NULL;
	}
	c->fd = -1;
	c->quickack = s->quickack && t->addr.ss_family != AF_UNIX;
	buf_init(&c->out, 4 * MTA_FLUSH_SIZE);
	buf_init(&c->reply, MTA_REPLY_MAX);
	snprintf(c->client_addr, sizeof(c->client_addr), "%s",
	    s->client_addr);
	snprintf(c->client_name, sizeof(c->client_name), "%s",
	    s->client_name);
	if ((c->rbuf = malloc(MTA_READ_SIZE)) == NULL) {
		errbuf_set(err, "out of memory");
		goto fail;
	}
	if ((c->fd = socket(t->addr.ss_family, SOCK_STREAM, 0)) == -1) {
		errbuf_set(err, "socket: %s", strerror(errno));
		goto fail;
	}
	tv.tv_sec = s->timeout_secs;
	tv.tv_usec = 0;
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (s->nodelay && t->addr.ss_family != AF_UNIX)
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, (const struct sockaddr *)&t->addr,
	    t->addrlen) == -1) {
		errbuf_set(err, "connect to %s: %s", t->spec, strerror(errno));
		goto fail;
	}
	if (negotiate(c, err) == -1 || greet(c, err) == -1)
		goto fail;
	return c;
fail:
	c->broken = 1;
	mta_close(c);
	return NULL;
}

/* mta_leadspc - whether header values keep their leading space */
int
mta_leadspc(const struct mta_conn *c)
{
	return (c->protocol & SMFIP_HDR_LEADSPC) != 0;
}

/* header - send one header field the way Postfix does */
static int
header(struct mta_conn *c, const struct message_field *f,
    const char *const *macros, struct mta_result *res, char *final_out,
    struct errbuf *err)
{
	const char	*v = f->value;
	size_t		 nlen = strlen(f->name), vlen;
	char		 small[2048], *data = small;
	int		 rc;

	/* Sendmail compatibility: one space after the colon is eaten. */
	if (!mta_leadspc(c) && *v == ' ')
		v++;
	vlen = strlen(v);
	if (nlen + vlen + 2 > sizeof(small) &&
	    (data = malloc(nlen + vlen + 2)) == NULL)
		return errbuf_set(err, "out of memory");
	memcpy(data, f->name, nlen + 1);
	memcpy(data + nlen + 1, v, vlen + 1);
	rc = -1;
	if ((c->protocol & SMFIP_NOHDRS) != 0 ||
	    put_macros(c, SMFIC_HEADER, macros, err) == 0)
		rc = event(c, SMFIC_HEADER, data, nlen + vlen + 2,
		    SMFIP_NOHDRS, SMFIP_NR_HDR, res, final_out, err);
	if (data != small)
		free(data);
	return rc;
}

/*
 * transaction - mta_message, or with hold the same up to end of headers
 * (mta_hold)
 */
static int
transaction(struct mta_conn *c, const struct message *m, unsigned long seq,
    int keep_edits, int hold, struct mta_result *res, struct errbuf *err)
{
	char		 qid[32];
	const char	*mail_macros[] = { "i", qid, "{mail_addr}",
	    "sender@example.com", "{mail_host}", "example.com",
	    "{mail_mailer}", "smtp", NULL };
	const char	*rcpt_macros[] = { "i", qid, "{rcpt_addr}",
	    "rcpt@example.net", "{rcpt_host}", "example.net",
	    "{rcpt_mailer}", "smtp", NULL };
	const char	*qid_macros[] = { "i", qid, NULL };
	static const char mail_from[] = "<sender@example.com>";
	static const char rcpt_to[] = "<rcpt@example.net>";
	size_t		 i, off, n;
	char		 r;
	int		 skip_body = 0;

	memset(res, 0, sizeof(*res));
	if (c->broken)
		return errbuf_set(err, "connection already failed");
	snprintf(qid, sizeof(qid), "B%09lX", seq);
	if (c->conn_final != 0) {
		res->final = (char)c->conn_final;
		res->stage = SMFIC_CONNECT;
		return 0;
	}
#define STEP(call) do {						\
		if ((call) == -1)					\
			return -1;					\
		if (r != SMFIR_CONTINUE && r != SMFIR_SKIP)		\
			goto decided;					\
	} while (0)
	STEP(put_macros(c, SMFIC_MAIL, mail_macros, err) == -1 ? -1 :
	    event(c, SMFIC_MAIL, mail_from, sizeof(mail_from), SMFIP_NOMAIL,
	    SMFIP_NR_MAIL, res, &r, err));
	STEP(put_macros(c, SMFIC_RCPT, rcpt_macros, err) == -1 ? -1 :
	    event(c, SMFIC_RCPT, rcpt_to, sizeof(rcpt_to), SMFIP_NORCPT,
	    SMFIP_NR_RCPT, res, &r, err));
	STEP(put_macros(c, SMFIC_DATA, qid_macros, err) == -1 ? -1 :
	    event(c, SMFIC_DATA, NULL, 0, SMFIP_NODATA, SMFIP_NR_DATA, res,
	    &r, err));
	for (i = 0; i < m->nfields; i++) {
		STEP(header(c, &m->fields[i], qid_macros, res, &r, err));
		if (r == SMFIR_SKIP)
			break;
	}
	STEP(put_macros(c, SMFIC_EOH, qid_macros, err) == -1 ? -1 :
	    event(c, SMFIC_EOH, NULL, 0, SMFIP_NOEOH, SMFIP_NR_EOH, res, &r,
	    err));
	if (hold)
		return c->out.len > 0 ? flush(c, err) : 0;
	for (off = 0; off < m->body_len && !skip_body &&
	    (c->protocol & SMFIP_NOBODY) == 0; off += n) {
		n = m->body_len - off;
		if (n > MILTER_CHUNK_SIZE)
			n = MILTER_CHUNK_SIZE;
		STEP(put_macros(c, SMFIC_BODY, qid_macros, err) == -1 ? -1 :
		    event(c, SMFIC_BODY, m->body + off, n, SMFIP_NOBODY,
		    SMFIP_NR_BODY, res, &r, err));
		if (r == SMFIR_SKIP)
			skip_body = 1;
	}
#undef STEP
	if (eom(c, qid_macros, keep_edits, res, err) == -1)
		return -1;
	goto abort;
decided:
	res->final = r;
abort:
	if (res->final == SMFIR_SHUTDOWN || res->final == SMFIR_CONN_FAIL) {
		c->broken = 1;
		return 0;
	}
	/* Postfix ends every transaction this way, whatever the outcome. */
	if (put_cmd(c, SMFIC_ABORT, NULL, 0, err) == -1)
		return -1;
	return 0;
}

/* mta_message - one mail transaction, ABORT after it */
int
mta_message(struct mta_conn *c, const struct message *m, unsigned long seq,
    int keep_edits, struct mta_result *res, struct errbuf *err)
{
	return transaction(c, m, seq, keep_edits, 0, res, err);
}

/* mta_hold - a transaction up to end of headers, left open */
int
mta_hold(struct mta_conn *c, const struct message *m, unsigned long seq,
    struct mta_result *res, struct errbuf *err)
{
	return transaction(c, m, seq, 0, 1, res, err);
}

/* mta_abort_ms - ABORT, then time a new MAIL until its reply */
int
mta_abort_ms(struct mta_conn *c, double *ms_out, struct errbuf *err)
{
	static const char mail_from[] = "<sender@example.com>";
	double		 t0;
	char		 r;

	if (put_cmd(c, SMFIC_ABORT, NULL, 0, err) == -1)
		return -1;
	if ((c->protocol & SMFIP_NOMAIL) != 0 ||
	    (c->protocol & SMFIP_NR_MAIL) != 0)
		return errbuf_set(err, "the milter wants no reply to MAIL");
	t0 = now_ms();
	if (event(c, SMFIC_MAIL, mail_from, sizeof(mail_from), SMFIP_NOMAIL,
	    SMFIP_NR_MAIL, NULL, &r, err) == -1)
		return -1;
	*ms_out = now_ms() - t0;
	return 0;
}

/* mta_quit_ms - QUIT, then time until the milter closes the connection */
int
mta_quit_ms(struct mta_conn *c, double *ms_out, struct errbuf *err)
{
	struct errbuf	 e;
	double		 t0;
	char		 b;

	if (put_cmd(c, SMFIC_QUIT, NULL, 0, err) == -1 || flush(c, err) == -1)
		return -1;
	t0 = now_ms();
	errbuf_clear(&e);
	if (read_full(c, &b, 1, &e) == 0) {
		c->broken = 1;
		return errbuf_set(err, "milter sent data after QUIT");
	}
	c->broken = 1;
	if (strstr(e.msg, "connection closed") == NULL)
		return errbuf_set(err, "%s", e.msg);
	*ms_out = now_ms() - t0;
	return 0;
}

/* mta_close - QUIT and close */
void
mta_close(struct mta_conn *c)
{
	struct errbuf	 err;

	if (c == NULL)
		return;
	if (c->fd != -1 && !c->broken &&
	    put_cmd(c, SMFIC_QUIT, NULL, 0, &err) == 0)
		(void)flush(c, &err);
	if (c->fd != -1)
		close(c->fd);
	buf_free(&c->out);
	buf_free(&c->reply);
	free(c->rbuf);
	free(c);
}
