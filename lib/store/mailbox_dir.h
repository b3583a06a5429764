/* mailbox_dir.h: a mailbox's folders on disk, their ownership, and its cross-process lock. */
#ifndef AIMX_MAILBOX_DIR_H
#define AIMX_MAILBOX_DIR_H

#include <stddef.h>
#include <sys/types.h>

#include "base/owner.h"
#include "conf/config.h"

/* mkdir -p <data_dir>/<folder>/<name> (folder "inbox" or "sent"): the folder 0755, the
 * mailbox folder created 0700; when running as root, its owner set to ids and its mode
 * to 0700 (drift healed, nothing touched when already right). Writes the path to out. 0, or -1 with errno. */
int mailbox_dir_make(const char *data_dir, const char *folder, const char *name,
			const struct owner_ids *ids, char *out, size_t outsz);

/* mailbox_dir_make for mb, owned by mb->owner. 0, or -1 with errno. */
int mailbox_dir_ensure(const char *data_dir, const char *folder, const struct mailbox *mb,
		       char *out, size_t outsz);

/* Exclusive flock(2) on <data_dir>/.aimx/lock/<mailbox>, shared by ingest, MARK-* and
 * mailbox CRUD across processes. Returns the fd to pass to mailbox_dir_unlock, or -1/errno. */
int mailbox_dir_lock(const char *data_dir, const char *mailbox);
void mailbox_dir_unlock(int fd);
/* The same lock file, opened but not locked, for a long-lived holder that locks it with
 * fileio_lock_hold and releases it with flock(LOCK_UN). The fd, or -1 with errno. */
int mailbox_dir_lock_open(const char *data_dir, const char *mailbox);



#endif
