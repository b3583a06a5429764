/* setup.c: configure this host as an aimx mail server.
 *
 * usage: aimx setup [DOMAIN] [--verify-host URL]
 *        aimx setup --domain DOMAIN [--trusted-senders LIST] [--yes]
 *                   [--verify-host URL]
 *
 * Make this host the mail server for DOMAIN, as root, in six steps: check
 * port 25 in and out; take the domain, create the DKIM key, print the DNS
 * records to publish and check them; make the STARTTLS certificate in
 * /etc/ssl/aimx; ask which senders to trust; write /etc/aimx/config.toml
 * (0640 root:root) with the catchall mailbox, its aimx-catchall user and the
 * data directory; install and start the systemd or OpenRC service. Run again,
 * it keeps existing keys and config and moves addresses to a new DOMAIN.
 *
 *   DOMAIN, --domain DOMAIN   the mail domain (asked for when omitted)
 *   --trusted-senders LIST    comma- or space-separated sender globs
 *                             (user@host, * and ? allowed): trust becomes
 *                             "verified"; an empty LIST means "none"
 *   -y, --yes                 need no terminal: accept every confirmation,
 *                             check DNS once without waiting, and take
 *                             trust "none" unless --trusted-senders is given
 *   --verify-host URL         port-25 probe service (default: the config's
 *                             verify_host, else https://check.aimx.email)
 *   --data-dir DIR            mail store (default: AIMX_DATA_DIR, else the
 *                             config's data_dir, else /var/lib/aimx)
 *
 * With AIMX_NONINTERACTIVE=1 the trust question is skipped (trust "none").
 * Exit: 0 configured, 1 error or cancelled, 2 usage error.
 */
#include "applets.h"
#include "cli.h"

int applet_setup(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_not_built("setup");
}
