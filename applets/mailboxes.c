/* mailboxes.c: create, list, show and delete mailboxes.
 *
 * usage: aimx mailboxes create NAME [--owner USER]
 *        aimx mailboxes list [--all]
 *        aimx mailboxes show NAME
 *        aimx mailboxes delete NAME [-y] [--force]
 *
 * Manage the mailboxes NAME@DOMAIN (alias: mailbox). Changes go to the daemon
 * over the control socket and apply at once, for root too. When it is not
 * running, root edits config.toml directly (same checks; restart the daemon
 * afterwards) and other users get exit 2. NAME: [a-z0-9._-], no "..", no
 * leading or trailing ".", not catchall or aimx-catchall. Non-root callers
 * see and change only the mailboxes they own; create makes inbox/NAME and
 * sent/NAME, mode 0700, owned by the owner.
 *
 *   --owner USER     Linux user owning the mailbox and running its hooks;
 *                    honoured for root only (root is asked when it is
 *                    omitted, default NAME if that user exists; with
 *                    AIMX_NONINTERACTIVE=1 that default or an error);
 *                    others always own what they create
 *   --all            list every mailbox, not only your own (root only)
 *   -y, --yes        delete without asking
 *   --force          delete the mailbox's mail too (never the catchall);
 *                    without it a mailbox still holding files is refused
 *   --data-dir DIR   mail store (default: AIMX_DATA_DIR, else the config's
 *                    data_dir, else /var/lib/aimx)
 *
 * list prints MAILBOX, INBOX and SENT message counts, read from the config
 * when it is readable and from the daemon otherwise. show needs a readable
 * config and prints the address, owner, trust, trusted senders, hooks and
 * message counts. delete asks first (listing what --force would remove);
 * the daemon leaves the emptied inbox/NAME and sent/NAME directories on
 * disk, the direct edit removes them.
 * Exit: 0 ok (also a declined confirmation), 1 error, 2 usage error or
 * daemon not running for a non-root caller.
 */
#include <cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_daemon.h"
#include "cli/cli_opt.h"
#include "cli/cli_prompt.h"
#include "cli/cli_sub.h"
#include "cli/cli_table.h"
#include "control/aimx.h"
#include "applets.h"
#include "cli/cli.h"
#include "conf/config.h"
#include "control/ops.h"
#include "base/paths.h"
#include "usage.h"
#include "control/verb_list.h"

#define NAME_COLUMN 20

struct mb_args {
	const char *name, *owner;
	int all, yes, force;
};

struct message_counts {
	long inbox, unread, sent;
};

static int daemon_required(void)
{
	cli_error("daemon must be running for non-root mailbox CRUD; start `aimx serve` or run "
	          "with sudo to fall back to direct config edit.");
	return EXIT_USAGE;
}

/* After a direct config edit: the running daemon (if any) must re-read it. */
static void restart_hint(void)
{
	int openrc = access("/run/systemd/system", F_OK) != 0 && access("/sbin/openrc", F_OK) == 0;
	printf("%sHint:%s Restart the daemon for the change to take effect:\n",
	       cli_on(STYLE_YELLOW), cli_off());
	printf("  %s%s%s\n", cli_on(STYLE_BOLD),
	       openrc ? "sudo rc-service aimx restart" : "sudo systemctl restart aimx", cli_off());
}

/* A direct edit's failure, worded as the daemon's except upstream's own
 * "Mailbox '<n>' already exists" / "does not exist" for the MAILBOX code. */
static int direct_edit_error(const struct ops_result *r)
{
	if (strcmp(r->code, "MAILBOX") == 0)
		cli_error("%c%s", toupper((unsigned char)r->reason[0]), r->reason + 1);
	else
		cli_error("[%s] %s", r->code, r->reason);
	return EXIT_ERR;
}

/* Message counts of one mailbox, from the same walk as MAILBOX-LIST. 0, or -1 on ENOMEM. */
static int message_counts(const struct config *cfg, const char *name, struct message_counts *n)
{
	char *json = verb_mailbox_list_json(cfg, 0);
	cJSON *rows = json ? cJSON_Parse(json) : NULL;
	const cJSON *row;
	free(json);
	if (!rows)
		return -1;
	memset(n, 0, sizeof(*n));
	cJSON_ArrayForEach(row, rows)
	{
		if (strcmp(cli_json_str(row, "name"), name) == 0) {
			n->inbox = cli_json_num(row, "total");
			n->unread = cli_json_num(row, "unread");
			n->sent = cli_json_num(row, "sent_count");
		}
	}
	cJSON_Delete(rows);
	return 0;
}

/* ---- create ---- */

