/* logs.c: show the daemon log.
 *
 * usage: aimx logs [-n N] [-f]
 *
 * Show the aimx service log: `journalctl -u aimx` under systemd; under
 * OpenRC the tail of the .log files in /var/log/aimx, else of
 * /var/log/messages.
 *
 *   -n, --lines N    show the last N lines (default 50)
 *   -f, --follow     keep printing new lines (systemd only)
 *
 * Exit: 0 ok, 1 the log could not be read (a hint follows), 2 usage error.
 */
#include "applets.h"
#include "cli.h"

int applet_logs(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_not_built("logs");
}
