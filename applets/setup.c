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
 *                             (a new config only: an existing one keeps
 *                             its trust policy)
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
#include <string.h>
#include <unistd.h>

#include "applets.h"
#include "cli/cli.h"
#include "cli/setup.h"
#include "cli/cli_opt.h"
#include "usage.h"

/* Whether argv holds the optional DOMAIN (cli_parse takes positionals as required). */
static int has_domain_arg(int argc, char **argv, const struct cli_opt *opts, size_t nopts)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return i + 1 < argc;
		if (argv[i][0] != '-' || !argv[i][1])
			return 1;
		for (size_t k = 0; k < nopts; k++)
			if (opts[k].value && strcmp(argv[i], opts[k].lng) == 0)
				i++; /* its value */
	}
	return 0;
}

int applet_setup(int argc, char **argv)
{
	struct setup_opts o = {0};
	const char *domain_flag = NULL, *pos[1] = {NULL};
	const struct cli_opt opts[] = {{"--domain", NULL, NULL, &domain_flag, NULL},
	                               {"--trusted-senders", NULL, NULL, &o.trusted_senders, NULL},
	                               {"--yes", "-y", &o.yes, NULL, NULL},
	                               {"--verify-host", NULL, NULL, &o.verify_host, NULL}};
	size_t npos = (size_t)has_domain_arg(argc, argv, opts, 4);
	int rc = cli_parse(argc, argv, 1, opts, 4, pos, npos, "setup", USAGE_setup);
	if (rc != 0)
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	if (domain_flag && pos[0])
		return cli_usage_error(USAGE_setup, "give the domain once (DOMAIN or --domain)");
	o.domain = domain_flag ? domain_flag : pos[0];
	if (o.yes && !o.domain)
		return cli_usage_error(USAGE_setup, "--yes needs the domain (DOMAIN or --domain)");
	if (geteuid() != 0) {
		cli_error(
		    "`aimx setup` requires root. To set up the AIMX server, run with: `sudo "
		    "aimx setup`.\n\nIf aimx already runs here and you want to wire it into an AI "
		    "agent, run `aimx mcp` as yourself (no root needed).");
		return EXIT_ERR;
	}
	return setup_run(&o);
}
