/* hook_env.c: the clean environment a hook runs with, and the log form of its stderr. */
#include "hooks/hook_env.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

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

void hook_env_free(char **envp)
{
	for (size_t k = 0; envp && envp[k]; k++)
		free(envp[k]);
	free(envp);
}

/* HOME is the owner's home from passwd, not the daemon's (root's HOME, which the owner usually
 * cannot even read): a deliberate difference from upstream's fallback, which passes the
 * daemon's HOME through. */
char **hook_env_build(const struct hook *h, const struct hook_env *env, const char *home)
{
	const char *path = getenv("PATH");
	const char *names[HOOK_ENV_MAX] = {"PATH", "HOME", "AIMX_HOOK_NAME", "AIMX_EVENT",
					   "AIMX_MAILBOX", "AIMX_FROM", "AIMX_TO", "AIMX_SUBJECT",
					   "AIMX_FILEPATH", "AIMX_MESSAGE_ID", "AIMX_ID", "AIMX_DATE",
					   "AIMX_SEND_STATUS"};
	const char *values[HOOK_ENV_MAX] = {path && *path ? path : HOOK_DEFAULT_PATH, home,
					    h->effective_name, config_hook_event_name(h->event),
					    env->mailbox, env->from, env->to, env->subject,
					    env->filepath, env->message_id, env->id, env->date,
					    env->send_status};
	size_t n = env->send_status ? 13 : 12;
	char **envp = calloc(n + 1, sizeof(*envp));
	for (size_t k = 0; envp && k < n; k++) {
		if (!(envp[k] = pair(names[k], values[k]))) {
			hook_env_free(envp);
			return NULL;
		}
	}
	return envp;
}

/* Lossy UTF-8: each invalid byte and each NUL becomes U+FFFD. */
static int clean_utf8(const struct buf *in, struct buf *out)
{
	for (size_t k = 0; k < in->len;) {
		size_t used;
		char enc[4];
		uint32_t cp = utf8_decode(in->data + k, in->len - k, &used);
		if (buf_append(out, enc, utf8_encode(cp ? cp : UTF8_REPLACEMENT, enc)) < 0)
			return -1;
		k += used;
	}
	return 0;
}

static int continuation(const struct buf *b, size_t at)
{
	return at < b->len && ((unsigned char)b->data[at] & 0xc0) == 0x80;
}

void hook_env_log_tail(const struct buf *err, char *out, size_t cap)
{
	struct buf text = BUF_INIT;
	if (clean_utf8(err, &text) < 0) {
		snprintf(out, cap, "[%zu bytes, not rendered: out of memory]", err->len);
		buf_free(&text);
		return;
	}
	if (text.len <= HOOK_LOG_TAIL_MAX) {
		snprintf(out, cap, "%s", text.data ? text.data : "");
	} else {
		size_t half = HOOK_LOG_TAIL_MAX / 2, head = half, tail = text.len - half;
		while (head > 0 && continuation(&text, head))
			head--;
		while (continuation(&text, tail))
			tail++;
		snprintf(out, cap, "%.*s[...%zu bytes...]%s", (int)head, text.data, tail - head,
			 text.data + tail);
	}
	buf_free(&text);
}
