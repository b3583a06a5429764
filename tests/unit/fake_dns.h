/* fake_dns.h: a table-driven struct dns_lookup for unit tests of SPF, DKIM and DMARC. */
#ifndef AIMX_FAKE_DNS_H
#define AIMX_FAKE_DNS_H

#include "net/dns.h"

/* One answer: for (name, type) either records (TXT text, A/AAAA address text, or MX
 * "pref host") or a failure status. A name absent from the table is NXDOMAIN; a name
 * present only with other types is NODATA. */
struct fake_rr {
	const char *name;
	uint16_t type;
	const char *value;     /* NULL with status != DNS_OK */
	enum dns_status status; /* DNS_OK for a record; DNS_TEMPFAIL etc. to fail the query */
};

struct fake_dns {
	const struct fake_rr *rr;
	size_t n;
	int queries; /* how many queries were made */
};

/* A dns_lookup answering from f. */
struct dns_lookup fake_dns_lookup(struct fake_dns *f);

#endif
