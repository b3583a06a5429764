/* verb.h: the daemon's AIMX/1 request dispatch (protocol.md 8). */
#ifndef AIMX_VERB_H
#define AIMX_VERB_H

#include "control/verb_ctx.h"

/* Run the request and write exactly one response frame to ctx->out. 0, or -1 on ENOMEM. */
int verb_dispatch(struct verb_ctx *ctx);

#endif
