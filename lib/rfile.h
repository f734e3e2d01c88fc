/*
 * rfile - open a configuration file for reading: regular files only
 *
 * The configuration, the KeyTable and SigningTable, InternalHosts and
 * Domain files are read at start and at every SIGHUP.  A FIFO or a device
 * named there would block the read (and with it every later reload), so
 * the file is opened without blocking, checked to be a regular file on
 * the open descriptor, and only then read.  Symbolic links are followed
 * (configuration under /etc is often linked); key files have their own,
 * stricter reader (lib/keyfile.h).
 *
 * Owns nothing: the FILE is the caller's to fclose.  Never: logging.
 */
#ifndef DKIMLENS_RFILE_H
#define DKIMLENS_RFILE_H

#include <stdio.h>
#include <sys/types.h>

#include "lib/errbuf.h"

/*
 * rfile_open - path opened for reading.  NULL with err "PATH: why" when
 * it cannot be opened or is not a regular file ("PATH: is a FIFO (named
 * pipe), not a regular file").
 */
FILE	*rfile_open(const char *path, struct errbuf *err);

/* rfile_kind - what a file of mode m is, for a message: "a FIFO (named
 * pipe)", "a directory", ..., "not a regular file" */
const char *rfile_kind(mode_t m);

#endif
