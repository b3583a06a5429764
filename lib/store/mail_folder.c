/* mail_folder.c: enumerate and resolve the messages of a folder without following symlinks. */
#include "store/mail_folder.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The type of entry e of dfd without following symlinks: S_IFREG, S_IFDIR, or 0 for others. */
static mode_t entry_type(int dfd, const struct dirent *e)
{
	if (e->d_type == DT_REG)
		return S_IFREG;
	if (e->d_type == DT_DIR)
		return S_IFDIR;
	struct stat st;
	if (e->d_type != DT_UNKNOWN || fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	return S_ISREG(st.st_mode) ? S_IFREG : S_ISDIR(st.st_mode) ? S_IFDIR : 0;
}

/* The message an entry stands for: its id and file path relative to the folder. */
static int entry_message(int dfd, const struct dirent *e, char id[NAME_MAX + 1],
                         char rel[2 * NAME_MAX + 8])
{
	size_t n = strlen(e->d_name);
	mode_t type = entry_type(dfd, e);
	if (type == S_IFREG && n > 3 && strcmp(e->d_name + n - 3, ".md") == 0) {
		snprintf(id, NAME_MAX + 1, "%.*s", (int)(n - 3), e->d_name);
		snprintf(rel, 2 * NAME_MAX + 8, "%s", e->d_name);
		return 0;
	}
	struct stat st;
	if (type != S_IFDIR)
		return -1;
	snprintf(id, NAME_MAX + 1, "%s", e->d_name);
	snprintf(rel, 2 * NAME_MAX + 8, "%s/%s.md", e->d_name, e->d_name);
	return fstatat(dfd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) ? 0 : -1;
}

int mail_folder_each(const char *dir, mail_folder_fn fn, void *ctx)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	char id[NAME_MAX + 1], rel[2 * NAME_MAX + 8];
	int rc = 0;
	struct dirent *e;
	/* errno is cleared before each readdir: entry_message's fstatat may leave it set. */
	while (rc == 0 && (errno = 0, e = readdir(d)))
		if (e->d_name[0] != '.' && entry_message(dirfd(d), e, id, rel) == 0)
			rc = fn(dirfd(d), id, rel, ctx);
	int saved = rc == 0 ? errno : 0;
	closedir(d);
	if (rc == 0 && saved) {
		errno = saved;
		return -1;
	}
	return rc;
}

static int push_id(int dfd, const char *id, const char *rel, void *ctx)
{
	(void)dfd;
	(void)rel;
	return strlist_push(ctx, id) < 0 ? -1 : 0;
}

static int newest_first(const void *a, const void *b)
{
	return strcmp(*(char *const *)b, *(char *const *)a);
}

int mail_folder_ids(const char *dir, struct strlist *ids)
{
	if (mail_folder_each(dir, push_id, ids) != 0)
		return -1;
	if (ids->n)
		qsort(ids->v, ids->n, sizeof(*ids->v), newest_first);
	return 0;
}

/* path is a regular file (not a symlink) whose canonical path is inside canonical dir. */
static int contained_regular(const char *real_dir, const char *path)
{
	struct stat st;
	char real[PATH_MAX];
	if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode) || !realpath(path, real))
		return 0;
	size_t n = strlen(real_dir);
	return strncmp(real, real_dir, n) == 0 && real[n] == '/';
}

int mail_folder_resolve(const char *dir, const char *id, char *out, size_t outsz)
{
	char real_dir[PATH_MAX], flat[PATH_MAX], bundle_dir[PATH_MAX];
	struct stat st;
	if (!realpath(dir, real_dir))
		return -1;
	if (snprintf(flat, sizeof(flat), "%s/%s.md", dir, id) >= (int)sizeof(flat))
		return -1;
	if (lstat(flat, &st) == 0) {
		if (!contained_regular(real_dir, flat) ||
		    snprintf(out, outsz, "%s", flat) >= (int)outsz)
			return -1;
		return 0;
	}
	if (snprintf(bundle_dir, sizeof(bundle_dir), "%s/%s", dir, id) >= (int)sizeof(bundle_dir) ||
	    lstat(bundle_dir, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    snprintf(out, outsz, "%s/%s.md", bundle_dir, id) >= (int)outsz)
		return -1;
	return contained_regular(real_dir, out) ? 0 : -1;
}
