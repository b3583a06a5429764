/* fdlink.c: unnamed files and linking an fd into a directory (see fdlink.h). */
#include "base/fdlink.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FDLINK_PATH_MAX 4096
#define FDLINK_PROC_MAX 40

int fdlink_tmpfile(const char *dir, char name[FDLINK_NAME_MAX])
{
	name[0] = '\0';
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd;
	char path[FDLINK_PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/.fdlink.XXXXXX", dir);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		snprintf(name, FDLINK_NAME_MAX, "%s", path + strlen(dir) + 1);
	return fd;
}

int fdlink_link(int fd, int dirfd, const char *name)
{
	if (geteuid() == 0)
		return linkat(fd, "", dirfd, name, AT_EMPTY_PATH);
	char proc[FDLINK_PROC_MAX];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	return linkat(AT_FDCWD, proc, dirfd, name, AT_SYMLINK_FOLLOW);
}
