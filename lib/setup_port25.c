/* setup_port25.c: the outbound and inbound port 25 checks that open `aimx setup`. */
#include "setup_port25.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "portcheck.h"
#include "setup_ui.h"

static const char *const providers[] = {"Hetzner Cloud", "OVH / OVHcloud", "BuyVM (Frantech)",
                                        "Vultr (on request)", "Linode/Akamai (on request)"};

static int outbound(const char *verify_host)
{
	char host[256], err[PORTCHECK_ERR_SIZE] = "";
	unsigned port = portcheck_outbound_port();
	printf("  Outbound port 25... ");
	fflush(stdout);
	if (verify_host_name(verify_host, host) < 0)
		snprintf(err, sizeof(err), "no host in %.200s", verify_host);
	else if (port25_outbound(host, port, err) == 0) {
		printf("%s\n", ui_mark(UI_OK));
		return 1;
	}
	printf("%s\n", ui_mark(UI_FAIL));
	fflush(stdout);
	fprintf(stderr, "\n  Outbound port 25 check failed: %s\n", err);
	fprintf(stderr, "\n  Compatible VPS providers with port 25 open:\n");
	for (size_t k = 0; k < sizeof(providers) / sizeof(providers[0]); k++)
		fprintf(stderr, "    - %s\n", providers[k]);
	return 0;
}

static int inbound(const char *verify_host)
{
	char err[PORTCHECK_ERR_SIZE] = "";
	printf("  Inbound port 25... ");
	fflush(stdout);
	int rc = port25_inbound(verify_host, err);
	printf("%s\n", ui_mark(rc == 0 ? UI_OK : UI_FAIL));
	fflush(stdout);
	if (rc > 0)
		fprintf(
		    stderr,
		    "\n  Inbound port 25 is not reachable. Check your firewall and VPS provider "
		    "settings. (%s)\n",
		    err);
	else if (rc < 0)
		fprintf(stderr, "\n  Inbound port 25 check failed: %s\n", err);
	return rc == 0;
}

/* The inbound probe with our temporary listener on the port; -1 when it cannot bind. */
static int inbound_with_listener(const char *verify_host, unsigned port)
{
	struct port25_listener l;
	char err[PORTCHECK_ERR_SIZE];
	if (port25_listener_start(&l, port, err) < 0) {
		cli_error("Cannot bind port %u for the check: %s", port, err);
		return -1;
	}
	int ok = inbound(verify_host);
	port25_listener_stop(&l);
	return ok;
}

int setup_port25_preflight(const char *verify_host)
{
	char who[PORTCHECK_WHO_SIZE];
	unsigned port = portcheck_local_port();
	int held = port_listener(port, who);
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
	int out = outbound(verify_host);
	int in = aimx ? inbound(verify_host) : inbound_with_listener(verify_host, port);
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
