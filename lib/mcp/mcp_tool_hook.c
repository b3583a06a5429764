/* mcp_tool_hook.c: the MCP tools hook_create, hook_list and hook_delete (surface.md 5.2). */
#include <stdlib.h>
#include <string.h>

#include "conf/config.h"
#include "mcp/mcp_tool.h"
#include "control/hook_body.h"

/* The lookup that opens hook_create and filtered hook_list: 0 when the caller sees mailbox. */
static int caller_mailbox(const char *mailbox, struct mcp_result *r)
{
	cJSON *rows = mcp_tool_mailbox_rows(r);
	int found = rows && mcp_tool_mailbox_find(rows, mailbox, r);
	cJSON_Delete(rows);
	return found ? 0 : -1;
}

int mcp_tool_hook_create(const struct mcp_args *a, struct mcp_result *r)
{
	const char *mailbox = mcp_arg_str(a, "mailbox");
	if (caller_mailbox(mailbox, r) < 0)
		return -1;
	size_t n;
	const char **cmd = mcp_arg_strings(a, "cmd", &n);
	if (!cmd && n)
		return mcp_tool_fail(r, "out of memory");
	if (n == 0) {
		free(cmd);
		return mcp_tool_fail(r, "cmd must not be empty");
	}
	struct strlist argv = {(char **)cmd, n};
	char *body = hook_body_encode(&argv, mcp_arg_bool(a, "fire_on_untrusted", 0),
	                              mcp_arg_has(a, "timeout_secs"),
	                              (unsigned)mcp_arg_u32(a, "timeout_secs", 0));
	free(cmd);
	if (!body)
		return mcp_tool_fail(r, "out of memory");
	struct aimx_request req = {.verb = AIMX_HOOK_CREATE,
	                           .mailbox = (char *)mailbox,
	                           .event = (char *)mcp_arg_str(a, "event"),
	                           .name = (char *)mcp_arg_str(a, "name"),
	                           .body = {body, strlen(body), strlen(body) + 1, 0}};
	struct aimx_response resp;
	int rc = mcp_tool_daemon(&req, &resp, r);
	free(body);
	if (rc < 0)
		return -1;
	aimx_response_free(&resp);
	return mcp_tool_ok(r, "Hook created on mailbox '%s'.", mailbox);
}

/* The rows of the HOOK-LIST JSON whose mailbox is `mailbox`, re-serialised. */
static int filtered(const struct buf *json, const char *mailbox, struct mcp_result *r)
{
	cJSON *rows = cJSON_ParseWithLength(json->data ? json->data : "", json->len);
	cJSON *keep = cJSON_CreateArray();
	const cJSON *row, *all = cJSON_IsArray(rows) ? rows : NULL;
	int ok = all && keep;
	cJSON_ArrayForEach(row, all)
	{
		const char *m = mcp_tool_row_str(row, "mailbox");
		if (ok && m && strcmp(m, mailbox) == 0)
			ok = cJSON_AddItemToArray(keep, cJSON_Duplicate(row, 1));
	}
	char *out = ok ? cJSON_PrintUnformatted(keep) : NULL;
	cJSON_Delete(rows);
	cJSON_Delete(keep);
	int rc = out ? mcp_tool_ok_text(r, out, strlen(out))
	             : mcp_tool_fail(r, "Malformed response from aimx daemon: HOOK-LIST did not return "
	                           "a JSON array");
	free(out);
	return rc;
}

int mcp_tool_hook_list(const struct mcp_args *a, struct mcp_result *r)
{
	const char *mailbox = mcp_arg_str(a, "mailbox");
	if (mailbox && caller_mailbox(mailbox, r) < 0)
		return -1;
	struct aimx_request req = {.verb = AIMX_HOOK_LIST};
	struct aimx_response resp;
	if (mcp_tool_daemon(&req, &resp, r) < 0)
		return -1;
	int rc;
	if (mailbox)
		rc = filtered(&resp.json, mailbox, r);
	else
		rc =
		    resp.json.len ? mcp_tool_ok_text(r, resp.json.data, resp.json.len) : mcp_tool_ok(r, "[]");
	aimx_response_free(&resp);
	return rc;
}

int mcp_tool_hook_delete(const struct mcp_args *a, struct mcp_result *r)
{
	const char *name = mcp_arg_str(a, "name");
	struct aimx_request req = {.verb = AIMX_HOOK_DELETE, .hook_name = (char *)name};
	struct aimx_response resp;
	if (mcp_tool_daemon(&req, &resp, r) < 0)
		return -1;
	aimx_response_free(&resp);
	return mcp_tool_ok(r, "Hook '%s' deleted.", name);
}
