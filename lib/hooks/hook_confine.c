/* hook_confine.c: the hook's private mount namespace: a read-only tree, writable owner places,
 * a private /dev. */
#include "hooks/hook_confine.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CONFINE_DEV_SIZE "size=64k,mode=755"

/* mount_setattr(2)'s argument (linux/mount.h, not in every libc's headers). */
struct confine_mount_attr {
	uint64_t attr_set, attr_clr, propagation, userns_fd;
};
#define CONFINE_ATTR_RDONLY  0x00000001ULL
#define CONFINE_AT_RECURSIVE 0x8000

static const char *const DEVICES[] = {"null", "zero", "full", "random", "urandom", "tty"};

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Every mount under path read-only, in one atomic call. */
static int read_only(const char *path)
{
	struct confine_mount_attr attr = {CONFINE_ATTR_RDONLY, 0, 0, 0};
	return (int)syscall(SYS_mount_setattr, AT_FDCWD, path, CONFINE_AT_RECURSIVE, &attr,
	                    sizeof(attr));
}

/* The store under a writable place (a data dir in /tmp) bound onto itself, read-only. */
static int store_read_only(const char *store)
{
	if (!store || !is_dir(store))
		return 0;
	if (mount(store, store, NULL, MS_BIND | MS_REC, NULL) < 0)
		return -1;
	return read_only(store);
}

/* path bound onto itself and that one mount made writable again, keeping its nosuid, nodev
 * and noexec. A path on a file system that is itself read-only stays read-only. */
static int writable(const char *path)
{
	struct statvfs vfs;
	if (!is_dir(path) || strcmp(path, "/") == 0)
		return 0;
	if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0 || statvfs(path, &vfs) < 0)
		return -1;
	unsigned long keep = (vfs.f_flag & ST_NOSUID ? MS_NOSUID : 0) |
	                     (vfs.f_flag & ST_NODEV ? MS_NODEV : 0) |
	                     (vfs.f_flag & ST_NOEXEC ? MS_NOEXEC : 0);
	if (mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | keep, NULL) < 0 && errno != EROFS &&
	    errno != EACCES)
		return -1;
	return 0;
}

/* One host device, reached through host_dev (an O_PATH descriptor of the old /dev), bound
 * onto an empty file of the new /dev. A device the host lacks is left out. */
static int bind_device(int host_dev, const char *name)
{
	char src[64], dst[64];
	snprintf(src, sizeof(src), "/proc/self/fd/%d/%s", host_dev, name);
	snprintf(dst, sizeof(dst), "/dev/%s", name);
	if (faccessat(host_dev, name, F_OK, 0) < 0)
		return 0;
	int fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0 || close(fd) < 0)
		return -1;
	return mount(src, dst, NULL, MS_BIND, NULL);
}

static int private_dev(void)
{
	int host_dev = open("/dev", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (host_dev < 0 ||
	    mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, CONFINE_DEV_SIZE) < 0)
		return -1;
	int rc = 0;
	for (size_t k = 0; k < sizeof(DEVICES) / sizeof(DEVICES[0]) && rc == 0; k++)
		rc = bind_device(host_dev, DEVICES[k]);
	if (rc == 0)
		rc = symlink("/proc/self/fd", "/dev/fd") |
		     symlink("/proc/self/fd/0", "/dev/stdin") |
		     symlink("/proc/self/fd/1", "/dev/stdout") |
		     symlink("/proc/self/fd/2", "/dev/stderr");
	close(host_dev);
	return rc < 0 ? -1 : 0;
}

int hook_confine_view(const char *home, const char *store, const char **what)
{
	if (geteuid() != 0)
		return 1;
	if (unshare(CLONE_NEWNS) < 0)
		return errno == EPERM || errno == EINVAL || errno == ENOSYS
		           ? 1
		           : (*what = "unshare", -1);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return *what = "mount --make-rprivate /", -1;
	if (private_dev() < 0)
		return *what = "private /dev", -1;
	if (read_only("/") < 0)
		return errno == ENOSYS ? 1 : (*what = "read-only view", -1);
	if (writable(home) < 0 || writable("/tmp") < 0 || writable("/var/tmp") < 0)
		return *what = "writable home and /tmp", -1;
	if (store_read_only(store) < 0)
		return *what = "read-only store", -1;
	return 0;
}
