/* store.c: atomic, durable, collision-free placement of stored messages and bundles. */
#include "store/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fileio.h"
#include "base/paths.h"

#define STORE_PID_TEXT 24

static int exists(const char *dir, const char *name, const char *suffix)
{
	char path[AIMX_PATH_MAX];
	struct stat st;
	int n = snprintf(path, sizeof(path), "%s/%s%s", dir, name, suffix);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -1;
	if (lstat(path, &st) == 0)
		return 1;
	return errno == ENOENT ? 0 : -1;
}

static int format_stem(char *stem, size_t stemsz, const char *base, unsigned n)
{
	int w = n == 1 ? snprintf(stem, stemsz, "%s", base) : snprintf(stem, stemsz, "%s-%u", base, n);
	if (w < 0 || (size_t)w >= stemsz) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* 1 taken (a .md, a bundle dir or a writer's reservation), 0 free, -1 error. */
static int stem_taken(const struct store_target *t, char *stem, size_t stemsz, const char *base,
		      unsigned n)
{
	char hidden[AIMX_PATH_MAX];
	if (format_stem(stem, stemsz, base, n) < 0)
		return -1;
	snprintf(hidden, sizeof(hidden), ".%s", stem);
	/* Reservation first: a writer makes its file, then drops its reservation, so checking
	 * in the other order could miss both. (New reservations need the lock we hold.) */
	int held = exists(t->dir, hidden, ".reserved");
	if (held)
		return held;
	if (t->held && t->held(t->held_ctx, stem))
		return 1;
	int md = exists(t->dir, stem, ".md");
	if (md)
		return md;
	return exists(t->dir, stem, "");
}

/* base, then base-2, base-3, ...: doubling then bisecting keeps a burst of same-second,
 * same-subject messages at O(log n) probes each instead of O(n). *n: the suffix picked. */
static int pick(const struct store_target *t, const char *base, char *stem, size_t stemsz,
		unsigned *n)
{
	*n = 1;
	int taken = stem_taken(t, stem, stemsz, base, 1);
	if (taken <= 0)
		return taken;
	unsigned lo = 1, hi = 2;
	while ((taken = stem_taken(t, stem, stemsz, base, hi)) == 1) {
		if (hi > 1u << 24) {
			errno = EEXIST;
			return -1;
		}
		lo = hi;
		hi *= 2;
	}
	if (taken < 0)
		return -1;
	while (hi - lo > 1) {
		unsigned mid = lo + (hi - lo) / 2;
		if ((taken = stem_taken(t, stem, stemsz, base, mid)) < 0)
			return -1;
		if (taken)
			lo = mid;
		else
			hi = mid;
	}
	*n = hi;
	return format_stem(stem, stemsz, base, hi);
}

int store_pick_stem(const struct store_target *t, const char *base, char *stem, size_t stemsz)
{
	unsigned n;
	return pick(t, base, stem, stemsz, &n);
}

int store_pick_stem_after(const struct store_target *t, const char *base, unsigned *n,
			  char *stem, size_t stemsz)
{
	if (*n >= 1 && *n < 1u << 24) {
		int taken = stem_taken(t, stem, stemsz, base, *n + 1);
		if (taken < 0)
			return -1;
		if (!taken) {
			++*n;
			return 0;
		}
	}
	return pick(t, base, stem, stemsz, n);
}

int store_reserve(const struct store_target *t, const char *stem)
{
	char path[AIMX_PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/.%s.reserved", t->dir, stem);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	char pid[STORE_PID_TEXT];
	int len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	int rc = fileio_write_all(fd, pid, (size_t)len);
	int saved = errno;
	close(fd);
	if (rc < 0)
		unlink(path);
	errno = saved;
	return rc;
}

void store_release(const struct store_target *t, const char *stem)
{
	char path[AIMX_PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/.%s.reserved", t->dir, stem);
	if (n > 0 && (size_t)n < sizeof(path))
		unlink(path);
}

static int name_taken(const struct store_file *files, size_t upto, const char *name,
		      const char *md_name)
{
	if (strcmp(name, md_name) == 0)
		return 1;
	for (size_t k = 0; k < upto; k++)
		if (strcmp(files[k].name, name) == 0)
			return 1;
	return 0;
}

int store_unique_names(struct store_file *files, size_t n, const char *stem)
{
	char md_name[AIMX_PATH_MAX], candidate[ATTACHMENT_NAME_BUF];
	snprintf(md_name, sizeof(md_name), "%s.md", stem);
	for (size_t k = 0; k < n; k++) {
		if (!name_taken(files, k, files[k].name, md_name))
			continue;
		unsigned c = 1;
		do {
			if (filename_with_counter(files[k].name, c++, candidate) < 0) {
				errno = ENAMETOOLONG;
				return -1;
			}
		} while (name_taken(files, k, candidate, md_name));
		memcpy(files[k].name, candidate, sizeof(candidate));
	}
	return 0;
}

static int write_file(const struct store_target *t, const char *dir, const char *name,
		      const struct buf *data)
{
	char path[AIMX_PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return fileio_write_atomic(path, data->data ? data->data : "", data->len, 0600, t->uid,
				 t->gid);
}

void store_remove_bundle(const char *path)
{
	DIR *d = opendir(path);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				unlinkat(dirfd(d), e->d_name, 0);
		closedir(d);
	}
	rmdir(path);
}

static int make_private_dir(const struct store_target *t, const char *path)
{
	if (mkdir(path, 0700) < 0)
		return -1;
	if (t->uid != (uid_t)-1 && chown(path, t->uid, t->gid) < 0)
		return -1;
	return 0;
}

static int store_bundle(const struct store_target *t, const char *stem, const struct buf *md,
			const struct store_file *files, size_t n)
{
	char tmp[AIMX_PATH_MAX], final[AIMX_PATH_MAX], md_name[AIMX_PATH_MAX];
	int w1 = snprintf(tmp, sizeof(tmp), "%s/.%s.tmp.%ld", t->dir, stem, (long)getpid());
	int w2 = snprintf(final, sizeof(final), "%s/%s", t->dir, stem);
	snprintf(md_name, sizeof(md_name), "%s.md", stem);
	if (w1 < 0 || (size_t)w1 >= sizeof(tmp) || w2 < 0 || (size_t)w2 >= sizeof(final)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	store_remove_bundle(tmp); /* left over by a crashed writer with our pid */
	if (make_private_dir(t, tmp) < 0)
		return -1;
	int rc = 0;
	for (size_t k = 0; k < n && rc == 0; k++)
		rc = write_file(t, tmp, files[k].name, files[k].data);
	if (rc == 0)
		rc = write_file(t, tmp, md_name, md);
	if (rc == 0)
		rc = rename(tmp, final);
	if (rc == 0)
		return fileio_fsync_dir(t->dir);
	int saved = errno;
	store_remove_bundle(tmp);
	errno = saved;
	return -1;
}

int store_message(const struct store_target *t, const char *stem, const struct buf *md,
		  const struct store_file *files, size_t n, char *md_path, size_t md_pathsz)
{
	int w = n ? snprintf(md_path, md_pathsz, "%s/%s/%s.md", t->dir, stem, stem)
		  : snprintf(md_path, md_pathsz, "%s/%s.md", t->dir, stem);
	if (w < 0 || (size_t)w >= md_pathsz) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (n)
		return store_bundle(t, stem, md, files, n);
	return fileio_write_atomic(md_path, md->data, md->len, 0600, t->uid, t->gid);
}
