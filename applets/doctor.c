/* doctor.c: health report of configuration, service, mailboxes and DNS.
 *
 * usage: aimx doctor
 *
 * Not built yet: the operator-tooling issue (#8) delivers it.
 */
#include "applets.h"
#include "cli.h"

int applet_doctor(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_not_built("doctor");
}
