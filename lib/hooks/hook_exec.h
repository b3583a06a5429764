/* hook_exec.h: run one hook's argv as the mailbox owner with the AIMX_* env (mail.md 4.4-4.6). */
#ifndef AIMX_HOOK_EXEC_H
#define AIMX_HOOK_EXEC_H

#include <stddef.h>

#include "base/buf.h"
#include "conf/config.h"

#define HOOK_CAPTURE_MAX   (64 * 1024) /* last bytes of stdout and of stderr kept */
#define HOOK_KILL_GRACE_MS 5000        /* SIGTERM, then SIGKILL this much later */
#define HOOK_SLOW_MS       5000        /* a run longer than this is logged as slow */
#define HOOK_LOG_TAIL_MAX  1024        /* stderr bytes in the log line, middle elided */
#define HOOK_LOG_TAIL_CAP  (HOOK_LOG_TAIL_MAX + 64) /* room for hook_exec_log_tail's output */

/* The values behind the AIMX_* variables; NULL ones are passed as "". */
struct hook_env {
	const char *mailbox;
	const char *from, *to, *subject;
	const char *filepath;   /* also given on stdin */
	const char *message_id; /* without <> (DECISIONS 16) */
	const char *id;
	const char *date;
	const char *send_status; /* after_send only; NULL for on_receive */
};

enum hook_error { HOOK_RAN = 0, HOOK_USER_NOT_FOUND, HOOK_SPAWN_FAILED, HOOK_IO_FAILED };

struct hook_outcome {
	enum hook_error error;
	int exit_code; /* -1 when ended by a signal or not run */
	int timed_out;
	long duration_ms;
	struct buf out, err; /* tails of stdout and stderr */
};

/* Runs h for mailbox owner `owner`, waits for it (bounded by h->timeout_secs plus the kill
 * grace), and logs the firing and the outcome. Always fills out; free with
 * hook_exec_outcome_free. */
void hook_exec_run(const struct hook *h, const char *owner, const struct hook_env *env,
	      struct hook_outcome *out);
void hook_exec_outcome_free(struct hook_outcome *out);

/* The environment block, nothing inherited: PATH (the daemon's, else a default), HOME (the
 * owner's home from passwd, given by the caller), then the AIMX_* variables (AIMX_SEND_STATUS
 * only when env->send_status is set); malloc'd, NULL-terminated. Exposed for tests. */
char **hook_exec_env(const struct hook *h, const struct hook_env *env, const char *home);
void hook_exec_env_free(char **envp);

/* The log form of a stderr tail: valid UTF-8 (invalid bytes and NUL become U+FFFD), and
 * beyond HOOK_LOG_TAIL_MAX bytes its head and tail around "[...N bytes...]", cut on
 * character boundaries. log_event then quotes and escapes it (\" \\ \n \r \t, \xHH for
 * other control bytes), so the hook's output can never break the one-line record.
 * cap >= HOOK_LOG_TAIL_CAP. */
void hook_exec_log_tail(const struct buf *err, char *out, size_t cap);

#endif
