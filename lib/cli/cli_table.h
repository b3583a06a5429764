/* cli_table.h: flags, cells, prompts and daemon calls of the mailboxes and hooks applets. */
#ifndef AIMX_CLI_TABLE_H
#define AIMX_CLI_TABLE_H

#include <cJSON.h>
#include <stddef.h>
#include <stdio.h>

#include "control/aimx.h"
#include "conf/config.h"
#include "base/paths.h"

/* ---- subcommand flags ---- */

/* One accepted option: a boolean (flag != NULL) or one taking a value (value != NULL),
 * given as "--long", "-s" (short may be NULL), "--long VALUE" or "--long=VALUE". */
struct cli_opt {
	const char *lng;
	const char *shrt;
	int *flag;
	const char **value;
};

/* Parse argv[first..argc): options from opts (each at most once), then up to npos
 * positionals into pos[] ("--" ends the options). Returns 0; 1 after printing usage for
 * -h/--help (exit 0); -1 after a usage error on stderr naming `what` (exit 2). */
int cli_parse(int argc, char **argv, int first, const struct cli_opt *opts, size_t nopts,
              const char **pos, size_t npos, const char *what, const char *usage);

/* ---- styles (upstream's palette; "" when colour is off, see cli_color) ---- */

enum cli_style { STYLE_PLAIN, STYLE_BOLD, STYLE_GREEN, STYLE_YELLOW, STYLE_DIM };
const char *cli_on(enum cli_style s);
const char *cli_off(void);

/* ---- cells ---- */

/* Code points of UTF-8 s (continuation bytes are not counted). */
size_t cli_width(const char *s);
/* s in style, then spaces up to width code points; with cut, only its first width code points. */
void cli_cell(FILE *out, enum cli_style style, const char *s, size_t width, int cut);
/* s when it has at most max code points, else its first max-1 and "…". Malloc'd, NULL on ENOMEM. */
char *cli_ellipsize(const char *s, size_t max);
/* argv as a compact JSON array of strings, e.g. ["/bin/echo","hi"]. Malloc'd, NULL on ENOMEM. */
char *cli_argv_json(const struct strlist *argv);

/* ---- prompts (stdin may be a pipe: a line is read either way) ---- */

/* The next line of stdin without surrounding whitespace; "" at EOF or on a read error. */
void cli_read_answer(char *buf, size_t size);
/* Print prompt (no newline) on stdout and read the answer: 1 for "y" or "Y"; otherwise
 * print "Cancelled." and return 0. */
int cli_confirm(const char *prompt);
/* Root's question for the owner of the mailbox at `address` (upstream setup's prompt):
 * the default is the local part when getpwnam knows it; every answer is checked with
 * getpwnam, 5 tries. AIMX_NONINTERACTIVE (1/true/yes) takes the default without asking.
 * 0 with the user in owner, or -1 after printing the error. */
int cli_prompt_owner(const char *address, char *owner, size_t size);

/* ---- config and daemon ---- */

/* Load config.toml when this caller can read it and it is valid (nothing is printed);
 * path gets the file name either way. 0 with cfg loaded, -1 otherwise. */
int cli_config_try_load(struct config *cfg, char path[AIMX_PATH_MAX]);

enum cli_call_result {
	CLI_CALL_DONE,      /* the daemon answered OK */
	CLI_CALL_NO_DAEMON, /* socket missing (ENOENT, ECONNREFUSED, EACCES); nothing printed */
	CLI_CALL_FAILED,    /* printed: "Error: [CODE] reason", a connect error or a bad reply */
};
/* One AIMX/1 request; resp is always to be freed with aimx_response_free. */
enum cli_call_result cli_call(const struct aimx_request *req, struct aimx_response *resp);
/* Fields of a listing row: "" / 0 when absent or of another type. */
const char *cli_json_str(const cJSON *row, const char *key);
long cli_json_num(const cJSON *row, const char *key);
/* The JSON array of a MAILBOX-LIST / HOOK-LIST reply body, or NULL after printing
 * "Error: malformed <VERB> response". */
cJSON *cli_json_rows(const char *json, size_t len, const char *verb);

#endif
