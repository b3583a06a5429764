/* verb_list.c: MAILBOX-LIST, HOOK-LIST and VERSION replies (protocol.md 8.5, 8.8, 8.9). */
#include "control/verb_list.h"

#include <cJSON.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/frontmatter_read.h"
#include "store/mail_folder.h"
#include "control/ops.h"
#include "base/paths.h"
#include "base/version.h"

struct counts {
	long total, unread;
};

/* Unread unless the frontmatter holds a "read = true" line (the body does not count). */
static int is_unread(int dirfd_, const char *relpath)
{
	struct buf head = BUF_INIT;
	int fd = openat(dirfd_, relpath, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 1;
	int rc = frontmatter_read_head(fd, &head);
	close(fd);
	long toml = rc == 0 ? frontmatter_toml_len(head.data, head.len) : -1;
	/* from the '\n' ending "+++" through the '\n' before the closing "+++" */
	int unread = toml < 0 || !memmem(head.data + 3, (size_t)toml + 1, "\nread = true\n", 13);
	buf_free(&head);
	return unread;
}

struct count_ctx {
	struct counts c;
	int want_unread;
};

static int count_one(int dfd, const char *id, const char *rel, void *ctx)
{
	struct count_ctx *cc = ctx;
	(void)id;
	cc->c.total++;
	cc->c.unread += cc->want_unread && is_unread(dfd, rel);
	return 0;
}

/* The messages of a folder (mail_folder_each); a folder that cannot be read counts 0. */
static struct counts count_messages(const char *dir, int want_unread)
{
	struct count_ctx cc = {{0, 0}, want_unread};
	if (mail_folder_each(dir, count_one, &cc) != 0)
		cc.c.total = cc.c.unread = 0;
	return cc.c;
}

static int add_row(cJSON *arr, const char *data_dir, const char *name, const struct mailbox *mb)
{
	char inbox[AIMX_PATH_MAX], sent[AIMX_PATH_MAX];
	snprintf(inbox, sizeof(inbox), "%s/inbox/%s", data_dir, name);
	snprintf(sent, sizeof(sent), "%s/sent/%s", data_dir, name);
	struct counts in = count_messages(inbox, 1), out = count_messages(sent, 0);
	cJSON *row = cJSON_CreateObject();
	if (!row || !cJSON_AddItemToArray(arr, row))
		return -1;
	int ok = cJSON_AddStringToObject(row, "name", name) &&
	         (mb ? cJSON_AddStringToObject(row, "address", mb->address) != NULL
	             : cJSON_AddNullToObject(row, "address") != NULL) &&
	         cJSON_AddStringToObject(row, "inbox_path", inbox) &&
	         cJSON_AddStringToObject(row, "sent_path", sent) &&
	         cJSON_AddNumberToObject(row, "total", (double)in.total) &&
	         cJSON_AddNumberToObject(row, "unread", (double)in.unread) &&
	         cJSON_AddNumberToObject(row, "sent_count", (double)out.total) &&
	         cJSON_AddBoolToObject(row, "registered", mb != NULL);
	return ok ? 0 : -1;
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Configured names plus the real subdirectories of inbox/, sorted, without duplicates. */
static int collect_names(const struct config *cfg, const char *data_dir, struct strlist *names)
{
	for (size_t k = 0; k < cfg->nmailboxes; k++)
		if (strlist_push(names, cfg->mailboxes[k].name) < 0)
			return -1;
	char inbox[AIMX_PATH_MAX];
	snprintf(inbox, sizeof(inbox), "%s/inbox", data_dir);
	DIR *d = opendir(inbox);
	struct dirent *e;
	struct stat st;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && !config_find_mailbox(cfg, e->d_name) &&
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(st.st_mode) && strlist_push(names, e->d_name) < 0) {
			closedir(d);
			return -1;
		}
	if (d)
		closedir(d);
	qsort(names->v, names->n, sizeof(*names->v), by_string);
	return 0;
}

static int visible(const struct config *cfg, const char *data_dir, const char *name,
                   const struct mailbox *mb, uid_t caller)
{
	if (caller == 0)
		return 1;
	if (mb)
		return ops_caller_owns(mb, caller);
	char inbox[AIMX_PATH_MAX];
	struct stat st;
	(void)cfg;
	snprintf(inbox, sizeof(inbox), "%s/inbox/%s", data_dir, name);
	return lstat(inbox, &st) == 0 && st.st_uid == caller;
}

static char *print_and_free(cJSON *root)
{
	char *s = root ? cJSON_PrintUnformatted(root) : NULL;
	cJSON_Delete(root);
	return s;
}

char *verb_mailbox_list_json(const struct config *cfg, uid_t caller)
{
	const char *data_dir = paths_data_dir(cfg->data_dir);
	struct strlist names = {0};
	cJSON *arr = cJSON_CreateArray();
	int rc = arr ? collect_names(cfg, data_dir, &names) : -1;
	for (size_t k = 0; rc == 0 && k < names.n; k++) {
		const struct mailbox *mb = config_find_mailbox(cfg, names.v[k]);
		if (visible(cfg, data_dir, names.v[k], mb, caller))
			rc = add_row(arr, data_dir, names.v[k], mb);
	}
	strlist_free(&names);
	if (rc < 0) {
		cJSON_Delete(arr);
		return NULL;
	}
	return print_and_free(arr);
}

struct hook_row {
	const struct mailbox *mb;
	const struct hook *h;
};

static int by_mailbox_event_name(const void *a, const void *b)
{
	const struct hook_row *x = a, *y = b;
	int c = strcmp(x->mb->name, y->mb->name);
	if (!c)
		c = strcmp(config_hook_event_name(x->h->event), config_hook_event_name(y->h->event));
	return c ? c : strcmp(x->h->effective_name, y->h->effective_name);
}

static int add_hook_row(cJSON *arr, const struct hook_row *r)
{
	cJSON *row = cJSON_CreateObject(), *cmd = cJSON_CreateArray();
	if (!row || !cmd || !cJSON_AddItemToArray(arr, row)) {
		cJSON_Delete(row);
		cJSON_Delete(cmd);
		return -1;
	}
	for (size_t k = 0; k < r->h->cmd.n; k++)
		if (!cJSON_AddItemToArray(cmd, cJSON_CreateString(r->h->cmd.v[k])))
			return cJSON_Delete(cmd), -1;
	int ok = cJSON_AddStringToObject(row, "name", r->h->effective_name) &&
	         cJSON_AddStringToObject(row, "mailbox", r->mb->name) &&
	         cJSON_AddStringToObject(row, "event", config_hook_event_name(r->h->event)) &&
	         cJSON_AddItemToObject(row, "cmd", cmd) &&
	         cJSON_AddBoolToObject(row, "fire_on_untrusted", r->h->fire_on_untrusted) &&
	         cJSON_AddNumberToObject(row, "timeout_secs", r->h->timeout_secs);
	return ok ? 0 : -1;
}

char *verb_hook_list_json(const struct config *cfg, uid_t caller)
{
	size_t n = 0, total = config_hook_count(cfg);
	struct hook_row *rows = calloc(total + 1, sizeof(*rows));
	cJSON *arr = cJSON_CreateArray();
	if (!rows || !arr) {
		free(rows);
		cJSON_Delete(arr);
		return NULL;
	}
	for (size_t i = 0; i < cfg->nmailboxes; i++)
		for (size_t j = 0; j < cfg->mailboxes[i].nhooks; j++)
			if (ops_caller_owns(&cfg->mailboxes[i], caller))
				rows[n++] = (struct hook_row){&cfg->mailboxes[i],
				                              &cfg->mailboxes[i].hooks[j]};
	qsort(rows, n, sizeof(*rows), by_mailbox_event_name);
	int rc = 0;
	for (size_t k = 0; rc == 0 && k < n; k++)
		rc = add_hook_row(arr, &rows[k]);
	free(rows);
	if (rc < 0) {
		cJSON_Delete(arr);
		return NULL;
	}
	return print_and_free(arr);
}

char *verb_version_json(void)
{
	cJSON *o = cJSON_CreateObject();
	if (!o || !cJSON_AddStringToObject(o, "tag", version_tag()) ||
	    !cJSON_AddStringToObject(o, "git_hash", version_hash()) ||
	    !cJSON_AddStringToObject(o, "target", version_target()) ||
	    !cJSON_AddStringToObject(o, "build_date", version_date())) {
		cJSON_Delete(o);
		return NULL;
	}
	return print_and_free(o);
}
