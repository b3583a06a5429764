/* mcp.c: the stdio MCP server.
 *
 * usage: aimx mcp
 *
 * Not built yet: the MCP issue (#7) delivers it.
 */
#include "applets.h"
#include "cli.h"

int applet_mcp(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_not_built("mcp");
}
