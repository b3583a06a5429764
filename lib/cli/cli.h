/* cli.h: terminal conventions shared by the applets: colour rules, "Error:" output, exit codes. */
#ifndef AIMX_CLI_H
#define AIMX_CLI_H

/* Exit codes: 0 ok, 1 runtime error, 2 usage error or daemon unreachable, 3 malformed reply. */
enum { EXIT_OK = 0, EXIT_ERR = 1, EXIT_USAGE = 2, EXIT_MALFORMED = 3 };

/* Colour is off with NO_COLOR, CLICOLOR=0 or a non-TTY stdout; CLICOLOR_FORCE (not "0") forces it. */
int cli_color(void);

/* "Error: <msg>" on stderr, the prefix red bold when colour is on. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "usage text" for a wrong invocation on stderr and return EXIT_USAGE. */
int cli_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* True when argv[i] is -h or --help. */
int cli_is_help(const char *arg);

#endif
