/* hooks.c: create, list and delete mailbox hooks.
 *
 * usage: aimx hooks list [--mailbox M] [--all]
 *        aimx hooks create --mailbox M --event on_receive|after_send --cmd JSON
 *                          [--name N] [--timeout-secs S] [--fire-on-untrusted]
 *        aimx hooks delete NAME [-y]
 *
 * Manage the commands a mailbox runs when mail arrives (on_receive) or after
 * it sends (after_send); alias: hook. A hook runs as the mailbox owner with
 * its argv exec'd directly (no shell), the stored .md on stdin and AIMX_*
 * variables in its environment. Root or the mailbox owner may change hooks;
 * changes go through the daemon and apply at once. When it is not running,
 * root edits config.toml directly (effective at the next start); others
 * get "not authorized" (exit 1).
 *
 *   --mailbox M          the mailbox; for list, show only its hooks
 *   --all                list the hooks of every mailbox (root only; root
 *                        sees them all anyway, others only their own)
 *   --event EVENT        on_receive or after_send
 *   --cmd JSON           argv as a JSON string array; cmd[0] an absolute path,
 *                        e.g. '["/bin/sh","-c","echo hi"]'
 *   --name N             [a-zA-Z0-9_][a-zA-Z0-9_.-]{0,127}, unique; default
 *                        12 hex digits derived from event, cmd and the flag
 *   --timeout-secs S     SIGTERM after S seconds, SIGKILL 5 s later; 1..600
 *                        (default 60)
 *   --fire-on-untrusted  also run for untrusted mail (on_receive only)
 *   -y, --yes            delete without asking
 *   --data-dir DIR       mail store (default: AIMX_DATA_DIR, else the
 *                        config's data_dir, else /var/lib/aimx)
 *
 * list prints NAME, MAILBOX, EVENT, TIMEOUT and CMD (cut to 60 characters),
 * sorted by mailbox, event and name, read from the config when it is
 * readable and from the daemon otherwise. delete names the hook by the
 * name list shows and asks first.
 * Exit: 0 ok (also a declined confirmation), 1 error, 2 usage error.
 */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/owner.h"
#include "cli/cli_daemon.h"
#include "cli/cli_opt.h"
#include "cli/cli_prompt.h"
#include "cli/cli_sub.h"
#include "control/aimx.h"
#include "applets.h"
#include "cli/cli.h"
#include "cli/cli_table.h"
#include "conf/config.h"
#include "control/ops.h"
#include "usage.h"
#include "control/hook_body.h"
#include "control/verb_list.h"

#define CMD_COLUMN 60

struct hk_args {
	const char *mailbox, *event, *cmd, *name, *timeout, *hook_name;
	int all, fire_on_untrusted, yes;
};

/* One hook as list and delete show it. */
struct hook_view {
	const char *name, *mailbox, *event;
	long timeout;
	char *argv_json;
};

/* The daemon is down and this caller cannot edit config.toml itself. */
static int root_required(const char *verb)
{
	cli_error(
	    "not authorized: aimx hooks %s requires root (run with sudo)\nhint: if the daemon "
	    "is running, hook CRUD over UDS would handle this without sudo.",
	    verb);
	return EXIT_ERR;
}

static void not_running_note(void)
{
	printf("Note: aimx serve is not running. The change will take effect on the next start "
	       "(`sudo systemctl start aimx`).\n");
}

static void print_done(const char *what, const char *name, int live)
{
	printf("%s%s%s %s%s%s%s\n", cli_on(STYLE_GREEN), what, cli_off(), cli_on(STYLE_BOLD), name,
	       cli_off(), live ? " (live via daemon)" : "");
}

/* The local check when the config is readable: ops_caller_owns decides, as the daemon
 * does; an owner unknown to getpwnam is worded as no such mailbox. */
static int local_authz(const struct cli_sub_ctx *c, const struct mailbox *mb)
{
	struct owner_ids ids;
	if (ops_caller_owns(mb, c->caller))
		return 0;
	if (!mb->owner || owner_lookup(mb->owner, &ids) < 0)
		cli_error("not authorized: no such mailbox");
	else
		cli_error("not authorized: caller does not own mailbox '%s'", mb->name);
	return -1;
}

