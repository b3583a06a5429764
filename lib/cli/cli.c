/* cli.c: colour detection and the standard error/warning/usage output of every applet. */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_color(void)
{
	const char *force = getenv("CLICOLOR_FORCE");
	if (force && strcmp(force, "0") != 0)
		return 1;
	if (getenv("NO_COLOR"))
		return 0;
	const char *cc = getenv("CLICOLOR");
	if (cc && strcmp(cc, "0") == 0)
		return 0;
	return isatty(STDOUT_FILENO);
}

static void cli_vmessage(const char *prefix, const char *color, const char *fmt, va_list ap)
{
	if (cli_color())
		fprintf(stderr, "%s%s\033[0m ", color, prefix);
	else
		fprintf(stderr, "%s ", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cli_vmessage("Error:", "\033[1;31m", fmt, ap);
	va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cli_vmessage("Warning:", "\033[33m", fmt, ap);
	va_end(ap);
}

int cli_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cli_vmessage("Error:", "\033[1;31m", fmt, ap);
	va_end(ap);
	fputs(usage, stderr);
	return EXIT_USAGE;
}

int cli_is_help(const char *arg)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}
