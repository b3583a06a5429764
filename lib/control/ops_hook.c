/* ops_hook.c: HOOK-CREATE and HOOK-DELETE under the locks (protocol.md 8.6, 8.7; DECISIONS 12). */
#include "control/ops.h"

#include <stdlib.h>
#include <string.h>

#include "control/ops_txn.h"

static int copy_hook(struct hook *dst, const struct hook *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->event = src->event;
	dst->fire_on_untrusted = src->fire_on_untrusted;
	dst->timeout_secs = src->timeout_secs;
	dst->name = src->name ? strdup(src->name) : NULL;
	dst->type = strdup(src->type ? src->type : "cmd");
	if ((src->name && !dst->name) || !dst->type)
		return -1;
	for (size_t k = 0; k < src->cmd.n; k++)
		if (strlist_push(&dst->cmd, src->cmd.v[k]) < 0)
			return -1;
	return 0;
}

static int append_hook(struct mailbox *mb, const struct hook *h)
{
	struct hook *hooks = realloc(mb->hooks, (mb->nhooks + 1) * sizeof(*hooks));
	if (!hooks)
		return -1;
	mb->hooks = hooks;
	mb->nhooks++;
	return copy_hook(&mb->hooks[mb->nhooks - 1], h);
}

int ops_hook_create(const char *config_path, const char *mailbox, uid_t caller,
		   const struct hook *h, struct ops_result *r)
{
	struct ops_txn t;
	int rc = ops_txn_begin(&t, config_path, mailbox, r);
	struct mailbox *mb = rc == 0 ? config_find_mailbox(&t.cfg, mailbox) : NULL;
	if (rc == 0 && !mb)
		rc = ops_fail(r, "ENOENT", "mailbox '%s' does not exist", mailbox);
	if (rc == 0 && !ops_caller_owns(mb, caller))
		rc = ops_fail(r, "EACCES", "not authorized");
	if (rc == 0 && config_mailbox_is_catchall(&t.cfg, mb))
		rc = ops_fail(r, "MAILBOX",
			     "mailbox '%s' is the catchall; hooks on the catchall are forbidden",
			     mailbox);
	if (rc == 0 && append_hook(mb, h) < 0)
		rc = ops_fail(r, "IO", "out of memory");
	if (rc == 0)
		rc = ops_txn_commit(&t, r);
	ops_txn_end(&t);
	return rc;
}

/* The mailbox that holds a hook with this effective name, in a loaded config. */
static struct mailbox *holder_of(const struct config *cfg, const char *hook_name)
{
	for (size_t i = 0; i < cfg->nmailboxes; i++)
		for (size_t j = 0; j < cfg->mailboxes[i].nhooks; j++)
			if (strcmp(cfg->mailboxes[i].hooks[j].effective_name, hook_name) == 0)
				return &cfg->mailboxes[i];
	return NULL;
}

static int remove_named(struct mailbox *mb, const char *hook_name)
{
	int removed = 0;
	for (size_t j = mb->nhooks; j-- > 0;)
		if (strcmp(mb->hooks[j].effective_name, hook_name) == 0) {
			config_remove_hook(mb, j);
			removed++;
		}
	return removed;
}

/* An unknown hook and one the caller does not own give the same ENOENT. */
int ops_hook_delete(const char *config_path, const char *hook_name, uid_t caller,
		   struct ops_result *r)
{
	struct ops_txn probe;
	if (ops_txn_begin(&probe, config_path, NULL, r) < 0) {
		ops_txn_end(&probe);
		return -1;
	}
	struct mailbox *mb = holder_of(&probe.cfg, hook_name);
	char *mailbox = mb && ops_caller_owns(mb, caller) ? strdup(mb->name) : NULL;
	ops_txn_end(&probe);
	if (!mailbox)
		return ops_fail(r, "ENOENT", "hook '%s' not found", hook_name);
	struct ops_txn t;
	int rc = ops_txn_begin(&t, config_path, mailbox, r);
	mb = rc == 0 ? config_find_mailbox(&t.cfg, mailbox) : NULL;
	if (rc == 0 && (!mb || !remove_named(mb, hook_name)))
		rc = ops_fail(r, "ENOENT", "hook '%s' not found", hook_name);
	if (rc == 0)
		rc = ops_txn_commit(&t, r);
	ops_txn_end(&t);
	free(mailbox);
	return rc;
}
