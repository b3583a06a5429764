/* uninstall.c: remove the aimx service and binary.
 *
 * usage: aimx uninstall [-y]
 *
 * Not built yet: the operator-tooling issue (#8) delivers it.
 */
#include "applets.h"
#include "cli.h"

int applet_uninstall(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_not_built("uninstall");
}
