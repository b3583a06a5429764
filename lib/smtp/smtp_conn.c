/* smtp_conn.c: one SMTP session in a session worker: socket and TLS I/O around the engine. */
#include "smtp/smtp_conn.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/fileio.h"
#include "trust/trust.h"
#include "smtp/smtp_deliver.h"
#include "base/log.h"
#include "store/route.h"
#include "smtp/smtp_session.h"
#include "smtp/smtp_spool.h"

#define CONN_READ_BUF      65536
#define TLS_HANDSHAKE_MS   30000
#define TLS_WRITE_MS       60000

struct conn {
	const struct smtp_conn_env *env;
	int fd;
	const char *peer_ip;
	struct tls_conn *tls; /* NULL until STARTTLS succeeds */
	struct smtp_session s;
	struct smtp_spool spool; /* DATA past SMTP_SPOOL_CHUNK bytes */
	time_t deadline;      /* end of the whole session */
};

static volatile sig_atomic_t conn_term;

static void on_term(int sig)
{
	(void)sig;
	conn_term = 1;
}

static int conn_write(struct conn *c, const char *data, size_t len)
{
	if (c->tls)
		return tls_conn_write_all(c->tls, data, len, TLS_WRITE_MS);
	return fileio_write_all(c->fd, data, len);
}

static int flush(struct conn *c)
{
	int rc = c->s.out.len ? conn_write(c, c->s.out.data, c->s.out.len) : 0;
	buf_reset(&c->s.out);
	return rc;
}

/* Bytes read, 0 on EOF, -1 on error, -2 on timeout, -3 when interrupted by SIGTERM. */
static ssize_t conn_read(struct conn *c, char *buf, size_t len, int timeout_ms)
{
	if (c->tls) {
		ssize_t n = tls_conn_read(c->tls, buf, len, timeout_ms);
		if (n >= 0)
			return n;
		if (c->tls->err == TLS_CONN_TIMEOUT)
			return conn_term ? -3 : -2;
		return c->tls->err == TLS_CONN_EOF || c->tls->err == TLS_CONN_CLOSED ? 0 : -1;
	}
	struct pollfd pfd = {c->fd, POLLIN, 0};
	int r = poll(&pfd, 1, timeout_ms);
	if (r < 0)
		return errno == EINTR ? -3 : -1;
	if (r == 0)
		return -2;
	ssize_t n = recv(c->fd, buf, len, 0);
	return n < 0 ? (errno == EINTR ? -3 : -1) : n;
}

static int start_tls(struct conn *c)
{
	static struct tls_conn storage;
	if (tls_conn_start(&storage, c->env->tls, c->fd) < 0 ||
	    tls_conn_handshake(&storage, TLS_HANDSHAKE_MS) < 0) {
		log_event(LOG_WARN, "smtp.tls_failed", "peer", c->peer_ip, "error",
			  tls_conn_strerror(&storage), NULL);
		return -1;
	}
	c->tls = &storage;
	smtp_session_tls_started(&c->s);
	return 0;
}

/* Feed one read's bytes; returns 1 to keep going, 0 to end the session. */
static int feed(struct conn *c, const char *buf, size_t len)
{
	while (len) {
		size_t used = 0;
		enum smtp_action act = smtp_session_feed(&c->s, buf, len, &used);
		smtp_spool_take(&c->spool, &c->s);
		if (flush(c) < 0)
			return 0;
		if (act == SMTP_CLOSE)
			return 0;
		if (act == SMTP_STARTTLS)
			return start_tls(c) == 0; /* the rest of this read is discarded */
		buf += used;
		len -= used;
	}
	return 1;
}

static int next_timeout_ms(const struct conn *c)
{
	const struct config_limits *lim = &c->env->cfg->limits;
	int idle = c->env->idle_timeout_ms
			   ? c->env->idle_timeout_ms
			   : (int)config_limits_get(lim, LIMK_SMTP_IDLE_TIMEOUT) * 1000;
	time_t left = c->deadline - time(NULL);
	if (left <= 0)
		return 0;
	return left * 1000 < idle ? (int)(left * 1000) : idle;
}

static void session_loop(struct conn *c)
{
	static char buf[CONN_READ_BUF];
	for (;;) {
		if (conn_term && c->s.state != SMTP_S_DATA) {
			smtp_session_shutdown(&c->s, "Service shutting down");
			flush(c);
			return;
		}
		ssize_t n = conn_read(c, buf, sizeof(buf), next_timeout_ms(c));
		if (n == -3)
			continue;
		if (n == -2) {
			if (time(NULL) >= c->deadline)
				smtp_session_shutdown(&c->s, "Connection timed out");
			else
				smtp_session_timeout(&c->s);
			flush(c);
			return;
		}
		if (n <= 0 || !feed(c, buf, (size_t)n))
			return;
	}
}

static int on_rcpt(void *ctx, const char *addr, char reply[SMTP_REPLY_MAX])
{
	struct conn *c = ctx;
	const struct mailbox *mb;
	switch (route_recipient(c->env->cfg, addr, &mb)) {
	case ROUTE_OK:
		return 0;
	case ROUTE_EMPTY:
		snprintf(reply, SMTP_REPLY_MAX, "501 5.1.3 Syntax: RCPT TO:<address>");
		break;
	case ROUTE_FOREIGN:
		snprintf(reply, SMTP_REPLY_MAX, "550 5.7.1 relay not permitted");
		break;
	case ROUTE_UNKNOWN_USER:
		snprintf(reply, SMTP_REPLY_MAX,
			 "550 5.1.1 <%.400s>: Recipient address rejected: User unknown", addr);
		break;
	}
	return -1;
}

