/* mcp_tool_table.c: the table of the 12 MCP tools: names, descriptions, parameters, strictness. */
#include "mcp/mcp_tool.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct mcp_param no_params[] = {{"", MCP_STRING, 0, ""}};

static const struct mcp_param mailbox_create_params[] = {
    {"name", MCP_STRING, 1,
     "Mailbox name: the local part of its address ([a-z0-9._-]). You become its owner."},
};

static const struct mcp_param mailbox_delete_params[] = {
    {"name", MCP_STRING, 1, "Name of a mailbox you own."},
    {"force", MCP_BOOL, 0,
     "Also delete every message in inbox/<name>/ and sent/<name>/ (default false: a "
     "mailbox that still holds mail is refused)."},
};

static const struct mcp_param email_list_params[] = {
    {"mailbox", MCP_STRING, 1, "Mailbox name."},
    {"folder", MCP_STRING, 0, "\"inbox\" (default) or \"sent\"."},
    {"limit", MCP_U32, 0, "Rows to return, newest first: default 50, at most 200."},
    {"offset", MCP_U32, 0, "Rows to skip before the first one returned (default 0)."},
};

static const struct mcp_param email_read_params[] = {
    {"mailbox", MCP_STRING, 1, "Mailbox name."},
    {"id", MCP_STRING, 1, "Email id from email_list, e.g. 2025-06-15-120000-hello."},
    {"folder", MCP_STRING, 0, "\"inbox\" (default) or \"sent\"."},
};

static const struct mcp_param email_mark_params[] = {
    {"mailbox", MCP_STRING, 1, "Mailbox name."},
    {"id", MCP_STRING, 1, "Id of an email in the mailbox's inbox."},
};

static const struct mcp_param email_send_params[] = {
    {"from_mailbox", MCP_STRING, 1, "Name of the mailbox you send from (you must own it)."},
    {"to", MCP_STRING, 1, "Recipient address."},
    {"subject", MCP_STRING, 1, "Subject line."},
    {"body", MCP_STRING, 1,
     "Message body in Markdown (rendered to an HTML part with a plain-text part), or plain "
     "text with text_only."},
    {"reply_to", MCP_STRING, 0, "Message-ID being answered; sets In-Reply-To."},
    {"references", MCP_STRING, 0,
     "References chain (space-separated Message-IDs); used only with reply_to, default the "
     "reply_to id."},
    {"attachments", MCP_STRINGS, 0, "Paths of files to attach (readable by you)."},
    {"text_only", MCP_BOOL, 0, "Send the body as text/plain only, with no HTML part."},
    {"html_body", MCP_STRING, 0,
     "Your own HTML part; the body is then the plain-text part. Not with text_only."},
};

static const struct mcp_param email_reply_params[] = {
    {"mailbox", MCP_STRING, 1, "Mailbox holding the email, which is also the sender."},
    {"id", MCP_STRING, 1, "Id of the inbox email to answer."},
    {"body", MCP_STRING, 1, "Reply body in Markdown, or plain text with text_only."},
    {"text_only", MCP_BOOL, 0, "Send the body as text/plain only, with no HTML part."},
    {"html_body", MCP_STRING, 0,
     "Your own HTML part; the body is then the plain-text part. Not with text_only."},
};

static const struct mcp_param hook_create_params[] = {
    {"mailbox", MCP_STRING, 1, "Mailbox to attach the hook to (not the catchall)."},
    {"event", MCP_STRING, 1, "\"on_receive\" or \"after_send\"."},
    {"cmd", MCP_STRINGS, 1,
     "Argv run without a shell when the hook fires; cmd[0] is an absolute path. The email "
     "is on stdin and AIMX_* variables describe it."},
    {"name", MCP_STRING, 0, "Hook name; derived from the hook when omitted."},
    {"timeout_secs", MCP_U32, 0, "Kill the command after this many seconds (default 60)."},
    {"fire_on_untrusted", MCP_BOOL, 0,
     "on_receive only: also fire for mail that is not DKIM-verified from a trusted sender. "
     "Leave false unless the user asked for it: untrusted mail is attacker-controlled."},
};

static const struct mcp_param hook_list_params[] = {
    {"mailbox", MCP_STRING, 0, "Only the hooks of this mailbox."},
};

static const struct mcp_param hook_delete_params[] = {
    {"name", MCP_STRING, 1, "Name of a hook on a mailbox you own."},
};

const struct mcp_tool mcp_tool_table[] = {
    {"email_list",
     "List the emails of a mailbox folder, newest first, as a JSON array of "
     "{id, from, to, subject, date, read} (sent: delivery_status instead of read).",
     email_list_params, N(email_list_params), 0, mcp_tool_email_list},
    {"email_mark_read", "Mark an inbox email as read.", email_mark_params, N(email_mark_params), 1,
     mcp_tool_email_mark_read},
    {"email_mark_unread", "Mark an inbox email as unread.", email_mark_params, N(email_mark_params),
     1, mcp_tool_email_mark_unread},
    {"email_read", "Read an email: its TOML frontmatter and Markdown body, as stored.",
     email_read_params, N(email_read_params), 0, mcp_tool_email_read},
    {"email_reply",
     "Reply to an inbox email: to its Reply-To (else From) address, subject prefixed "
     "\"Re: \", threaded with In-Reply-To and References.",
     email_reply_params, N(email_reply_params), 0, mcp_tool_email_reply},
    {"email_send", "Send an email from a mailbox you own; DKIM-signed by the server.",
     email_send_params, N(email_send_params), 0, mcp_tool_email_send},
    {"hook_create", "Create a hook that runs a command when a mailbox receives or sends mail.",
     hook_create_params, N(hook_create_params), 0, mcp_tool_hook_create},
    {"hook_delete", "Delete a hook by name.", hook_delete_params, N(hook_delete_params), 0,
     mcp_tool_hook_delete},
    {"hook_list", "List the hooks on your mailboxes as a JSON array.", hook_list_params,
     N(hook_list_params), 0, mcp_tool_hook_list},
    {"mailbox_create",
     "Create a mailbox owned by you and return its address (succeeds if you already own "
     "it).",
     mailbox_create_params, N(mailbox_create_params), 1, mcp_tool_mailbox_create},
    {"mailbox_delete", "Delete a mailbox you own.", mailbox_delete_params, N(mailbox_delete_params),
     1, mcp_tool_mailbox_delete},
    {"mailbox_list",
     "List the mailboxes you own (root: all) with address, folders and message counts, as a "
     "JSON array.",
     no_params, 0, 0, mcp_tool_mailbox_list},
};

const size_t mcp_tool_count = N(mcp_tool_table);
