/* smtp_conn.h: one SMTP connection in a session worker's event loop: non-blocking socket
 * and TLS I/O around the session engine; a finished message goes to the delivery pool and
 * the session waits (serving nothing else of this client) for the answer. */
#ifndef AIMX_SMTP_CONN_H
#define AIMX_SMTP_CONN_H

#include <stdint.h>

#include "conf/config.h"
#include "net/tls_conn.h"
#include "smtp/smtp_pool.h"

#define SMTP_CONN_PEER_MAX 64

/* What a connection needs of its worker. */
struct smtp_conn_env {
	const struct config *cfg;
	const char *spool;           /* the worker's own directory (the DATA spool) */
	const struct tls_creds *tls; /* NULL: no STARTTLS */
	struct smtp_pool *pool;      /* where finished messages go */
	int idle_timeout_ms;         /* 0: [limits] smtp_idle_timeout_secs */
	int session_timeout_s;       /* 0: [limits] smtp_session_timeout_secs */
};

struct smtp_conn;

/* Takes fd (made non-blocking; closed by smtp_conn_free) and queues the banner. NULL on
 * ENOMEM (fd then closed). */
struct smtp_conn *smtp_conn_open(const struct smtp_conn_env *env, int fd, const char *peer_ip);
/* What to wait for on smtp_conn_fd: POLLIN and/or POLLOUT (0 while the message is out at
 * the pool). */
short smtp_conn_events(const struct smtp_conn *c);
int smtp_conn_fd(const struct smtp_conn *c);
/* Reads, feeds, writes as the readiness allows. 0 to go on, -1 when the connection is over
 * (smtp_conn_free it). */
int smtp_conn_ready(struct smtp_conn *c, short revents);
/* When its idle or total time runs out (CLOCK_MONOTONIC ms), or -1 while the message is at
 * the pool (no timeout then). */
int64_t smtp_conn_deadline(const struct smtp_conn *c);
/* The deadline passed: 421, and over once it is out. 0 or -1 as smtp_conn_ready. */
int smtp_conn_expire(struct smtp_conn *c);
/* The worker stops: 421 at once, or after the message in flight is answered. */
int smtp_conn_shutdown(struct smtp_conn *c);
/* The pool's answer to its message. 0 or -1 as smtp_conn_ready. */
int smtp_conn_stored(struct smtp_conn *c, struct smtp_job *job);
/* 1 while its message is at the pool (it must not be freed before the answer). */
int smtp_conn_busy(const struct smtp_conn *c);
void smtp_conn_free(struct smtp_conn *c);

#endif
