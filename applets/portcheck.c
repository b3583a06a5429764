/* portcheck.c: check that port 25 is reachable in and out.
 *
 * usage: aimx portcheck [--verify-host URL]
 *
 * Not built yet: the operator-tooling issue (#8) delivers it.
 */
#include "applets.h"
#include "cli.h"

int applet_portcheck(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_not_built("portcheck");
}
