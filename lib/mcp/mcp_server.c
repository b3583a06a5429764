/* mcp_server.c: MCP over JSON-RPC: initialize, ping, tools/list, tools/call, batches, errors. */
#include "mcp/mcp_server.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "mcp/jsonrpc.h"
#include "mcp/mcp_tool.h"
#include "base/utf8.h"
#include "base/version.h"

#define DEFAULT_VERSION "2025-11-25"
#define BATCH_VERSION   "2025-03-26" /* the one revision that had JSON-RPC batches */

static const char *const known_versions[] = {"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25",
                                             "2026-07-28"};

static const char instructions[] = "aimx email server. Manage mailboxes and emails for AI agents";

void mcp_server_init(struct mcp_server *s)
{
	memset(s, 0, sizeof(*s));
}

static cJSON *initialize(struct mcp_server *s, const cJSON *params, const char **why)
{
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(params, "protocolVersion");
	if (!cJSON_IsString(ver)) {
		*why = "invalid params: protocolVersion must be a string";
		return NULL;
	}
	snprintf(s->version, sizeof(s->version), "%s", DEFAULT_VERSION);
	for (size_t k = 0; k < sizeof(known_versions) / sizeof(*known_versions); k++)
		if (strcmp(ver->valuestring, known_versions[k]) == 0)
			snprintf(s->version, sizeof(s->version), "%s", known_versions[k]);
	cJSON *res = cJSON_CreateObject(), *caps = cJSON_AddObjectToObject(res, "capabilities");
	cJSON *info = cJSON_AddObjectToObject(res, "serverInfo");
	if (!cJSON_AddStringToObject(res, "protocolVersion", s->version) ||
	    !cJSON_AddObjectToObject(caps, "tools") ||
	    !cJSON_AddStringToObject(info, "name", "aimx") ||
	    !cJSON_AddStringToObject(info, "version", version_tag()) ||
	    !cJSON_AddStringToObject(res, "instructions", instructions)) {
		cJSON_Delete(res);
		return NULL;
	}
	s->initialized = 1;
	return res;
}

static cJSON *tools_list(void)
{
	cJSON *res = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(res, "tools");
	int ok = arr != NULL;
	for (size_t k = 0; ok && k < mcp_tool_count; k++) {
		const struct mcp_tool *t = &mcp_tool_table[k];
		cJSON *o = cJSON_CreateObject();
		ok = o && cJSON_AddItemToArray(arr, o) &&
		     cJSON_AddStringToObject(o, "name", t->name) &&
		     cJSON_AddStringToObject(o, "description", t->description) &&
		     cJSON_AddItemToObject(o, "inputSchema",
		                           mcp_arg_schema(t->params, t->nparams, t->strict));
	}
	if (!ok) {
		cJSON_Delete(res);
		return NULL;
	}
	return res;
}

static cJSON *tool_result(const struct mcp_result *r)
{
	cJSON *res = cJSON_CreateObject(), *content = cJSON_AddArrayToObject(res, "content");
	cJSON *item = cJSON_CreateObject();
	if (!content || !item || !cJSON_AddItemToArray(content, item)) {
		cJSON_Delete(item);
		cJSON_Delete(res);
		return NULL;
	}
	if (!cJSON_AddStringToObject(item, "type", "text") ||
	    !cJSON_AddStringToObject(item, "text", r->text.data ? r->text.data : "") ||
	    !cJSON_AddBoolToObject(res, "isError", r->is_error)) {
		cJSON_Delete(res);
		return NULL;
	}
	return res;
}

static const struct mcp_tool *find_tool(const char *name)
{
	for (size_t k = 0; k < mcp_tool_count; k++)
		if (strcmp(mcp_tool_table[k].name, name) == 0)
			return &mcp_tool_table[k];
	return NULL;
}

/* A NUL anywhere in the arguments but in the string value of "id": the email tools refuse
 * an id with NUL themselves, with the spec's "Email ID contains invalid characters.". */
static int nul_outside_id(const cJSON *arguments)
{
	if (!cJSON_IsObject(arguments))
		return jsonrpc_has_nul(arguments);
	for (const cJSON *c = arguments->child; c; c = c->next)
		if (!(cJSON_IsString(c) && strcmp(c->string, "id") == 0) && jsonrpc_has_nul(c))
			return 1;
	return 0;
}

/* tools/call: NULL with *why for a JSON-RPC error; otherwise the tool result. */
static cJSON *tools_call(const cJSON *params, const char **why)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(params, "name");
	if (!cJSON_IsString(name)) {
		*why = "invalid params: \"name\" must be a string";
		return NULL;
	}
	const struct mcp_tool *t = find_tool(name->valuestring);
	if (!t) {
		*why = "tool not found";
		return NULL;
	}
	struct mcp_result r = {0, BUF_INIT};
	struct mcp_args args;
	char err[ERR_SIZE];
	const cJSON *arguments = cJSON_GetObjectItemCaseSensitive(params, "arguments");
	if (nul_outside_id(arguments))
		mcp_tool_fail(&r, "failed to deserialize parameters: a string contains NUL (\\u0000), "
		             "which no aimx parameter accepts");
	else if (mcp_arg_decode(t->params, t->nparams, t->strict, arguments, &args, err) < 0)
		mcp_tool_fail(&r, "failed to deserialize parameters: %s", err);
	else
		t->run(&args, &r);
	cJSON *res = tool_result(&r);
	buf_free(&r.text);
	if (!res)
		*why = "out of memory";
	return res;
}

