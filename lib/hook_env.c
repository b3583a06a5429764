/* hook_env.c: the clean environment a hook runs with, and the log form of its stderr. */
#include "hook_exec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOOK_DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"
#define HOOK_ENV_MAX      16

static char *pair(const char *name, const char *value)
{
	size_t n = strlen(name) + strlen(value ? value : "") + 2;
	char *s = malloc(n);
	if (s)
		snprintf(s, n, "%s=%s", name, value ? value : "");
	return s;
}

void hook_environment_free(char **envp)
{
	for (size_t k = 0; envp && envp[k]; k++)
		free(envp[k]);
	free(envp);
}

char **hook_environment(const struct hook *h, const struct hook_env *env, const char *home)
{
	const char *path = getenv("PATH");
	const char *names[HOOK_ENV_MAX] = {"PATH", "HOME", "AIMX_HOOK_NAME", "AIMX_EVENT",
					   "AIMX_MAILBOX", "AIMX_FROM", "AIMX_TO", "AIMX_SUBJECT",
					   "AIMX_FILEPATH", "AIMX_MESSAGE_ID", "AIMX_ID", "AIMX_DATE",
					   "AIMX_SEND_STATUS"};
	const char *values[HOOK_ENV_MAX] = {path && *path ? path : HOOK_DEFAULT_PATH, home,
					    h->effective_name, hook_event_name(h->event),
					    env->mailbox, env->from, env->to, env->subject,
					    env->filepath, env->message_id, env->id, env->date,
					    env->send_status};
	size_t n = env->send_status ? 13 : 12;
	char **envp = calloc(n + 1, sizeof(*envp));
	for (size_t k = 0; envp && k < n; k++) {
		if (!(envp[k] = pair(names[k], values[k]))) {
			hook_environment_free(envp);
			return NULL;
		}
	}
	return envp;
}

void hook_log_tail(const struct buf *err, char *out, size_t cap)
{
	size_t n = err->len, half = HOOK_LOG_TAIL_MAX / 2;
	if (n <= HOOK_LOG_TAIL_MAX)
		snprintf(out, cap, "%.*s", (int)n, err->data ? err->data : "");
	else
		snprintf(out, cap, "%.*s[...%zu bytes...]%.*s", (int)half, err->data,
			 n - 2 * half, (int)half, err->data + n - half);
}
