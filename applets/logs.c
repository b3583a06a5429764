/* logs.c: show the daemon log.
 *
 * usage: aimx logs [-n N] [-f]
 *
 * Not built yet: the operator-tooling issue (#8) delivers it.
 */
#include "applets.h"
#include "cli.h"

int applet_logs(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_not_built("logs");
}
