/* serve.c: the daemon: SMTP listener with STARTTLS plus the AIMX/1 control socket.
 *
 * usage: aimx serve [--bind ADDR:PORT] [--tls-cert PEM] [--tls-key PEM]
 *
 * Not built yet: the inbound issue (#3) delivers it.
 */
#include "applets.h"
#include "cli.h"

int applet_serve(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_not_built("serve");
}
