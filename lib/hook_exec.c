/* hook_exec.c: fork, drop to the owner, exec without a shell, capture, time out, reap, log.
 *
 * Upstream runs hooks through systemd-run on systemd hosts. We exec them directly after
 * setgid, initgroups and setuid (verified), in a new session with RLIMIT_NPROC and no core
 * files, which works the same on every host and in containers; the timeout signals the
 * whole process group, and whatever the hook left behind is killed when it exits. */
#include "hook_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"

#define HOOK_POLL_MS      50
#define HOOK_DRAIN_MS     1000 /* reading what is left in the pipes after the exit */
#define HOOK_HOME_MAX     512
#define HOOK_NUM_MAX      24

/* The identity to run as; 0, or -1 when the owner does not exist and we are root. */
struct identity {
	int drop; /* setgid/initgroups/setuid needed */
	uid_t uid;
	gid_t gid;
	char name[64];
	char home[HOOK_HOME_MAX];
};

static int resolve_owner(const char *owner, struct identity *id)
{
	struct passwd *pw = getpwnam(owner);
	memset(id, 0, sizeof(*id));
	if (!pw) {
		if (geteuid() == 0)
			return -1;
		log_event(LOG_WARN, "hook.owner_missing", "owner", owner, "runs_as", "daemon user",
			  NULL);
		snprintf(id->home, sizeof(id->home), "/");
		return 0;
	}
	id->drop = geteuid() == 0 && pw->pw_uid != 0;
	id->uid = pw->pw_uid;
	id->gid = pw->pw_gid;
	snprintf(id->name, sizeof(id->name), "%s", pw->pw_name);
	snprintf(id->home, sizeof(id->home), "%s", pw->pw_dir && *pw->pw_dir ? pw->pw_dir : "/");
	return 0;
}

static void child_fail(const char *what)
{
	dprintf(STDERR_FILENO, "aimx hook: %s: %s\n", what, strerror(errno));
	_exit(127);
}

/* setgid, initgroups, setuid, in that order, then proof that root cannot come back. */
static void drop_privileges(const struct identity *id)
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

static void child_exec(const struct hook *h, const struct identity *id, char **envp, int in,
		       int out, int err)
{
	setsid();
	if (dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 ||
	    dup2(err, STDERR_FILENO) < 0)
		_exit(127);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	struct sigaction dfl;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	for (int s = 1; s < NSIG; s++)
		sigaction(s, &dfl, NULL);
	if (id->drop)
		drop_privileges(id);
	struct rlimit nproc = {HOOK_NPROC_MAX, HOOK_NPROC_MAX}, core = {0, 0};
	if (setrlimit(RLIMIT_CORE, &core) < 0 || (id->drop && setrlimit(RLIMIT_NPROC, &nproc) < 0))
		child_fail("setrlimit");
	if (chdir(id->home) < 0 && chdir("/") < 0)
		child_fail("chdir");
	char **argv = calloc(h->cmd.n + 1, sizeof(*argv)); /* the config's list has no NULL end */
	if (!argv)
		child_fail("argv");
	memcpy(argv, h->cmd.v, h->cmd.n * sizeof(*argv));
	execve(argv[0], argv, envp);
	child_fail(argv[0]);
}

/* Keeps the last HOOK_CAPTURE_MAX bytes of a stream. */
static int capture(int fd, struct buf *b)
{
	char chunk[8192];
	ssize_t n = read(fd, chunk, sizeof(chunk));
	if (n <= 0)
		return n < 0 && (errno == EINTR || errno == EAGAIN) ? 1 : 0;
	if (buf_append(b, chunk, (size_t)n) < 0)
		return 0;
	if (b->len > HOOK_CAPTURE_MAX) {
		memmove(b->data, b->data + b->len - HOOK_CAPTURE_MAX, HOOK_CAPTURE_MAX);
		b->len = HOOK_CAPTURE_MAX;
	}
	return 1;
}

/* Drains the pipes while the child runs; signals the group at the timeout; returns the
 * wait status. */