/* The rows the caller may see (HOOK-LIST shape), from the config or the daemon; NULL after
 * printing an error. */
static cJSON *hook_rows(const struct cli_sub_ctx *c, const char *verb)
{
	if (c->have_cfg) {
		char *json = verb_hook_list_json(&c->cfg, c->caller);
		cJSON *rows = json ? cli_json_rows(json, strlen(json), "HOOK-LIST") : NULL;
		if (!json)
			cli_error("cannot list hooks: out of memory");
		free(json);
		return rows;
	}
	struct aimx_request req = {.verb = AIMX_HOOK_LIST};
	struct aimx_response resp;
	cJSON *rows = NULL;
	enum cli_call_result st = cli_call(&req, &resp);
	if (st == CLI_CALL_DONE)
		rows = cli_json_rows(resp.json.data, resp.json.len, "HOOK-LIST");
	aimx_response_free(&resp);
	if (st == CLI_CALL_NO_DAEMON)
		root_required(verb);
	return rows;
}

/* ---- list ---- */

static void print_header(void)
{
	const char *b = cli_on(STYLE_BOLD), *off = cli_off();
	printf("%sNAME                        %s %sMAILBOX             %s %sEVENT       %s "
	       "%sTIMEOUT%s %sCMD%s\n",
	       b, off, b, off, b, off, b, off, b, off);
}

static int print_row(const cJSON *row)
{
	char *argv = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(row, "cmd"));
	char *cmd = argv ? cli_ellipsize(argv, CMD_COLUMN) : NULL;
	free(argv);
	if (!cmd)
		return -1;
	cli_cell(stdout, STYLE_BOLD, cli_json_str(row, "name"), 28, 1);
	putchar(' ');
	cli_cell(stdout, STYLE_PLAIN, cli_json_str(row, "mailbox"), 20, 1);
	putchar(' ');
	cli_cell(stdout, STYLE_PLAIN, cli_json_str(row, "event"), 11, 0);
	printf(" %7ld %s\n", cli_json_num(row, "timeout_secs"), cmd);
	free(cmd);
	return 0;
}

static int hooks_list(const struct cli_sub_ctx *c, const void *args)
{
	const struct hk_args *a = args;
	if (a->all && c->caller != 0) {
		cli_error("not authorized: --all requires root (run with sudo)");
		return EXIT_ERR;
	}
	if (c->have_cfg && a->mailbox && !config_find_mailbox(&c->cfg, a->mailbox)) {
		cli_error("Mailbox '%s' does not exist", a->mailbox);
		return EXIT_ERR;
	}
	cJSON *rows = hook_rows(c, "list");
	if (!rows)
		return EXIT_ERR;
	int printed = 0, rc = 0;
	const cJSON *row;
	cJSON_ArrayForEach(row, rows)
	{
		if (a->mailbox && strcmp(cli_json_str(row, "mailbox"), a->mailbox) != 0)
			continue;
		if (!printed++)
			print_header();
		if (rc == 0)
			rc = print_row(row);
	}
	cJSON_Delete(rows);
	if (!printed)
		printf("No hooks configured.\n");
	if (rc < 0)
		cli_error("cannot list hooks: out of memory");
	return rc < 0 ? EXIT_ERR : EXIT_OK;
}

/* ---- create ---- */

/* --cmd as argv: a non-empty JSON array of strings. 0, or -1 after printing why. */
static int parse_cmd(const char *raw, struct strlist *argv)
{
	static const char *const example = "--cmd must be a JSON array of strings, e.g. --cmd "
	                                   "'[\"/bin/echo\", \"hello\"]'";
	const char *p = raw + strspn(raw, " \t\r\n");
	if (*p != '[') {
		cli_error("%s; got: %s", example, raw);
		return -1;
	}
	cJSON *arr = cJSON_ParseWithOpts(raw, NULL, 1);
	const cJSON *it;
	int rc = cJSON_IsArray(arr) ? 0 : -1;
	for (it = rc == 0 ? arr->child : NULL; it; it = it->next)
		if (!cJSON_IsString(it) || strlist_push(argv, it->valuestring) < 0)
			rc = -1;
	cJSON_Delete(arr);
	if (rc < 0)
		cli_error("%s; parse error: not a JSON array of strings", example);
	else if (argv->n == 0)
		cli_error("--cmd must be a non-empty JSON array of strings");
	return rc < 0 || argv->n == 0 ? -1 : 0;
}

