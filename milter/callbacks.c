/*
 * callbacks - the libmilter callbacks: each hands its arguments to conn.c
 *
 * The connection object is the libmilter private data; it is made at
 * negotiation (or at connect, with MTAs that do not negotiate) and freed
 * at close.  Without one (out of memory) the connection is accepted
 * untouched: mail is never lost for dkimlens' sake.
 */
#include <stddef.h>

#include "milter/milter.h"

/* xxfi_negotiate - protocol options for the whole connection */
static sfsistat
xxfi_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	struct conn	*c;

	(void)f2;
	(void)f3;
	if ((c = conn_new()) == NULL)
		return SMFIS_ALL_OPTS;
	smfi_setpriv(ctx, c);
	conn_negotiate(c, f0, f1, pf0, pf1);
	*pf2 = *pf3 = 0;
	if (*pf0 & SMFIF_SETSYMLIST) {
		smfi_setsymlist(ctx, SMFIM_ENVFROM, "i {auth_authen}");
		smfi_setsymlist(ctx, SMFIM_EOM, "i");
	}
	return SMFIS_CONTINUE;
}

/* xxfi_connect - the client's name and address */
static sfsistat
xxfi_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa)
{
	struct conn	*c = smfi_getpriv(ctx);

	if (c == NULL && (c = conn_new()) == NULL)
		return SMFIS_ACCEPT;
	smfi_setpriv(ctx, c);
	conn_connect(c, host, sa);
	return SMFIS_CONTINUE;
}

/* xxfi_envfrom - a message starts; SMTP AUTH makes it outgoing */
static sfsistat
xxfi_envfrom(SMFICTX *ctx, char **argv)
{
	struct conn	*c = smfi_getpriv(ctx);

	(void)argv;
	if (c == NULL)
		return SMFIS_ACCEPT;
	conn_mail(c, smfi_getsymval(ctx, "{auth_authen}"));
	return SMFIS_CONTINUE;
}

/* xxfi_header - one header field */
static sfsistat
xxfi_header(SMFICTX *ctx, char *name, char *value)
{
	struct conn	*c = smfi_getpriv(ctx);

	if (c == NULL)
		return SMFIS_ACCEPT;
	conn_header(c, name, value);
	return conn_noreply(c, 0) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* xxfi_eoh - end of header: sign or verify starts */
static sfsistat
xxfi_eoh(SMFICTX *ctx)
{
	struct conn	*c = smfi_getpriv(ctx);

	if (c == NULL)
		return SMFIS_ACCEPT;
	conn_eoh(c);
	return SMFIS_CONTINUE;
}

/* xxfi_body - a body chunk */
static sfsistat
xxfi_body(SMFICTX *ctx, unsigned char *data, size_t len)
{
	struct conn	*c = smfi_getpriv(ctx);

	if (c == NULL)
		return SMFIS_ACCEPT;
	conn_body(c, data, len);
	return conn_noreply(c, 1) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* xxfi_eom - end of message: changes, verdict line, reply */
static sfsistat
xxfi_eom(SMFICTX *ctx)
{
	struct conn	*c = smfi_getpriv(ctx);

	if (c == NULL)
		return SMFIS_ACCEPT;
	return conn_eom(c, ctx);
}

/* xxfi_abort - the message is abandoned; the connection goes on */
static sfsistat
xxfi_abort(SMFICTX *ctx)
{
	struct conn	*c = smfi_getpriv(ctx);

	if (c != NULL)
		conn_abort(c);
	return SMFIS_CONTINUE;
}

/* xxfi_close - end of connection */
static sfsistat
xxfi_close(SMFICTX *ctx)
{
	conn_free(smfi_getpriv(ctx));
	smfi_setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

struct smfiDesc callbacks_desc = {
	.xxfi_name = MILTER_NAME,
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_SETSYMLIST,
	.xxfi_connect = xxfi_connect,
	.xxfi_envfrom = xxfi_envfrom,
	.xxfi_header = xxfi_header,
	.xxfi_eoh = xxfi_eoh,
	.xxfi_body = xxfi_body,
	.xxfi_eom = xxfi_eom,
	.xxfi_abort = xxfi_abort,
	.xxfi_close = xxfi_close,
	.xxfi_negotiate = xxfi_negotiate,
};