static int supervise(pid_t pid, int fds[2], const struct hook *h, struct hook_outcome *o,
		     long start)
{
	long term_at = start + (long)h->timeout_secs * 1000, kill_at = 0, drain_until = 0;
	int status = 0, exited = 0;
	struct buf *bufs[2] = {&o->out, &o->err};
	while (fds[0] >= 0 || fds[1] >= 0 || !exited) {
		struct pollfd p[2] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}};
		if (poll(p, 2, HOOK_POLL_MS) > 0)
			for (int k = 0; k < 2; k++)
				if (fds[k] >= 0 && (p[k].revents & (POLLIN | POLLHUP | POLLERR)) &&
				    !capture(fds[k], bufs[k])) {
					close(fds[k]);
					fds[k] = -1;
				}
		long now = monotonic_ms();
		if (!exited && waitpid(pid, &status, WNOHANG) == pid) {
			exited = 1;
			kill(-pid, SIGKILL); /* whatever it left running in its group */
			drain_until = now + HOOK_DRAIN_MS;
		}
		if (exited && now >= drain_until)
			break;
		if (!exited && !kill_at && now >= term_at) {
			o->timed_out = 1;
			kill(-pid, SIGTERM);
			kill_at = now + HOOK_KILL_GRACE_MS;
		} else if (!exited && kill_at && now >= kill_at) {
			kill(-pid, SIGKILL);
		}
	}
	for (int k = 0; k < 2; k++)
		if (fds[k] >= 0)
			close(fds[k]);
	return status;
}

static int spawn_and_wait(const struct hook *h, const struct identity *id, char **envp,
			  const char *stdin_path, struct hook_outcome *o)
{
	int in = open(stdin_path && *stdin_path ? stdin_path : "/dev/null", O_RDONLY | O_CLOEXEC);
	if (in < 0)
		in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int out[2] = {-1, -1}, err[2] = {-1, -1};
	if (in < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
		o->error = HOOK_IO_FAILED;
		goto fail;
	}
	long start = monotonic_ms();
	pid_t pid = fork();
	if (pid == 0)
		child_exec(h, id, envp, in, out[1], err[1]);
	if (pid < 0) {
		o->error = HOOK_SPAWN_FAILED;
		goto fail;
	}
	close(in);
	close(out[1]);
	close(err[1]);
	int fds[2] = {out[0], err[0]};
	int status = supervise(pid, fds, h, o, start);
	o->duration_ms = monotonic_ms() - start;
	o->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	return 0;
fail:
	for (int k = 0; k < 2; k++) {
		if (out[k] >= 0)
			close(out[k]);
		if (err[k] >= 0)
			close(err[k]);
	}
	if (in >= 0)
		close(in);
	return -1;
}

static const char *error_name(enum hook_error e)
{
	static const char *names[] = {"", "user-not-found", "spawn-failed", "io-failed"};
	return names[e];
}

static void log_outcome(const struct hook *h, const char *owner, const struct hook_env *env,
			const struct hook_outcome *o)
{
	const char *event = hook_event_name(h->event);
	if (o->error != HOOK_RAN) {
		log_event(LOG_WARN, "hook.exec_error", "hook_name", h->effective_name, "event", event,
			  "mailbox", env->mailbox, "owner", owner, "error", error_name(o->error), NULL);
		return;
	}
	char code[HOOK_NUM_MAX], ms[HOOK_NUM_MAX], tail[HOOK_LOG_TAIL_MAX + 64];
	snprintf(code, sizeof(code), "%d", o->exit_code);
	snprintf(ms, sizeof(ms), "%ld", o->duration_ms);
	hook_log_tail(&o->err, tail, sizeof(tail));
	int has_id = env->id && *env->id;
	enum log_level level = (o->exit_code != 0 || o->timed_out) ? LOG_WARN : LOG_INFO;
	log_event(level, "hook.done", "hook_name", h->effective_name, "event", event, "mailbox",
		  env->mailbox, "owner", owner, "sandbox", "setuid",
		  has_id ? "email_id" : "message_id", has_id ? env->id : env->message_id,
		  "exit_code", code, "duration_ms", ms, "timed_out", o->timed_out ? "true" : "false",
		  "stderr_tail", tail, NULL);
	if (!o->timed_out && o->duration_ms > HOOK_SLOW_MS)
		log_event(LOG_WARN, "hook.slow", "hook_name", h->effective_name, "duration_ms", ms,
			  NULL);
}

void hook_run(const struct hook *h, const char *owner, const struct hook_env *env,
	      struct hook_outcome *out)
{
	memset(out, 0, sizeof(*out));
	out->exit_code = -1;
	log_event(LOG_INFO, "hook.firing", "hook_name", h->effective_name, "event",
		  hook_event_name(h->event), "mailbox", env->mailbox, "owner", owner, NULL);
	struct identity id;
	char **envp = NULL;
	if (resolve_owner(owner, &id) < 0)
		out->error = HOOK_USER_NOT_FOUND;
	else if (!h->cmd.n || !(envp = hook_environment(h, env, id.home)))
		out->error = HOOK_SPAWN_FAILED;
	else
		spawn_and_wait(h, &id, envp, env->filepath, out);
	hook_environment_free(envp);
	log_outcome(h, owner, env, out);
}

void hook_outcome_free(struct hook_outcome *out)
{
	buf_free(&out->out);
	buf_free(&out->err);
}
