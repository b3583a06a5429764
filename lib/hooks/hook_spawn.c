/* hook_spawn.c: a hook's forked child: new session, clean fds, owner identity, limits, exec.
 *
 * Upstream runs hooks through systemd-run on systemd hosts. We exec them directly after
 * setgid, initgroups and setuid (each checked, then verified: root cannot come back), in a
 * new session, in a private mount namespace with a read-only tree and a private /dev
 * (hook_confine.c), with RLIMIT_NPROC, RLIMIT_DATA, no core files and no_new_privs. That
 * works the same on every host and in containers, where systemd-run is usually absent; the
 * parent's timeout signals the whole process group. */
#include "hooks/hook_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/log.h"
#include "hooks/hook_confine.h"

#define HOOK_NPROC_MAX  256   /* processes of the owner: contains a fork bomb */
#define HOOK_DATA_MAX   (512UL * 1024 * 1024) /* heap and private writable memory per process */
#define HOOK_FD_SCAN_MAX 65536 /* descriptors closed one by one without close_range(2) */

int hook_spawn_identity(const char *owner, struct hook_identity *id)
{
	struct passwd *pw = getpwnam(owner);
	memset(id, 0, sizeof(*id));
	snprintf(id->home, sizeof(id->home), "/");
	if (!pw) {
		if (geteuid() == 0)
			return -1;
		log_event(LOG_WARN, "hook.owner_missing", "owner", owner, "runs_as", "daemon user",
			  NULL);
		return 0;
	}
	id->drop = geteuid() == 0 && pw->pw_uid != 0;
	id->uid = pw->pw_uid;
	id->gid = pw->pw_gid;
	if ((size_t)snprintf(id->name, sizeof(id->name), "%s", pw->pw_name) >= sizeof(id->name))
		return -1;
	if (pw->pw_dir && *pw->pw_dir && strlen(pw->pw_dir) < sizeof(id->home))
		snprintf(id->home, sizeof(id->home), "%s", pw->pw_dir);
	return 0;
}

static int report_fd = -1;

/* Before exec nothing can be logged: say why on the hook's stderr, flag the report pipe. */
__attribute__((noreturn)) static void child_fail(const char *what)
{
	int saved = errno;
	dprintf(STDERR_FILENO, "aimx hook: %s: %s\n", what, strerror(saved));
	if (report_fd >= 0 && write(report_fd, "x", 1) < 0)
		_exit(126);
	_exit(127);
}

static void close_from(int first)
{
	if (syscall(SYS_close_range, (unsigned)first, ~0u, 0u) == 0)
		return;
	struct rlimit lim;
	long max = getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < HOOK_FD_SCAN_MAX
			   ? (long)lim.rlim_cur
			   : HOOK_FD_SCAN_MAX;
	for (long fd = first; fd < max; fd++)
		close((int)fd);
}

/* stdin, stdout, stderr and the report pipe at 0..3 and nothing else: the hook never holds
 * the daemon's sockets, listeners or files. The sources are first copied above 3, so any
 * of them may already sit at 0..3 (a daemon started with a closed stdin). */
static void arrange_fds(const int fds[HOOK_FD_COUNT])
{
	int high[HOOK_FD_COUNT];
	report_fd = fds[HOOK_FD_REPORT];
	for (int k = 0; k < HOOK_FD_COUNT; k++)
		if ((high[k] = fcntl(fds[k], F_DUPFD_CLOEXEC, HOOK_FD_COUNT)) < 0)
			child_fail("descriptors");
	for (int k = 0; k < HOOK_FD_COUNT; k++)
		if (dup3(high[k], k, k == HOOK_FD_REPORT ? O_CLOEXEC : 0) < 0)
			child_fail("descriptors");
	report_fd = HOOK_FD_REPORT;
	close_from(HOOK_FD_COUNT);
}

/* Signals as a fresh process has them: nothing blocked, nothing ignored (SIG_IGN would
 * survive exec: the daemon ignores SIGPIPE). */
static void default_signals(void)
{
	sigset_t none;
	struct sigaction dfl;
	sigemptyset(&none);
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			sigaction(s, &dfl, NULL); /* fails only for numbers the libc reserves */
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		child_fail("sigprocmask");
}

/* setgid, initgroups, setuid, in that order, then proof that root cannot come back. */
static void drop_privileges(const struct hook_identity *id)
{
	if (setgid(id->gid) < 0)
		child_fail("setgid");
	if (initgroups(id->name, id->gid) < 0)
		child_fail("initgroups");
	if (setuid(id->uid) < 0)
		child_fail("setuid");
	if (getuid() != id->uid || geteuid() != id->uid || getgid() != id->gid ||
	    getegid() != id->gid || setuid(0) == 0) {
		errno = EPERM;
		child_fail("privilege drop not effective");
	}
}

/* The private view, or a line on the hook's stderr (kept in its log line) saying why not. */
static void confine(const struct hook_identity *id)
{
	const char *what = "";
	int view = hook_confine_view(id->home, id->store, &what);
	if (view < 0)
		child_fail(what);
	if (view > 0 && geteuid() == 0)
		dprintf(STDERR_FILENO, "aimx hook: no private mount namespace on this host; the hook "
				       "sees the whole file system\n");
}

static void set_limits(const struct hook_identity *id)
{
	struct rlimit nproc = {HOOK_NPROC_MAX, HOOK_NPROC_MAX}, core = {0, 0};
	struct rlimit data = {HOOK_DATA_MAX, HOOK_DATA_MAX};
	if (setrlimit(RLIMIT_CORE, &core) < 0)
		child_fail("setrlimit RLIMIT_CORE");
	if (setrlimit(RLIMIT_DATA, &data) < 0)
		child_fail("setrlimit RLIMIT_DATA");
	/* Only for a dropped owner: root is exempt, and a non-root daemon's own user may
	 * already run more processes than the cap (its hooks could then never fork). */
	if (id->drop && setrlimit(RLIMIT_NPROC, &nproc) < 0)
		child_fail("setrlimit RLIMIT_NPROC");
	/* No setuid or file-capability binary can raise the hook's privileges again. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail("prctl PR_SET_NO_NEW_PRIVS");
}

pid_t hook_spawn(char *const argv[], char *const envp[], const struct hook_identity *id,
		 const int fds[HOOK_FD_COUNT])
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	if (setsid() < 0)
		child_fail("setsid");
	arrange_fds(fds);
	default_signals();
	confine(id);
	if (id->drop)
		drop_privileges(id);
	set_limits(id);
	if (chdir(id->home) < 0 && chdir("/") < 0)
		child_fail("chdir");
	execve(argv[0], argv, envp);
	child_fail(argv[0]);
}
