/* hook_send.c: firing the after_send hooks of the mailbox a message was sent from. */
#include "hooks/hook_send.h"

#include "hooks/hook_exec.h"

void hook_send_fire(const struct mailbox *mb, const struct hook_env *env)
{
	for (size_t k = 0; k < mb->nhooks; k++) {
		if (mb->hooks[k].event != HOOK_AFTER_SEND)
			continue;
		struct hook_outcome out;
		hook_exec_run(&mb->hooks[k], mb->owner, env, &out);
		hook_exec_outcome_free(&out);
	}
}
