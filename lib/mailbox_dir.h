/* mailbox_dir.h: a mailbox's folders on disk, their ownership, and its cross-process lock. */
#ifndef AIMX_MAILBOX_DIR_H
#define AIMX_MAILBOX_DIR_H

#include <stddef.h>
#include <sys/types.h>

#include "config.h"

struct owner_ids {
	uid_t uid;
	gid_t gid;
};

/* The owner's uid and primary gid ("root" is 0:0). 0, or -1 when the user is unknown. */
int owner_lookup(const char *owner, struct owner_ids *ids);

/* mkdir -p <data_dir>/<folder>/<mailbox> (folder "inbox" or "sent"); when running as
 * root, chown it to the owner and chmod 0700 every time (heals drift). Writes the path
 * to out. 0, or -1 with errno. */
int mailbox_dir_ensure(const char *data_dir, const char *folder, const struct mailbox *mb,
		       char *out, size_t outsz);

/* Exclusive flock(2) on <data_dir>/.aimx/lock/<mailbox>, shared by ingest, MARK-* and
 * mailbox CRUD across processes. Returns the fd to pass to mailbox_unlock, or -1/errno. */
int mailbox_lock(const char *data_dir, const char *mailbox);
void mailbox_unlock(int fd);

/* Open (creating 0600, no symlinks) and flock(LOCK_EX) `path`, retrying EINTR. Close the
 * fd to unlock. Returns the fd or -1 with errno. */
int lock_file_exclusive(const char *path);

/* mkdir -p with the given mode for each created component. 0, or -1 with errno. */
int mkdir_p(const char *path, mode_t mode);

#endif
