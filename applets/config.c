/* config.c: validate a config.toml and summarise it, or print its canonical form.
 *
 * usage: aimx config check [--config PATH]
 *        aimx config print [--config PATH]
 *
 * check loads the config exactly as `aimx serve` does and prints
 *   ok: DOMAIN, N mailboxes, N hooks
 * on stdout (warnings, such as an owner that does not exist on this host,
 * go to stderr as "warning: FILE:LINE: KEY: MESSAGE"). When the file has
 * problems, every one is printed on stderr as
 *   FILE:LINE: KEY: MESSAGE
 * and the exit status is 1.
 *
 * print loads the config and writes the canonical form aimx writes back
 * (defaults omitted, arrays one element per line) to stdout.
 *
 *   --config PATH   the file to read (default: $AIMX_CONFIG_DIR/config.toml,
 *                   else /etc/aimx/config.toml)
 *
 * Exit: 0 when the config is valid, 1 when it is not (or cannot be read),
 * 2 on a usage error.
 */
#include <stdio.h>
#include <string.h>

#include "applets.h"
#include "cli/cli.h"
#include "conf/config.h"
#include "base/paths.h"
#include "conf/config_load.h"
#include "usage.h"

static int load(const char *path, struct config *cfg)
{
	struct config_report rep = {0};
	int rc = config_load(path, cfg, &rep);
	config_report_print(&rep, stderr);
	config_report_free(&rep);
	return rc;
}

static int config_check(const char *path)
{
	struct config cfg;
	if (load(path, &cfg) < 0)
		return EXIT_ERR;
	printf("ok: %s, %zu mailbox%s, %zu hook%s\n", cfg.domain, cfg.nmailboxes,
	       cfg.nmailboxes == 1 ? "" : "es", config_hook_count(&cfg),
	       config_hook_count(&cfg) == 1 ? "" : "s");
	config_free(&cfg);
	return EXIT_OK;
}

static int config_print(const char *path)
{
	struct config cfg;
	if (load(path, &cfg) < 0)
		return EXIT_ERR;
	struct buf out = BUF_INIT;
	int rc = config_serialize(&cfg, &out);
	config_free(&cfg);
	if (rc < 0 || fwrite(out.data, 1, out.len, stdout) != out.len) {
		buf_free(&out);
		cli_error("cannot write the config");
		return EXIT_ERR;
	}
	buf_free(&out);
	return EXIT_OK;
}

int applet_config(int argc, char **argv)
{
	char default_path[AIMX_PATH_MAX];
	const char *path = NULL;
	if (argc < 2)
		return cli_usage_error(USAGE_config, "config: missing subcommand");
	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			fputs(USAGE_config, stdout);
			return EXIT_OK;
		}
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			path = argv[i] + 9;
		else
			return cli_usage_error(USAGE_config, "config: unexpected argument '%s'",
					       argv[i]);
	}
	if (!path) {
		if (paths_config_file(default_path, sizeof(default_path)) < 0) {
			cli_error("config path too long");
			return EXIT_ERR;
		}
		path = default_path;
	}
	if (strcmp(argv[1], "check") == 0)
		return config_check(path);
	if (strcmp(argv[1], "print") == 0)
		return config_print(path);
	return cli_usage_error(USAGE_config, "config: unknown subcommand '%s'", argv[1]);
}
