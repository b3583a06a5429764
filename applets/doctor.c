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
#include <stdio.h>
#include <unistd.h>

#include "applets.h"
#include "cli/cli.h"
#include "cli/cli_opt.h"
#include "conf/config.h"
#include "cli/doctor.h"
#include "base/paths.h"
#include "conf/config_load.h"
#include "usage.h"

static int load_config(char path[AIMX_PATH_MAX], struct config *cfg)
{
	struct config_report rep = {0};
	if (paths_config_file(path, AIMX_PATH_MAX) < 0) {
		cli_error("config path too long");
		return -1;
	}
	int rc = config_load(path, cfg, &rep);
	config_report_print(&rep, stderr);
	config_report_free(&rep);
	if (rc < 0 && geteuid() != 0 && access(path, R_OK) < 0)
		cli_error("aimx doctor needs to read %s: run `sudo aimx doctor`", path);
	else if (rc < 0)
		cli_error("cannot load %s (see above)", path);
	return rc;
}

/* The report, then the Checks; the exit status of spec 6.4. */
static int report(const struct config *cfg, const char *config_path)
{
	const char *data_dir = paths_data_dir(cfg->data_dir);
	struct doctor_findings findings;
	doctor_print_configuration(cfg, config_path, data_dir);
	doctor_print_service();
	doctor_print_mailboxes(cfg);
	int orphan = doctor_print_ownership(cfg);
	doctor_print_dns(cfg);
	doctor_print_logs();
	if (doctor_checks(cfg, data_dir, &findings) < 0) {
		doctor_findings_free(&findings);
		fflush(stdout);
		cli_error("out of memory");
		return EXIT_ERR;
	}
	printf("\n");
	doctor_findings_print(&findings);
	int failed = doctor_findings_failed(&findings);
	doctor_findings_free(&findings);
	fflush(stdout);
	if (failed)
		cli_error("aimx doctor found failing checks (see Checks section above)");
	else if (orphan)
		cli_error("aimx doctor found mailboxes with unresolvable owners (see Ownership "
		          "section)");
	return failed || orphan ? EXIT_ERR : EXIT_OK;
}

int applet_doctor(int argc, char **argv)
{
	int rc = cli_parse(argc, argv, 1, NULL, 0, NULL, 0, "doctor", USAGE_doctor);
	if (rc != 0)
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	char path[AIMX_PATH_MAX];
	struct config cfg;
	if (load_config(path, &cfg) < 0)
		return EXIT_ERR;
	rc = report(&cfg, path);
	config_free(&cfg);
	return rc;
}
