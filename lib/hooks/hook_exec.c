/* hook_exec.c: one hook run seen from the parent: spawn, drain the output, time out, reap, log. */
#include "hooks/hook_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/clock.h"
#include "hooks/hook_spawn.h"
#include "base/log.h"

#define HOOK_POLL_MS  50
#define HOOK_DRAIN_MS 1000 /* reading what is left in the pipes after the exit */
#define HOOK_NUM_MAX  24

/* Keeps the last HOOK_CAPTURE_MAX bytes of a stream; 0 once the stream is done. */
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
		b->data[b->len] = '\0';
	}
	return 1;
}

static void drain_ready(int fds[2], struct hook_outcome *o)
{
	struct buf *bufs[2] = {&o->out, &o->err};
	struct pollfd p[2] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}};
	if (poll(p, 2, HOOK_POLL_MS) <= 0)
		return;
	for (int k = 0; k < 2; k++)
		if (fds[k] >= 0 && (p[k].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    !capture(fds[k], bufs[k])) {
			close(fds[k]);
			fds[k] = -1;
		}
}

/* 1 once the child is reaped (status set; -1 when it cannot be waited for at all). */
static int reaped(pid_t pid, int *status)
{
	pid_t w = waitpid(pid, status, WNOHANG);
	if (w == pid)
		return 1;
	if (w < 0 && errno != EINTR) {
		*status = -1;
		return 1;
	}
	return 0;
}

/* Drains the pipes while the child runs; at the timeout SIGTERM to its process group, and
 * SIGKILL HOOK_KILL_GRACE_MS later. Whatever the hook left in its group is killed when it
 * exits. Returns the wait status (-1 when unknown). */
