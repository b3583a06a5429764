/* hooks.c: create, list and delete mailbox hooks.
 *
 * usage: aimx hooks list [--mailbox M] [--all]
 *        aimx hooks create --mailbox M --event on_receive|after_send --cmd JSON
 *                          [--name N] [--timeout-secs S] [--fire-on-untrusted]
 *        aimx hooks delete NAME [-y]
 *
 * Manage the commands a mailbox runs when mail arrives (on_receive) or after
 * it sends (after_send); alias: hook. A hook runs as the mailbox owner with
 * its argv exec'd directly (no shell), the stored .md on stdin and AIMX_*
 * variables in its environment. Root or the mailbox owner may change hooks;
 * changes go through the daemon and apply at once. When it is not running,
 * root edits config.toml directly (effective at the next start).
 *
 *   --mailbox M          the mailbox; for list, show only its hooks
 *   --all                list the hooks of every mailbox (root only)
 *   --event EVENT        on_receive or after_send
 *   --cmd JSON           argv as a JSON string array; cmd[0] an absolute path,
 *                        e.g. '["/bin/sh","-c","echo hi"]'
 *   --name N             [a-zA-Z0-9_][a-zA-Z0-9_.-]{0,127}, unique; default
 *                        12 hex digits derived from event, cmd and the flag
 *   --timeout-secs S     SIGTERM after S seconds, SIGKILL 5 s later; 1..600
 *                        (default 60)
 *   --fire-on-untrusted  also run for untrusted mail (on_receive only)
 *   -y, --yes            delete without asking
 *   --data-dir DIR       mail store (default: AIMX_DATA_DIR, else the
 *                        config's data_dir, else /var/lib/aimx)
 *
 * Exit: 0 ok (also a declined confirmation), 1 error, 2 usage error.
 */
#include "applets.h"
#include "cli.h"

int applet_hooks(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_not_built("hooks");
}
