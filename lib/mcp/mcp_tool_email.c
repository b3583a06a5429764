/* mcp_tool_email.c: the MCP tools email_list, email_read, email_mark_read and email_mark_unread
 * (surface.md 5.2). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/fileio.h"
#include "store/frontmatter_read.h"
#include "store/mail_folder.h"
#include "mcp/mcp_tool.h"
#include "base/utf8.h"

#define LIST_DEFAULT 50
#define LIST_MAX     200

/* The lookup and folder check every reading tool starts with. */
static int locate(const struct mcp_args *a, const char *mailbox_key, cJSON **rows, const char **dir,
                  struct mcp_result *r)
{
	const char *mailbox = mcp_arg_str(a, mailbox_key);
	*rows = mcp_tool_mailbox_rows(r);
	const cJSON *row = *rows ? mcp_tool_mailbox_find(*rows, mailbox, r) : NULL;
	if (!row)
		return -1;
	return mcp_tool_folder_dir(row, mcp_arg_str(a, "folder"), dir, r);
}

/* One listing row from a message's frontmatter: 1 added, 0 skipped (no frontmatter or
 * gone), -1 with the TOML error in r. */
static int add_row(cJSON *arr, const char *dir, const char *id, int sent, struct mcp_result *r)
{
	char path[PATH_MAX], err[ERR_SIZE];
	struct buf head = BUF_INIT;
	struct frontmatter fm;
	int fd = mail_folder_resolve(dir, id, path, sizeof(path)) == 0
	             ? open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
	             : -1;
	if (fd < 0)
		return 0;
	int rc = frontmatter_read_head(fd, &head) < 0
	             ? -2
	             : frontmatter_parse(head.data, head.len, &fm, err);
	close(fd);
	buf_free(&head);
	if (rc == -2)
		return mcp_tool_fail(r, "Failed to read email '%s': %s", id, strerror(errno));
	if (rc <= 0)
		return rc < 0
		           ? mcp_tool_fail(r, "Failed to parse frontmatter of email '%s': %s", id, err)
		           : 0;
	const char *from, *to, *subject, *date, *status = "";
	int read = 0;
	cJSON *row = cJSON_CreateObject();
	rc = frontmatter_string(&fm, "from", &from, err) < 0 ||
	     frontmatter_string(&fm, "to", &to, err) < 0 ||
	     frontmatter_string(&fm, "subject", &subject, err) < 0 ||
	     frontmatter_string(&fm, "date", &date, err) < 0 ||
	     (sent ? frontmatter_string(&fm, "delivery_status", &status, err)
	           : frontmatter_bool(&fm, "read", 0, &read, err)) < 0;
	if (rc) {
		frontmatter_free(&fm);
		cJSON_Delete(row);
		return mcp_tool_fail(r, "Failed to parse frontmatter of email '%s': %s", id, err);
	}
	int ok = row && cJSON_AddStringToObject(row, "id", id) &&
	         cJSON_AddStringToObject(row, "from", from) &&
	         cJSON_AddStringToObject(row, "to", to) &&
	         cJSON_AddStringToObject(row, "subject", subject) &&
	         cJSON_AddStringToObject(row, "date", date) &&
	         (sent ? cJSON_AddStringToObject(row, "delivery_status", status) != NULL
	               : cJSON_AddBoolToObject(row, "read", read) != NULL) &&
	         cJSON_AddItemToArray(arr, row);
	frontmatter_free(&fm);
	if (!ok) {
		cJSON_Delete(row);
		return mcp_tool_fail(r, "out of memory");
	}
	return 1;
}

