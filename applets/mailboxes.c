/* mailboxes.c: create, list, show and delete mailboxes.
 *
 * usage: aimx mailboxes create NAME [--owner USER]
 *        aimx mailboxes list [--all]
 *        aimx mailboxes show NAME
 *        aimx mailboxes delete NAME [-y] [--force]
 *
 * Manage the mailboxes NAME@DOMAIN (alias: mailbox). Changes go to the daemon
 * over the control socket and apply at once; when it is not running, root
 * edits config.toml directly (restart the daemon afterwards) and other users
 * get exit 2. NAME: [a-z0-9._-], no "..", no leading or trailing ".", not
 * catchall or aimx-catchall. Non-root callers see and change only the
 * mailboxes they own; create makes inbox/NAME and sent/NAME, mode 0700.
 *
 *   --owner USER     Linux user owning the mailbox and running its hooks;
 *                    honoured for root only (root is asked when it is
 *                    omitted), others always own what they create
 *   --all            list every mailbox, not only your own (root only)
 *   -y, --yes        delete without asking
 *   --force          delete the mailbox's mail too (never the catchall);
 *                    without it a mailbox still holding mail is refused
 *   --data-dir DIR   mail store (default: AIMX_DATA_DIR, else the config's
 *                    data_dir, else /var/lib/aimx)
 *
 * list prints MAILBOX, INBOX and SENT counts; show prints the address, owner,
 * trust, trusted senders, hooks and message counts.
 * Exit: 0 ok (also a declined confirmation), 1 error, 2 usage error or
 * daemon not running for a non-root caller.
 */
#include "applets.h"
#include "cli.h"

int applet_mailboxes(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_not_built("mailboxes");
}
