/* store_sweep.c: remove the temp files, temp bundles and reservations of crashed writers. */
#include "store/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fileio.h"
#include "base/log.h"
#include "base/paths.h"
#include "store/mailbox_dir.h"

#define SWEEP_PID_TEXT  24
#define SWEEP_STAT_TEXT 512 /* the head of /proc/<pid>/stat: pid, (comm), state */

/* The first size-1 bytes of a small file, NUL-terminated; their count, or -1. */
static ssize_t read_head(int dfd, const char *name, char *out, size_t size)
{
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = fileio_read_retry(fd, out, size - 1);
	close(fd);
	if (n >= 0)
		out[n] = '\0';
	return n;
}

/* A zombie is not running: a killed writer whose parent died is one until init reaps it,
 * and a container's PID 1 may never do so. Without /proc, kill(2) alone decides. */
static int pid_running(pid_t pid)
{
	if (kill(pid, 0) < 0 && errno != EPERM)
		return 0;
	char path[SWEEP_PID_TEXT + 16], stat[SWEEP_STAT_TEXT];
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if (read_head(AT_FDCWD, path, stat, sizeof(stat)) <= 0)
		return 1;
	const char *state = strrchr(stat, ')');
	return !(state && state[1] == ' ' && (state[2] == 'Z' || state[2] == 'X'));
}

/* The pid at the end of ".<name>.tmp.<digits>", or 0 when the name is not a temp name. */
static pid_t temp_pid(const char *name)
{
	const char *tag = strstr(name, ".tmp.");
	if (!tag)
		return 0;
	const char *digits = tag + strlen(".tmp.");
	for (const char *next; (next = strstr(digits, ".tmp.")); digits = next + strlen(".tmp."))
		;
	char *end;
	long v = strtol(digits, &end, 10);
	return *digits && *end == '\0' && v > 0 ? (pid_t)v : 0;
}

/* The pid written in a reservation; 0 when it holds none: its writer died between creating
 * it and writing its pid, both under the mailbox lock the sweep holds. */
static pid_t reservation_pid(int dfd, const char *name)
{
	char text[SWEEP_PID_TEXT];
	if (read_head(dfd, name, text, sizeof(text)) <= 0)
		return 0;
	long v = strtol(text, NULL, 10);
	return v > 0 ? (pid_t)v : 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n > m && strcmp(s + n - m, suffix) == 0;
}

/* A temp bundle holds only regular files: remove them, then the dir; no symlink followed. */
static int remove_temp_dir(int dfd, const char *name)
{
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			(void)unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
	return unlinkat(dfd, name, AT_REMOVEDIR);
}

/* 1 when the dot entry `name` is a dead writer's leftover to remove (of `only`, if > 0). */
static int is_leftover(int dfd, const char *name, pid_t only)
{
	struct stat st;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	pid_t pid = 0;
	if (ends_with(name, ".reserved") && S_ISREG(st.st_mode)) {
		pid = reservation_pid(dfd, name);
		if (!pid)
			return 1;
	} else if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
		pid = temp_pid(name);
	}
	if (!pid || (only > 0 && pid != only))
		return 0;
	return !pid_running(pid);
}

static int sweep_folder(int dfd, pid_t only)
{
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -1;
	}
	int removed = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] != '.' || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!is_leftover(dirfd(d), e->d_name, only))
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) == 0 ||
		    (errno == EISDIR && remove_temp_dir(dirfd(d), e->d_name) == 0)) {
			removed++;
			log_event(LOG_INFO, "store.sweep_removed", "name", e->d_name, NULL);
		}
	}
	closedir(d);
	return removed;
}

/* Every mailbox folder under <data>/<top>/, each under its mailbox's lock: no writer is
 * then between creating a reservation and writing its pid. */
static int sweep_top(const char *data_dir, const char *top, pid_t only)
{
	char path[AIMX_PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/%s", data_dir, top);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	DIR *d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	int removed = 0;
	struct dirent *e;
	while ((e = readdir(d)) && removed >= 0) {
		if (e->d_name[0] == '.')
			continue;
		int lock = mailbox_dir_lock(data_dir, e->d_name);
		int fd =
		    openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int k = lock < 0 || fd < 0 ? 0 : sweep_folder(fd, only);
		if (fd >= 0 && lock < 0)
			close(fd);
		mailbox_dir_unlock(lock);
		removed = k < 0 ? -1 : removed + k;
	}
	int saved = errno;
	closedir(d);
	errno = saved;
	return removed;
}

int store_sweep(const char *data_dir, pid_t pid)
{
	int inbox = sweep_top(data_dir, "inbox", pid);
	if (inbox < 0)
		return -1;
	int sent = sweep_top(data_dir, "sent", pid);
	return sent < 0 ? -1 : inbox + sent;
}
