/* send.c: hand a composed message to the daemon for signing and delivery.
 *
 * usage: aimx send --from ADDR --to ADDR --subject S --body MARKDOWN [--reply-to ID] [--references CHAIN] [--attachment PATH]... [--text-only | --html-body HTML]
 *
 * Not built yet: the outbound issue (#6) delivers it.
 */
#include "applets.h"
#include "cli.h"

int applet_send(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_not_built("send");
}
