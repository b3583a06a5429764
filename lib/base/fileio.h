/* fileio.h: whole-file reads and atomic, durable file writes. */
#ifndef AIMX_FILEIO_H
#define AIMX_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

#include "base/buf.h"

/* Write `len` bytes to `path` atomically and durably: a temp file ".<name>.tmp.<pid>" in
 * the same directory (O_EXCL), write all, fchmod(mode), fchown(uid, gid) unless uid is
 * (uid_t)-1, fsync, rename over `path`, fsync the directory. On any failure the temp file
 * is removed and `path` is untouched. Returns 0, or -1 with errno set. */
int fileio_write_atomic(const char *path, const void *data, size_t len, mode_t mode, uid_t uid,
		      gid_t gid);

/* fsync the directory that contains `path`; fileio_fsync_dir syncs `dir` itself. 0 or -1/errno. */
int fileio_fsync_parent(const char *path);
int fileio_fsync_dir(const char *dir);

/* Append the whole file to `out` (out->limit is honoured: E2BIG). 0 or -1/errno. */
int fileio_read_file(const char *path, struct buf *out);

/* Append everything read from fd until EOF (retrying EINTR; out->limit honoured: E2BIG).
 * 0 or -1/errno. */
int fileio_read_fd(int fd, struct buf *out);

/* One read(2), retried on EINTR: the bytes read, 0 at EOF, or -1 with errno. */
ssize_t fileio_read_retry(int fd, void *data, size_t len);

/* write(2) until done, retrying EINTR and short writes. 0 or -1/errno. */
int fileio_write_all(int fd, const void *data, size_t len);

/* mkdir -p with the given mode for each created component. 0, or -1 with errno. */
int fileio_mkdir_p(const char *path, mode_t mode);
/* Open (creating 0600, no symlinks) and flock(LOCK_EX) `path`, retrying EINTR. Close the
 * fd to unlock. Returns the fd or -1 with errno. */
int fileio_lock_exclusive(const char *path);
/* flock(LOCK_EX) an open lock file, retrying EINTR; flock(fd, LOCK_UN) releases it. */
int fileio_lock_hold(int fd);

#endif
