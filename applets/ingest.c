/* ingest.c: store one RFC 5322 message from stdin for a recipient.
 *
 * usage: aimx ingest RCPT < message.eml
 *
 * Not built yet: the inbound issue (#3) delivers it.
 */
#include "applets.h"
#include "cli.h"

int applet_ingest(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_not_built("ingest");
}
