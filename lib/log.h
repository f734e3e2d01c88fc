/*
 * log - route lib/ debug trace to whatever sink the front end installs
 *
 * lib/ never writes to stdout, stderr or syslog itself; verdicts and
 * failures are returned to the caller.  The only output lib/ produces is
 * optional debug trace, which goes to the sink installed by log_set_sink()
 * (the milter installs syslog, keytool stderr).  With no sink installed the
 * trace is dropped.  The sink must be safe to call from several threads.
 */
#ifndef DKIMLENS_LOG_H
#define DKIMLENS_LOG_H

enum log_level { LOG_LEVEL_ERR, LOG_LEVEL_WARNING, LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG };

typedef void log_sink_fn(enum log_level level, const char *msg);

/* log_set_sink - install the sink (NULL drops everything) and its level */
void	log_set_sink(log_sink_fn *sink, enum log_level max_level);

/* log_debug - trace for a developer; dropped unless the sink wants debug */
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* log_msg - a message at the given level, formatted */
void	log_msg(enum log_level level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
