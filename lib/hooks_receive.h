/* hooks_receive.h: the on_receive gate (mail.md 4.3) and the detached runner of the SMTP path. */
#ifndef AIMX_HOOKS_RECEIVE_H
#define AIMX_HOOKS_RECEIVE_H

#include "config.h"
#include "ingest.h"

/* 1 when hook h fires for a message whose trust verdict is `trusted`. */
int hook_gate_on_receive(const struct hook *h, const char *trusted);

/* Runs the on_receive hooks of the mailbox res->mailbox for a stored message, in config
 * order, one after the other, logging fires and skips. Blocks until they are done. */
void hooks_fire_on_receive(const struct config *cfg, const struct ingest_result *res);

#endif
