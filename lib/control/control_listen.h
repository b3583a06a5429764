/* control_listen.h: the daemon's AIMX/1 socket and pid file in the runtime directory. */
#ifndef AIMX_CONTROL_LISTEN_H
#define AIMX_CONTROL_LISTEN_H

#include <stddef.h>

#include "base/err.h"

/* mkdir -p the runtime dir (0755); if a daemon already answers on the socket, refuse
 * (DECISIONS 14); otherwise remove a stale socket, bind, chmod 0666, listen. Writes the
 * pid file (<run>/aimx.pid via a temp file and rename). Returns the fd, or -1 with a
 * message in err. */
int control_listen(char err[ERR_SIZE]);

/* Remove the socket and the pid file (on a clean stop). */
void control_listen_close(void);

#endif