/* Non-root callers always own what they create (the daemon ignores Owner: from them). */
static int own_name(const char *flag_owner, char *owner, size_t size)
{
	struct passwd *pw = getpwuid(geteuid());
	if (!pw && !flag_owner) {
		cli_error("could not resolve caller's username via getpwuid; pass --owner <user> "
		          "explicitly");
		return -1;
	}
	snprintf(owner, size, "%s", pw ? pw->pw_name : flag_owner);
	if (flag_owner && strcmp(flag_owner, owner) != 0)
		cli_warn("--owner ignored for non-root callers; mailbox will be owned by `%s`",
		         owner);
	return 0;
}

static int create_owner(const struct cli_sub_ctx *c, const char *name, const char *flag_owner,
                        char *owner, size_t size)
{
	if (flag_owner && !flag_owner[0]) {
		cli_error("--owner value cannot be empty");
		return -1;
	}
	if (c->caller != 0)
		return own_name(flag_owner, owner, size);
	if (!c->have_cfg) {
		cli_error("this command needs to read %s (root-owned). The config could not be "
		          "loaded.",
		          c->config_path);
		return -1;
	}
	if (flag_owner) {
		snprintf(owner, size, "%s", flag_owner);
		return 0;
	}
	char *address;
	if (asprintf(&address, "%s@%s", name, c->cfg.domain) < 0)
		return -1;
	int rc = cli_prompt_owner(address, owner, size);
	free(address);
	return rc;
}

static int mailbox_create(const struct cli_sub_ctx *c, const void *args)
{
	const struct mb_args *a = args;
	char owner[256];
	if (create_owner(c, a->name, a->owner, owner, sizeof(owner)) < 0)
		return EXIT_ERR;
	struct aimx_request req = {
	    .verb = AIMX_MAILBOX_CREATE, .name = (char *)a->name, .owner = owner};
	struct aimx_response resp;
	enum cli_call_result st = cli_call(&req, &resp);
	aimx_response_free(&resp);
	if (st == CLI_CALL_FAILED)
		return EXIT_ERR;
	if (st == CLI_CALL_NO_DAEMON) {
		struct ops_result r = {"", ""};
		if (c->caller != 0)
			return daemon_required();
		if (ops_mailbox_create(c->config_path, a->name, owner, &r) < 0)
			return direct_edit_error(&r);
	}
	printf("%sMailbox '%s' created (owner: %s).%s\n", cli_on(STYLE_GREEN), a->name, owner,
	       cli_off());
	if (st == CLI_CALL_NO_DAEMON)
		restart_hint();
	return EXIT_OK;
}

/* ---- list ---- */

static void print_mailbox_rows(const cJSON *rows, int registered_only)
{
	int printed = 0;
	const cJSON *row;
	cJSON_ArrayForEach(row, rows)
	{
		int registered = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(row, "registered"));
		if (registered_only && !registered)
			continue;
		if (!printed++) {
			cli_cell(stdout, STYLE_BOLD, "MAILBOX", NAME_COLUMN, 0);
			printf(" INBOX    SENT\n");
		}
		cli_cell(stdout, STYLE_BOLD, cli_json_str(row, "name"), NAME_COLUMN, 0);
		printf(" %-8ld %ld", cli_json_num(row, "total"), cli_json_num(row, "sent_count"));
		if (!registered)
			printf(" %s(unregistered)%s", cli_on(STYLE_YELLOW), cli_off());
		putchar('\n');
	}
	if (!printed)
		printf("No mailboxes configured.\n");
}

/* Local listing: root sees everything, others their configured mailboxes (by uid). */
static cJSON *local_rows(const struct cli_sub_ctx *c)
{
	char *json = verb_mailbox_list_json(&c->cfg, c->caller);
	if (!json) {
		cli_error("cannot list mailboxes: %s", strerror(ENOMEM));
		return NULL;
	}
	cJSON *rows = cli_json_rows(json, strlen(json), "MAILBOX-LIST");
	free(json);
	return rows;
}

static int mailbox_list(const struct cli_sub_ctx *c, const void *args)
{
	const struct mb_args *a = args;
	if (a->all && c->caller != 0) {
		cli_error("not authorized: --all requires root (run with sudo)");
		return EXIT_ERR;
	}
	cJSON *rows = NULL;
	if (c->have_cfg) {
		rows = local_rows(c);
	} else {
		struct aimx_request req = {.verb = AIMX_MAILBOX_LIST};
		struct aimx_response resp;
		enum cli_call_result st = cli_call(&req, &resp);
		if (st == CLI_CALL_DONE)
			rows = cli_json_rows(resp.json.data, resp.json.len, "MAILBOX-LIST");
		aimx_response_free(&resp);
		if (st == CLI_CALL_NO_DAEMON)
			return daemon_required();
	}
	if (!rows)
		return EXIT_ERR;
	print_mailbox_rows(rows, c->have_cfg && c->caller != 0);
	cJSON_Delete(rows);
	return EXIT_OK;
}

