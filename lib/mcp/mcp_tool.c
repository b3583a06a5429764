/* mcp_tool.c: results, daemon calls, mailbox lookup and id checks shared by the MCP tools. */
#include "mcp/mcp_tool.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "control/aimx_client.h"
#include "mcp/jsonrpc.h"

static int put(struct mcp_result *r, int is_error, const char *fmt, va_list ap)
{
	r->is_error = is_error;
	buf_reset(&r->text);
	if (buf_vprintf(&r->text, fmt, ap) < 0)
		r->is_error = 1;
	return is_error ? -1 : 0;
}

int mcp_tool_ok(struct mcp_result *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = put(r, 0, fmt, ap);
	va_end(ap);
	return rc;
}

int mcp_tool_ok_text(struct mcp_result *r, const char *text, size_t len)
{
	r->is_error = 0;
	buf_reset(&r->text);
	if (buf_append(&r->text, text, len) < 0)
		return mcp_tool_fail(r, "out of memory");
	return 0;
}

int mcp_tool_fail(struct mcp_result *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	put(r, 1, fmt, ap);
	va_end(ap);
	return -1;
}

int mcp_tool_daemon(const struct aimx_request *req, struct aimx_response *resp, struct mcp_result *r)
{
	char err[ERR_SIZE];
	int sys_errno;
	switch (aimx_client_call(req, resp, err, &sys_errno)) {
	case AIMX_CALL_OK:
		if (resp->ok)
			return 0;
		mcp_tool_fail(r, "[%s] %s", resp->code, resp->reason);
		break;
	case AIMX_CALL_NO_DAEMON:
		mcp_tool_fail(r, "aimx daemon not running. Start with 'sudo systemctl start aimx'");
		break;
	case AIMX_CALL_CONNECT:
		mcp_tool_fail(r, "%s", err);
		break;
	default:
		mcp_tool_fail(r, "Malformed response from aimx daemon: %s", err);
	}
	aimx_response_free(resp);
	return -1;
}

cJSON *mcp_tool_mailbox_rows(struct mcp_result *r)
{
	struct aimx_request req = {.verb = AIMX_MAILBOX_LIST};
	struct aimx_response resp;
	if (mcp_tool_daemon(&req, &resp, r) < 0)
		return NULL;
	cJSON *rows = cJSON_ParseWithLength(resp.json.data ? resp.json.data : "", resp.json.len);
	aimx_response_free(&resp);
	if (!cJSON_IsArray(rows)) {
		cJSON_Delete(rows);
		mcp_tool_fail(r, "Malformed response from aimx daemon: MAILBOX-LIST did not return a "
		            "JSON array");
		return NULL;
	}
	return rows;
}

const char *mcp_tool_row_str(const cJSON *row, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

const cJSON *mcp_tool_mailbox_find(const cJSON *rows, const char *name, struct mcp_result *r)
{
	const cJSON *row;
	cJSON_ArrayForEach(row, rows)
	{
		const char *n = mcp_tool_row_str(row, "name");
		if (n && strcmp(n, name) == 0)
			return row;
	}
	mcp_tool_fail(r, "Mailbox '%s' does not exist.", name);
	return NULL;
}

int mcp_tool_check_id(const char *id, struct mcp_result *r)
{
	if (!id[0])
		return mcp_tool_fail(r, "Email ID cannot be empty.");
	if (strstr(id, "..") || strchr(id, '/') || strchr(id, '\\') || strchr(id, JSONRPC_NUL_MARK))
		return mcp_tool_fail(r, "Email ID contains invalid characters.");
	return 0;
}

int mcp_tool_folder_dir(const cJSON *row, const char *folder, const char **dir, struct mcp_result *r)
{
	const char *f = folder ? folder : "inbox";
	if (strcmp(f, "inbox") != 0 && strcmp(f, "sent") != 0)
		return mcp_tool_fail(r, "Invalid folder '%s': expected \"inbox\" or \"sent\".", f);
	*dir = mcp_tool_row_str(row, strcmp(f, "inbox") == 0 ? "inbox_path" : "sent_path");
	if (!*dir)
		return mcp_tool_fail(
		    r, "Malformed response from aimx daemon: mailbox row has no %s_path", f);
	return 0;
}
