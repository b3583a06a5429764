/* mcp_server.h: the MCP server as a state machine over newline-delimited JSON-RPC lines (no I/O).
 */
#ifndef AIMX_MCP_SERVER_H
#define AIMX_MCP_SERVER_H

#include <stddef.h>

#include "base/buf.h"

#define MCP_LINE_MAX    (32 * 1024 * 1024) /* a longer message gets a parse error */
#define MCP_VERSION_MAX 16

struct mcp_server {
	int initialized;               /* initialize was answered */
	char version[MCP_VERSION_MAX]; /* the negotiated protocol version */
};

void mcp_server_init(struct mcp_server *s);

/* Handle one message (a line without its '\n'); append the reply line, if any, to out.
 * 0, or -1 on ENOMEM. */
int mcp_server_line(struct mcp_server *s, const char *line, size_t len, struct buf *out);

/* The reply to a line longer than MCP_LINE_MAX, which was discarded unread. */
int mcp_server_oversize(struct buf *out);

#endif