static int supervise(pid_t pid, int fds[2], unsigned timeout_secs, struct hook_outcome *o,
		     int64_t start)
{
	int64_t term_at = start + (int64_t)timeout_secs * 1000, kill_at = 0, drain_until = 0;
	int status = 0, exited = 0;
	while (fds[0] >= 0 || fds[1] >= 0 || !exited) {
		drain_ready(fds, o);
		int64_t now = clock_monotonic_ms();
		if (!exited && reaped(pid, &status)) {
			exited = 1;
			kill(-pid, SIGKILL);
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
	return status;
}

/* The parent's descriptors of one run; -1 once closed. */
struct run_fds {
	int in;        /* the .md, for the child's stdin */
	int rd[2];     /* read ends of the stdout and stderr pipes: drained here */
	int wr[2];     /* their write ends: the child's stdout and stderr */
	int report[2]; /* the child writes [1] if it fails before exec */
};

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void close_child_ends(struct run_fds *f)
{
	close_fd(&f->in);
	close_fd(&f->wr[0]);
	close_fd(&f->wr[1]);
	close_fd(&f->report[1]);
}

static void run_fds_close(struct run_fds *f)
{
	close_child_ends(f);
	close_fd(&f->rd[0]);
	close_fd(&f->rd[1]);
	close_fd(&f->report[0]);
}

/* The .md on stdin is opened here (read-only, close-on-exec) and handed over as a
 * descriptor: no writer, nothing to block on. /dev/null when there is no file or it cannot
 * be opened. */
static int run_fds_open(struct run_fds *f, const char *stdin_path)
{
	int pipes[3][2] = {{-1, -1}, {-1, -1}, {-1, -1}};
	int rc = 0;
	f->in = stdin_path && *stdin_path ? open(stdin_path, O_RDONLY | O_CLOEXEC | O_NOCTTY) : -1;
	if (f->in < 0)
		f->in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	for (int k = 0; k < 3; k++)
		if (pipe2(pipes[k], O_CLOEXEC | (k == 2 ? O_NONBLOCK : 0)) < 0)
			rc = -1;
	for (int k = 0; k < 2; k++) {
		f->rd[k] = pipes[k][0];
		f->wr[k] = pipes[k][1];
	}
	f->report[0] = pipes[2][0];
	f->report[1] = pipes[2][1];
	return f->in < 0 ? -1 : rc;
}

/* 1 when the child wrote to the report pipe: it failed before exec. */
static int failed_before_exec(int report)
{
	char byte;
	return read(report, &byte, 1) == 1;
}

static void spawn_and_wait(const struct hook *h, const struct hook_identity *id, char **argv,
			   char **envp, const char *stdin_path, struct hook_outcome *o)
{
	struct run_fds f;
	if (run_fds_open(&f, stdin_path) < 0) {
		o->error = HOOK_IO_FAILED;
		run_fds_close(&f);
		return;
	}
	int child_fds[HOOK_FD_COUNT] = {f.in, f.wr[0], f.wr[1], f.report[1]};
	int64_t start = clock_monotonic_ms();
	pid_t pid = hook_spawn(argv, envp, id, child_fds);
	close_child_ends(&f); /* the pipes then end when the child (and what it started) does */
	if (pid < 0) {
		o->error = HOOK_SPAWN_FAILED;
	} else {
		int status = supervise(pid, f.rd, h->timeout_secs, o, start);
		o->duration_ms = (long)(clock_monotonic_ms() - start);
		o->exit_code = status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		if (failed_before_exec(f.report[0]))
			o->error = HOOK_SPAWN_FAILED;
	}
	run_fds_close(&f);
}

static const char *error_name(enum hook_error e)
{
	static const char *names[] = {"", "user-not-found", "spawn-failed", "io-failed"};
	return names[e];
}

static void log_outcome(const struct hook *h, const char *owner, const struct hook_env *env,
			const struct hook_outcome *o)
{
	const char *event = config_hook_event_name(h->event);
	char code[HOOK_NUM_MAX], ms[HOOK_NUM_MAX], tail[HOOK_LOG_TAIL_CAP];
	snprintf(code, sizeof(code), "%d", o->exit_code);
	snprintf(ms, sizeof(ms), "%ld", o->duration_ms);
	hook_env_log_tail(&o->err, tail, sizeof(tail));
	if (o->error != HOOK_RAN) {
		log_event(LOG_WARN, "hook.exec_error", "hook_name", h->effective_name, "event", event,
			  "mailbox", env->mailbox, "owner", owner, "error", error_name(o->error),
			  "stderr_tail", tail, NULL);
		return;
	}
	int has_id = env->id && *env->id;
	enum log_level level = (o->exit_code != 0 || o->timed_out) ? LOG_WARN : LOG_INFO;
	log_event(level, "hook.done", "hook_name", h->effective_name, "event", event, "mailbox",
		  env->mailbox, "owner", owner, "sandbox", "setuid",
		  has_id ? "email_id" : "message_id", has_id ? env->id : env->message_id,
		  "exit_code", code, "duration_ms", ms, "timed_out", o->timed_out ? "true" : "false",
		  "stderr_tail", tail, NULL);
	if (!o->timed_out && o->duration_ms > HOOK_SLOW_MS)
		log_event(LOG_WARN, "hook.slow", "hook_name", h->effective_name, "event", event,
			  "mailbox", env->mailbox, "duration_ms", ms, NULL);
}

/* argv for execve: the config's list has no NULL end. */
static char **exec_argv(const struct hook *h)
{
	char **argv = h->cmd.n ? calloc(h->cmd.n + 1, sizeof(*argv)) : NULL;
	if (argv)
		memcpy(argv, h->cmd.v, h->cmd.n * sizeof(*argv));
	return argv;
}

void hook_exec_run(const struct hook *h, const char *owner, const struct hook_env *env,
	      struct hook_outcome *out)
{
	memset(out, 0, sizeof(*out));
	out->exit_code = -1;
	log_event(LOG_INFO, "hook.firing", "hook_name", h->effective_name, "event",
		  config_hook_event_name(h->event), "mailbox", env->mailbox, "owner", owner, NULL);
	struct hook_identity id;
	char **envp = NULL, **argv = NULL;
	int known = hook_spawn_identity(owner, &id) == 0;
	id.store = env->data_dir;
	if (!known)
		out->error = HOOK_USER_NOT_FOUND;
	else if (!(argv = exec_argv(h)) || !(envp = hook_env_build(h, env, id.home)))
		out->error = HOOK_SPAWN_FAILED;
	else
		spawn_and_wait(h, &id, argv, envp, env->filepath, out);
	free(argv);
	hook_env_free(envp);
	log_outcome(h, owner, env, out);
}

void hook_exec_outcome_free(struct hook_outcome *out)
{
	buf_free(&out->out);
	buf_free(&out->err);
}
