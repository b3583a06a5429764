/* setup_dns.c: print the records this host needs and check them until they pass or the user moves
 * on. */
#include "cli/setup_dns.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "net/dns.h"
#include "cli/dns_records.h"
#include "cli/dns_records_print.h"
#include "net/server_addr.h"
#include "cli/setup_ui.h"

/* One round of checks through our resolver; 1 when all pass. */
static int check_once(const struct dns_records *r)
{
	struct dns_resolver res;
	struct dns_checks checks;
	if (dns_records_resolver(&res) < 0) {
		cli_error("cannot set up the DNS resolver");
		return 0;
	}
	struct dns_lookup lk = dns_lookup_resolver(&res);
	printf("\n");
	dns_records_check(r, &lk, &checks);
	dns_records_print_checks(r, &checks, stdout);
	int ok = dns_records_all_pass(&checks);
	if (ok)
		printf("%s\n", "All DNS records verified. Your email server is ready!");
	else
		printf("Some DNS records are not yet correct.\n"
		       "DNS propagation can take up to 48 hours.\n");
	return ok;
}

/* Enter checks, q (or the end of input) moves on, until the records pass. */
static void check_loop(const struct dns_records *r)
{
	char answer[64];
	for (;;) {
		printf("\n  Press Enter to verify DNS records now.\n"
		       "  Press q to skip and run `aimx doctor` later.\n");
		if (setup_ui_ask_line("> ", answer, sizeof(answer)) < 0 || strcasecmp(answer, "q") == 0) {
			printf("Update your DNS records and run `aimx doctor` to re-verify.\n");
			return;
		}
		if (check_once(r))
			return;
	}
}

int setup_dns_step(const char *domain, const char *selector, int enable_ipv6,
                   const char *dkim_value, int once)
{
	char ip4[SERVER_ADDR_SIZE], ip6[SERVER_ADDR_SIZE];
	struct dns_records r;
	if (server_addr_get(ip4, ip6) < 0) {
		cli_error("%s", SERVER_ADDR_NO_IPV4);
		return -1;
	}
	if (dns_records_build(&r, domain, selector, ip4, enable_ipv6 ? ip6 : NULL, dkim_value) <
	    0) {
		dns_records_free(&r);
		cli_error("cannot build the DNS records for %s", domain);
		return -1;
	}
	setup_ui_header("DNS");
	printf("Add the following DNS records at your domain registrar:\n\n");
	dns_records_print_table(&r, stdout);
	if (once)
		check_once(&r);
	else
		check_loop(&r);
	dns_records_free(&r);
	return 0;
}
