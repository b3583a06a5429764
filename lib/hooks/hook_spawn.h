/* hook_spawn.h: the child side of a hook run: whom it runs as, the fork that becomes the hook. */
#ifndef AIMX_HOOK_SPAWN_H
#define AIMX_HOOK_SPAWN_H

#include <limits.h>
#include <sys/types.h>

#define HOOK_OWNER_MAX 256 /* bytes of a user name, with its NUL */

/* The identity a hook runs with. */
struct hook_identity {
	int drop; /* 1: setgid, initgroups, setuid to these before exec */
	uid_t uid;
	gid_t gid;
	char name[HOOK_OWNER_MAX];
	char home[PATH_MAX]; /* the owner's home from passwd; "/" when unknown */
	const char *store;   /* the data dir, kept read-only in the hook's view */
};

/* Looks the owner up in passwd. Returns 0, or -1 when the owner does not exist and the
 * caller is root (the hook must not run). A missing owner while not root runs the hook as
 * the caller, with a warning (mail.md 4.5). */
int hook_spawn_identity(const char *owner, struct hook_identity *id);

/* The descriptors the child gets: fds[0] becomes stdin, fds[1] stdout, fds[2] stderr;
 * fds[3] is the report pipe, to which the child writes one byte if it fails before exec
 * (it is close-on-exec, so a successful exec closes it unwritten). */
enum { HOOK_FD_IN, HOOK_FD_OUT, HOOK_FD_ERR, HOOK_FD_REPORT, HOOK_FD_COUNT };

/* Forks; the child starts a new session, keeps only those descriptors, takes its confined
 * view (hook_confine.h), drops to id, sets RLIMIT_NPROC, RLIMIT_DATA and RLIMIT_CORE and
 * no_new_privs, changes to the home directory and execs argv[0] (an absolute path, no shell,
 * no PATH search) with envp. Returns the child's pid, or -1. */
pid_t hook_spawn(char *const argv[], char *const envp[], const struct hook_identity *id,
		 const int fds[HOOK_FD_COUNT]);

#endif
