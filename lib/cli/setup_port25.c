/* setup_port25.c: the outbound and inbound port 25 checks that open `aimx setup`. */
#include "cli/setup_port25.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/portcheck.h"
#include "cli/portcheck_report.h"

static const char *const providers[] = {"Hetzner Cloud", "OVH / OVHcloud", "BuyVM (Frantech)",
                                        "Vultr (on request)", "Linode/Akamai (on request)"};

static void print_providers(void)
{
	fprintf(stderr, "\n  Compatible VPS providers with port 25 open:\n");
	for (size_t k = 0; k < sizeof(providers) / sizeof(providers[0]); k++)
		fprintf(stderr, "    - %s\n", providers[k]);
}

int setup_port25_preflight(const char *verify_host)
{
	char who[PORTCHECK_WHO_SIZE];
	unsigned port = portcheck_local_port();
	int held = portcheck_port_owner(port, who);
	if (held < 0) {
		cli_error("cannot read /proc/net/tcp to see who holds port %u", port);
		return -1;
	}
	int aimx = held == 1 && strncmp(who, "aimx", 4) == 0;
	if (held == 1 && !aimx) {
		cli_error("Port 25 is occupied by %s. Stop the process and run `aimx setup` again.",
		          who);
		return -1;
	}
	if (aimx)
		printf("  `aimx serve` is already running on port 25. Probing the live daemon.\n");
	int out = portcheck_report_outbound(verify_host);
	if (!out)
		print_providers();
	int in = portcheck_report_inbound(verify_host, port, aimx);
	if (in < 0)
		return -1;
	if (!out || !in) {
		cli_error(
		    "Port 25 checks failed. Your VPS provider may block SMTP traffic.\nFix the "
		    "issues above and run `sudo aimx setup` again.");
		return -1;
	}
	return 0;
}
