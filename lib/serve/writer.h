/* writer.h: the privileged writer, the one process that puts received mail into the
 * mailboxes. Session workers hand it finished messages over their channels; it trusts none
 * of it (store/commit.h), acknowledges a message only once file and folder are synced, and
 * fires the on_receive hooks. */
#ifndef AIMX_WRITER_H
#define AIMX_WRITER_H

#include <sys/types.h>

#include "serve/config_watch.h"

#define WRITER_BURST 16 /* packets taken from one channel per round, so none starves the rest */

/* Serves the worker channels the master hands over on `master` (HANDOFF_CHANNEL) until the
 * master's end is closed and the last channel has gone. Files must belong to worker_uid.
 * Returns the exit status. */
int writer_run(struct config_watch *w, int master, uid_t worker_uid);

#endif
