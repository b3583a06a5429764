/* aimx.c: the multicall entry point; picks the applet from argv[0] or the first argument. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applets/applets.h"
#include "cli/cli.h"
#include "base/paths.h"
#include "usage.h"
#include "base/version.h"

struct applet {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *usage;
	const char *summary;
};

/* The one applet table: name, entry point, --help text (from the file's comment block), summary. */
static const struct applet applets[] = {
	{"config", applet_config, USAGE_config, "check a config.toml and print a summary"},
	{"dkim-keygen", applet_dkim_keygen, USAGE_dkim_keygen, "generate the DKIM key pair and print its DNS record"},
	{"doctor", applet_doctor, USAGE_doctor, "report configuration, service, mailbox and DNS health"},
	{"hooks", applet_hooks, USAGE_hooks, "list, create and delete mailbox hooks"},
	{"ingest", applet_ingest, USAGE_ingest, "store one message from stdin as the SMTP path would"},
	{"logs", applet_logs, USAGE_logs, "show the daemon's log"},
	{"mailboxes", applet_mailboxes, USAGE_mailboxes, "list, create, show and delete mailboxes"},
	{"mcp", applet_mcp, USAGE_mcp, "stdio MCP server for AI agents"},
	{"portcheck", applet_portcheck, USAGE_portcheck, "check inbound and outbound port 25"},
	{"send", applet_send, USAGE_send, "send a message through the daemon"},
	{"serve", applet_serve, USAGE_serve, "run the SMTP server and control socket daemon"},
	{"setup", applet_setup, USAGE_setup, "configure this host as an aimx mail server"},
	{"uninstall", applet_uninstall, USAGE_uninstall, "remove the service and the binary"},
	{"version", applet_version, USAGE_version, "print client and daemon versions"},
};

static const struct {
	const char *alias, *name;
} aliases[] = {{"mailbox", "mailboxes"}, {"hook", "hooks"}};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct applet *applet_find(const char *name)
{
	for (size_t i = 0; i < COUNT(aliases); i++)
		if (strcmp(name, aliases[i].alias) == 0)
			name = aliases[i].name;
	for (size_t i = 0; i < COUNT(applets); i++)
		if (strcmp(name, applets[i].name) == 0)
			return &applets[i];
	return NULL;
}

static void print_list(FILE *out)
{
	for (size_t i = 0; i < COUNT(applets); i++)
		fprintf(out, "%s\n", applets[i].name);
}

static void print_help(void)
{
	printf("usage: aimx [--data-dir DIR] APPLET [ARGS...]\n"
	       "       aimx-APPLET [ARGS...]   (through a symlink)\n"
	       "       aimx --list | --version | --help\n\n"
	       "aimx is a self-hosted mail server for AI agents.\n\n"
	       "Applets:\n");
	for (size_t i = 0; i < COUNT(applets); i++)
		printf("  %-12s %s\n", applets[i].name, applets[i].summary);
	printf("\nRun 'aimx APPLET --help' for an applet's usage.\n");
}

static int unknown_applet(const char *name)
{
	fprintf(stderr, "aimx: unknown applet '%s'; the applets are:\n", name);
	print_list(stderr);
	return EXIT_USAGE;
}

static int run_applet(const struct applet *a, int argc, char **argv)
{
	argv[0] = (char *)a->name;
	if (argc > 1 && cli_is_help(argv[1])) {
		fputs(a->usage, stdout);
		return EXIT_OK;
	}
	return a->main(argc, argv);
}

/* --data-dir DIR is global: like upstream's clap flag it may come before or after the applet
 * name, so it is taken out of argv wherever it appears (up to a "--"). Returns -1 when it
 * lacks its value. */
static int take_data_dir(int *argc, char **argv)
{
	int out = 1;
	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if (strcmp(argv[i], "--data-dir") == 0) {
			if (i + 1 >= *argc)
				return -1;
			paths_set_data_dir(argv[++i]);
		} else if (strncmp(argv[i], "--data-dir=", 11) == 0) {
			paths_set_data_dir(argv[i] + 11);
		} else {
			argv[out++] = argv[i];
		}
	}
	argv[out] = NULL;
	*argc = out;
	return 0;
}

/* Leading global options: --list, --version/-V, --help/-h. */
static int global_options(int *argc, char ***argv, int *done)
{
	*done = 1;
	while (*argc > 1 && (*argv)[1][0] == '-') {
		const char *opt = (*argv)[1];
		if (cli_is_help(opt)) {
			print_help();
			return EXIT_OK;
		} else if (strcmp(opt, "--list") == 0) {
			print_list(stdout);
			return EXIT_OK;
		} else if (strcmp(opt, "--version") == 0 || strcmp(opt, "-V") == 0) {
			printf("%s\n", version_line());
			return EXIT_OK;
		} else {
			fprintf(stderr, "aimx: unknown option '%s'\n", opt);
			return EXIT_USAGE;
		}
	}
	*done = 0;
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	if (take_data_dir(&argc, argv) < 0) {
		fprintf(stderr, "aimx: --data-dir needs a directory\n");
		return EXIT_USAGE;
	}
	const char *base = strrchr(argv[0], '/');
	base = base ? base + 1 : argv[0];
	if (strncmp(base, "aimx-", 5) == 0) {
		const struct applet *a = applet_find(base + 5);
		return a ? run_applet(a, argc, argv) : unknown_applet(base + 5);
	}
	int done;
	int rc = global_options(&argc, &argv, &done);
	if (done)
		return rc;
	if (argc < 2) {
		print_help();
		return EXIT_USAGE;
	}
	const struct applet *a = applet_find(argv[1]);
	if (!a)
		return unknown_applet(argv[1]);
	return run_applet(a, argc - 1, argv + 1);
}
