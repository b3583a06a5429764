/* hook_send.h: firing a mailbox's after_send hooks in order once a SEND is answered. */
#ifndef AIMX_HOOK_SEND_H
#define AIMX_HOOK_SEND_H

#include "conf/config.h"
#include "hooks/hook_env.h"

/* Runs every after_send hook of mb (DECISIONS 9), in config order, one after the other, each
 * with env (env->send_status set) as mb's owner. Blocks until they are done. */
void hook_send_fire(const struct mailbox *mb, const struct hook_env *env);

#endif
