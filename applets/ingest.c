/* ingest.c: store one RFC 5322 message from stdin for a recipient.
 *
 * usage: aimx ingest [--data-dir DIR] RCPT < MESSAGE
 *
 * Read one raw message from stdin and store it as if it had arrived over
 * SMTP: routed by RCPT to the mailbox with that address (local part compared
 * case-insensitively, else the catchall *@DOMAIN), written as Markdown with
 * TOML frontmatter in the data directory's inbox/MAILBOX/; its on_receive
 * hooks run before the command returns. The client IP is recorded as
 * 0.0.0.0. For tests, pipelines and manual imports.
 *
 *   --data-dir DIR   mail store (default: AIMX_DATA_DIR, else the config's
 *                    data_dir, else /var/lib/aimx)
 *
 * Needs a readable config. Exit: 0 stored, 1 error, 2 usage error.
 */
#include "applets.h"
#include "cli.h"

int applet_ingest(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_not_built("ingest");
}