/* The reply to one request, or NULL for a notification or a response. */
static cJSON *dispatch(struct mcp_server *s, const cJSON *msg)
{
	struct jsonrpc_msg m;
	enum jsonrpc_kind kind = jsonrpc_classify(msg, &m);
	if (kind == JSONRPC_INVALID)
		return jsonrpc_error(m.id, JSONRPC_INVALID_REQUEST, m.why);
	if (kind == JSONRPC_RESPONSE)
		return NULL;
	if (kind == JSONRPC_NOTIFICATION)
		return NULL;
	const char *why = "out of memory";
	enum jsonrpc_code code = JSONRPC_INVALID_PARAMS;
	cJSON *res = NULL;
	if (strcmp(m.method, "initialize") == 0) {
		if (s->initialized)
			return jsonrpc_error(m.id, JSONRPC_INVALID_REQUEST, "already initialized");
		res = initialize(s, m.params, &why);
	} else if (strcmp(m.method, "ping") == 0) {
		res = cJSON_CreateObject();
	} else if (strcmp(m.method, "tools/list") == 0 || strcmp(m.method, "tools/call") == 0) {
		if (!s->initialized)
			return jsonrpc_error(m.id, JSONRPC_INVALID_REQUEST,
			                     "server not initialized: send initialize first");
		res =
		    m.method[6] == 'l' ? tools_list() : tools_call(m.params, &why);
	} else {
		return jsonrpc_error(m.id, JSONRPC_METHOD_NOT_FOUND, "Method not found");
	}
	if (!res && strcmp(why, "out of memory") == 0)
		code = JSONRPC_INTERNAL_ERROR;
	return res ? jsonrpc_result(m.id, res) : jsonrpc_error(m.id, code, why);
}

static int put(struct buf *out, cJSON *reply)
{
	if (!reply)
		return 0;
	char *text = cJSON_PrintUnformatted(reply);
	cJSON_Delete(reply);
	int rc = text ? buf_printf(out, "%s\n", text) : -1;
	free(text);
	return rc;
}

/* A batch member's reply: initialize is refused there (under its own id), the rest as alone. */
static cJSON *batch_member(struct mcp_server *s, const cJSON *msg)
{
	struct jsonrpc_msg m;
	if (jsonrpc_classify(msg, &m) == JSONRPC_REQUEST && strcmp(m.method, "initialize") == 0)
		return jsonrpc_error(m.id, JSONRPC_INVALID_REQUEST,
		                     "initialize must not be part of a batch");
	return dispatch(s, msg);
}

/* A batch: every member handled; the replies in one array, nothing if there are none. */
static int batch(struct mcp_server *s, const cJSON *arr, struct buf *out)
{
	if (strcmp(s->version, BATCH_VERSION) != 0 || cJSON_GetArraySize(arr) == 0)
		return put(out, jsonrpc_error(NULL, JSONRPC_INVALID_REQUEST,
		                              cJSON_GetArraySize(arr) == 0
		                                  ? "empty batch"
		                                  : "batches are not supported by this protocol "
		                                    "version"));
	cJSON *replies = cJSON_CreateArray();
	const cJSON *it;
	if (!replies)
		return -1;
	cJSON_ArrayForEach(it, arr)
	{
		cJSON *reply = batch_member(s, it);
		if (reply && !cJSON_AddItemToArray(replies, reply))
			cJSON_Delete(reply);
	}
	if (cJSON_GetArraySize(replies) == 0) {
		cJSON_Delete(replies);
		return 0;
	}
	return put(out, replies);
}

/* 1 when p[0..len) is only JSON whitespace (p need not be NUL-terminated). */
static int blank(const char *p, size_t len)
{
	for (size_t k = 0; k < len; k++)
		if (!memchr(" \t\r\n", p[k], 4))
			return 0;
	return 1;
}

int mcp_server_line(struct mcp_server *s, const char *line, size_t len, struct buf *out)
{
	if (blank(line, len))
		return 0;
	if (!utf8_valid(line, len) || memchr(line, '\0', len))
		return put(out, jsonrpc_error(NULL, JSONRPC_PARSE_ERROR, "Parse error"));
	char *marked;
	size_t text_len = len;
	if (jsonrpc_mark_nuls(line, len, &marked, &text_len) < 0)
		return -1;
	const char *text = marked ? marked : line, *end = NULL;
	cJSON *msg = cJSON_ParseWithLengthOpts(text, text_len, &end, 0);
	int rc;
	if (!msg || !blank(end, text_len - (size_t)(end - text)))
		rc = put(out, jsonrpc_error(NULL, JSONRPC_PARSE_ERROR, "Parse error"));
	else
		rc = cJSON_IsArray(msg) ? batch(s, msg, out) : put(out, dispatch(s, msg));
	cJSON_Delete(msg);
	free(marked);
	return rc;
}

int mcp_server_oversize(struct buf *out)
{
	char why[96];
	snprintf(why, sizeof(why), "Parse error: message longer than %d MiB",
	         MCP_LINE_MAX / (1024 * 1024));
	return put(out, jsonrpc_error(NULL, JSONRPC_PARSE_ERROR, why));
}
