/* cli_table.c: styles, table cells, ellipsis and the JSON rows of the listing applets. */
#include "cli/cli_table.h"

#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define ELLIPSIS "\xe2\x80\xa6"

/* ---- styles ---- */

const char *cli_on(enum cli_style s)
{
	static const char *const sgr[] = {"", "\033[1m", "\033[32m", "\033[33m", "\033[2m"};
	return cli_color() ? sgr[s] : "";
}

const char *cli_off(void)
{
	return cli_color() ? "\033[0m" : "";
}

/* ---- cells ---- */

static int is_continuation(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

size_t cli_width(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += !is_continuation((unsigned char)*s);
	return n;
}

/* Bytes of s that hold its first max code points. */
static size_t prefix_bytes(const char *s, size_t max)
{
	size_t b = 0, n = 0;
	while (s[b] && (n < max || is_continuation((unsigned char)s[b]))) {
		n += !is_continuation((unsigned char)s[b]);
		b++;
	}
	return b;
}

void cli_cell(FILE *out, enum cli_style style, const char *s, size_t width, int cut)
{
	size_t w = cli_width(s);
	fputs(cli_on(style), out);
	if (cut && w > width) {
		fwrite(s, 1, prefix_bytes(s, width), out);
		w = width;
	} else {
		fputs(s, out);
	}
	if (style != STYLE_PLAIN)
		fputs(cli_off(), out);
	for (; w < width; w++)
		fputc(' ', out);
}

char *cli_ellipsize(const char *s, size_t max)
{
	if (cli_width(s) <= max)
		return strdup(s);
	size_t bytes = max ? prefix_bytes(s, max - 1) : 0;
	char *out = malloc(bytes + sizeof(ELLIPSIS));
	if (!out)
		return NULL;
	memcpy(out, s, bytes);
	memcpy(out + bytes, ELLIPSIS, sizeof(ELLIPSIS));
	return out;
}

char *cli_argv_json(const struct strlist *argv)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t k = 0; arr && k < argv->n; k++)
		if (!cJSON_AddItemToArray(arr, cJSON_CreateString(argv->v[k]))) {
			cJSON_Delete(arr);
			return NULL;
		}
	char *s = arr ? cJSON_PrintUnformatted(arr) : NULL;
	cJSON_Delete(arr);
	return s;
}

const char *cli_json_str(const cJSON *row, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, key);
	return cJSON_IsString(v) ? v->valuestring : "";
}

long cli_json_num(const cJSON *row, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, key);
	return cJSON_IsNumber(v) ? (long)v->valuedouble : 0;
}

cJSON *cli_json_rows(const char *json, size_t len, const char *verb)
{
	cJSON *rows = json ? cJSON_ParseWithLength(json, len) : NULL;
	if (cJSON_IsArray(rows))
		return rows;
	cJSON_Delete(rows);
	cli_error("malformed %s response: expected a JSON array", verb);
	return NULL;
}
