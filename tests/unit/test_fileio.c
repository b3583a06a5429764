/* test_fileio.c: unit tests for lib/base/fileio.c (atomic writes, whole-file reads, fileio_write_all). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fileio.h"
#include "unit.h"

/* Number of directory entries other than "." and ".."; *only_name is set to the last seen. */
static int dir_entries(const char *dir, char *only_name, size_t namesz)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int count = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		count++;
		snprintf(only_name, namesz, "%s", e->d_name);
	}
	closedir(d);
	return count;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

/* Scratch directories are removed once a test is done with them. */
static void remove_tree(const char *dir)
{
	CHECK(nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0);
}

static int file_is(const char *path, const char *want)
{
	struct buf b = BUF_INIT;
	int same = fileio_read_file(path, &b) == 0 && b.data && b.len == strlen(want) &&
	           memcmp(b.data, want, b.len) == 0;
	buf_free(&b);
	return same;
}

static mode_t mode_of(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_mode & 07777 : (mode_t)-1;
}

static void test_replace_and_no_temp(void)
{
	char path[4200], name[256];
	const char *dir = unit_tmpdir("fileio");
	snprintf(path, sizeof(path), "%s/config.toml", dir);
	CHECK(fileio_write_atomic(path, "first\n", 6, 0640, (uid_t)-1, (gid_t)-1) == 0);
	CHECK(file_is(path, "first\n"));
	CHECK(fileio_write_atomic(path, "second, longer\n", 15, 0640, (uid_t)-1, (gid_t)-1) == 0);
	CHECK(file_is(path, "second, longer\n"));
	CHECK(fileio_write_atomic(path, "", 0, 0640, (uid_t)-1, (gid_t)-1) == 0);
	CHECK(file_is(path, ""));
	CHECK(dir_entries(dir, name, sizeof(name)) == 1);
	CHECK_STR(name, "config.toml");
	remove_tree(dir);
}

static void test_mode_despite_umask(void)
{
	static const mode_t umasks[] = {077, 022};
	static const mode_t modes[] = {0640, 0666, 0600, 0755};
	char path[4200];
	const char *dir = unit_tmpdir("fileio-mode");
	for (size_t u = 0; u < sizeof(umasks) / sizeof(umasks[0]); u++) {
		mode_t old = umask(umasks[u]);
		for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
			snprintf(path, sizeof(path), "%s/f%zu%zu", dir, u, m);
			CHECK(fileio_write_atomic(path, "x", 1, modes[m], (uid_t)-1, (gid_t)-1) == 0);
			CHECK(mode_of(path) == modes[m]);
			/* Replacing keeps the requested mode, not the old file's. */
			CHECK(fileio_write_atomic(path, "y", 1, 0604, (uid_t)-1, (gid_t)-1) == 0);
			CHECK(mode_of(path) == 0604);
		}
		umask(old);
	}
	remove_tree(dir);
}

static void test_missing_dir(void)
{
	char path[4200], name[256];
	const char *dir = unit_tmpdir("fileio-missing");
	snprintf(path, sizeof(path), "%s/nope/file", dir);
	errno = 0;
	CHECK(fileio_write_atomic(path, "x", 1, 0600, (uid_t)-1, (gid_t)-1) == -1);
	CHECK(errno == ENOENT);
	CHECK(dir_entries(dir, name, sizeof(name)) == 0);
	remove_tree(dir);
}

/* rename() onto a directory fails after the temp file is written: it must be cleaned up. */
static void test_failure_after_temp(void)
{
	char path[4200], inner[4300], name[256];
	const char *dir = unit_tmpdir("fileio-fail");
	snprintf(path, sizeof(path), "%s/target", dir);
	snprintf(inner, sizeof(inner), "%s/keep", path);
	CHECK(mkdir(path, 0700) == 0);
	CHECK(fileio_write_atomic(inner, "kept", 4, 0600, (uid_t)-1, (gid_t)-1) == 0);
	errno = 0;
	CHECK(fileio_write_atomic(path, "x", 1, 0600, (uid_t)-1, (gid_t)-1) == -1);
	CHECK(errno == EISDIR);
	CHECK(dir_entries(dir, name, sizeof(name)) == 1);
	CHECK_STR(name, "target");
	CHECK(file_is(inner, "kept"));
	remove_tree(dir);
}

/* As root the owner is set; otherwise giving the file away fails and leaves the old one. */
static void test_owner(void)
{
	char path[4200], name[256];
	const char *dir = unit_tmpdir("fileio-owner");
	snprintf(path, sizeof(path), "%s/owned", dir);
	CHECK(fileio_write_atomic(path, "old", 3, 0640, (uid_t)-1, (gid_t)-1) == 0);
	struct stat st;
	if (geteuid() == 0) {
		CHECK(fileio_write_atomic(path, "new", 3, 0640, 12345, 23456) == 0);
		CHECK(stat(path, &st) == 0 && st.st_uid == 12345 && st.st_gid == 23456);
		CHECK(mode_of(path) == 0640);
		CHECK(file_is(path, "new"));
	} else {
		errno = 0;
		CHECK(fileio_write_atomic(path, "new", 3, 0640, 0, 0) == -1);
		CHECK(errno == EPERM);
		CHECK(file_is(path, "old"));
	}
	CHECK(dir_entries(dir, name, sizeof(name)) == 1);
	remove_tree(dir);
}

