/* fuzz_mcp.c: newline-delimited JSON-RPC through the MCP server state machine, with every
 * path (config, data, control socket) pointed at a directory that does not exist, so a tool
 * call fails its I/O and touches nothing. */
#include "tests/fuzz/fuzz_mcp.h"

#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "base/buf.h"
#include "mcp/mcp_server.h"
#include "tests/fuzz/support/fuzz_util.h"

#define NOWHERE "/nonexistent/aimx-fuzz"

static void paths_nowhere(void)
{
	setenv("AIMX_CONFIG_DIR", NOWHERE, 1);
	setenv("AIMX_DATA_DIR", NOWHERE, 1);
	setenv("AIMX_RUNTIME_DIR", NOWHERE, 1);
}

/* A batch's reply: a non-empty array of objects. */
static int batch_bad(const cJSON *j)
{
	const cJSON *item;
	if (cJSON_GetArraySize(j) == 0)
		return 1;
	cJSON_ArrayForEach(item, j) if (!cJSON_IsObject(item)) return 1;
	return 0;
}

/* No reply, or exactly one line holding one JSON object (an array of them for a batch). */
static int reply_bad(const struct buf *out)
{
	if (out->len == 0)
		return 0;
	if (out->data[out->len - 1] != '\n' ||
	    memchr(out->data, '\n', out->len) != out->data + out->len - 1)
		return 1;
	cJSON *j = cJSON_ParseWithLength(out->data, out->len - 1);
	int bad = !j || (cJSON_IsArray(j) ? batch_bad(j) : !cJSON_IsObject(j));
	cJSON_Delete(j);
	return bad;
}

int fuzz_mcp_one(const unsigned char *data, size_t len)
{
	struct mcp_server s;
	int bad = 0;
	paths_nowhere();
	mcp_server_init(&s);
	for (size_t pos = 0; pos < len && !bad;) {
		size_t n = fuzz_util_line(data + pos, len - pos);
		struct buf out = BUF_INIT;
		if (mcp_server_line(&s, (const char *)data + pos, n, &out) == 0)
			bad = reply_bad(&out);
		buf_free(&out);
		pos += n + 1;
	}
	return bad;
}

FUZZ_UTIL_ENTRY(fuzz_mcp_one)
