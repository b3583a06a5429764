/* privdrop.c: finding the workers' user and entering their jail (see privdrop.h). */
#include "base/privdrop.h"

#include <errno.h>
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

void privdrop_close_fds_except(int keep_a, int keep_b)
{
	unsigned lo = (unsigned)(keep_a < keep_b ? keep_a : keep_b);
	unsigned hi = (unsigned)(keep_a < keep_b ? keep_b : keep_a);
	if (keep_a < 0 || keep_b < 0) {
		lo = hi = (unsigned)(keep_a < 0 ? keep_b : keep_a);
		if (keep_a < 0 && keep_b < 0) {
			close_range_of(3, ~0U);
			return;
		}
	}
	close_range_of(3, lo - 1);
	close_range_of(lo + 1, hi - 1);
	close_range_of(hi + 1, ~0U);
}
