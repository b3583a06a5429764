/* cli_table.c: flags, cells, prompts and daemon calls of the mailboxes and hooks applets. */
#include "cli/cli_table.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "conf/config_load.h"
#include "control/aimx_client.h"
#include "cli/cli.h"

#define ELLIPSIS           "\xe2\x80\xa6"
#define OWNER_PROMPT_TRIES 5

/* ---- subcommand flags ---- */

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
	*o->value = inline_value ? inline_value : argv[++*i];
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
			if (seen & (1ULL << k)) {
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

/* ---- prompts ---- */

void cli_read_answer(char *buf, size_t size)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, stdin);
	const char *p = n > 0 ? line : "";
	size_t len = n > 0 ? (size_t)n : 0;
	while (len && strchr(" \t\r\n\v\f", p[len - 1]))
		len--;
	while (len && strchr(" \t\r\n\v\f", *p)) {
		p++;
		len--;
	}
	snprintf(buf, size, "%.*s", (int)len, p);
	free(line);
}

int cli_confirm(const char *prompt)
{
	char answer[16];
	fputs(prompt, stdout);
	fflush(stdout);
	cli_read_answer(answer, sizeof(answer));
	if (strcmp(answer, "y") == 0 || strcmp(answer, "Y") == 0)
		return 1;
	printf("Cancelled.\n");
	return 0;
}

static int noninteractive(void)
{
	const char *v = getenv("AIMX_NONINTERACTIVE");
	return v && (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes"));
}

static int user_exists(const char *name)
{
	return getpwnam(name) != NULL;
}

/* One question; 1 with the answer in owner, 0 to ask again. */
static int ask_owner(const char *address, const char *def, int tries_left, char *owner, size_t size)
{
	char answer[256];
	if (def)
		printf("Which Linux user should own `%s`? [%s]: ", address, def);
	else
		printf("Which Linux user should own `%s`? (no default, explicit input required): ",
		       address);
	fflush(stdout);
	cli_read_answer(answer, sizeof(answer));
	const char *candidate = answer[0] ? answer : def;
	if (!candidate) {
		printf("  %sNo default available.%s %sType a valid Linux username and press "
		       "Enter.%s\n",
		       cli_on(STYLE_YELLOW), cli_off(), cli_on(STYLE_DIM), cli_off());
		return 0;
	}
	if (user_exists(candidate)) {
		snprintf(owner, size, "%s", candidate);
		return 1;
	}
	fflush(stdout);
	fprintf(stderr,
	        "  %s!%s User '%s' does not exist. Create it with `useradd %s` and re-enter, or "
	        "type an existing Linux username. (%d attempt(s) remaining)\n",
	        cli_on(STYLE_YELLOW), cli_off(), candidate, candidate, tries_left);
	return 0;
}

int cli_prompt_owner(const char *address, char *owner, size_t size)
{
	char local[256];
	const char *at = strchr(address, '@');
	snprintf(local, sizeof(local), "%.*s", at ? (int)(at - address) : (int)strlen(address),
	         address);
	const char *def = local[0] && user_exists(local) ? local : NULL;
	if (noninteractive()) {
		if (def) {
			snprintf(owner, size, "%s", def);
			return 0;
		}
		cli_error(
		    "AIMX_NONINTERACTIVE=1 requires a resolvable default owner for mailbox "
		    "'%s'; local part '%s' does not resolve via getpwnam. Create the user with "
		    "`useradd --system %s` or unset AIMX_NONINTERACTIVE and re-run setup.",
		    address, local, local);
		return -1;
	}
	for (int k = 0; k < OWNER_PROMPT_TRIES; k++)
		if (ask_owner(address, def, OWNER_PROMPT_TRIES - k - 1, owner, size))
			return 0;
	cli_error("could not resolve an owner for mailbox '%s' after %d attempts; create the "
	          "intended Linux user with `useradd <name>` and re-run setup",
	          address, OWNER_PROMPT_TRIES);
	return -1;
}

/* ---- config and daemon ---- */

int cli_config_try_load(struct config *cfg, char path[AIMX_PATH_MAX])
{
	struct config_report rep = {0};
	if (paths_config_file(path, AIMX_PATH_MAX) < 0) {
		path[0] = '\0';
		return -1;
	}
	int rc = config_load(path, cfg, &rep);
	config_report_free(&rep);
	return rc;
}

enum cli_call_result cli_call(const struct aimx_request *req, struct aimx_response *resp)
{
	char err[512];
	int sys_errno;
	switch (aimx_client_call(req, resp, err, &sys_errno)) {
	case AIMX_CALL_OK:
		break;
	case AIMX_CALL_NO_DAEMON:
		return CLI_CALL_NO_DAEMON;
	case AIMX_CALL_CONNECT:
		cli_error("%s", err);
		return CLI_CALL_FAILED;
	case AIMX_CALL_MALFORMED:
		cli_error("Malformed response from aimx daemon: %s", err);
		return CLI_CALL_FAILED;
	}
	if (!resp->ok) {
		cli_error("[%s] %s", resp->code, resp->reason);
		return CLI_CALL_FAILED;
	}
	return CLI_CALL_DONE;
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
