/* cli_opt.h: the options and positionals of an applet or subcommand command line. */
#ifndef AIMX_CLI_OPT_H
#define AIMX_CLI_OPT_H

#include <stddef.h>

#include "base/strlist.h"

/* One accepted option: a boolean (flag != NULL), one taking a value (value != NULL), or
 * a repeatable one taking a value each time (list != NULL: every value copied, in order;
 * the caller frees the list), given as "--long", "-s" (short may be NULL), "--long VALUE"
 * or "--long=VALUE". */
struct cli_opt {
	const char *lng;
	const char *shrt;
	int *flag;
	const char **value;
	struct strlist *list;
};

/* Parse argv[first..argc): options from opts (each at most once unless
 * repeatable), then up to npos
 * positionals into pos[] ("--" ends the options). Returns 0; 1 after printing usage for
 * -h/--help (exit 0); -1 after a usage error on stderr naming `what` (exit 2). */
int cli_parse(int argc, char **argv, int first, const struct cli_opt *opts, size_t nopts,
              const char **pos, size_t npos, const char *what, const char *usage);

#endif
