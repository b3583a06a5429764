/* hook_body.h: the JSON body of HOOK-CREATE: built by clients, decoded by the daemon
 * (protocol.md 8.6). */
#ifndef AIMX_HOOK_BODY_H
#define AIMX_HOOK_BODY_H

#include <stddef.h>

#include "base/err.h"
#include "conf/config.h"

/* Fills h (cmd, fire_on_untrusted, type, timeout_secs; defaults "cmd" and 60). Returns 0,
 * or -1 with the PROTOCOL reason in why ("hook sets `origin`; ...", "invalid HOOK-CREATE
 * body: ..."). h is freed by the caller either way (strlist_free, free(type)). */
int hook_body_decode(const char *json, size_t len, struct hook *h, char why[ERR_SIZE]);

/* The body a client sends: {"cmd":[...],"fire_on_untrusted":b,"type":"cmd"} plus
 * "timeout_secs":timeout when has_timeout. Malloc'd compact JSON, NULL on ENOMEM. */
char *hook_body_encode(const struct strlist *cmd, int fire_on_untrusted, int has_timeout,
                       unsigned timeout);

#endif
