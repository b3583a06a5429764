/* mcp_tool_mailbox.c: the MCP tools mailbox_list, mailbox_create and mailbox_delete (surface.md 5.2,
 * DECISIONS 21-22). */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mcp/mcp_tool.h"

int mcp_tool_mailbox_list(const struct mcp_args *a, struct mcp_result *r)
{
	(void)a;
	struct aimx_request req = {.verb = AIMX_MAILBOX_LIST};
	struct aimx_response resp;
	if (mcp_tool_daemon(&req, &resp, r) < 0)
		return -1;
	int rc = resp.json.len ? mcp_tool_ok_text(r, resp.json.data, resp.json.len) : mcp_tool_ok(r, "[]");
	aimx_response_free(&resp);
	return rc;
}

/* The address of the caller's registered mailbox name, looked up again; NULL if none. */
static char *registered_address(const char *name)
{
	struct mcp_result ignored = {0, BUF_INIT};
	cJSON *rows = mcp_tool_mailbox_rows(&ignored);
	const cJSON *row = rows ? mcp_tool_mailbox_find(rows, name, &ignored) : NULL;
	const char *addr = row ? mcp_tool_row_str(row, "address") : NULL;
	char *copy = addr ? strdup(addr) : NULL;
	cJSON_Delete(rows);
	buf_free(&ignored.text);
	return copy;
}

/* Root has no username of its own to own a mailbox: the user named like the mailbox. */
static int root_owner(const char *name, struct mcp_result *r)
{
	if (getpwnam(name))
		return 0;
	return mcp_tool_fail(
	    r,
	    "[VALIDATION] running as root, mailbox_create makes the user named '%s' the "
	    "owner, and no such user exists; create the user first, or run `sudo aimx "
	    "mailboxes create %s --owner USER`",
	    name, name);
}

static int created(const char *name, struct mcp_result *r)
{
	char *addr = registered_address(name);
	int rc = addr ? mcp_tool_ok(r, "%s", addr) : mcp_tool_ok(r, "Mailbox '%s' created.", name);
	free(addr);
	return rc;
}

int mcp_tool_mailbox_create(const struct mcp_args *a, struct mcp_result *r)
{
	const char *name = mcp_arg_str(a, "name");
	int as_root = geteuid() == 0;
	if (as_root && root_owner(name, r) < 0)
		return -1;
	struct aimx_request req = {.verb = AIMX_MAILBOX_CREATE,
	                           .name = (char *)name,
	                           .owner = as_root ? (char *)name : NULL};
	struct aimx_response resp;
	if (mcp_tool_daemon(&req, &resp, r) == 0) {
		aimx_response_free(&resp);
		return created(name, r);
	}
	if (strcmp(resp.code, "MAILBOX") != 0 || !strstr(resp.reason, "already exists"))
		return -1;
	char *addr = registered_address(name);
	if (!addr)
		return -1;
	mcp_tool_ok(r, "%s", addr);
	free(addr);
	return 0;
}

int mcp_tool_mailbox_delete(const struct mcp_args *a, struct mcp_result *r)
{
	const char *name = mcp_arg_str(a, "name");
	int force = mcp_arg_bool(a, "force", 0);
	if (force && strcmp(name, "catchall") == 0)
		return mcp_tool_fail(r, "Cannot delete the catchall mailbox");
	struct aimx_request req = {.verb = AIMX_MAILBOX_DELETE, .name = (char *)name};
	if (force)
		req.has_force = req.force = 1;
	struct aimx_response resp;
	if (mcp_tool_daemon(&req, &resp, r) < 0)
		return -1;
	aimx_response_free(&resp);
	return mcp_tool_ok(r, "Mailbox '%s' deleted.", name);
}