/* The checks of the spec, in order, that need no daemon; fills h (cmd, event, flag). */
static int create_checks(const struct cli_sub_ctx *c, const struct hk_args *a, struct hook *h)
{
	if (a->name && !config_hook_name_valid(a->name)) {
		cli_error("invalid hook name '%s': must match [a-zA-Z0-9_][a-zA-Z0-9_.-]{0,127}",
		          a->name);
		return -1;
	}
	if (c->have_cfg) {
		const struct mailbox *mb = config_find_mailbox(&c->cfg, a->mailbox);
		if (!mb) {
			cli_error("Mailbox '%s' does not exist", a->mailbox);
			return -1;
		}
		if (local_authz(c, mb) < 0)
			return -1;
	}
	h->event = strcmp(a->event, "after_send") == 0 ? HOOK_AFTER_SEND : HOOK_ON_RECEIVE;
	h->fire_on_untrusted = a->fire_on_untrusted;
	if (h->event == HOOK_AFTER_SEND && a->fire_on_untrusted) {
		cli_error("--fire-on-untrusted is only valid on --event on_receive");
		return -1;
	}
	if (a->cmd[strspn(a->cmd, " \t\r\n\v\f")] == '\0') {
		cli_error("--cmd must not be empty");
		return -1;
	}
	return parse_cmd(a->cmd, &h->cmd);
}

/* Daemon down, root with a readable config: the daemon's own decoding and change. */
static int direct_create(const struct cli_sub_ctx *c, const struct hk_args *a, const char *body,
                         const struct hook *h, const char *effective)
{
	struct hook d;
	struct ops_result r = {"", ""};
	char why[ERR_SIZE];
	memset(&d, 0, sizeof(d));
	if (hook_body_decode(body, strlen(body), &d, why) < 0) {
		ops_fail(&r, "PROTOCOL", "%s", why);
	} else {
		d.event = h->event;
		d.name = (char *)a->name;
		ops_hook_create(c->config_path, a->mailbox, 0, &d, &r);
	}
	strlist_free(&d.cmd);
	free(d.type);
	if (r.code[0]) {
		cli_error("[%s] %s", r.code, r.reason);
		return EXIT_ERR;
	}
	print_done("Hook created:", effective, 0);
	not_running_note();
	return EXIT_OK;
}

static int send_create(const struct cli_sub_ctx *c, const struct hk_args *a, const struct hook *h)
{
	char effective[HOOK_NAME_MAX + 1];
	if (a->name)
		snprintf(effective, sizeof(effective), "%s", a->name);
	else
		config_hook_derive_name(h, effective);
	char *body = hook_body_encode(&h->cmd, h->fire_on_untrusted,
	                              h->timeout_secs != HOOK_TIMEOUT_DEFAULT, h->timeout_secs);
	if (!body) {
		cli_error("cannot build the HOOK-CREATE body: out of memory");
		return EXIT_ERR;
	}
	struct aimx_request req = {.verb = AIMX_HOOK_CREATE,
	                           .mailbox = (char *)a->mailbox,
	                           .event = (char *)a->event,
	                           .name = (char *)a->name,
	                           .body = {body, strlen(body), strlen(body) + 1, 0}};
	struct aimx_response resp;
	enum cli_call_result st = cli_call(&req, &resp);
	aimx_response_free(&resp);
	int rc = EXIT_ERR;
	if (st == CLI_CALL_DONE) {
		print_done("Hook created:", effective, 1);
		rc = EXIT_OK;
	} else if (st == CLI_CALL_NO_DAEMON) {
		rc = c->have_cfg && c->caller == 0 ? direct_create(c, a, body, h, effective)
		                                   : root_required("create");
	}
	free(body);
	return rc;
}

