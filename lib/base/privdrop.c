/* privdrop.c: finding the workers' user and entering their jail (see privdrop.h). */
#include "base/privdrop.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

void privdrop_worker_ids(struct privdrop_ids *ids)
{
	if (geteuid() != 0) {
		*ids = (struct privdrop_ids){geteuid(), getegid(), "", 0};
		return;
	}
	const char *names[] = {PRIVDROP_USER, PRIVDROP_FALLBACK};
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		struct passwd *pw = getpwnam(names[k]);
		if (pw && pw->pw_uid != 0 && pw->pw_gid != 0) {
			*ids = (struct privdrop_ids){pw->pw_uid, pw->pw_gid, "", 1};
			snprintf(ids->name, sizeof(ids->name), "%s", names[k]);
			return;
		}
	}
	*ids = (struct privdrop_ids){PRIVDROP_FALLBACK_ID, PRIVDROP_FALLBACK_ID, "", 1};
	snprintf(ids->name, sizeof(ids->name), "%d", PRIVDROP_FALLBACK_ID);
}

int privdrop_enter(const char *root, const struct privdrop_ids *ids, char err[ERR_SIZE])
{
	if (!ids->jail)
		return 0;
	if (chroot(root) < 0 || chdir("/") < 0)
		return err_set(err, "cannot chroot into %s: %s", root, strerror(errno));
	if (setgroups(0, NULL) < 0 || setresgid(ids->gid, ids->gid, ids->gid) < 0 ||
	    setresuid(ids->uid, ids->uid, ids->uid) < 0)
		return err_set(err, "cannot become %s: %s", ids->name, strerror(errno));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return err_set(err, "cannot set no_new_privs: %s", strerror(errno));
	if (setuid(0) == 0 || geteuid() == 0 || getegid() == 0)
		return err_set(err, "%s", "root could be regained after the drop");
	return 0;
}

static void close_range_of(unsigned first, unsigned last)
{
	if (first > last)
		return;
	if (syscall(SYS_close_range, first, last, 0) == 0)
		return;
	long max = sysconf(_SC_OPEN_MAX);
	for (long fd = first; fd <= (long)last && fd < max; fd++)
		close((int)fd);
}

int privdrop_keep_fds(int *fds, size_t n)
{
	int above = 3 + (int)n;
	for (size_t k = 0; k < n; k++)
		if (fds[k] + 1 > above)
			above = fds[k] + 1;
	for (size_t k = 0; k < n; k++) /* out of the way of the targets first */
		if ((fds[k] = fcntl(fds[k], F_DUPFD_CLOEXEC, above)) < 0)
			return -1;
	for (size_t k = 0; k < n; k++)
		if (dup3(fds[k], 3 + (int)k, O_CLOEXEC) < 0)
			return -1;
	for (size_t k = 0; k < n; k++)
		fds[k] = 3 + (int)k;
	close_range_of(3 + (unsigned)n, ~0U);
	return 0;
}