/* ---- show ---- */

static void print_senders(const struct strlist *senders)
{
	if (senders->n == 0) {
		printf("  %sTrusted senders:%s %s(none)%s\n", cli_on(STYLE_BOLD), cli_off(),
		       cli_on(STYLE_DIM), cli_off());
		return;
	}
	printf("  %sTrusted senders:%s\n", cli_on(STYLE_BOLD), cli_off());
	for (size_t k = 0; k < senders->n; k++)
		printf("    - %s\n", senders->v[k]);
}

/* "  on_receive" and its hooks, in config order; nothing when it has none. */
static int print_hook_group(const struct mailbox *mb, enum hook_event ev)
{
	int header = 0;
	for (size_t k = 0; k < mb->nhooks; k++) {
		const struct hook *h = &mb->hooks[k];
		if (h->event != ev)
			continue;
		char *argv = cli_argv_json(&h->cmd), *cmd = argv ? cli_ellipsize(argv, 60) : NULL;
		free(argv);
		if (!cmd)
			return -1;
		if (!header++)
			printf("  %s%s%s\n", cli_on(STYLE_BOLD), config_hook_event_name(ev), cli_off());
		printf("    - %s%s%s  cmd: %s%s\n", cli_on(STYLE_BOLD), h->effective_name,
		       cli_off(), cmd, h->fire_on_untrusted ? "   [fire_on_untrusted=true]" : "");
		free(cmd);
	}
	return 0;
}

static int print_hooks(const struct mailbox *mb)
{
	printf("\n%sHooks%s\n", cli_on(STYLE_BOLD), cli_off());
	if (mb->nhooks == 0) {
		printf("  %s(none)%s\n", cli_on(STYLE_DIM), cli_off());
		return 0;
	}
	return print_hook_group(mb, HOOK_ON_RECEIVE) < 0 ||
	               print_hook_group(mb, HOOK_AFTER_SEND) < 0
	           ? -1
	           : 0;
}

static int mailbox_show(const struct cli_sub_ctx *c, const void *args)
{
	const struct mb_args *a = args;
	const char *b = cli_on(STYLE_BOLD), *off = cli_off();
	if (!c->have_cfg) {
		cli_error("this command needs to read %s (root-owned). Re-run with sudo, or use a "
		          "UDS-backed alternative.",
		          c->config_path);
		return EXIT_ERR;
	}
	const struct mailbox *mb = config_find_mailbox(&c->cfg, a->name);
	if (!mb) {
		cli_error("Mailbox '%s' does not exist", a->name);
		return EXIT_ERR;
	}
	struct message_counts n;
	printf("%sMailbox:%s %s%s%s\n", b, off, b, a->name, off);
	printf("  %sAddress:%s %s\n", b, off, mb->address);
	printf("  %sOwner:  %s %s\n", b, off, mb->owner);
	printf("  %sTrust:  %s %s\n", b, off, config_trust_mode_name(config_mailbox_trust(&c->cfg, mb)));
	print_senders(config_mailbox_senders(&c->cfg, mb));
	if (print_hooks(mb) < 0 || message_counts(&c->cfg, a->name, &n) < 0) {
		cli_error("cannot show mailbox '%s': %s", a->name, strerror(ENOMEM));
		return EXIT_ERR;
	}
	printf("\n%sMessages%s\n", b, off);
	printf("  %sinbox:%s %ld (%ld unread)\n", b, off, n.inbox, n.unread);
	printf("  %ssent: %s %ld\n", b, off, n.sent);
	return EXIT_OK;
}

/* ---- delete ---- */

static void files_label(char *out, size_t size, long n)
{
	snprintf(out, size, "%ld file%s", n, n == 1 ? "" : "s");
}

/* The --force warning with what would go ("?" when the config is unreadable). */
static int confirm_force(const struct cli_sub_ctx *c, const char *name)
{
	char in[32] = "? files", out[32] = "? files";
	struct message_counts n;
	if (c->have_cfg && message_counts(&c->cfg, name, &n) == 0) {
		files_label(in, sizeof(in), n.inbox);
		files_label(out, sizeof(out), n.sent);
	}
	printf("%sDESTRUCTIVE:%s About to permanently delete mailbox '%s':\n", cli_on(STYLE_YELLOW),
	       cli_off(), name);
	printf("  inbox/%s/: %s\n", name, in);
	printf("  sent/%s/:  %s\n", name, out);
	return cli_confirm("Continue? [y/N] ");
}

