/* spf_ptr.c: the client's validated domain names (RFC 7208 5.5), for `ptr` and %{p}. */
#include "trust/spf.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

void spf_ptr_reverse_name(const struct ip_addr *ip, char out[DNS_NAME_MAX])
{
	static const char hex[] = "0123456789abcdef";
	size_t w = 0;
	if (!ip->v6) {
		snprintf(out, DNS_NAME_MAX, "%u.%u.%u.%u.in-addr.arpa", ip->bytes[3], ip->bytes[2],
		         ip->bytes[1], ip->bytes[0]);
		return;
	}
	for (int k = 15; k >= 0; k--) {
		out[w++] = hex[ip->bytes[k] & 0xf];
		out[w++] = '.';
		out[w++] = hex[ip->bytes[k] >> 4];
		out[w++] = '.';
	}
	snprintf(out + w, DNS_NAME_MAX - w, "ip6.arpa");
}

/* 1 when one of name's addresses (of the client's family) is the client. */
static int name_validates(const struct dns_lookup *dns, const struct ip_addr *ip, const char *name)
{
	struct dns_result res = {0};
	dns->query(dns->ctx, name, ip->v6 ? DNS_T_AAAA : DNS_T_A, &res);
	int ok = 0;
	for (size_t k = 0; res.status == DNS_OK && k < res.n && !ok; k++)
		ok = memcmp(res.rr[k].addr, ip->bytes, ip->v6 ? 16 : 4) == 0;
	dns_result_free(&res);
	return ok;
}

size_t spf_ptr_validated(const struct dns_lookup *dns, const struct ip_addr *ip,
                         char names[][DNS_NAME_MAX], size_t max)
{
	char rev[DNS_NAME_MAX];
	spf_ptr_reverse_name(ip, rev);
	struct dns_result res = {0};
	dns->query(dns->ctx, rev, DNS_T_PTR, &res);
	size_t n = 0;
	for (size_t k = 0; res.status == DNS_OK && k < res.n && k < SPF_PTR_LIMIT && n < max; k++)
		if (res.rr[k].host[0] && name_validates(dns, ip, res.rr[k].host))
			snprintf(names[n++], DNS_NAME_MAX, "%s", res.rr[k].host);
	dns_result_free(&res);
	return n;
}

int spf_ptr_within(const char *name, const char *domain)
{
	size_t n = strlen(name), d = strlen(domain);
	if (d && domain[d - 1] == '.')
		d--;
	if (n < d || strncasecmp(name + n - d, domain, d) != 0)
		return 0;
	return n == d || name[n - d - 1] == '.';
}
