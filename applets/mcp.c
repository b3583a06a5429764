/* mcp.c: the stdio MCP server.
 *
 * usage: aimx mcp
 *
 * Serve the Model Context Protocol on stdin/stdout (newline-delimited
 * JSON-RPC) for an AI agent, as the user who runs it. Its tools list,
 * create and delete mailboxes; list, read, mark, send and reply to mail;
 * and list, create and delete hooks. Mail is read from the data directory
 * with the caller's own permissions; everything else goes to the daemon,
 * which checks the caller owns the mailbox. Reads no config.
 *
 * Register it with an MCP client as the command `aimx mcp`.
 * Exit: 0 when stdin closes, 1 on an I/O error, 2 on a usage error.
 */
#include "applets.h"
#include "cli.h"

int applet_mcp(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_not_built("mcp");
}
