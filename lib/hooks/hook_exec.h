/* hook_exec.h: run one hook's argv as the mailbox owner with the AIMX_* env (mail.md 4.4-4.6). */
#ifndef AIMX_HOOK_EXEC_H
#define AIMX_HOOK_EXEC_H

#include <stddef.h>

#include "base/buf.h"
#include "conf/config.h"
#include "hooks/hook_env.h"

#define HOOK_CAPTURE_MAX   (64 * 1024) /* last bytes of stdout and of stderr kept */
#define HOOK_KILL_GRACE_MS 5000        /* SIGTERM, then SIGKILL this much later */
#define HOOK_SLOW_MS       5000        /* a run longer than this is logged as slow */
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

#endif
