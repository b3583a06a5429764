/* uninstall.c: remove the aimx service and binary.
 *
 * usage: aimx uninstall [-y]
 *
 * Stop and remove the aimx service (systemd unit or OpenRC script), then
 * delete this binary. Config (/etc/aimx), data (/var/lib/aimx), the TLS
 * files (/etc/ssl/aimx) and the aimx-catchall user are kept; the command
 * to wipe config and data is printed. Run as root.
 *
 *   -y, --yes   do not ask "Proceed with uninstall? (y/N)"
 *
 * Exit: 0 removed, 1 error or cancelled, 2 usage error.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "applets.h"
#include "cli/cli.h"
#include "cli/cli_daemon.h"
#include "cli/cli_opt.h"
#include "conf/config.h"
#include "base/paths.h"
#include "cli/service.h"
#include "cli/setup_ui.h"
#include "usage.h"

/* The data directory to name in the wipe hint: the config's, else the default. */
static void data_dir_for_hint(char *out, size_t outsz)
{
	char path[AIMX_PATH_MAX];
	struct config cfg;
	if (cli_config_try_load(&cfg, path) == 0) {
		snprintf(out, outsz, "%s", paths_data_dir(cfg.data_dir));
		config_free(&cfg);
	} else {
		snprintf(out, outsz, "%s", paths_data_dir(NULL));
	}
}

static void remove_binary(const char *exe, int *removed)
{
	*removed = unlink(exe) == 0;
	if (!*removed) {
		printf("%s could not remove binary at %s: %s\n", setup_ui_mark(UI_WARN), exe,
		       strerror(errno));
		printf("Remove it manually with: sudo rm %s\n", exe);
	}
}

static int uninstall(int yes)
{
	char exe[PATH_MAX], data_dir[AIMX_PATH_MAX], err[ERR_SIZE];
	int have_exe = service_exe_path(exe, sizeof(exe)) == 0;
	data_dir_for_hint(data_dir, sizeof(data_dir));
	printf("\n");
	setup_ui_header("Uninstall");
	printf("This will stop the aimx daemon, remove its service file, and delete %s.\n",
	       have_exe ? exe : "the installed aimx binary");
	printf("Config (%s) and mailbox data (%s) will be kept.\n", paths_config_dir(), data_dir);
	if (!yes && !setup_ui_ask_yes("Proceed with uninstall? (y/N) ", 0)) {
		cli_error("Uninstall cancelled.");
		return EXIT_ERR;
	}
	int rc = service_remove(service_init_detect(), err);
	if (rc < 0) {
		cli_error("%s", err);
		return EXIT_ERR;
	}
	if (rc == 1)
		setup_ui_dim("aimx.service is not installed; skipping service teardown.");
	int removed = 0;
	if (have_exe)
		remove_binary(exe, &removed);
	else
		printf("%s could not resolve the aimx binary path; remove it manually if needed.\n",
		       setup_ui_mark(UI_WARN));
	printf("\n");
	setup_ui_header("Uninstall complete.");
	printf("\n");
	if (removed)
		printf("Removed binary: %s\n", exe);
	printf("To wipe config and data manually: sudo rm -rf %s %s\n", paths_config_dir(),
	       data_dir);
	return EXIT_OK;
}

int applet_uninstall(int argc, char **argv)
{
	int yes = 0;
	const struct cli_opt opts[] = {{"--yes", "-y", &yes, NULL, NULL}};
	int rc = cli_parse(argc, argv, 1, opts, 1, NULL, 0, "uninstall", USAGE_uninstall);
	if (rc != 0)
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	if (geteuid() != 0) {
		cli_error("`aimx uninstall` requires root. Run with: sudo aimx uninstall");
		return EXIT_ERR;
	}
	return uninstall(yes);
}
