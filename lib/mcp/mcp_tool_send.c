/* mcp_tool_send.c: the MCP tools email_send and email_reply (surface.md 5.2, DECISIONS 28). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/err.h"
#include "base/fileio.h"
#include "store/frontmatter_read.h"
#include "store/mail_folder.h"
#include "mcp/mcp_tool.h"
#include "mime/compose.h"
#include "control/aimx_client_send.h"

/* text_only with any html_body (even "") fails before any I/O. */
static int exclusive_bodies(const struct mcp_args *a, struct mcp_result *r)
{
	if (mcp_arg_bool(a, "text_only", 0) && mcp_arg_has(a, "html_body"))
		return mcp_tool_fail(r,
		                "AIMX/1 SEND: --text-only and --html-body are mutually exclusive");
	return 0;
}

/* The sender address of the mailbox row: -1 with the not-registered or catchall text. */
static const char *sender_address(const cJSON *row, const char *mailbox, const char *verb,
                                  struct mcp_result *r)
{
	const char *addr = mcp_tool_row_str(row, "address");
	if (!addr) {
		mcp_tool_fail(r, "Mailbox '%s' is not registered.", mailbox);
		return NULL;
	}
	if (addr[0] == '*') {
		mcp_tool_fail(r,
		         "Cannot %s from '%s': catchall mailbox has no valid sender address. Use a "
		         "named mailbox.",
		         verb, mailbox);
		return NULL;
	}
	return addr;
}

/* Compose, SEND, and report "Email sent to <to>. Message-ID: <id>". */
static int compose_and_send(const struct compose_message *in, const struct mcp_args *a,
                            struct mcp_result *r)
{
	struct buf msg = BUF_INIT;
	char err[ERR_SIZE], cerr[512];
	struct aimx_response resp;
	int sys_errno;
	if (compose_message(in, &msg, err) < 0) {
		buf_free(&msg);
		return mcp_tool_fail(r, "%s", err);
	}
	enum aimx_call_status st =
	    aimx_client_send(&msg, mcp_arg_bool(a, "text_only", 0), mcp_arg_str(a, "html_body"), &resp,
	                cerr, &sys_errno);
	buf_free(&msg);
	int rc;
	if (st == AIMX_CALL_OK && resp.ok)
		rc = mcp_tool_ok(r, "Email sent to %s. Message-ID: %s", in->to, resp.message_id);
	else if (st == AIMX_CALL_OK)
		rc = mcp_tool_fail(r, "[%s] %s", resp.code, resp.reason);
	else if (st == AIMX_CALL_NO_DAEMON)
		rc = mcp_tool_fail(r, "aimx daemon not running. Start with 'sudo systemctl start aimx'");
	else if (st == AIMX_CALL_CONNECT)
		rc = mcp_tool_fail(r, "%s", cerr);
	else
		rc = mcp_tool_fail(r, "Malformed response from aimx daemon: %s", cerr);
	aimx_response_free(&resp);
	return rc;
}

int mcp_tool_email_send(const struct mcp_args *a, struct mcp_result *r)
{
	const char *mailbox = mcp_arg_str(a, "from_mailbox");
	if (exclusive_bodies(a, r) < 0)
		return -1;
	cJSON *rows = mcp_tool_mailbox_rows(r);
	const cJSON *row = rows ? mcp_tool_mailbox_find(rows, mailbox, r) : NULL;
	const char *from = row ? sender_address(row, mailbox, "send", r) : NULL;
	size_t natt;
	const char **att = mcp_arg_strings(a, "attachments", &natt);
	int rc = -1;
	if (!att && natt)
		mcp_tool_fail(r, "out of memory");
	else if (from) {
		const char *reply_to = mcp_arg_str(a, "reply_to");
		struct compose_message in = {from,
		                          mcp_arg_str(a, "to"),
		                          mcp_arg_str(a, "subject"),
		                          mcp_arg_str(a, "body"),
		                          reply_to,
		                          reply_to ? mcp_arg_str(a, "references") : NULL,
		                          att,
		                          natt};
		rc = compose_and_send(&in, a, r);
	}
	free(att);
	cJSON_Delete(rows);
	return rc;
}

/* ---- email_reply ---- */

struct reply {
	char *to, *subject, *in_reply_to, *references;
};

static void reply_free(struct reply *p)
{
	free(p->to);
	free(p->subject);
	free(p->in_reply_to);
	free(p->references);
}

