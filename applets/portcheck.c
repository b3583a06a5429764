/* portcheck.c: check that port 25 is reachable in and out.
 *
 * usage: aimx portcheck [--verify-host URL]
 *
 * Check that this host can open SMTP connections to port 25 elsewhere and
 * that port 25 here is reachable from the internet, using the verify
 * service. If no process holds port 25, a temporary listener answers the
 * probe; if aimx holds it, the running daemon answers; if another program
 * holds it, the check stops and names it. Run as root, before `aimx setup`.
 *
 * Outbound: an SMTP greeting, EHLO and QUIT with port 25 of the verify
 * service's host. Inbound: GET URL/probe (https verified against the
 * system CA bundle) asks the service to connect back to our port 25.
 *
 *   --verify-host URL   probe service (default: the config's verify_host,
 *                       else https://check.aimx.email)
 *
 * Exit: 0 both directions reachable, 1 a check failed, 2 usage error.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "applets.h"
#include "cli/cli.h"
#include "cli/cli_table.h"
#include "conf/config.h"
#include "base/paths.h"
#include "cli/portcheck.h"
#include "cli/portcheck_report.h"
#include "cli/setup_ui.h"
#include "conf/config_load.h"
#include "usage.h"

/* --verify-host, else the config's verify_host (a missing or broken config is no error
 * here), else the default; normalized. 0, or -1 after printing the error. */
static int pick_verify_host(const char *flag, char out[VERIFY_HOST_MAX])
{
	char path[AIMX_PATH_MAX];
	struct config cfg = {0};
	struct config_report rep = {0};
	int have_cfg = !flag && paths_config_file(path, sizeof(path)) == 0 &&
	               access(path, F_OK) == 0 && config_load(path, &cfg, &rep) == 0;
	int rc = portcheck_verify_host_pick(flag, have_cfg ? cfg.verify_host : NULL, out);
	if (have_cfg)
		config_free(&cfg);
	config_report_free(&rep);
	return rc;
}

static int check_port(const char *verify_host)
{
	char who[PORTCHECK_WHO_SIZE];
	unsigned port = portcheck_local_port();
	int held = portcheck_port_owner(port, who);
	if (held < 0) {
		cli_error("cannot read /proc/net/tcp to see who holds port %u", port);
		return EXIT_ERR;
	}
	int aimx_listens = held == 1 && strncmp(who, "aimx", 4) == 0;
	setup_ui_header("aimx portcheck - Port 25 connectivity check");
	printf("\n");
	int ok = portcheck_report_outbound(verify_host);
	if (held == 1 && !aimx_listens) {
		cli_error("Port 25 is occupied by `%s`.\nStop or uninstall the process and run "
		          "`sudo aimx portcheck` again to check.",
		          who);
		return EXIT_ERR;
	}
	int in = portcheck_report_inbound(verify_host, port, aimx_listens);
	if (in < 0)
		return EXIT_ERR;
	printf("\n");
	if (!ok || !in) {
		cli_error("Some checks failed. See details above.");
		return EXIT_ERR;
	}
	printf("%s%s%s\n", cli_on(STYLE_GREEN), "Port 25 reachable. Ready for `aimx setup`.",
	       cli_off());
	printf("Run `sudo aimx setup` to begin.\n");
	return EXIT_OK;
}

int applet_portcheck(int argc, char **argv)
{
	const char *flag = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--verify-host") == 0 && i + 1 == argc)
			return cli_usage_error(USAGE_portcheck, "--verify-host needs a URL");
		else if (strcmp(argv[i], "--verify-host") == 0)
			flag = argv[++i];
		else if (strncmp(argv[i], "--verify-host=", 14) == 0)
			flag = argv[i] + 14;
		else
			return cli_usage_error(USAGE_portcheck, "unexpected argument '%s'",
			                       argv[i]);
	}
	if (geteuid() != 0) {
		cli_error("`aimx portcheck` requires root. Run with: sudo aimx portcheck");
		return EXIT_ERR;
	}
	char verify_host[VERIFY_HOST_MAX];
	if (pick_verify_host(flag, verify_host) < 0)
		return EXIT_ERR;
	return check_port(verify_host);
}
