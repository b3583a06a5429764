/* ops_txn.h: the locked read-modify-validate-write cycle every config change goes through. */
#ifndef AIMX_OPS_TXN_H
#define AIMX_OPS_TXN_H

#include "control/ops.h"

struct ops_txn {
	const char *config_path;
	int mailbox_dir_lock; /* flock fd, -1 when none */
	int config_lock;  /* flock fd */
	struct config cfg; /* the config as on disk, under the locks */
	const char *data_dir;
};

/* Take <data>/.aimx/lock/<mailbox> (when mailbox is not NULL), then the config write lock
 * (<config>.lock beside the file), then load the config. 0, or -1 with r filled (IO). */
int ops_txn_begin(struct ops_txn *t, const char *config_path, const char *mailbox,
	      struct ops_result *r);
/* Validate txn->cfg with the loader's rules (VALIDATION on failure) and save it atomically
 * (IO on failure). 0 or -1. */
int ops_txn_commit(struct ops_txn *t, struct ops_result *r);
/* Release locks and memory. */
void ops_txn_end(struct ops_txn *t);

#endif
