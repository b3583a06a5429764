/* fuzz_mcp.h: the MCP JSON-RPC server's fuzz target, for libFuzzer (make fuzz) and the corpus
 * replay. */
#ifndef AIMX_FUZZ_MCP_H
#define AIMX_FUZZ_MCP_H

#include <stddef.h>

/* Feeds each line of the bytes to an MCP server; 0 when every reply is one JSON object line. */
int fuzz_mcp_one(const unsigned char *data, size_t len);

#endif