/* Non-empty decimal that fits a u32, as the upstream flag type; -1 when it is not. */
static long parse_timeout(const char *s)
{
	if (!s[0] || strspn(s, "0123456789") != strlen(s))
		return -1;
	unsigned long long v = strtoull(s, NULL, 10);
	return v > 0xFFFFFFFFull ? -1 : (long)v;
}

static int hooks_create(const struct cli_sub_ctx *c, const void *args)
{
	const struct hk_args *a = args;
	struct hook h;
	memset(&h, 0, sizeof(h));
	h.timeout_secs = HOOK_TIMEOUT_DEFAULT;
	if (a->timeout)
		h.timeout_secs = (unsigned)parse_timeout(a->timeout);
	int rc = create_checks(c, a, &h) < 0 ? EXIT_ERR : send_create(c, a, &h);
	strlist_free(&h.cmd);
	return rc;
}

/* ---- delete ---- */

static int confirm_delete(const struct hook_view *v)
{
	const char *b = cli_on(STYLE_BOLD), *off = cli_off();
	char *cmd = cli_ellipsize(v->argv_json, CMD_COLUMN);
	if (!cmd)
		return -1;
	printf("%sAbout to delete hook:%s\n", cli_on(STYLE_YELLOW), off);
	printf("  %sname:   %s   %s%s%s\n", b, off, b, v->name, off);
	printf("  %smailbox:%s   %s\n", b, off, v->mailbox);
	printf("  %sevent:  %s   %s\n", b, off, v->event);
	printf("  %stimeout:%s   %ld\n", b, off, v->timeout);
	printf("  %scmd:    %s   %s\n", b, off, cmd);
	free(cmd);
	return cli_confirm("Continue? [y/N] ");
}

/* With a readable config: find the hook, check the caller locally, then ask. 1 to go on,
 * 0 when declined, -1 after an error. */
static int delete_precheck_local(const struct cli_sub_ctx *c, const struct hk_args *a)
{
	for (size_t i = 0; i < c->cfg.nmailboxes; i++) {
		const struct mailbox *mb = &c->cfg.mailboxes[i];
		for (size_t j = 0; j < mb->nhooks; j++) {
			const struct hook *h = &mb->hooks[j];
			if (strcmp(h->effective_name, a->hook_name) != 0)
				continue;
			if (local_authz(c, mb) < 0)
				return -1;
			if (a->yes)
				return 1;
			struct hook_view v = {h->effective_name, mb->name,
			                      config_hook_event_name(h->event), h->timeout_secs,
			                      cli_argv_json(&h->cmd)};
			int rc = v.argv_json ? confirm_delete(&v) : -1;
			free(v.argv_json);
			return rc;
		}
	}
	cli_error("Hook '%s' not found", a->hook_name);
	return -1;
}

/* Without it: the daemon's listing (only hooks the caller owns) for the question. */
static int delete_precheck_remote(const struct cli_sub_ctx *c, const struct hk_args *a)
{
	if (a->yes)
		return 1;
	cJSON *rows = hook_rows(c, "delete");
	const cJSON *row, *found = NULL;
	if (!rows)
		return -1;
	cJSON_ArrayForEach(row, rows)
	{
		if (!found && strcmp(cli_json_str(row, "name"), a->hook_name) == 0)
			found = row;
	}
	int rc = -1;
	if (!found) {
		cli_error("Hook '%s' not found", a->hook_name);
	} else {
		struct hook_view v = {
		    cli_json_str(found, "name"), cli_json_str(found, "mailbox"),
		    cli_json_str(found, "event"), cli_json_num(found, "timeout_secs"),
		    cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(found, "cmd"))};
		rc = v.argv_json ? confirm_delete(&v) : -1;
		free(v.argv_json);
	}
	cJSON_Delete(rows);
	return rc;
}

