/* cli_sub.h: applets made of subcommands: their table and the context each subcommand sees. */
#ifndef AIMX_CLI_SUB_H
#define AIMX_CLI_SUB_H

#include <stddef.h>
#include <sys/types.h>

#include "base/paths.h"
#include "conf/config.h"

/* What every subcommand sees: the caller (euid) and, when it can read it, the config;
 * config_path names the file either way. */
struct cli_sub_ctx {
	uid_t caller;
	int have_cfg;
	struct config cfg;
	char config_path[AIMX_PATH_MAX];
};

/* One subcommand. parse reads argv[2..argc) into the applet's args and returns as
 * cli_parse does (0; 1 after --help; -1 after a usage error naming `what`, "APPLET SUB");
 * run does the work and returns the exit code. */
struct cli_sub {
	const char *name;
	int (*parse)(int argc, char **argv, const char *what, void *args);
	int (*run)(const struct cli_sub_ctx *c, const void *args);
};

/* The applet's entry: argv[1] picks the subcommand from subs[nsubs] ("APPLET: missing
 * subcommand" or "APPLET: unknown subcommand 'X'" with usage, exit 2); its flags are parsed
 * into args before the config is loaded, then it runs with the context, freed after.
 * stdout is line-buffered. Returns the exit code. */
int cli_sub_main(int argc, char **argv, const char *applet, const char *usage,
                 const struct cli_sub *subs, size_t nsubs, void *args);

#endif
