/*
 * confint - what the conf*.c files behind lib/conf.h share; not an
 * interface for callers
 *
 * lib/conf.h is the interface.  Its work is divided among:
 *   conf.c     reading the file: lines, comments, names, values, the
 *              checks that need several options, defaults, the result
 *   confopt.c  the table of dkimlens options, each with the parser that
 *              checks its value and stores it
 *   confodk.c  OpenDKIM's other options (ignored with a warning, or
 *              refused saying why), On-Default, and "did you mean" for a
 *              name nobody knows
 * This header holds the option table's shape and the functions those
 * files call in one another.  It never prints and holds no state.
 */
#ifndef DKIMLENS_CONFINT_H
#define DKIMLENS_CONFINT_H

#include <stddef.h>

#include "lib/conf.h"
#include "lib/errbuf.h"

#define WHY_MAX	256	/* a parser's complaint */

/*
 * A parser checks one value and stores it in c: 0, or -1 with why (a few
 * words; the caller puts "FILE:LINE: Option: " in front).
 */
typedef int parse_fn(struct conf *c, const char *value, char *why,
	    size_t whylen);

/* One dkimlens option. */
struct opt {
	const char	*name;
	enum conf_key	 key;
	parse_fn	*parse;
};

/* confopt_find - the option called name ("On-X" for "OnX", aliases); NULL */
const struct opt *confopt_find(const char *name);

/* confopt_action - accept, tempfail or reject into *dst; -1 with why */
int	confopt_action(enum conf_action *dst, const char *value, char *why,
	    size_t whylen);

/* confopt_bool - yes/true/1/no/false/0 into *out; 0, or -1 when neither */
int	confopt_bool(const char *s, int *out);

/* conf_warn - keep one warning (the first CONF_WARN_MAX); -1 on ENOMEM */
int	conf_warn(struct conf *c, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * confodk_unknown - an option name that is not dkimlens': an OpenDKIM
 * option ignored (0, with a warning kept) or refused, or an unknown name
 * with the nearest known one (-1 with err set, naming FILE:LINE)
 */
int	confodk_unknown(struct conf *c, unsigned int line, const char *name,
	    const char *value, struct errbuf *err);

/*
 * confodk_on_default - OpenDKIM's On-Default: value for every On-* option
 * not set on a line of its own.  0, or -1 with err set.
 */
int	confodk_on_default(struct conf *c, unsigned int line,
	    const char *value, struct errbuf *err);

#endif
