/*
 * keyint - what the key*.c files behind lib/keyfile.h share; not an
 * interface for callers
 *
 * lib/keyfile.h is the interface.  Its work is divided among:
 *   keyfile.c  the problems (SES BYODKIM rules: name, severity, fix), the
 *              report, loading a key, its public forms, new keys
 *   keyscan.c  the analysis of the bytes: encoding (PEM, bare base64,
 *              DER), PEM blocks, base64 with the place of a bad character
 *   keyder.c   the DER walk, OpenSSL's decoding and the key judged
 *              against SES (type, size, RSA consistency)
 *   keyperm.c  file input (keyfile_read) and the ownership rule
 * This header holds one analysis' state and the functions those files
 * call in one another.  It never prints and holds no state of its own.
 */
#ifndef DKIMLENS_KEYINT_H
#define DKIMLENS_KEYINT_H

#include <stddef.h>

#include "lib/errbuf.h"
#include "lib/keyfile.h"

/* One analysis of one input (keyscan_run). */
struct scan {
	const char		*name;		/* for messages */
	char			 qname[96];	/* shell-quoted, for fixes */
	struct keyfile_report	*r;
	unsigned char		*der;		/* owned, cleansed: decoded */
	size_t			 derlen;
	size_t			 dercap;
	size_t			 keylen;	/* the key's bytes in der */
	int			 der_junk;	/* bytes after the DER */
	int			 nopad;		/* base64 lacked its padding */
	int			 failed;	/* environment failure */
};

/* keyfile_shquote - name quoted for a shell command line, into out */
void	keyfile_shquote(const char *name, char *out, size_t outlen);

/*
 * keyscan_add - record a finding (once per problem) with its detail
 * formatted; the fix is the problem's, KEYFILE replaced by sc->qname
 */
void	keyscan_add(struct scan *sc, enum keyfile_problem p,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * keyscan_run - analyse data into a new report (*out, owned), with
 * *der_junk_out (may be NULL) set when bytes follow the DER key; -1 with
 * err set only on ENOMEM or an OpenSSL failure.
 */
int	keyscan_run(const char *name, const unsigned char *data, size_t len,
	    struct keyfile_report **out, int *der_junk_out,
	    struct errbuf *err) __attribute__((warn_unused_result));

/*
 * keyder_analyse - sc->der as a DER key of the structure expect (or any,
 * KEYFILE_ST_UNKNOWN): its structure, the key decoded and judged into
 * sc->r, findings added; sc->failed on an environment failure
 */
void	keyder_analyse(struct scan *sc, enum keyfile_structure expect);

#endif