/* Each mailbox gets a message once per transaction, however many RCPTs route to it. */
static int already_delivered(const struct mailbox **done, size_t n, const struct mailbox *mb)
{
	for (size_t k = 0; k < n; k++)
		if (done[k] == mb)
			return 1;
	return 0;
}

static int store_all(struct conn *c, const struct smtp_envelope *env, const char *msg,
		     size_t len, char reply[SMTP_REPLY_MAX])
{
	const struct mailbox *done[SMTP_MAX_RECIPIENTS];
	size_t ndone = 0, ok = 0, failed = 0, no_space = 0;
	struct trust_input ai = {msg, len, c->peer_ip, env->mail_from};
	struct trust_verdicts verdicts;
	struct smtp_deliver_env deliver = {c->env->chan, c->env->spool};
	trust_check_message_default(&ai, &verdicts); /* once per message, whatever the recipients */
	for (size_t k = 0; k < env->nrcpts; k++) {
		struct ingest_request req = {c->env->cfg, NULL, env->rcpts[k],
					     env->mail_from, c->peer_ip, msg, len, 0, &verdicts};
		struct ingest_result res;
		const struct mailbox *mb;
		if (route_recipient(c->env->cfg, env->rcpts[k], &mb) == ROUTE_OK &&
		    already_delivered(done, ndone, mb)) {
			ok++;
			continue;
		}
		if (smtp_deliver(&deliver, &req, &res) == 0) {
			ok++;
			if (ndone < SMTP_MAX_RECIPIENTS)
				done[ndone++] = res.mailbox;
			log_event(LOG_INFO, "ingest.stored", "mailbox", res.mailbox->name, "id",
				  res.status == INGEST_DUPLICATE ? "(duplicate)" : res.id, NULL);
		} else {
			failed++;
			no_space += res.sys_errno == ENOSPC || res.sys_errno == EDQUOT;
			log_event(LOG_ERROR, "ingest.failed", "rcpt", env->rcpts[k], "error",
				  res.error, NULL);
		}
	}
	char counts[64];
	snprintf(counts, sizeof(counts), "%zu/%zu/%zu", ok, failed, len);
	log_event(LOG_INFO, "smtp.data", "peer", c->peer_ip, "from", env->mail_from,
		  "ok/failed/size", counts, "tls", env->tls ? "yes" : "no", NULL);
	if (failed == 0) {
		snprintf(reply, SMTP_REPLY_MAX, "250 2.0.0 OK message accepted");
		return 0;
	}
	if (no_space)
		snprintf(reply, SMTP_REPLY_MAX, "452 4.3.1 Insufficient system storage");
	else
		snprintf(reply, SMTP_REPLY_MAX,
		         ok ? "451 4.3.0 Temporary failure on partial accept; please retry"
		            : "451 4.3.0 Temporary failure, please retry");
	return -1;
}

/* The whole message (spooled part and tail) is stored for every recipient. */
static int on_data(void *ctx, const struct smtp_envelope *env, const char *tail, size_t tail_len,
		   char reply[SMTP_REPLY_MAX])
{
	struct conn *c = ctx;
	size_t len;
	const char *msg = smtp_spool_message(&c->spool, c->s.data_moved, tail, tail_len, &len);
	int rc;
	if (!msg) {
		log_event(LOG_ERROR, "smtp.spool_failed", "peer", c->peer_ip, "error", strerror(errno),
			  NULL);
		snprintf(reply, SMTP_REPLY_MAX, "452 4.3.1 Insufficient system storage");
		rc = -1;
	} else
		rc = store_all(c, env, msg, len, reply);
	smtp_spool_reset(&c->spool);
	return rc;
}

int smtp_conn_serve(const struct smtp_conn_env *env, int fd, const char *peer_ip)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	static struct conn c;
	const struct config_limits *lim = &env->cfg->limits;
	long long total = env->session_timeout_s ? env->session_timeout_s
						 : config_limits_get(lim, LIMK_SMTP_SESSION_TIMEOUT);
	c = (struct conn){.env = env, .fd = fd, .peer_ip = peer_ip,
			  .deadline = time(NULL) + (time_t)total};
	struct smtp_callbacks cb = {&c, on_rcpt, on_data};
	smtp_spool_init(&c.spool, env->spool);
	struct smtp_limits limits = {
		(size_t)config_limits_get(lim, LIMK_MAX_MESSAGE_SIZE),
		(unsigned)config_limits_get(lim, LIMK_MAX_RECIPIENTS), 0};
	if (smtp_session_init(&c.s, env->cfg->domain, env->tls != NULL, &limits, &cb) < 0)
		return 1;
	if (flush(&c) == 0)
		session_loop(&c);
	if (c.tls)
		tls_conn_close(c.tls, 1000);
	smtp_session_free(&c.s);
	smtp_spool_close(&c.spool);
	close(fd);
	return 0;
}