static int confirm_delete(const struct cli_sub_ctx *c, const char *name, int force)
{
	if (force)
		return confirm_force(c, name);
	printf("Delete mailbox '%s' and all its emails? ", name);
	return cli_confirm("[y/N] ");
}

/* The direct edit also removes the folders it emptied, as upstream's root fallback does;
 * a folder that is no longer empty stays. */
static void remove_folders(const struct cli_sub_ctx *c, const char *name)
{
	static const char *const folders[2] = {"inbox", "sent"};
	int left = 0;
	for (int k = 0; k < 2; k++) {
		char dir[AIMX_PATH_MAX];
		snprintf(dir, sizeof(dir), "%s/%s/%s", paths_data_dir(c->cfg.data_dir), folders[k],
		         name);
		left |= rmdir(dir) < 0 && errno != ENOENT;
	}
	if (left)
		printf("  inbox/%s/ or sent/%s/ is not empty and stays on disk.\n", name, name);
}

static int direct_delete(const struct cli_sub_ctx *c, const struct mb_args *a)
{
	struct ops_result r = {"", ""};
	if (c->caller != 0)
		return daemon_required();
	if (!c->have_cfg) {
		cli_error("config could not be loaded from %s; daemon is also unreachable",
		          c->config_path);
		return EXIT_ERR;
	}
	if (ops_mailbox_delete(c->config_path, a->name, 0, a->force, &r) < 0)
		return direct_edit_error(&r);
	printf("%sMailbox '%s' deleted.%s\n", cli_on(STYLE_GREEN), a->name, cli_off());
	remove_folders(c, a->name);
	restart_hint();
	return EXIT_OK;
}

static int mailbox_delete(const struct cli_sub_ctx *c, const void *args)
{
	const struct mb_args *a = args;
	if (a->force && strcmp(a->name, "catchall") == 0) {
		cli_error("Cannot delete the catchall mailbox");
		return EXIT_ERR;
	}
	if (!a->yes && !confirm_delete(c, a->name, a->force))
		return EXIT_OK;
	struct aimx_request req = {.verb = AIMX_MAILBOX_DELETE,
	                           .name = (char *)a->name,
	                           .has_force = a->force,
	                           .force = a->force};
	struct aimx_response resp;
	enum cli_call_result st = cli_call(&req, &resp);
	aimx_response_free(&resp);
	if (st == CLI_CALL_NO_DAEMON)
		return direct_delete(c, a);
	if (st == CLI_CALL_FAILED)
		return EXIT_ERR;
	printf("%sMailbox '%s' deleted.%s\n", cli_on(STYLE_GREEN), a->name, cli_off());
	printf("  Empty inbox/%s/ and sent/%s/ directories remain on disk; run `rmdir` to tidy up "
	       "if desired.\n",
	       a->name, a->name);
	return EXIT_OK;
}

/* ---- dispatch ---- */

/* The flags of each subcommand, as cli_parse returns. */
static int create_parse(int argc, char **argv, const char *what, void *args)
{
	struct mb_args *a = args;
	const struct cli_opt opts[] = {{"--owner", NULL, NULL, &a->owner, NULL}};
	return cli_parse(argc, argv, 2, opts, 1, &a->name, 1, what, USAGE_mailboxes);
}

static int list_parse(int argc, char **argv, const char *what, void *args)
{
	struct mb_args *a = args;
	const struct cli_opt opts[] = {{"--all", NULL, &a->all, NULL, NULL}};
	return cli_parse(argc, argv, 2, opts, 1, NULL, 0, what, USAGE_mailboxes);
}

static int show_parse(int argc, char **argv, const char *what, void *args)
{
	struct mb_args *a = args;
	return cli_parse(argc, argv, 2, NULL, 0, &a->name, 1, what, USAGE_mailboxes);
}

static int delete_parse(int argc, char **argv, const char *what, void *args)
{
	struct mb_args *a = args;
	const struct cli_opt opts[] = {{"--yes", "-y", &a->yes, NULL, NULL},
	                               {"--force", NULL, &a->force, NULL, NULL}};
	return cli_parse(argc, argv, 2, opts, 2, &a->name, 1, what, USAGE_mailboxes);
}

int applet_mailboxes(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
	    {"create", create_parse, mailbox_create},
	    {"list", list_parse, mailbox_list},
	    {"show", show_parse, mailbox_show},
	    {"delete", delete_parse, mailbox_delete},
	};
	struct mb_args a = {0};
	return cli_sub_main(argc, argv, "mailboxes", USAGE_mailboxes, subs,
	                    sizeof(subs) / sizeof(subs[0]), &a);
}
