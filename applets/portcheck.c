/* portcheck.c: check that port 25 is reachable in and out.
 *
 * usage: aimx portcheck [--verify-host URL]
 *
 * Check that this host can open SMTP connections to port 25 elsewhere and
 * that port 25 here is reachable from the internet, using the verify
 * service. If no process holds port 25, a temporary listener answers the
 * probe; if another program holds it, the check stops and names it.
 * Run as root, before `aimx setup`.
 *
 *   --verify-host URL   probe service (default: the config's verify_host,
 *                       else https://check.aimx.email)
 *
 * Exit: 0 both directions reachable, 1 a check failed, 2 usage error.
 */
#include "applets.h"
#include "cli.h"

int applet_portcheck(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_not_built("portcheck");
}
