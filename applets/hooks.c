/* hooks.c: create, list and delete mailbox hooks.
 *
 * usage: aimx hooks list [--mailbox M] [--all]
 *
 * Not built yet: the control-plane issue (#5) delivers it.
 */
#include "applets.h"
#include "cli.h"

int applet_hooks(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_not_built("hooks");
}
