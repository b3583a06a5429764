/* send.c: hand a composed message to the daemon for signing and delivery.
 *
 * usage: aimx send --from ADDR --to ADDR --subject TEXT --body MARKDOWN
 *                  [--reply-to MESSAGE-ID] [--references CHAIN]
 *                  [--attachment PATH]... [--text-only | --html-body HTML]
 *
 * Compose a message and submit it to the daemon over the control socket; the
 * daemon renders the Markdown to HTML, DKIM-signs, delivers, and files a copy
 * under sent/MAILBOX/. Run it as the owner of the --from mailbox, never as
 * root. Reads no config.
 *
 *   --from ADDR          sender: the address of a mailbox you own
 *   --to ADDR            recipient address
 *   --subject TEXT       subject line (no CR or LF)
 *   --body MARKDOWN      message body, Markdown unless --text-only; with
 *                        --html-body it is the text/plain part
 *   --reply-to ID        Message-ID being answered; sets In-Reply-To
 *   --references CHAIN   References header (default: the --reply-to id)
 *   --attachment PATH    attach a file; repeatable
 *   --text-only          send the body verbatim as text/plain, no HTML part
 *   --html-body HTML     use HTML as the text/html part instead of rendering
 *
 * On success prints "Email sent." on stderr and the Message-ID on stdout.
 * Exit: 0 sent; 1 the daemon refused ("Error [CODE]: reason"); 2 usage
 * error, run as root, or daemon unreachable; 3 malformed daemon reply.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "cli/cli_opt.h"
#include "cli/cli_table.h"
#include "control/aimx_client.h"
#include "applets.h"
#include "cli/cli.h"
#include "mime/compose.h"
#include "control/aimx_client_send.h"
#include "usage.h"

#define SEND_MAX_ATTACHMENTS 64

struct send_args {
	const char *from, *to, *subject, *body, *reply_to, *references, *html;
	int text_only;
	struct strlist attachments; /* --attachment, repeatable, in order */
};

static int parse_send_args(int argc, char **argv, struct send_args *a)
{
	const struct cli_opt opts[] = {
	    {"--from", NULL, NULL, &a->from, NULL},
	    {"--to", NULL, NULL, &a->to, NULL},
	    {"--subject", NULL, NULL, &a->subject, NULL},
	    {"--body", NULL, NULL, &a->body, NULL},
	    {"--reply-to", NULL, NULL, &a->reply_to, NULL},
	    {"--references", NULL, NULL, &a->references, NULL},
	    {"--text-only", NULL, &a->text_only, NULL, NULL},
	    {"--html-body", NULL, NULL, &a->html, NULL},
	    {"--attachment", NULL, NULL, NULL, &a->attachments},
	};
	int rc = cli_parse(argc, argv, 1, opts, sizeof(opts) / sizeof(opts[0]), NULL, 0, "send",
	                   USAGE_send);
	if (rc != 0)
		return rc > 0 ? -2 : EXIT_USAGE;
	if (a->attachments.n > SEND_MAX_ATTACHMENTS)
		return cli_usage_error(USAGE_send, "send: at most %d attachments", SEND_MAX_ATTACHMENTS);
	if (!a->from || !a->to || !a->subject || !a->body)
		return cli_usage_error(USAGE_send,
		                       "send: --from, --to, --subject and --body are required");
	if (a->text_only && a->html)
		return cli_usage_error(USAGE_send,
		                       "send: --text-only and --html-body are mutually exclusive");
	return 0;
}

static int report(const struct send_args *a, const struct aimx_response *resp)
{
	if (resp->ok) {
		printf("%s\n", resp->message_id);
		fprintf(stderr, "%sEmail sent.%s\nMessage-ID: %s\n", cli_on(STYLE_GREEN), cli_off(),
		        resp->message_id);
		return EXIT_OK;
	}
	if (strcmp(resp->code, "EACCES") == 0)
		fprintf(stderr, "Error: not authorized: %s\n", a->from);
	else
		fprintf(stderr, "Error [%s]: %s\n", resp->code, resp->reason);
	return EXIT_ERR;
}

static int submit(const struct send_args *a, struct buf *msg)
{
	struct aimx_response resp;
	char err[ERR_SIZE];
	int sys_errno = 0, rc;
	switch (aimx_client_send(msg, a->text_only, a->html, &resp, err, &sys_errno)) {
	case AIMX_CALL_OK:
		rc = report(a, &resp);
		break;
	case AIMX_CALL_NO_DAEMON:
		fprintf(stderr, "Error: aimx daemon not running. Check 'systemctl status aimx'\n");
		rc = EXIT_USAGE;
		break;
	case AIMX_CALL_CONNECT:
		fprintf(stderr, "Error: %s\n", err);
		rc = EXIT_USAGE;
		break;
	default:
		fprintf(stderr, "Error: malformed response from aimx daemon: %s\n", err);
		rc = EXIT_MALFORMED;
	}
	aimx_response_free(&resp);
	return rc;
}

/* Compose and submit the parsed message. */
static int send_parsed(const struct send_args *a)
{
	if (geteuid() == 0) {
		fprintf(stderr, "Error: send is a per-user operation, run without sudo\n");
		return EXIT_USAGE;
	}
	struct compose_message in = {a->from,     a->to,         a->subject,
	                             a->body,     a->reply_to,   a->references,
	                             (const char *const *)a->attachments.v, a->attachments.n};
	struct buf msg = BUF_INIT;
	char err[ERR_SIZE];
	if (compose_message(&in, &msg, err) < 0) {
		fprintf(stderr, "Error: %s\n", err);
		buf_free(&msg);
		return EXIT_ERR;
	}
	int rc = submit(a, &msg);
	buf_free(&msg);
	return rc;
}

int applet_send(int argc, char **argv)
{
	struct send_args a = {0};
	int rc = parse_send_args(argc, argv, &a);
	if (rc == 0)
		rc = send_parsed(&a);
	else if (rc == -2)
		rc = EXIT_OK;
	strlist_free(&a.attachments);
	return rc;
}
