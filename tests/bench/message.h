/*
 * message - the one message milterload sends, over and over
 *
 * Either generated (a plain-text message from example.com with a body of
 * a given size) or loaded from a file (LF or CRLF line ends).  Header
 * fields are kept as the MTA sends them over the milter protocol: the
 * value as it follows the colon, folds as a bare LF (Sendmail and Postfix
 * send multi-line fields separated by newline).  The body is kept in wire
 * form, CRLF line ends.  A message is read-only once made, so every
 * thread shares one.
 *
 * message_save() writes the message as the MTA would deliver it after the
 * milter's header edits; run.sh uses it to obtain a message signed by the
 * daemon under test for the verify benchmark.
 */
#ifndef DKIMLENS_BENCH_MESSAGE_H
#define DKIMLENS_BENCH_MESSAGE_H

#include <stddef.h>

#include "lib/errbuf.h"

/* Largest message file or body accepted. */
#define MESSAGE_MAX_SIZE	((size_t)256 * 1024 * 1024)

struct message_field {
	char	*name;
	char	*value;		/* after the colon, leading space kept */
};

struct message {
	struct message_field	*fields;
	size_t			 nfields;
	char			*body;		/* CRLF line ends */
	size_t			 body_len;
};

/* A header edit from the milter's end-of-message replies. */
struct message_edit {
	char	 kind;		/* SMFIR_ADDHEADER, _INSHEADER, _CHGHEADER */
	long	 index;		/* insert/change position as sent */
	char	*name;
	char	*value;
};

/*
 * message_generate - a message from sender@example.com with a body of
 * body_size bytes (text lines ending in CRLF).  NULL on memory failure.
 */
struct message *message_generate(size_t body_size);

/* message_load - read a message file; NULL with err set on failure */
struct message *message_load(const char *path, struct errbuf *err);

/* message_free - NULL allowed */
void	message_free(struct message *m);

/*
 * message_save - write m to path as delivered after the edits: inserted
 * and added fields in place, with " " after the colon unless leadspc (the
 * milter negotiated SMFIP_HDR_LEADSPC), line ends CRLF.  0, or -1 with err.
 */
int	message_save(const struct message *m, const struct message_edit *edits,
	    size_t nedits, int leadspc, const char *path, struct errbuf *err);

/* message_edits_free - free the names and values of n edits and the array */
void	message_edits_free(struct message_edit *edits, size_t n);

#endif
