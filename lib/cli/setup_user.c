/* setup_user.c: creating the aimx-catchall and aimx-smtpd system users with the host's own tools. */
#include "cli/setup_user.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "base/fileio.h"
#include "base/privdrop.h"
#include "base/run_program.h"
#include "base/test_env.h"

const char *setup_catchall_user(void)
{
	const char *v = test_env("AIMX_TEST_CATCHALL_USER");
	return v ? v : CATCHALL_USER_DEFAULT;
}

const char *setup_catchall_home(void)
{
	const char *v = test_env("AIMX_TEST_CATCHALL_HOME");
	return v ? v : CATCHALL_HOME_DEFAULT;
}

/* BusyBox (Alpine): a group of the same name first, then the user in it. */
static int busybox_add(const char *name, const char *home)
{
	char *group[] = {"addgroup", "-S", (char *)name, NULL};
	char *user[] = {"adduser",       "-S", "-D",         "-H",         "-h", (char *)home, "-s",
	                "/sbin/nologin", "-G", (char *)name, (char *)name, NULL};
	int rc = run_program(1, group);
	if (rc != 0 && !getgrnam(name)) /* addgroup fails when the group exists */
		return rc;
	return run_program(1, user);
}

static int add_user(const char *name, const char *home, char err[ERR_SIZE])
{
	char *argv[] = {"useradd",    "--system", "--no-create-home",  "--home-dir",
	                (char *)home, "--shell",  "/usr/sbin/nologin", "--user-group",
	                (char *)name, NULL};
	int rc = run_program(1, argv);
	const char *tool = "useradd";
	if (rc == RUN_NOT_FOUND) {
		rc = busybox_add(name, home);
		tool = "adduser";
	}
	if (rc != 0 || !getpwnam(name))
		return err_set(err, "Failed to create system user '%.64s' (`%s` exited with %d)",
		               name, tool, rc);
	return 0;
}

static int own_home(const char *home, const struct passwd *pw, char err[ERR_SIZE])
{
	struct stat st;
	int rc = fileio_mkdir_p(home, 0700);
	if (rc == 0)
		rc = lstat(home, &st);
	if (rc == 0 && !S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		rc = -1;
	}
	if (rc == 0 && (st.st_uid != pw->pw_uid || st.st_gid != pw->pw_gid))
		rc = chown(home, pw->pw_uid, pw->pw_gid);
	if (rc == 0 && (st.st_mode & 07777) != 0700)
		rc = chmod(home, 0700);
	if (rc < 0)
		err_set(err, "cannot prepare %.200s: %s", home, strerror(errno));
	return rc;
}

int setup_worker_user_ensure(int *created, char err[ERR_SIZE])
{
	const char *name = PRIVDROP_USER;
	*created = 0;
	if (getpwnam(name))
		return 0;
	if (add_user(name, WORKER_HOME, err) < 0)
		return -1;
	*created = 1;
	return 0;
}

int setup_catchall_ensure(const char *name, const char *home, int *created, char err[ERR_SIZE])
{
	*created = 0;
	if (!getpwnam(name)) {
		if (add_user(name, home, err) < 0)
			return -1;
		*created = 1;
	}
	struct passwd *pw = getpwnam(name);
	if (!pw)
		return err_set(err, "system user '%.64s' not found", name);
	struct passwd copy = *pw;
	return own_home(home, &copy, err);
}
