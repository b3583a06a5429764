/* fileio.c: whole-file reads, fileio_write_all, the temp+fsync+rename atomic writer, mkdir -p, lock files. */
#include "base/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/paths.h"

#define READ_CHUNK 16384

int fileio_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int fileio_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fsync(fd) < 0) {
		int saved = errno;
		(void)close(fd);
		errno = saved;
		return -1;
	}
	return close(fd);
}

/* Split `path` into its directory (written to dir, "." when there is none) and the offset of
 * its last component. Trailing slashes are not part of the last component. */
static int split_path(const char *path, char *dir, size_t dirsz, size_t *name_off, size_t *name_len)
{
	size_t end = strlen(path);
	while (end > 1 && path[end - 1] == '/')
		end--;
	size_t start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	size_t dlen = start;
	while (dlen > 1 && path[dlen - 1] == '/')
		dlen--;
	const char *d = dlen ? path : ".";
	size_t dl = dlen ? dlen : 1;
	if (dl >= dirsz) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(dir, d, dl);
	dir[dl] = '\0';
	*name_off = start;
	*name_len = end - start;
	return 0;
}

int fileio_fsync_parent(const char *path)
{
	char dir[PATH_MAX];
	size_t off, len;
	if (split_path(path, dir, sizeof(dir), &off, &len) < 0)
		return -1;
	return fileio_fsync_dir(dir);
}

/* Fill `tmp` with "<dir>/.<name>.tmp.<pid>" for the target `path`. */
static int temp_name(const char *path, char *tmp, size_t tmpsz, char *dir, size_t dirsz)
{
	size_t off, len;
	if (strlen(path) >= tmpsz) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (split_path(path, dir, dirsz, &off, &len) < 0)
		return -1;
	if (len == 0 || path[off + len] == '/' || strcmp(path + off, ".") == 0 ||
	    strcmp(path + off, "..") == 0) {
		errno = EINVAL;
		return -1;
	}
	int n = snprintf(tmp, tmpsz, "%.*s.%s.tmp.%ld", (int)off, path, path + off, (long)getpid());
	if (n < 0)
		return -1;
	if ((size_t)n >= tmpsz) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* O_EXCL create of the temp file. A name clash can only be a leftover of a crashed process
 * that had our pid (a live process never shares it), so it is removed once and retried. */
static int open_temp(const char *tmp)
{
	int flags = O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC;
	int fd = open(tmp, flags, 0600);
	if (fd >= 0 || errno != EEXIST)
		return fd;
	if (unlink(tmp) < 0)
		return -1;
	return open(tmp, flags, 0600);
}

/* Everything between open and rename: contents, owner, mode, durability. */
static int fill_temp(int fd, const void *data, size_t len, mode_t mode, uid_t uid, gid_t gid)
{
	if (fileio_write_all(fd, data, len) < 0)
		return -1;
	/* chown before chmod: changing the owner may clear set-id bits. */
	if (uid != (uid_t)-1 && fchown(fd, uid, gid) < 0)
		return -1;
	if (fchmod(fd, mode) < 0)
		return -1;
	return fsync(fd);
}

int fileio_write_atomic(const char *path, const void *data, size_t len, mode_t mode, uid_t uid,
                      gid_t gid)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	if (temp_name(path, tmp, sizeof(tmp), dir, sizeof(dir)) < 0)
		return -1;
	int fd = open_temp(tmp);
	if (fd < 0)
		return -1;
	int rc = fill_temp(fd, data, len, mode, uid, gid);
	int saved = errno;
	if (close(fd) < 0 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	if (rc == 0 && rename(tmp, path) < 0) {
		rc = -1;
		saved = errno;
	}
	if (rc < 0) {
		(void)unlink(tmp);
		errno = saved;
		return -1;
	}
	/* Past the rename the new content is in place; a failure here only means it may not
	 * yet be durable, and is still reported. */
	return fileio_fsync_dir(dir);
}

ssize_t fileio_read_retry(int fd, void *data, size_t len)
{
	ssize_t n;
	do
		n = read(fd, data, len);
	while (n < 0 && errno == EINTR);
	return n;
}

/* Read the open fd to EOF into out; out->limit applies (E2BIG). */
int fileio_read_fd(int fd, struct buf *out)
{
	char chunk[READ_CHUNK];
	for (;;) {
		ssize_t n = fileio_read_retry(fd, chunk, sizeof(chunk));
		if (n <= 0)
			return n < 0 ? -1 : 0;
		if (buf_append(out, chunk, (size_t)n) < 0)
			return -1;
	}
}

int fileio_read_file(const char *path, struct buf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t start = out->len;
	/* Even an empty file leaves out->data a valid string. */
	int rc = buf_reserve(out, 0) < 0 ? -1 : fileio_read_fd(fd, out);
	int saved = errno;
	(void)close(fd);
	if (rc < 0) {
		out->len = start;
		if (out->data)
			out->data[start] = '\0';
		errno = saved;
		return -1;
	}
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

int fileio_lock_hold(int fd)
{
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

int fileio_lock_exclusive(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || fileio_lock_hold(fd) == 0)
		return fd;
	int saved = errno;
	close(fd);
	errno = saved;
	return -1;
}
