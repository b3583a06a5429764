/* fake_dns.c: answers dns_lookup queries from a table (see fake_dns.h). */
#include "fake_dns.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int add_record(struct dns_result *out, const struct fake_rr *e)
{
	struct dns_record *rr = &out->rr[out->n];
	memset(rr, 0, sizeof(*rr));
	rr->type = e->type;
	rr->ttl = 300;
	if (e->type == DNS_T_TXT) {
		rr->text = strdup(e->value);
		if (!rr->text)
			return -1;
		rr->text_len = strlen(e->value);
	} else if (e->type == DNS_T_A) {
		if (inet_pton(AF_INET, e->value, rr->addr) != 1)
			return -1;
	} else if (e->type == DNS_T_AAAA) {
		if (inet_pton(AF_INET6, e->value, rr->addr) != 1)
			return -1;
	} else if (e->type == DNS_T_MX) {
		unsigned pref;
		if (sscanf(e->value, "%u %255s", &pref, rr->host) != 2)
			return -1;
		rr->preference = (uint16_t)pref;
	} else {
		snprintf(rr->host, sizeof(rr->host), "%s", e->value);
	}
	out->n++;
	return 0;
}

static int fake_query(void *ctx, const char *name, uint16_t type, struct dns_result *out)
{
	struct fake_dns *f = ctx;
	f->queries++;
	memset(out, 0, sizeof(*out));
	out->status = DNS_NXDOMAIN;
	out->rr = calloc(DNS_MAX_RECORDS, sizeof(*out->rr));
	if (!out->rr) {
		out->status = DNS_TEMPFAIL;
		return -1;
	}
	for (size_t k = 0; k < f->n; k++) {
		const struct fake_rr *e = &f->rr[k];
		if (strcasecmp(e->name, name) != 0)
			continue;
		if (out->status == DNS_NXDOMAIN)
			out->status = DNS_NODATA;
		if (e->type != type)
			continue;
		if (e->status != DNS_OK) {
			out->status = e->status;
			break;
		}
		if (out->n < DNS_MAX_RECORDS && add_record(out, e) == 0)
			out->status = DNS_OK;
	}
	return out->status == DNS_OK ? 0 : -1;
}

struct dns_lookup fake_dns_lookup(struct fake_dns *f)
{
	return (struct dns_lookup){fake_query, f};
}