/* A temp name left by a crashed process with our pid does not block the write. */
static void test_stale_temp(void)
{
	char path[4200], stale[4300], name[256];
	const char *dir = unit_tmpdir("fileio-stale");
	snprintf(path, sizeof(path), "%s/data", dir);
	snprintf(stale, sizeof(stale), "%s/.data.tmp.%ld", dir, (long)getpid());
	CHECK(fileio_write_atomic(stale, "junk", 4, 0600, (uid_t)-1, (gid_t)-1) == 0);
	CHECK(fileio_write_atomic(path, "fresh", 5, 0600, (uid_t)-1, (gid_t)-1) == 0);
	CHECK(file_is(path, "fresh"));
	CHECK(dir_entries(dir, name, sizeof(name)) == 1);
	CHECK_STR(name, "data");
	remove_tree(dir);
}

static void test_bad_targets(void)
{
	char path[4200];
	const char *dir = unit_tmpdir("fileio-bad");
	snprintf(path, sizeof(path), "%s/", dir);
	errno = 0;
	CHECK(fileio_write_atomic(path, "x", 1, 0600, (uid_t)-1, (gid_t)-1) == -1 && errno == EINVAL);
	char longpath[5000];
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	errno = 0;
	CHECK(fileio_write_atomic(longpath, "x", 1, 0600, (uid_t)-1, (gid_t)-1) == -1 &&
	      errno == ENAMETOOLONG);
	remove_tree(dir);
}

static void test_read_all(void)
{
	char path[4200];
	const char *dir = unit_tmpdir("fileio-read");
	snprintf(path, sizeof(path), "%s/big", dir);
	size_t big_len = 100000;
	char *big = malloc(big_len);
	CHECK(big != NULL);
	if (!big)
		return;
	for (size_t i = 0; i < big_len; i++)
		big[i] = (char)(i % 251);
	CHECK(fileio_write_atomic(path, big, big_len, 0600, (uid_t)-1, (gid_t)-1) == 0);

	struct buf b = BUF_INIT;
	CHECK(buf_append_str(&b, "prefix") == 0);
	CHECK(fileio_read_file(path, &b) == 0);
	CHECK(b.len == 6 + big_len && memcmp(b.data, "prefix", 6) == 0 &&
	      memcmp(b.data + 6, big, big_len) == 0 && b.data[b.len] == '\0');
	buf_free(&b);

	struct buf exact = BUF_INIT;
	exact.limit = big_len;
	CHECK(fileio_read_file(path, &exact) == 0 && exact.len == big_len);
	buf_free(&exact);

	struct buf small = BUF_INIT;
	small.limit = big_len - 1;
	CHECK(buf_append_str(&small, "keep") == 0);
	errno = 0;
	CHECK(fileio_read_file(path, &small) == -1);
	CHECK(errno == E2BIG);
	CHECK(small.len == 4);
	CHECK_STR(small.data, "keep");
	buf_free(&small);
	free(big);

	struct buf none = BUF_INIT;
	snprintf(path, sizeof(path), "%s/absent", dir);
	errno = 0;
	CHECK(fileio_read_file(path, &none) == -1 && errno == ENOENT);
	errno = 0;
	CHECK(fileio_read_file(dir, &none) == -1 && errno == EISDIR);
	buf_free(&none);
	remove_tree(dir);
}

static void test_write_all_and_fsync(void)
{
	char path[4200], missing[4300];
	const char *dir = unit_tmpdir("fileio-wa");
	snprintf(path, sizeof(path), "%s/w", dir);
	int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	CHECK(fd >= 0);
	CHECK(fileio_write_all(fd, "abc", 3) == 0);
	CHECK(fileio_write_all(fd, "", 0) == 0);
	CHECK(fileio_write_all(fd, "def", 3) == 0);
	CHECK(close(fd) == 0);
	CHECK(file_is(path, "abcdef"));
	errno = 0;
	CHECK(fileio_write_all(-1, "x", 1) == -1 && errno == EBADF);

	CHECK(fileio_fsync_dir(dir) == 0);
	CHECK(fileio_fsync_parent(path) == 0);
	CHECK(fileio_fsync_parent("relative-name") == 0);
	snprintf(missing, sizeof(missing), "%s/gone/file", dir);
	errno = 0;
	CHECK(fileio_fsync_parent(missing) == -1 && errno == ENOENT);
	errno = 0;
	CHECK(fileio_fsync_dir(path) == -1 && errno == ENOTDIR);
	remove_tree(dir);
}

void suite_fileio(void)
{
	test_replace_and_no_temp();
	test_mode_despite_umask();
	test_missing_dir();
	test_failure_after_temp();
	test_owner();
	test_stale_temp();
	test_bad_targets();
	test_read_all();
	test_write_all_and_fsync();
}
