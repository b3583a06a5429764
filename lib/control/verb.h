/* verb.h: the daemon's AIMX/1 request handlers (protocol.md 8). */
#ifndef AIMX_VERB_H
#define AIMX_VERB_H

#include <sys/types.h>

#include "control/aimx_proto.h"
#include "base/buf.h"
#include "conf/config.h"

struct verb_ctx {
	const struct config *cfg;  /* snapshot taken when the connection was accepted */
	const char *config_path;   /* where changes are written */
	uid_t caller;              /* SO_PEERCRED uid */
	const struct aimx_request *req;
	struct buf *out;           /* the response frame */
	const char *data_dir;
	/* Work to do once the reply is written and the socket closed (SEND's after_send
	 * hooks, DECISIONS 9): the connection code calls after_reply(after_arg) if set. */
	void (*after_reply)(void *arg);
	void *after_arg;
};

/* SEND (protocol.md 8.1, mail.md 5): checks, MIME, DKIM, delivery, sent copy, reply. */
int verb_send(struct verb_ctx *ctx);

/* Run the request and write exactly one response frame to ctx->out. 0, or -1 on ENOMEM. */
int verb_dispatch(struct verb_ctx *ctx);

/* The read-only verbs, also used by the CLI's local listing. JSON compact, keys in the
 * documented order. Malloc'd strings, NULL on ENOMEM. */
char *verb_mailbox_list_json(const struct config *cfg, uid_t caller);
char *verb_hook_list_json(const struct config *cfg, uid_t caller);
char *verb_version_json(void);

#endif
