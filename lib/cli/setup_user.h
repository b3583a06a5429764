/* setup_user.h: the aimx-catchall system user and its home directory; the workers' user. */
#ifndef AIMX_SETUP_USER_H
#define AIMX_SETUP_USER_H

#include "base/err.h"

#define CATCHALL_USER_DEFAULT "aimx-catchall"
#define CATCHALL_HOME_DEFAULT "/var/lib/aimx-catchall"
#define WORKER_HOME           "/nonexistent" /* the workers' user has no home */

/* aimx-catchall, or AIMX_TEST_CATCHALL_USER (test-only, logged). */
const char *setup_catchall_user(void);
/* /var/lib/aimx-catchall, or AIMX_TEST_CATCHALL_HOME (test-only, logged). */
const char *setup_catchall_home(void);

/* Make sure the session workers' system user (PRIVDROP_USER, base/privdrop.h) exists (created as below, home /nonexistent,
 * not made). *created says whether it was added. 0, or -1 with err. */
int setup_worker_user_ensure(int *created, char err[ERR_SIZE]);

/* Make sure the system user `name` (with its own group, no login shell, home `home` not
 * created by the tool) exists: useradd --system --no-create-home --home-dir HOME --shell
 * /usr/sbin/nologin --user-group NAME, or where useradd is missing BusyBox's addgroup -S
 * NAME and adduser -S -D -H -h HOME -s /sbin/nologin -G NAME NAME. Then HOME is created
 * and owned NAME:group, mode 0700 (changed only when it drifted). *created says whether the
 * user was added. 0, or -1 with err. */
int setup_catchall_ensure(const char *name, const char *home, int *created, char err[ERR_SIZE]);

#endif
