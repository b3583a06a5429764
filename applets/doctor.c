/* doctor.c: health report of configuration, service, mailboxes and DNS.
 *
 * usage: aimx doctor [--data-dir DIR]
 *
 * Print a health report: Configuration (domain, paths, DKIM key, trust),
 * Service (daemon running, client and server versions), Mailboxes (counts,
 * trust, hooks), Ownership (each mailbox owner resolves), DNS (A, MX, SPF,
 * DKIM, DMARC checked against what this host publishes), Logs, and Checks:
 * findings marked fail, warn or info, each with a fix.
 *
 *   --data-dir DIR   mail store (default: AIMX_DATA_DIR, else the config's
 *                    data_dir, else /var/lib/aimx)
 *
 * Needs a readable config (run with sudo).
 * Exit: 0 healthy or only warnings, 1 a failing check, an unresolvable
 * mailbox owner or an unreadable config, 2 usage error.
 */
#include "applets.h"
#include "cli.h"

int applet_doctor(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_not_built("doctor");
}