/* The rows of ids[offset, offset + limit). */
static int list_page(const char *dir, int sent, const struct strlist *ids, size_t offset,
                     size_t limit, struct mcp_result *r)
{
	cJSON *arr = cJSON_CreateArray();
	if (!arr)
		return mcp_tool_fail(r, "out of memory");
	for (size_t k = offset; k < ids->n && k - offset < limit; k++)
		if (add_row(arr, dir, ids->v[k], sent, r) < 0) {
			cJSON_Delete(arr);
			return -1;
		}
	char *json = cJSON_PrintUnformatted(arr);
	cJSON_Delete(arr);
	int rc = json ? mcp_tool_ok_text(r, json, strlen(json)) : mcp_tool_fail(r, "out of memory");
	free(json);
	return rc;
}

int mcp_tool_email_list(const struct mcp_args *a, struct mcp_result *r)
{
	cJSON *rows;
	const char *dir;
	if (locate(a, "mailbox", &rows, &dir, r) < 0) {
		cJSON_Delete(rows);
		return -1;
	}
	unsigned long limit = mcp_arg_u32(a, "limit", LIST_DEFAULT);
	unsigned long offset = mcp_arg_u32(a, "offset", 0);
	int sent = mcp_arg_str(a, "folder") && strcmp(mcp_arg_str(a, "folder"), "sent") == 0;
	struct strlist ids = {0};
	int rc;
	if (mail_folder_ids(dir, &ids) < 0)
		rc = mcp_tool_fail(r, "Failed to list emails: %s", strerror(errno));
	else
		rc = list_page(dir, sent, &ids, offset, limit > LIST_MAX ? LIST_MAX : limit, r);
	strlist_free(&ids);
	cJSON_Delete(rows);
	return rc;
}

int mcp_tool_email_read(const struct mcp_args *a, struct mcp_result *r)
{
	const char *id = mcp_arg_str(a, "id"), *mailbox = mcp_arg_str(a, "mailbox"), *dir;
	cJSON *rows = NULL;
	char path[PATH_MAX];
	struct buf text = BUF_INIT;
	int rc = -1;
	if (mcp_tool_check_id(id, r) < 0 || locate(a, "mailbox", &rows, &dir, r) < 0)
		goto out;
	if (mail_folder_resolve(dir, id, path, sizeof(path)) < 0)
		rc = mcp_tool_fail(r, "Email '%s' not found in mailbox '%s'.", id, mailbox);
	else if (fileio_read_file(path, &text) < 0)
		rc = mcp_tool_fail(r, "Failed to read email: %s", strerror(errno));
	else if (!utf8_valid(text.data ? text.data : "", text.len) ||
	         memchr(text.data ? text.data : "", '\0', text.len))
		rc = mcp_tool_fail(r, "Failed to read email: the file is not valid UTF-8 text");
	else
		rc = mcp_tool_ok_text(r, text.data ? text.data : "", text.len);
out:
	buf_free(&text);
	cJSON_Delete(rows);
	return rc;
}

static int mark(const struct mcp_args *a, enum aimx_verb verb, const char *done,
                struct mcp_result *r)
{
	const char *id = mcp_arg_str(a, "id"), *mailbox = mcp_arg_str(a, "mailbox");
	if (mcp_tool_check_id(id, r) < 0)
		return -1;
	cJSON *rows = mcp_tool_mailbox_rows(r);
	int found = rows && mcp_tool_mailbox_find(rows, mailbox, r);
	cJSON_Delete(rows);
	if (!found)
		return -1;
	struct aimx_request req = {.verb = verb, .mailbox = (char *)mailbox, .id = (char *)id};
	struct aimx_response resp;
	if (mcp_tool_daemon(&req, &resp, r) < 0)
		return -1;
	aimx_response_free(&resp);
	return mcp_tool_ok(r, "Email '%s' marked as %s.", id, done);
}

int mcp_tool_email_mark_read(const struct mcp_args *a, struct mcp_result *r)
{
	return mark(a, AIMX_MARK_READ, "read", r);
}

int mcp_tool_email_mark_unread(const struct mcp_args *a, struct mcp_result *r)
{
	return mark(a, AIMX_MARK_UNREAD, "unread", r);
}
