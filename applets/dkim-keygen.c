/* dkim-keygen.c: generate the DKIM RSA key pair and print its DNS TXT record.
 *
 * usage: aimx dkim-keygen [--selector S] [--force]
 *
 * Not built yet: the outbound issue (#6) delivers it.
 */
#include "applets.h"
#include "cli.h"

int applet_dkim_keygen(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_not_built("dkim-keygen");
}
