/*
 * version - the version line of both programs
 */
#include <stdio.h>

#include <openssl/crypto.h>

#include "lib/dns.h"
#include "lib/version.h"

/* version_line - the program, our version, the libraries' versions */
const char *
version_line(const char *prog, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s %s (%s, ldns %s)", prog, DKIMLENS_VERSION,
	    OpenSSL_version(OPENSSL_VERSION), dns_ldns_version());
	return out;
}