/* The address inside the first <...> of s, else s trimmed. */
static char *bare_address(const char *s)
{
	const char *lt = strchr(s, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	if (lt && gt)
		return strndup(lt + 1, (size_t)(gt - lt - 1));
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return strndup(s, n);
}

/* Append id to b as "<id>" (brackets added when missing), space-separated. */
static int put_msgid(struct buf *b, const char *id, size_t n)
{
	int bracketed = n >= 2 && id[0] == '<' && id[n - 1] == '>';
	return buf_printf(b, "%s%s%.*s%s", b->len ? " " : "", bracketed ? "" : "<", (int)n, id,
	                  bracketed ? "" : ">");
}

/* References: each id of the original's chain, then the original's own id. */
static char *thread_references(const char *chain, const char *msgid)
{
	struct buf b = BUF_INIT;
	int rc = 0;
	for (const char *p = chain; rc == 0 && *p;) {
		size_t skip = strspn(p, " \t\r\n"), n = strcspn(p + skip, " \t\r\n");
		if (n)
			rc = put_msgid(&b, p + skip, n);
		p += skip + n;
	}
	if (rc == 0 && put_msgid(&b, msgid, strlen(msgid)) == 0)
		return buf_steal(&b);
	buf_free(&b);
	return NULL;
}

/* Recipient, subject and threading from the original's frontmatter (DECISIONS 28). */
static int build_reply(const struct frontmatter *fm, struct reply *p)
{
	const char *from, *reply_to, *subject, *msgid, *refs;
	char err[ERR_SIZE];
	if (frontmatter_string(fm, "from", &from, err) < 0 ||
	    frontmatter_string(fm, "reply_to", &reply_to, err) < 0 ||
	    frontmatter_string(fm, "subject", &subject, err) < 0 ||
	    frontmatter_string(fm, "message_id", &msgid, err) < 0 ||
	    frontmatter_string(fm, "references", &refs, err) < 0)
		return -1;
	p->to = bare_address(reply_to[0] ? reply_to : from);
	if (strncasecmp(subject, "re:", 3) == 0)
		p->subject = strdup(subject);
	else if (asprintf(&p->subject, "Re: %s", subject) < 0)
		p->subject = NULL;
	while (*msgid == ' ')
		msgid++;
	if (*msgid) {
		p->in_reply_to = strdup(msgid);
		p->references = thread_references(refs, msgid);
		if (!p->in_reply_to || !p->references)
			return -1;
	}
	return p->to && p->subject ? 0 : -1;
}

/* The original message's frontmatter, from the inbox only. */
static int read_original(const char *dir, const char *mailbox, const char *id,
                         struct frontmatter *fm, struct mcp_result *r)
{
	char path[PATH_MAX], err[ERR_SIZE];
	struct buf text = BUF_INIT;
	if (mail_folder_resolve(dir, id, path, sizeof(path)) < 0)
		return mcp_tool_fail(r, "Email '%s' not found in mailbox '%s'.", id, mailbox);
	if (fileio_read_file(path, &text) < 0) {
		buf_free(&text);
		return mcp_tool_fail(r, "Failed to read email: %s", strerror(errno));
	}
	int rc = frontmatter_parse(text.data ? text.data : "", text.len, fm, err);
	buf_free(&text);
	return rc == 1 ? 0 : mcp_tool_fail(r, "Failed to parse email frontmatter.");
}

int mcp_tool_email_reply(const struct mcp_args *a, struct mcp_result *r)
{
	const char *mailbox = mcp_arg_str(a, "mailbox"), *id = mcp_arg_str(a, "id"), *dir;
	if (exclusive_bodies(a, r) < 0 || mcp_tool_check_id(id, r) < 0)
		return -1;
	cJSON *rows = mcp_tool_mailbox_rows(r);
	const cJSON *row = rows ? mcp_tool_mailbox_find(rows, mailbox, r) : NULL;
	struct frontmatter fm = {0};
	struct reply p = {0};
	const char *from = NULL;
	int rc = -1;
	if (row && mcp_tool_folder_dir(row, "inbox", &dir, r) == 0 &&
	    read_original(dir, mailbox, id, &fm, r) == 0)
		from = sender_address(row, mailbox, "reply", r);
	if (from && build_reply(&fm, &p) < 0)
		mcp_tool_fail(r, "Failed to parse email frontmatter.");
	else if (from) {
		struct compose_message in = {
		    from,          p.to,         p.subject, mcp_arg_str(a, "body"),
		    p.in_reply_to, p.references, NULL,      0};
		rc = compose_and_send(&in, a, r);
	}
	reply_free(&p);
	frontmatter_free(&fm);
	cJSON_Delete(rows);
	return rc;
}
