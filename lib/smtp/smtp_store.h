/* smtp_store.h: one finished message stored for every recipient of its transaction, as a
 * delivery thread does it: checked once (DKIM, SPF, DMARC), one copy per mailbox through the
 * writer, and the SMTP reply that says how it went. */
#ifndef AIMX_SMTP_STORE_H
#define AIMX_SMTP_STORE_H

#include "conf/config.h"
#include "smtp/smtp_deliver.h"
#include "smtp/smtp_session.h"

/* 0 with a 250 in reply when every copy is stored (or a duplicate), else -1 with a 451 or,
 * when the disk is full, a 452. */
int smtp_store(struct smtp_deliver_env *d, const struct config *cfg, const char *peer_ip,
	       const struct smtp_envelope *env, const char *msg, size_t len,
	       char reply[SMTP_REPLY_MAX]);

#endif
