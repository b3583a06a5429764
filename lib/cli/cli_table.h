/* cli_table.h: styles, table cells, ellipsis and the JSON rows of the listing applets. */
#ifndef AIMX_CLI_TABLE_H
#define AIMX_CLI_TABLE_H

#include <cJSON.h>
#include <stddef.h>
#include <stdio.h>

#include "base/strlist.h"

/* Styles: upstream's palette; "" when colour is off (see cli_color). */

enum cli_style { STYLE_PLAIN, STYLE_BOLD, STYLE_GREEN, STYLE_YELLOW, STYLE_DIM };
const char *cli_on(enum cli_style s);
const char *cli_off(void);

/* Cells. */

/* Code points of UTF-8 s (continuation bytes are not counted). */
size_t cli_width(const char *s);
/* s in style, then spaces up to width code points; with cut, only its first width code points. */
void cli_cell(FILE *out, enum cli_style style, const char *s, size_t width, int cut);
/* s when it has at most max code points, else its first max-1 and "…". Malloc'd, NULL on ENOMEM. */
char *cli_ellipsize(const char *s, size_t max);
/* argv as a compact JSON array of strings, e.g. ["/bin/echo","hi"]. Malloc'd, NULL on ENOMEM. */
char *cli_argv_json(const struct strlist *argv);

/* Fields of a listing row: "" / 0 when absent or of another type. */
const char *cli_json_str(const cJSON *row, const char *key);
long cli_json_num(const cJSON *row, const char *key);
/* The JSON array of a MAILBOX-LIST / HOOK-LIST reply body, or NULL after printing
 * "Error: malformed <VERB> response". */
cJSON *cli_json_rows(const char *json, size_t len, const char *verb);

#endif
