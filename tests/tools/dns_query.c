/* dns_query.c: test tool: `dns_query NAME TYPE` through our resolver ($AIMX_RESOLV_CONF). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "net/dns.h"

static const struct {
	const char *name;
	uint16_t type;
} types[] = {{"A", DNS_T_A}, {"AAAA", DNS_T_AAAA}, {"MX", DNS_T_MX},
	     {"TXT", DNS_T_TXT}, {"PTR", DNS_T_PTR}, {"CNAME", DNS_T_CNAME}};

static const char *status_name(enum dns_status s)
{
	static const char *names[] = {"ok", "nxdomain", "nodata", "tempfail", "badname"};
	return names[s];
}

static void print_record(const struct dns_record *rr)
{
	char ip[INET6_ADDRSTRLEN];
	switch (rr->type) {
	case DNS_T_A:
	case DNS_T_AAAA:
		inet_ntop(rr->type == DNS_T_A ? AF_INET : AF_INET6, rr->addr, ip, sizeof(ip));
		printf("%s %s\n", rr->type == DNS_T_A ? "A" : "AAAA", ip);
		break;
	case DNS_T_MX:
		printf("MX %u %s\n", rr->preference, rr->host);
		break;
	case DNS_T_TXT:
		fputs("TXT ", stdout);
		fwrite(rr->text, 1, rr->text_len, stdout);
		putchar('\n');
		break;
	default:
		printf("%s %s\n", rr->type == DNS_T_PTR ? "PTR" : "CNAME", rr->host);
	}
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: dns_query NAME A|AAAA|MX|TXT|PTR|CNAME\n");
		return 2;
	}
	uint16_t type = 0;
	for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++)
		if (strcmp(argv[2], types[k].name) == 0)
			type = types[k].type;
	struct dns_resolver r;
	if (!type || dns_resolver_init(&r) < 0) {
		fprintf(stderr, "dns_query: bad type or unreadable resolv.conf\n");
		return 2;
	}
	struct dns_result res;
	int rc = dns_query(&r, argv[1], type, &res);
	printf("status=%s\n", status_name(res.status));
	for (size_t k = 0; k < res.n; k++)
		print_record(&res.rr[k]);
	dns_result_free(&res);
	return rc == 0 ? 0 : 1;
}
