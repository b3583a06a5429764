/* smtp_server.h: the `aimx serve` master: listener, one forked child per SMTP session, signals. */
#ifndef AIMX_SMTP_SERVER_H
#define AIMX_SMTP_SERVER_H

#include <stddef.h>

#include "config.h"
#include "tls_server.h"

#define SMTP_MAX_SESSIONS      100
#define SMTP_IDLE_TIMEOUT_MS   (300 * 1000)
#define SMTP_SESSION_TIMEOUT_S 600
#define SMTP_SHUTDOWN_GRACE_S  30

struct smtp_server {
	int listen_fd;
	const char *config_path; /* reloaded on SIGHUP; the old config stays if the new is bad */
	struct config cfg;
	const char *data_dir;
	struct tls_server_creds *tls; /* NULL: no STARTTLS */
	unsigned max_sessions;        /* 0: SMTP_MAX_SESSIONS */
	int idle_timeout_ms;          /* 0: SMTP_IDLE_TIMEOUT_MS */
};

/* Bind "ADDR:PORT" ("[v6]:PORT" for IPv6), listen, FD_CLOEXEC. Returns the fd or -1 with
 * a message in err. */
int smtp_listen(const char *bind_addr, char *err, size_t errsz);

/* Accept and serve until SIGTERM/SIGINT, then stop accepting, let sessions finish the
 * DATA in flight (up to SMTP_SHUTDOWN_GRACE_S) and return 0. */
int smtp_server_run(struct smtp_server *srv);

/* The per-connection driver, run in the forked child: greets, feeds the session engine,
 * handles STARTTLS and timeouts, ingests each message. Returns the child's exit status. */
int smtp_conn_serve(const struct smtp_server *srv, int fd, const char *peer_ip);

#endif
