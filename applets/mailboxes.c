/* mailboxes.c: create, list, show and delete mailboxes.
 *
 * usage: aimx mailboxes create NAME [--owner USER]
 *
 * Not built yet: the control-plane issue (#5) delivers it.
 */
#include "applets.h"
#include "cli.h"

int applet_mailboxes(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_not_built("mailboxes");
}
