/*
 * log - route lib/ debug trace to whatever sink the front end installs
 */
#include <stdarg.h>
#include <stdio.h>

#include "lib/log.h"

/*
 * The sink is set once by the front end before any thread starts, so these
 * two are written only while the process is single-threaded.
 */
static log_sink_fn	*log_sink;
static enum log_level	 log_max = LOG_LEVEL_INFO;

/* log_set_sink - install the sink and the most verbose level it takes */
void
log_set_sink(log_sink_fn *sink, enum log_level max_level)
{
	log_sink = sink;
	log_max = max_level;
}

static void vlog(enum log_level, const char *, va_list)
    __attribute__((format(printf, 2, 0)));

static void
vlog(enum log_level level, const char *fmt, va_list ap)
{
	char	 buf[1024];

	if (log_sink == NULL || level > log_max)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	log_sink(level, buf);
}

/* log_debug - trace for a developer */
void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_DEBUG, fmt, ap);
	va_end(ap);
}

/* log_msg - a message at the given level */
void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}
