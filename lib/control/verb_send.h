/* verb_send.h: the SEND verb. */
#ifndef AIMX_VERB_SEND_H
#define AIMX_VERB_SEND_H

#include "control/verb_ctx.h"

/* SEND (protocol.md 8.1, mail.md 5): checks, MIME, DKIM, delivery, sent copy, reply. */
int verb_send(struct verb_ctx *ctx);

#endif
