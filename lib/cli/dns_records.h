/* dns_records.h: the DNS records a domain publishes for aimx (spec 6.3) and their check. */
#ifndef AIMX_DNS_RECORDS_H
#define AIMX_DNS_RECORDS_H

#include "net/dns.h"
#include "net/server_addr.h"

#define DNS_RECORDS_MAX       6 /* A, AAAA, MX, SPF, DKIM, DMARC */
#define DNS_CHECKS_MAX        7 /* A, AAAA, MX, SPF, SPF (IPv6), DKIM, DMARC */
#define DNS_CHECK_MSG_SIZE    512
#define DNS_RECORDS_BUDGET_MS 60000 /* all the lookups of one round of checks */

/* One row of the table to publish. */
struct dns_record_row {
	const char *type; /* "A", "AAAA", "MX", "TXT" */
	char name[DNS_NAME_MAX];
	char *value; /* malloc'd */
};

/* What this host should publish for domain. */
struct dns_records {
	char domain[DNS_NAME_MAX];
	char selector[64];
	char ip4[SERVER_ADDR_SIZE];
	char ip6[SERVER_ADDR_SIZE]; /* "" when IPv6 is not in use */
	struct dns_record_row row[DNS_RECORDS_MAX];
	size_t nrows;
	int a, aaaa, mx, spf, dkim, dmarc; /* index of each row in row[]; -1: no AAAA without IPv6,
	                                      no DKIM without a local key */
};

/* Fills r for domain and selector: ip4 is required; ip6 NULL or "" leaves AAAA and ip6: out;
 * dkim_value is the TXT value "v=DKIM1; k=rsa; p=..." (lib/dkim/dkim_keyfile.h
 * dkim_keyfile_record), or NULL when there is no local key (no DKIM row then, and any
 * published DKIM1 record passes the check).
 * 0, or -1 (name too long, ENOMEM); free with dns_records_free either way. */
int dns_records_build(struct dns_records *r, const char *domain, const char *selector,
                      const char *ip4, const char *ip6, const char *dkim_value);
void dns_records_free(struct dns_records *r);

enum dns_verdict { DNS_PASS, DNS_FAIL, DNS_MISSING, DNS_WARN };

struct dns_check {
	const char *label; /* "A", "AAAA", "MX", "SPF", "SPF (IPv6)", "DKIM", "DMARC" */
	enum dns_verdict verdict;
	char msg[DNS_CHECK_MSG_SIZE]; /* why, for anything but DNS_PASS */
	int row;                      /* the row to add when it does not pass; -1: none */
};

struct dns_checks {
	struct dns_check c[DNS_CHECKS_MAX];
	size_t n;
};

/* The resolver the checks use: 1.1.1.1, 8.8.8.8, 9.9.9.9 (2 s per try, 3 tries), or
 * $AIMX_RESOLV_CONF when it is set (tests point it at a local server), with an overall
 * budget of DNS_RECORDS_BUDGET_MS from now: set it up again before each round of checks.
 * 0, or -1 (AIMX_RESOLV_CONF unreadable). */
int dns_records_resolver(struct dns_resolver *res);

/* Runs the checks of spec 6.3, in order (AAAA and SPF (IPv6) only with ip6), through lk. */
void dns_records_check(const struct dns_records *r, const struct dns_lookup *lk,
                       struct dns_checks *out);

/* 1 when every check passed. */
int dns_records_all_pass(const struct dns_checks *c);

#endif
