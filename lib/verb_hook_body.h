/* verb_hook_body.h: decoding the JSON body of HOOK-CREATE into a hook (protocol.md 8.6 step 6). */
#ifndef AIMX_VERB_HOOK_BODY_H
#define AIMX_VERB_HOOK_BODY_H

#include <stddef.h>

#include "config.h"

/* Fills h (cmd, fire_on_untrusted, type, timeout_secs; defaults "cmd" and 60). Returns 0,
 * or -1 with the PROTOCOL reason in why ("hook sets `origin`; ...", "invalid HOOK-CREATE
 * body: ..."). h is freed by the caller either way (strlist_free, free(type)). */
int hook_body_decode(const char *json, size_t len, struct hook *h, char *why, size_t whysz);

#endif
