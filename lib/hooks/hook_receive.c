/* hook_receive.c: which on_receive hooks fire for a stored message, and firing them in order. */
#include "hooks/hook_receive.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/paths.h"
#include "base/privdrop.h"
#include "hooks/hook_exec.h"
#include "base/log.h"

int hook_receive_gate(const struct hook *h, const char *trusted)
{
	return h->event == HOOK_ON_RECEIVE &&
	       (strcmp(trusted, "true") == 0 || h->fire_on_untrusted);
}

int hook_receive_pending(const struct config *cfg, const struct ingest_result *res)
{
	const struct mailbox *mb = res->mailbox;
	if (res->status != INGEST_STORED || !mb)
		return 0;
	if (config_mailbox_is_catchall(cfg, mb) && mb->nhooks) {
		log_event(LOG_WARN, "hook.catchall", "mailbox", mb->name,
			  "note", "hooks on the catchall are refused; nothing fires", NULL);
		return 0;
	}
	for (size_t k = 0; k < mb->nhooks; k++)
		if (mb->hooks[k].event == HOOK_ON_RECEIVE)
			return 1;
	log_event(LOG_INFO, "hook.none", "event", "on_receive", "mailbox", mb->name, NULL);
	return 0;
}

static void fire(const struct config *cfg, const struct mailbox *mb, const struct hook *h,
		 const struct ingest_result *res)
{
	const struct inbound_fields *f = &res->fields;
	struct hook_env env = {mb->name, f->from,  f->to,   f->subject, res->path,
			       f->message_id, res->id, f->date, NULL, paths_data_dir(cfg->data_dir)};
	struct hook_outcome out;
	hook_exec_run(h, mb->owner, &env, &out);
	hook_exec_outcome_free(&out);
}

void hook_receive_fire(const struct config *cfg, const struct ingest_result *res)
{
	if (!hook_receive_pending(cfg, res))
		return;
	const struct mailbox *mb = res->mailbox;
	for (size_t k = 0; k < mb->nhooks; k++) {
		const struct hook *h = &mb->hooks[k];
		if (h->event != HOOK_ON_RECEIVE)
			continue;
		if (hook_receive_gate(h, res->trusted))
			fire(cfg, mb, h, res);
		else
			log_event(LOG_INFO, "hook.skipped", "hook_name", h->effective_name, "event",
				  "on_receive", "mailbox", mb->name, "trusted", res->trusted,
				  "fire_on_untrusted", h->fire_on_untrusted ? "true" : "false", NULL);
	}
}

/* The runner: the caller's grandchild, in a session of its own, reparented to init (or to
 * a subreaper) as soon as its parent exits, so it is never one of the caller's children.
 * It holds no descriptor but the standard three. */
__attribute__((noreturn)) static void run_detached(const struct config *cfg,
						   const struct ingest_result *res, size_t n)
{
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	if (privdrop_keep_fds(NULL, 0) < 0)
		_exit(1);
	if (setsid() < 0)
		log_event(LOG_DEBUG, "hook.setsid_failed", "error", strerror(errno), NULL);
	for (size_t k = 0; k < n; k++)
		hook_receive_fire(cfg, &res[k]);
	_exit(0);
}

void hook_receive_fire_detached(const struct config *cfg, const struct ingest_result *res,
				size_t n)
{
	pid_t pid = fork();
	if (pid == 0) {
		pid_t runner = fork();
		if (runner == 0)
			run_detached(cfg, res, n);
		if (runner < 0)
			log_event(LOG_ERROR, "hook.fork_failed", "error", strerror(errno), NULL);
		_exit(0);
	}
	if (pid < 0)
		log_event(LOG_ERROR, "hook.fork_failed", "error", strerror(errno), NULL);
	while (pid > 0 && waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}
