/*
 * rfile - open a configuration file for reading (see lib/rfile.h)
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "lib/errbuf.h"
#include "lib/rfile.h"

const char *
rfile_kind(mode_t m)
{
	if (S_ISFIFO(m))
		return "a FIFO (named pipe)";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

FILE *
rfile_open(const char *path, struct errbuf *err)
{
	struct stat	 st;
	char		 ebuf[128];
	FILE		*fp;
	int		 fd, flags;

	/* O_NONBLOCK: opening a FIFO with no writer must not wait */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) ==
	    -1 || fstat(fd, &st) == -1) {
		errbuf_set(err, "%s: %s", path,
		    errbuf_strerror(errno, ebuf, sizeof(ebuf)));
		if (fd != -1)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		errbuf_set(err, "%s: is %s, not a regular file", path,
		    rfile_kind(st.st_mode));
		close(fd);
		return NULL;
	}
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1 ||
	    (fp = fdopen(fd, "r")) == NULL) {
		errbuf_set(err, "%s: %s", path,
		    errbuf_strerror(errno, ebuf, sizeof(ebuf)));
		close(fd);
		return NULL;
	}
	return fp;
}
