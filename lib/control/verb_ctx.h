/* verb_ctx.h: what a verb handler gets: the caller, the request, the config, the reply buffer. */
#ifndef AIMX_VERB_CTX_H
#define AIMX_VERB_CTX_H

#include <sys/types.h>

#include "base/buf.h"
#include "conf/config.h"
#include "control/aimx.h"

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

#endif
