/* sent_copy_room.c: refuse a SEND up front when its sent copy could not be kept (disk full). */
#include "store/sent_copy.h"

#include <errno.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "base/path_join.h"

/* Room for the copy (Markdown source, frontmatter, attachments: at most about twice the
 * signed message) plus a margin for the directory entries and the dedup of later mail. */
#define SENT_COPY_MARGIN (256 * 1024)

int sent_copy_room(const char *data_dir, size_t signed_len, char err[ERR_SIZE])
{
	char dir[AIMX_PATH_MAX];
	struct statvfs fs;
	if (path_join(dir, sizeof(dir), data_dir, "sent") < 0 ||
	    (statvfs(dir, &fs) < 0 && (errno != ENOENT || statvfs(data_dir, &fs) < 0)))
		return err_set(err, "cannot check the free space for the sent copy in %s: %s",
		               data_dir, strerror(errno));
	unsigned long long blocks = geteuid() == 0 ? fs.f_bfree : fs.f_bavail;
	unsigned long long room = blocks * (unsigned long long)fs.f_frsize;
	unsigned long long need = 2ULL * signed_len + SENT_COPY_MARGIN;
	if (room >= need && (fs.f_files == 0 || fs.f_ffree > 2))
		return 0;
	return err_set(err,
	               "cannot keep the sent copy in %s: %s (nothing was sent; free some "
	               "space and retry)",
	               dir, strerror(ENOSPC));
}
