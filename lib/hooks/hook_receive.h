/* hook_receive.h: the on_receive gate (mail.md 4.3), firing a stored message's hooks in order. */
#ifndef AIMX_HOOK_RECEIVE_H
#define AIMX_HOOK_RECEIVE_H

#include "conf/config.h"
#include "store/ingest.h"

/* 1 when hook h fires for a message whose trust verdict is `trusted`. */
int hook_receive_gate(const struct hook *h, const char *trusted);

/* 1 when res has on_receive hooks to consider: it was stored (not a duplicate) in a mailbox
 * that is not the catchall and has at least one on_receive hook. Otherwise 0, logging why
 * nothing fires (no hooks; hooks on the catchall). */
int hook_receive_pending(const struct config *cfg, const struct ingest_result *res);

/* Runs the on_receive hooks of res's mailbox when hook_receive_pending says so, in config
 * order, one after the other, logging fires and skips. Blocks until they are done. */
void hook_receive_fire(const struct config *cfg, const struct ingest_result *res);

/* Runs hook_receive_fire for each of res[0..n) in a detached grandchild (double fork), so a
 * slow or hostile hook never delays the caller; returns at once. */
void hook_receive_fire_detached(const struct config *cfg, const struct ingest_result *res,
				size_t n);

#endif
