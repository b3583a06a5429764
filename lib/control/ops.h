/* ops.h: the mailbox, hook and read-state changes, shared by the daemon's AIMX/1 handlers and the root CLI fallback. */
#ifndef AIMX_OPS_H
#define AIMX_OPS_H

#include <sys/types.h>

#include "control/aimx.h"
#include "conf/config.h"

/* An outcome: code "" for success, else an AIMX/1 error code and reason. */
struct ops_result {
	char code[AIMX_CODE_MAX];
	char reason[AIMX_REASON_MAX];
};

int ops_fail(struct ops_result *r, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Ownership by uid (DECISIONS 19): root passes; otherwise getpwnam(owner)->pw_uid == caller. */
int ops_caller_owns(const struct mailbox *mb, uid_t caller);

/* Each change runs under the mailbox's flock, then the config write lock (in that order),
 * re-reads config.toml, validates the result with the loader's rules and writes it
 * atomically (0640 root:root). config_path is the file; the data dir comes from
 * paths_data_dir(config data_dir). Return 0 on success, -1 with r filled. */
int ops_mailbox_create(const char *config_path, const char *name, const char *owner,
		      struct ops_result *r);
int ops_mailbox_delete(const char *config_path, const char *name, uid_t caller, int force,
		      struct ops_result *r);
int ops_hook_create(const char *config_path, const char *mailbox, uid_t caller,
		   const struct hook *h, struct ops_result *r);
int ops_hook_delete(const char *config_path, const char *hook_name, uid_t caller,
		   struct ops_result *r);

/* Set dkim_selector (DECISIONS 24), validated and written like every other change. */
int ops_set_dkim_selector(const char *config_path, const char *selector, struct ops_result *r);

/* MARK-READ / MARK-UNREAD on inbox/<mailbox>/<id>. */
int ops_mark(const struct config *cfg, const char *mailbox, const char *id, uid_t caller,
	    int read, struct ops_result *r);

#endif
