/* logs.c: show the daemon log.
 *
 * usage: aimx logs [-n N] [-f]
 *
 * Show the aimx service log: `journalctl -u aimx` under systemd; otherwise
 * (OpenRC) the tail of the .log files in /var/log/aimx, else of
 * /var/log/messages.
 *
 *   -n, --lines N    show the last N lines (default 50)
 *   -f, --follow     keep printing new lines (systemd only)
 *
 * Exit: 0 ok, 1 the log could not be read (a hint follows), 2 usage error.
 */
#include <stdio.h>
#include <stdlib.h>

#include "base/err.h"
#include "applets.h"
#include "cli/cli.h"
#include "base/run_program.h"
#include "cli/cli_opt.h"
#include "cli/service.h"
#include "cli/service_log.h"
#include "usage.h"

#define DEFAULT_LINES "50"

/* The hint, then "Error: msg"; exit 1. */
static int failed(const char *msg)
{
	fprintf(stderr,
	        "  %sIf you are on systemd, run `journalctl -u aimx` directly. On OpenRC, "
	        "check /var/log/aimx/aimx.log, /var/log/messages or your syslog "
	        "config.%s\n",
	        cli_color() ? "\033[2m" : "", cli_color() ? "\033[0m" : "");
	cli_error("%s", msg);
	return EXIT_ERR;
}

static int journal(const char *lines, int follow)
{
	char *tail[] = {"journalctl", "-u", "aimx", "-n", (char *)lines, "--no-pager", NULL};
	char *live[] = {"journalctl", "-f", "-u", "aimx", NULL};
	fflush(stdout);
	int rc = run_program(0, follow ? live : tail);
	if (rc == RUN_NOT_FOUND)
		return failed("journalctl not found");
	if (rc != 0)
		return failed("journalctl exited non-zero");
	return EXIT_OK;
}

static int log_files(long n)
{
	struct buf out = BUF_INIT;
	char err[ERR_SIZE];
	int rc = service_log_tail(n, &out, err);
	if (rc == 0)
		fwrite(out.data ? out.data : "", 1, out.len, stdout);
	buf_free(&out);
	return rc == 0 ? EXIT_OK : failed(err);
}

/* N as a count of lines: digits only. */
static int parse_lines(const char *text, long *n)
{
	char *end;
	if (text[0] < '0' || text[0] > '9')
		return -1;
	*n = strtol(text, &end, 10);
	return *end || *n > 1000000000L ? -1 : 0;
}

int applet_logs(int argc, char **argv)
{
	const char *lines = DEFAULT_LINES;
	int follow = 0;
	long n;
	const struct cli_opt opts[] = {{"--lines", "-n", NULL, &lines, NULL},
	                               {"--follow", "-f", &follow, NULL, NULL}};
	int rc = cli_parse(argc, argv, 1, opts, 2, NULL, 0, "logs", USAGE_logs);
	if (rc != 0)
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	if (parse_lines(lines, &n) < 0)
		return cli_usage_error(USAGE_logs, "-n needs a number of lines, not '%s'", lines);
	if (service_init_detect() == INIT_SYSTEMD)
		return journal(lines, follow);
	if (follow)
		return failed("log follow is only supported on systemd; on OpenRC run "
		              "`tail -F /var/log/aimx/aimx.log` (or your syslog file)");
	return log_files(n);
}
