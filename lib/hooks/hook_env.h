/* hook_env.h: what a hook run is given (its AIMX_* environment) and the log form of its stderr. */
#ifndef AIMX_HOOK_ENV_H
#define AIMX_HOOK_ENV_H

#include <stddef.h>

#include "base/buf.h"
#include "conf/config.h"

#define HOOK_LOG_TAIL_MAX  1024        /* stderr bytes in the log line, middle elided */
#define HOOK_LOG_TAIL_CAP  (HOOK_LOG_TAIL_MAX + 64) /* room for hook_env_log_tail's output */

/* The values behind the AIMX_* variables; NULL ones are passed as "". */
struct hook_env {
	const char *mailbox;
	const char *from, *to, *subject;
	const char *filepath;   /* also given on stdin */
	const char *message_id; /* without <> (DECISIONS 16) */
	const char *id;
	const char *date;
	const char *send_status; /* after_send only; NULL for on_receive */
	const char *data_dir;    /* the store: read-only to the hook, wherever it lies */
};

/* The environment block, nothing inherited: PATH (the daemon's, else a default), HOME (the
 * owner's home from passwd, given by the caller), then the AIMX_* variables (AIMX_SEND_STATUS
 * only when env->send_status is set); malloc'd, NULL-terminated. Exposed for tests. */
char **hook_env_build(const struct hook *h, const struct hook_env *env, const char *home);
void hook_env_free(char **envp);

/* The log form of a stderr tail: valid UTF-8 (invalid bytes and NUL become U+FFFD), and
 * beyond HOOK_LOG_TAIL_MAX bytes its head and tail around "[...N bytes...]", cut on
 * character boundaries. log_event then quotes and escapes it (\" \\ \n \r \t, \xHH for
 * other control bytes), so the hook's output can never break the one-line record.
 * cap >= HOOK_LOG_TAIL_CAP. */
void hook_env_log_tail(const struct buf *err, char *out, size_t cap);

#endif
