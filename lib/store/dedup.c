/* dedup.c: Message-ID dedup as files named by hash, aged out by mtime. */
#include "store/dedup.h"

#include <bearssl_hash.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fileio.h"
#include "base/paths.h"

#define DEDUP_HASH_HEX 32

static int entry_path(const char *data_dir, const char *mailbox, const char *message_id,
		      char *dir, char *path)
{
	unsigned char digest[br_sha256_SIZE];
	char hex[DEDUP_HASH_HEX + 1];
	br_sha256_context ctx;
	br_sha256_init(&ctx);
	br_sha256_update(&ctx, message_id, strlen(message_id));
	br_sha256_out(&ctx, digest);
	for (int k = 0; k < DEDUP_HASH_HEX / 2; k++)
		snprintf(hex + 2 * k, 3, "%02x", digest[k]);
	int n1 = snprintf(dir, AIMX_PATH_MAX, "%s/.aimx/msgid/%s", data_dir, mailbox);
	int n2 = snprintf(path, AIMX_PATH_MAX, "%s/%s", dir, hex);
	if (n1 < 0 || n1 >= AIMX_PATH_MAX || n2 < 0 || n2 >= AIMX_PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int dedup_seen(const char *data_dir, const char *mailbox, const char *message_id, time_t now)
{
	char dir[AIMX_PATH_MAX], path[AIMX_PATH_MAX];
	struct stat st;
	if (!message_id || !*message_id || entry_path(data_dir, mailbox, message_id, dir, path) < 0)
		return 0;
	if (stat(path, &st) < 0)
		return 0;
	return now - st.st_mtime < DEDUP_TTL_SECONDS;
}

/* Drop entries older than the TTL; run on about one record in 256 (hash-chosen). */
static void dedup_prune(const char *dir, time_t now)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	struct stat st;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    now - st.st_mtime >= DEDUP_TTL_SECONDS)
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
}

int dedup_record(const char *data_dir, const char *mailbox, const char *message_id, time_t now)
{
	char dir[AIMX_PATH_MAX], path[AIMX_PATH_MAX];
	if (!message_id || !*message_id)
		return 0;
	if (entry_path(data_dir, mailbox, message_id, dir, path) < 0 || fileio_mkdir_p(dir, 0700) < 0)
		return -1;
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -1;
	struct timespec times[2] = {{now, 0}, {now, 0}};
	int rc = futimens(fd, times);
	int saved = errno;
	close(fd);
	if (strncmp(path + strlen(dir) + 1, "00", 2) == 0)
		dedup_prune(dir, now);
	errno = saved;
	return rc;
}
