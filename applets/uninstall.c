/* uninstall.c: remove the aimx service and binary.
 *
 * usage: aimx uninstall [-y]
 *
 * Stop and remove the aimx service (systemd unit or OpenRC script), then
 * delete this binary. Config (/etc/aimx), data (/var/lib/aimx), the TLS
 * files (/etc/ssl/aimx) and the aimx-catchall user are kept; the command
 * to wipe config and data is printed. Run as root.
 *
 *   -y, --yes   do not ask "Proceed with uninstall? (y/N)"
 *
 * Exit: 0 removed, 1 error or cancelled, 2 usage error.
 */
#include "applets.h"
#include "cli.h"

int applet_uninstall(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_not_built("uninstall");
}