static int direct_delete(const struct cli_sub_ctx *c, const struct hk_args *a)
{
	struct ops_result r = {"", ""};
	if (!c->have_cfg || c->caller != 0)
		return root_required("delete");
	if (ops_hook_delete(c->config_path, a->hook_name, 0, &r) < 0) {
		cli_error("[%s] %s", r.code, r.reason);
		return EXIT_ERR;
	}
	print_done("Hook deleted:", a->hook_name, 0);
	not_running_note();
	return EXIT_OK;
}

static int hooks_delete(const struct cli_sub_ctx *c, const void *args)
{
	const struct hk_args *a = args;
	int go = c->have_cfg ? delete_precheck_local(c, a) : delete_precheck_remote(c, a);
	if (go <= 0)
		return go < 0 ? EXIT_ERR : EXIT_OK;
	struct aimx_request req = {.verb = AIMX_HOOK_DELETE, .hook_name = (char *)a->hook_name};
	struct aimx_response resp;
	enum cli_call_result st = cli_call(&req, &resp);
	aimx_response_free(&resp);
	if (st == CLI_CALL_NO_DAEMON)
		return direct_delete(c, a);
	if (st == CLI_CALL_FAILED)
		return EXIT_ERR;
	print_done("Hook deleted:", a->hook_name, 1);
	return EXIT_OK;
}

/* ---- dispatch ---- */

/* Required flags and value types of create, checked before anything runs (exit 2). */
static int create_usage(const struct hk_args *a)
{
	const char *missing = !a->mailbox ? "--mailbox"
	                      : !a->event ? "--event"
	                      : !a->cmd   ? "--cmd"
	                                  : NULL;
	if (missing) {
		cli_usage_error(USAGE_hooks, "hooks create: the argument '%s' is required",
		                missing);
		return -1;
	}
	if (strcmp(a->event, "on_receive") != 0 && strcmp(a->event, "after_send") != 0) {
		cli_usage_error(USAGE_hooks,
		                "hooks create: invalid value '%s' for '--event': expected "
		                "on_receive or after_send",
		                a->event);
		return -1;
	}
	if (a->timeout && parse_timeout(a->timeout) < 0) {
		cli_usage_error(USAGE_hooks,
		                "hooks create: invalid value '%s' for '--timeout-secs': expected "
		                "a whole number of seconds",
		                a->timeout);
		return -1;
	}
	return 0;
}

/* The flags of each subcommand, as cli_parse returns. */
static int list_parse(int argc, char **argv, const char *what, void *args)
{
	struct hk_args *a = args;
	const struct cli_opt opts[] = {{"--mailbox", NULL, NULL, &a->mailbox, NULL},
	                               {"--all", NULL, &a->all, NULL, NULL}};
	return cli_parse(argc, argv, 2, opts, 2, NULL, 0, what, USAGE_hooks);
}

static int create_parse(int argc, char **argv, const char *what, void *args)
{
	struct hk_args *a = args;
	const struct cli_opt opts[] = {
	    {"--mailbox", NULL, NULL, &a->mailbox, NULL},
	    {"--event", NULL, NULL, &a->event, NULL},
	    {"--cmd", NULL, NULL, &a->cmd, NULL},
	    {"--name", NULL, NULL, &a->name, NULL},
	    {"--timeout-secs", NULL, NULL, &a->timeout, NULL},
	    {"--fire-on-untrusted", NULL, &a->fire_on_untrusted, NULL, NULL},
	};
	int rc = cli_parse(argc, argv, 2, opts, 6, NULL, 0, what, USAGE_hooks);
	return rc == 0 ? create_usage(a) : rc;
}

static int delete_parse(int argc, char **argv, const char *what, void *args)
{
	struct hk_args *a = args;
	const struct cli_opt opts[] = {{"--yes", "-y", &a->yes, NULL, NULL}};
	return cli_parse(argc, argv, 2, opts, 1, &a->hook_name, 1, what, USAGE_hooks);
}

int applet_hooks(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
	    {"list", list_parse, hooks_list},
	    {"create", create_parse, hooks_create},
	    {"delete", delete_parse, hooks_delete},
	};
	struct hk_args a = {0};
	return cli_sub_main(argc, argv, "hooks", USAGE_hooks, subs, sizeof(subs) / sizeof(subs[0]),
	                    &a);
}
