/* smtp_conn.h: one SMTP connection served to its end by a session worker, which hands the
 * messages to the privileged writer. */
#ifndef AIMX_SMTP_CONN_H
#define AIMX_SMTP_CONN_H

#include "conf/config.h"
#include "net/tls_conn.h"


/* What a connection needs of the server: the config snapshot and where mail goes. */
struct smtp_conn_env {
	const struct config *cfg;
	const char *spool;           /* the worker's own directory (DATA spool, files in transit) */
	int chan;                    /* its channel to the writer */
	const struct tls_creds *tls; /* NULL: no STARTTLS */
	int idle_timeout_ms;         /* 0: [limits] smtp_idle_timeout_secs */
	int session_timeout_s;       /* 0: [limits] smtp_session_timeout_secs */
};

/* Serve the session on fd (closed on return) until QUIT, EOF, a timeout or SIGTERM;
 * returns the process exit status. */
int smtp_conn_serve(const struct smtp_conn_env *env, int fd, const char *peer_ip);

#endif
