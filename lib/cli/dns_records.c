/* dns_records.c: the DNS records to publish for a domain (spec 6.3) and the checks' resolver. */
#include "cli/dns_records.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

#define PUBLIC_RESOLVERS                                                                           \
	"nameserver 1.1.1.1\nnameserver 8.8.8.8\nnameserver 9.9.9.9\n"                             \
	"options timeout:2 attempts:3\n"

/* Appends a row; its value is printf-formatted. The index, or -1. */
static int add_row(struct dns_records *r, const char *type, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int add_row(struct dns_records *r, const char *type, const char *name, const char *fmt, ...)
{
	struct dns_record_row *row = &r->row[r->nrows];
	struct buf value = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	int rc = buf_vprintf(&value, fmt, ap);
	va_end(ap);
	if (rc < 0 || r->nrows >= DNS_RECORDS_MAX ||
	    snprintf(row->name, sizeof(row->name), "%s", name) >= (int)sizeof(row->name)) {
		buf_free(&value);
		return -1;
	}
	row->type = type;
	row->value = buf_steal(&value);
	return (int)r->nrows++;
}

static int add_rows(struct dns_records *r, const char *dkim_value)
{
	char dkim_name[DNS_NAME_MAX], dmarc_name[DNS_NAME_MAX];
	const char *d = r->domain;
	if (snprintf(dkim_name, sizeof(dkim_name), "%s._domainkey.%s", r->selector, d) >=
	        (int)sizeof(dkim_name) ||
	    snprintf(dmarc_name, sizeof(dmarc_name), "_dmarc.%s", d) >= (int)sizeof(dmarc_name))
		return -1;
	r->a = add_row(r, "A", d, "%s", r->ip4);
	r->aaaa = r->ip6[0] ? add_row(r, "AAAA", d, "%s", r->ip6) : -1;
	r->mx = add_row(r, "MX", d, "10 %s.", d);
	r->spf = r->ip6[0] ? add_row(r, "TXT", d, "v=spf1 ip4:%s ip6:%s -all", r->ip4, r->ip6)
	                   : add_row(r, "TXT", d, "v=spf1 ip4:%s -all", r->ip4);
	r->dkim = dkim_value ? add_row(r, "TXT", dkim_name, "%s", dkim_value) : -1;
	r->dmarc = add_row(r, "TXT", dmarc_name, "v=DMARC1; p=reject; rua=mailto:postmaster@%s", d);
	if (r->a < 0 || (r->ip6[0] && r->aaaa < 0) || r->mx < 0 || r->spf < 0 ||
	    (dkim_value && r->dkim < 0) || r->dmarc < 0)
		return -1;
	return 0;
}

int dns_records_build(struct dns_records *r, const char *domain, const char *selector,
                      const char *ip4, const char *ip6, const char *dkim_value)
{
	memset(r, 0, sizeof(*r));
	r->a = r->aaaa = r->mx = r->spf = r->dkim = r->dmarc = -1;
	if (snprintf(r->domain, sizeof(r->domain), "%s", domain) >= (int)sizeof(r->domain) ||
	    snprintf(r->selector, sizeof(r->selector), "%s", selector) >=
	        (int)sizeof(r->selector) ||
	    snprintf(r->ip4, sizeof(r->ip4), "%s", ip4) >= (int)sizeof(r->ip4) ||
	    snprintf(r->ip6, sizeof(r->ip6), "%s", ip6 ? ip6 : "") >= (int)sizeof(r->ip6)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return add_rows(r, dkim_value);
}

void dns_records_free(struct dns_records *r)
{
	for (size_t k = 0; k < r->nrows; k++)
		free(r->row[k].value);
	r->nrows = 0;
}

int dns_records_resolver(struct dns_resolver *res)
{
	if (getenv("AIMX_RESOLV_CONF")) {
		if (dns_resolver_init(res) < 0)
			return -1;
	} else {
		dns_resolver_parse_conf(res, PUBLIC_RESOLVERS, strlen(PUBLIC_RESOLVERS));
	}
	dns_resolver_set_budget(res, DNS_RECORDS_BUDGET_MS);
	return 0;
}
