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
#include "applets.h"
#include "cli.h"

int applet_send(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_not_built("send");
}
