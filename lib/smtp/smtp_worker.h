/* smtp_worker.h: a long-lived session worker: one event loop serving many SMTP sessions at
 * once on non-blocking sockets, its delivery threads storing their messages through the
 * writer. The master hands it connections; it says when each is over. */
#ifndef AIMX_SMTP_WORKER_H
#define AIMX_SMTP_WORKER_H

#include <stddef.h>

#include "conf/config.h"
#include "net/tls_conn.h"

struct smtp_worker_env {
	const struct config *cfg;
	const struct tls_creds *tls; /* NULL: no STARTTLS */
	const char *spool;           /* its own directory */
	int master;                  /* HANDOFF_SESSION / HANDOFF_RETIRE in, HANDOFF_ENDED out */
	const int *chans;            /* to the writer, one per delivery thread */
	size_t nchans;
	int idle_timeout_ms;         /* 0: [limits] */
	int session_timeout_s;       /* 0: [limits] */
};

/* Serves until SIGTERM or the master's end closes (every session then gets its 421, the
 * DATA in flight finished first), or until retired and the last session is over. Call
 * with SIGTERM blocked. Returns the exit status. */
int smtp_worker_run(const struct smtp_worker_env *env);

#endif
