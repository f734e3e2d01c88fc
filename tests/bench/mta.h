/*
 * mta - the MTA side of the Sendmail 8 milter protocol, for milterload
 *
 * Behaves like Postfix's milter client (milter8): protocol version 6,
 * offers every action and protocol flag and honours what the milter asks
 * for (SMFIP_NO* skips an event, SMFIP_NR_* means no reply is read,
 * SMFIP_HDR_LEADSPC keeps the space after the colon), sends the macros
 * Postfix sends by default before each event, sends body chunks of
 * MILTER_CHUNK_SIZE, and sends SMFIC_ABORT after each message and
 * SMFIC_QUIT at the end of the session.
 *
 * Like Postfix's VSTREAM, commands are buffered and written when a reply
 * is awaited or the buffer holds 64 KB; TCP_NODELAY is left off unless
 * asked for, so delayed-ACK stalls caused by a milter's many small writes
 * show up in the latency, as they would in production.
 *
 * One struct mta_conn is one SMTP session (one milter connection); it is
 * used by one thread at a time.  Errors are environment or protocol
 * failures and come back as -1 with a sentence in the errbuf; the
 * milter's decisions come back in struct mta_result.
 */
#ifndef DKIMLENS_BENCH_MTA_H
#define DKIMLENS_BENCH_MTA_H

#include <sys/socket.h>

#include <stddef.h>

#include "lib/errbuf.h"

#include "tests/bench/message.h"

struct mta_target {
	struct sockaddr_storage	 addr;
	socklen_t		 addrlen;
	char			 spec[256];	/* as given */
};

struct mta_settings {
	const char	*client_addr;	/* IPv4 or IPv6 literal for CONNECT */
	const char	*client_name;
	int		 nodelay;	/* set TCP_NODELAY on our side */
	int		 quickack;	/* TCP_QUICKACK before each read */
	int		 timeout_secs;	/* per read or write */
};

struct mta_result {
	char	 final;		/* final reply code (SMFIR_*) */
	char	 stage;		/* command it answered (SMFIC_*) */
	unsigned replies;	/* replies read for this message */
	unsigned edits;		/* modification requests at end of message */
	int	 signed_;	/* a DKIM-Signature field was added */
	int	 dkim_pass;	/* an Authentication-Results has dkim=pass */
	double	 eom_ms;	/* from sending EOM to the final reply */
	double	 eom_gap_ms;	/* from the first reply to EOM to the final */
	char	 added[256];	/* names of the fields added, for diagnostics */
	char	 ares[256];	/* start of the first Authentication-Results */
	struct message_edit *edit_list;	/* with keep_edits; caller frees */
	size_t	 nedit_list;
};

struct mta_conn;

/* mta_target_parse - inet:PORT@HOST, inet6:PORT@HOST, unix:PATH; 0 or -1 */
int	mta_target_parse(const char *spec, struct mta_target *target_out,
	    struct errbuf *err);

/*
 * mta_open - connect, negotiate options, send CONNECT and HELO.  Returns an
 * owned connection (mta_close() frees it) or NULL with err.  A milter that
 * decides at CONNECT or HELO (accept, reject) is not an error: every
 * message of the session then reports that decision.
 */
struct mta_conn *mta_open(const struct mta_target *target,
	    const struct mta_settings *settings, struct errbuf *err);

/*
 * mta_message - one transaction: MAIL, RCPT, DATA, header fields, EOH,
 * body, EOM, then ABORT.  seq makes the queue id.  With keep_edits the
 * header edits are copied into res->edit_list.  0, or -1 with err when
 * the connection failed (the connection is then unusable).
 */
int	mta_message(struct mta_conn *c, const struct message *m,
	    unsigned long seq, int keep_edits, struct mta_result *res,
	    struct errbuf *err);

/*
 * mta_hold - the start of mta_message: MAIL to EOH, no body, no EOM; the
 * transaction stays open (the milter's key lookups are running).  0, or
 * -1 with err.
 */
int	mta_hold(struct mta_conn *c, const struct message *m,
	    unsigned long seq, struct mta_result *res, struct errbuf *err);

/*
 * mta_abort_ms - send ABORT, then MAIL, and time MAIL until its reply: the
 * milter answers only once its abort callback returned.  0 with the
 * milliseconds in *ms_out, or -1 with err.
 */
int	mta_abort_ms(struct mta_conn *c, double *ms_out, struct errbuf *err);

/*
 * mta_quit_ms - send QUIT and time until the milter closes the connection
 * (after its close callback).  The connection is then unusable.  0 with
 * the milliseconds in *ms_out, or -1 with err.
 */
int	mta_quit_ms(struct mta_conn *c, double *ms_out, struct errbuf *err);

/* mta_leadspc - whether the milter negotiated SMFIP_HDR_LEADSPC */
int	mta_leadspc(const struct mta_conn *c);

/* mta_close - send QUIT (unless broken), close, free; NULL allowed */
void	mta_close(struct mta_conn *c);

/* mta_reply_name - "accept", "continue", ... for an SMFIR_* code */
const char *mta_reply_name(char code);

#endif
