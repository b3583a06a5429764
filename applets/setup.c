/* setup.c: configure this host as an aimx mail server.
 *
 * usage: aimx setup [DOMAIN] [--domain D] [--trusted-senders LIST] [--yes]
 *
 * Not built yet: the operator-tooling issue (#8) delivers it.
 */
#include "applets.h"
#include "cli.h"

int applet_setup(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_not_built("setup");
}
