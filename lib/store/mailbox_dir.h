/* mailbox_dir.h: a mailbox's folders on disk, their ownership, and its cross-process lock. */
#ifndef AIMX_MAILBOX_DIR_H
#define AIMX_MAILBOX_DIR_H

#include <stddef.h>
#include <sys/types.h>

#include "conf/config.h"

struct owner_ids {
	uid_t uid;
	gid_t gid;
};

/* The owner's uid and primary gid ("root" is 0:0). 0, or -1 when the user is unknown. */
int owner_lookup(const char *owner, struct owner_ids *ids);

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

/* Open (creating 0600, no symlinks) and flock(LOCK_EX) `path`, retrying EINTR. Close the
 * fd to unlock. Returns the fd or -1 with errno. */
int fileio_lock_exclusive(const char *path);

/* mkdir -p with the given mode for each created component. 0, or -1 with errno. */
int fileio_mkdir_p(const char *path, mode_t mode);

#endif
