/* cli_opt.c: the options and positionals of an applet or subcommand command line. */
#include "cli/cli_opt.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* The option argument a names, with *inline_value set for "--long=VALUE". */
static int match_opt(const struct cli_opt *opts, size_t nopts, const char *a,
                     const char **inline_value)
{
	*inline_value = NULL;
	for (size_t k = 0; k < nopts; k++) {
		size_t n = strlen(opts[k].lng);
		if (strcmp(a, opts[k].lng) == 0 || (opts[k].shrt && strcmp(a, opts[k].shrt) == 0))
			return (int)k;
		if (strncmp(a, opts[k].lng, n) == 0 && a[n] == '=') {
			*inline_value = a + n + 1;
			return (int)k;
		}
	}
	return -1;
}

/* Apply option k found at argv[*i]; 0, or -1 after a usage error. */
static int take_opt(const struct cli_opt *o, const char *inline_value, int argc, char **argv,
                    int *i, const char *what, const char *usage)
{
	if (o->flag) {
		if (inline_value) {
			cli_usage_error(usage, "%s: '%s' takes no value", what, o->lng);
			return -1;
		}
		*o->flag = 1;
		return 0;
	}
	if (!inline_value && *i + 1 >= argc) {
		cli_usage_error(usage, "%s: '%s' needs a value", what, o->lng);
		return -1;
	}
	const char *v = inline_value ? inline_value : argv[++*i];
	if (!o->list) {
		*o->value = v;
		return 0;
	}
	if (strlist_push(o->list, v) < 0) {
		cli_error("%s: out of memory", what);
		return -1;
	}
	return 0;
}

int cli_parse(int argc, char **argv, int first, const struct cli_opt *opts, size_t nopts,
              const char **pos, size_t npos, const char *what, const char *usage)
{
	unsigned long long seen = 0;
	size_t np = 0;
	int options_done = 0;
	for (int i = first; i < argc; i++) {
		const char *a = argv[i], *inline_value;
		if (!options_done && strcmp(a, "--") == 0) {
			options_done = 1;
			continue;
		}
		if (!options_done && a[0] == '-' && a[1] != '\0') {
			if (cli_is_help(a)) {
				fputs(usage, stdout);
				return 1;
			}
			int k = match_opt(opts, nopts, a, &inline_value);
			if (k < 0) {
				cli_usage_error(usage, "%s: unexpected argument '%s'", what, a);
				return -1;
			}
			if ((seen & (1ULL << k)) && !opts[k].list) {
				cli_usage_error(usage, "%s: '%s' cannot be used multiple times",
				                what, opts[k].lng);
				return -1;
			}
			seen |= 1ULL << k;
			if (take_opt(&opts[k], inline_value, argc, argv, &i, what, usage) < 0)
				return -1;
		} else if (np < npos) {
			pos[np++] = a;
		} else {
			cli_usage_error(usage, "%s: unexpected argument '%s'", what, a);
			return -1;
		}
	}
	if (np < npos) {
		cli_usage_error(usage, "%s: missing NAME", what);
		return -1;
	}
	return 0;
}
