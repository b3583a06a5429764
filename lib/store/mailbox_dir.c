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

#include "base/paths.h"
#include "base/path_join.h"

int owner_lookup(const char *owner, struct owner_ids *ids)
{
	struct passwd *pw = getpwnam(owner);
	if (!pw) {
		errno = ENOENT;
		return -1;
	}
	ids->uid = pw->pw_uid;
	ids->gid = pw->pw_gid;
	return 0;
}

/* mkdir with exactly `mode` (the daemon's umask 077 must not turn 0755 parents into 0700). */
static int make_dir(const char *path, mode_t mode)
{
	if (mkdir(path, mode) < 0)
		return errno == EEXIST ? 0 : -1;
	return chmod(path, mode);
}

int fileio_mkdir_p(const char *path, mode_t mode)
{
	char tmp[AIMX_PATH_MAX];
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof(tmp)) {
		errno = n ? ENAMETOOLONG : EINVAL;
		return -1;
	}
	memcpy(tmp, path, n + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (make_dir(tmp, mode) < 0)
			return -1;
		*p = '/';
	}
	if (make_dir(tmp, mode) < 0)
		return -1;
	struct stat st;
	if (stat(tmp, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

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

int fileio_lock_exclusive(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
	}
	return fd;
}

int mailbox_dir_lock(const char *data_dir, const char *mailbox)
{
	char dir[AIMX_PATH_MAX], path[AIMX_PATH_MAX];
	if (path_join(dir, sizeof(dir), data_dir, ".aimx/lock") < 0 ||
	    path_join(path, sizeof(path), dir, mailbox) < 0 || fileio_mkdir_p(dir, 0700) < 0)
		return -1;
	return fileio_lock_exclusive(path);
}

void mailbox_dir_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}
