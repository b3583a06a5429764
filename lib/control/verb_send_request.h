/* verb_send_request.h: the header checks of AIMX/1 SEND (protocol.md 8.1 steps 1-8). */
#ifndef AIMX_VERB_SEND_REQUEST_H
#define AIMX_VERB_SEND_REQUEST_H

#include <stddef.h>

#include "base/buf.h"
#include "conf/config.h"
#include "control/ops.h"

#define VERB_SEND_ADDR_MAX 320

struct verb_send_request {
	char *from, *to, *cc, *bcc, *subject, *message_id; /* first occurrences, unfolded, trimmed */
	char from_addr[VERB_SEND_ADDR_MAX];                      /* the bare sender */
	const struct mailbox *mailbox;                      /* the concrete sending mailbox */
	struct strlist rcpts;                               /* every To, Cc and Bcc address */
	struct strlist bcc_addrs;
	struct buf msg;                                     /* the message, Message-ID ensured */
};

/* Runs the checks in the documented order against cfg for caller; 0, or -1 with r set
 * (MALFORMED, DOMAIN, MAILBOX, EACCES). */
int verb_send_request_check(const struct config *cfg, uid_t caller, const char *msg, size_t len,
		       struct verb_send_request *s, struct ops_result *r);
void verb_send_request_free(struct verb_send_request *s);

/* The bare address of a From/To value: the first comma-separated item, inside its last
 * <...> when it has one, trimmed. "" when there is none. */
void verb_send_request_address(const char *value, char out[VERB_SEND_ADDR_MAX]);

#endif
