/* privdrop.h: the unprivileged user that session workers run as, and entering a worker's
 * jail: chroot into its spool, no supplementary groups, that uid and gid for good. */
#ifndef AIMX_PRIVDROP_H
#define AIMX_PRIVDROP_H

#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"

#define PRIVDROP_USER        "aimx-smtpd" /* made by `aimx setup` */
#define PRIVDROP_FALLBACK    "nobody"     /* when PRIVDROP_USER does not exist */
#define PRIVDROP_FALLBACK_ID 65534        /* when neither does (an image with no passwd) */
#define PRIVDROP_NAME_MAX    33

struct privdrop_ids {
	uid_t uid;
	gid_t gid;
	char name[PRIVDROP_NAME_MAX]; /* the user found, or "65534" */
	int jail;                     /* 1: chroot and drop (we are root); 0: dev mode, as we are */
};

/* As root: PRIVDROP_USER, else PRIVDROP_FALLBACK, else PRIVDROP_FALLBACK_ID (never root).
 * Otherwise our own ids, with no jail. */
void privdrop_worker_ids(struct privdrop_ids *ids);

/* With ids->jail: chroot(root), chdir("/"), drop every group and become ids->uid:gid with
 * no way back (no_new_privs; regaining root is checked to fail). Without: nothing. 0, or -1
 * with err set. */
int privdrop_enter(const char *root, const struct privdrop_ids *ids, char err[ERR_SIZE]);

/* Keeps fds[0..n) as 3, 4, ... (fds updated; close-on-exec) and closes every other fd
 * above 2. 0, or -1 with errno. */
int privdrop_keep_fds(int *fds, size_t n);

#endif
