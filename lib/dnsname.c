/*
 * dnsname - the words for DNS statuses and record types in messages
 * (dns_status_name, dns_type_name; declared in lib/dns.h)
 *
 * Apart from the other dns*.c files so that the unit tests' fake
 * resolver (tests/unit/fake_dns.c, linked in their place) names them the same
 * way without a copy.  It owns only the two tables; it never queries.
 */
#include "lib/dns.h"

/* dns_status_name - the status as a word for messages */
const char *
dns_status_name(enum dns_status status)
{
	switch (status) {
	case DNS_OK:
		return "NOERROR";
	case DNS_NXDOMAIN:
		return "NXDOMAIN";
	case DNS_NODATA:
		return "NODATA";
	case DNS_SERVFAIL:
		return "SERVFAIL";
	case DNS_REFUSED:
		return "REFUSED";
	case DNS_TIMEOUT:
		return "TIMEOUT";
	case DNS_BADRESPONSE:
		return "BADRESPONSE";
	case DNS_NETERROR:
		return "NETERROR";
	}
	return "UNKNOWN";
}

/* dns_type_name - the type's mnemonic */
const char *
dns_type_name(enum dns_type type)
{
	switch (type) {
	case DNS_T_A:
		return "A";
	case DNS_T_NS:
		return "NS";
	case DNS_T_CNAME:
		return "CNAME";
	case DNS_T_SOA:
		return "SOA";
	case DNS_T_TXT:
		return "TXT";
	case DNS_T_AAAA:
		return "AAAA";
	}
	return "UNKNOWN";
}
