/* spf_check.c: test tool: `spf_check IP SENDER HELO` prints our check_host() result. */
#include <stdio.h>

#include "trust/spf.h"

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: spf_check IP SENDER HELO\n");
		return 2;
	}
	struct dns_resolver r;
	if (dns_resolver_init(&r) < 0)
		return 2;
	struct dns_lookup dns = dns_lookup_resolver(&r);
	printf("%s\n", spf_result_name(spf_check_host(&dns, argv[1], argv[2], argv[3])));
	return 0;
}
