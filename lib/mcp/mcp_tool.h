/* mcp_tool.h: what every MCP tool shares: its result, the daemon call, the mailbox lookup, the id
 * check. */
#ifndef AIMX_MCP_TOOL_H
#define AIMX_MCP_TOOL_H

#include <cJSON.h>

#include "control/aimx.h"
#include "base/buf.h"
#include "mcp/mcp_arg.h"

/* A tool's outcome: the text of its one content item, and whether it is an error. */
struct mcp_result {
	int is_error;
	struct buf text;
};

int mcp_tool_ok(struct mcp_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A success whose text is the len bytes at text. */
int mcp_tool_ok_text(struct mcp_result *r, const char *text, size_t len);
/* Sets is_error; returns -1 so a tool can `return mcp_tool_fail(...)`. */
int mcp_tool_fail(struct mcp_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One AIMX/1 request. 0 when the daemon answered OK (resp filled, free it); -1 with the
 * tool error in r: "[CODE] reason", the daemon-not-running text, the connect error, or
 * "Malformed response from aimx daemon: ...". */
int mcp_tool_daemon(const struct aimx_request *req, struct aimx_response *resp, struct mcp_result *r);

/* MAILBOX-LIST as the caller: the parsed rows (free with cJSON_Delete), or NULL with r set. */
cJSON *mcp_tool_mailbox_rows(struct mcp_result *r);
/* The caller's row named name from rows, or NULL with "Mailbox '<n>' does not exist." */
const cJSON *mcp_tool_mailbox_find(const cJSON *rows, const char *name, struct mcp_result *r);
/* A row's string field, NULL when absent or not a string. */
const char *mcp_tool_row_str(const cJSON *row, const char *key);

/* The id rules of surface.md 5.1: 0, or -1 with "Email ID cannot be empty." or
 * "Email ID contains invalid characters.". */
int mcp_tool_check_id(const char *id, struct mcp_result *r);

/* The folder parameter ("inbox" when NULL): 0 with the row's inbox_path or sent_path in
 * *dir, or -1 with the invalid-folder text. */
int mcp_tool_folder_dir(const cJSON *row, const char *folder, const char **dir, struct mcp_result *r);

/* A tool: its name, description, parameters and the function that runs it. */
struct mcp_tool {
	const char *name;
	const char *description;
	const struct mcp_param *params;
	size_t nparams;
	int strict;
	int (*run)(const struct mcp_args *a, struct mcp_result *r);
};

/* The 12 tools, sorted by name. */
extern const struct mcp_tool mcp_tool_table[];
extern const size_t mcp_tool_count;

int mcp_tool_mailbox_list(const struct mcp_args *a, struct mcp_result *r);
int mcp_tool_mailbox_create(const struct mcp_args *a, struct mcp_result *r);
int mcp_tool_mailbox_delete(const struct mcp_args *a, struct mcp_result *r);
int mcp_tool_email_list(const struct mcp_args *a, struct mcp_result *r);
int mcp_tool_email_read(const struct mcp_args *a, struct mcp_result *r);
int mcp_tool_email_mark_read(const struct mcp_args *a, struct mcp_result *r);
int mcp_tool_email_mark_unread(const struct mcp_args *a, struct mcp_result *r);
int mcp_tool_email_send(const struct mcp_args *a, struct mcp_result *r);
int mcp_tool_email_reply(const struct mcp_args *a, struct mcp_result *r);
int mcp_tool_hook_create(const struct mcp_args *a, struct mcp_result *r);
int mcp_tool_hook_list(const struct mcp_args *a, struct mcp_result *r);
int mcp_tool_hook_delete(const struct mcp_args *a, struct mcp_result *r);

#endif
