/* mailbox_dir.c: creating mailbox folders with the owner's ids, and the per-mailbox flock. */
#include "store/mailbox_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fileio.h"
#include "base/owner.h"
#include "base/paths.h"
#include "base/path_join.h"

int mailbox_dir_make(const char *data_dir, const char *folder, const char *name,
			const struct owner_ids *ids, char *out, size_t outsz)
{
	char folder_dir[AIMX_PATH_MAX];
	if (path_join(folder_dir, sizeof(folder_dir), data_dir, folder) < 0 ||
	    path_join(out, outsz, folder_dir, name) < 0)
		return -1;
	/* inbox/ and sent/ stay traversable (0755) so owners reach their own 0700 folders */
	if (fileio_mkdir_p(folder_dir, 0755) < 0 || fileio_mkdir_p(out, 0700) < 0)
		return -1;
	struct stat st;
	if (geteuid() != 0)
		return 0;
	if (stat(out, &st) < 0)
		return -1;
	/* Heal drift only: a needless chown/chmod per message dirties the inode every time. */
	if ((st.st_uid != ids->uid || st.st_gid != ids->gid) && chown(out, ids->uid, ids->gid) < 0)
		return -1;
	if ((st.st_mode & 07777) != 0700 && chmod(out, 0700) < 0)
		return -1;
	return 0;
}

int mailbox_dir_ensure(const char *data_dir, const char *folder, const struct mailbox *mb,
		       char *out, size_t outsz)
{
	struct owner_ids ids = {0, 0};
	if (geteuid() == 0 && owner_lookup(mb->owner, &ids) < 0)
		return -1;
	return mailbox_dir_make(data_dir, folder, mb->name, &ids, out, outsz);
}

/* Opens (making it) the lock file of mailbox, locked or not. */
static int lock_file(const char *data_dir, const char *mailbox, int locked)
{
	char dir[AIMX_PATH_MAX], path[AIMX_PATH_MAX];
	if (path_join(dir, sizeof(dir), data_dir, ".aimx/lock") < 0 ||
	    path_join(path, sizeof(path), dir, mailbox) < 0 || fileio_mkdir_p(dir, 0700) < 0)
		return -1;
	if (locked)
		return fileio_lock_exclusive(path);
	return open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
}

int mailbox_dir_lock(const char *data_dir, const char *mailbox)
{
	return lock_file(data_dir, mailbox, 1);
}

int mailbox_dir_lock_open(const char *data_dir, const char *mailbox)
{
	return lock_file(data_dir, mailbox, 0);
}

void mailbox_dir_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}
