/* cli_sub.c: the entry of applets made of subcommands: pick one, parse it, load the config, run. */
#include "cli/cli_sub.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_daemon.h"

#define CLI_SUB_WHAT_MAX 64

static const struct cli_sub *cli_sub_find(const struct cli_sub *subs, size_t nsubs,
                                          const char *name)
{
	for (size_t i = 0; i < nsubs; i++)
		if (strcmp(subs[i].name, name) == 0)
			return &subs[i];
	return NULL;
}

/* The caller and, when it can read it, the config, for run; freed after. */
static int cli_sub_run(const struct cli_sub *sub, const void *args)
{
	struct cli_sub_ctx c = {.caller = geteuid()};
	c.have_cfg = cli_config_try_load(&c.cfg, c.config_path) == 0;
	int rc = sub->run(&c, args);
	if (c.have_cfg)
		config_free(&c.cfg);
	return rc;
}

int cli_sub_main(int argc, char **argv, const char *applet, const char *usage,
                 const struct cli_sub *subs, size_t nsubs, void *args)
{
	if (argc < 2)
		return cli_usage_error(usage, "%s: missing subcommand", applet);
	/* Only the interleaving with stderr depends on it: a failure is no reason to stop. */
	(void)setvbuf(stdout, NULL, _IOLBF, 0);
	const struct cli_sub *sub = cli_sub_find(subs, nsubs, argv[1]);
	if (!sub)
		return cli_usage_error(usage, "%s: unknown subcommand '%s'", applet, argv[1]);
	char what[CLI_SUB_WHAT_MAX];
	snprintf(what, sizeof(what), "%s %.40s", applet, argv[1]);
	int rc = sub->parse(argc, argv, what, args);
	if (rc != 0)
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	return cli_sub_run(sub, args);
}
