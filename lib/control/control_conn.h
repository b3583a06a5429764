/* control_conn.h: one AIMX/1 connection served to its end: one request, one response. */
#ifndef AIMX_CONTROL_CONN_H
#define AIMX_CONTROL_CONN_H

#include <sys/types.h>

#include "conf/config.h"

/* What a request needs of the daemon. */
struct control_conn_env {
	const struct config *cfg; /* the live config when the connection was accepted */
	const char *config_path;  /* where changes are written */
	const char *data_dir;
};

/* Read one frame from fd, run it as caller (SO_PEERCRED uid), reply, close fd, then run
 * the request's after-reply work. Returns the process exit status. */
int control_conn_serve(const struct control_conn_env *env, int fd, uid_t caller);

#endif
