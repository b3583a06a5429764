/* smtp_conn.c: one SMTP connection in a worker's event loop (see smtp_conn.h). */
#include "smtp/smtp_conn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "smtp/smtp_session.h"
#include "smtp/smtp_spool.h"
#include "store/route.h"

#define CONN_READ_BUF   65536
#define CONN_SPARES     16   /* freed connections kept for the next ones */
#define CONN_SPARE_BUF  4096 /* with their buffers up to this size */
#define CONN_LAST_WORDS 5000 /* ms a timed-out client gets to take its 421 */

struct smtp_conn {
	const struct smtp_conn_env *env;
	int fd;
	char peer[SMTP_CONN_PEER_MAX];
	struct tls_conn *tls;     /* NULL until STARTTLS */
	int tls_due;              /* STARTTLS accepted: the handshake starts once the 220 is out */
	int handshaking;
	struct smtp_session s;
	struct smtp_spool spool;  /* DATA past SMTP_SPOOL_CHUNK bytes */
	struct buf in;            /* read, not yet fed (held while the message is at the pool) */
	struct buf out;           /* replies not yet sent */
	int64_t idle_at, total_at; /* CLOCK_MONOTONIC ms */
	int closing;              /* over once out is sent */
	int expired;              /* the 421 of a timeout is queued: the next expiry ends it */
	int stopping;             /* the worker stops: 421 once no message is in flight */
	int gone;                 /* the client left while its message was at the pool */
	int busy;                 /* its message is at the pool */
	struct smtp_envelope envelope; /* the message's, for the job */
	struct smtp_job job;
};

static int idle_ms(const struct smtp_conn *c)
{
	if (c->env->idle_timeout_ms)
		return c->env->idle_timeout_ms;
	return (int)config_limits_get(&c->env->cfg->limits, LIMK_SMTP_IDLE_TIMEOUT) * 1000;
}

static void drop_front(struct buf *b, size_t n)
{
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
}

/* The engine's replies join what is still to send. */
static void take_out(struct smtp_conn *c)
{
	if (c->s.out.len && buf_append(&c->out, c->s.out.data, c->s.out.len) < 0)
		c->closing = 1; /* out of memory: nothing sensible left to say */
	buf_reset(&c->s.out);
}

static int on_rcpt(void *ctx, const char *addr, char reply[SMTP_REPLY_MAX])
{
	struct smtp_conn *c = ctx;
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

/* The whole message (spooled part and tail) goes to the pool; the answer comes later. */
static int on_data(void *ctx, const struct smtp_envelope *env, const char *tail, size_t tail_len,
		   char reply[SMTP_REPLY_MAX])
{
	struct smtp_conn *c = ctx;
	size_t len;
	const char *msg = smtp_spool_message(&c->spool, c->s.data_moved, tail, tail_len, &len);
	if (!msg) {
		log_event(LOG_ERROR, "smtp.spool_failed", "peer", c->peer, "error", strerror(errno),
			  NULL);
		snprintf(reply, SMTP_REPLY_MAX, "452 4.3.1 Insufficient system storage");
		smtp_spool_reset(&c->spool);
		return -1;
	}
	c->envelope = *env;
	c->job = (struct smtp_job){c, c->env->cfg, c->peer, &c->envelope, msg, len, 0, "", NULL};
	c->busy = 1;
	smtp_pool_submit(c->env->pool, &c->job);
	return SMTP_DATA_PENDING;
}

/* Connections come and go once a message each: the last CONN_SPARES are kept, with their
 * read and reply buffers, instead of going back to malloc (which would unmap their pages
 * and map them again for the next). Only the worker's loop opens and frees. */
static struct smtp_conn *conn_spares[CONN_SPARES];
static size_t conn_nspares;

static struct smtp_conn *conn_alloc(void)
{
	if (!conn_nspares)
		return calloc(1, sizeof(struct smtp_conn));
	struct smtp_conn *c = conn_spares[--conn_nspares];
	struct buf in = c->in, out = c->out;
	memset(c, 0, sizeof(*c));
	buf_reset(&in);
	buf_reset(&out);
	c->in = in;
	c->out = out;
	return c;
}

static void conn_release(struct smtp_conn *c)
{
	if (c->in.cap > CONN_SPARE_BUF)
		buf_free(&c->in);
	if (c->out.cap > CONN_SPARE_BUF)
		buf_free(&c->out);
	if (conn_nspares < CONN_SPARES) {
		conn_spares[conn_nspares++] = c;
		return;
	}
	buf_free(&c->in);
	buf_free(&c->out);
	free(c);
}

struct smtp_conn *smtp_conn_open(const struct smtp_conn_env *env, int fd, const char *peer_ip)
{
	struct smtp_conn *c = conn_alloc();
	int fl = fcntl(fd, F_GETFL);
	if (!c || fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		if (c)
			conn_release(c);
		close(fd);
		return NULL;
	}
	const struct config_limits *lim = &env->cfg->limits;
	long long total = env->session_timeout_s ? env->session_timeout_s
						 : config_limits_get(lim, LIMK_SMTP_SESSION_TIMEOUT);
	c->env = env;
	c->fd = fd;
	snprintf(c->peer, sizeof(c->peer), "%s", peer_ip);
	int64_t now = clock_monotonic_ms();
	c->idle_at = now + idle_ms(c);
	c->total_at = now + total * 1000;
	struct smtp_callbacks cb = {c, on_rcpt, on_data};
	struct smtp_limits limits = {(size_t)config_limits_get(lim, LIMK_MAX_MESSAGE_SIZE),
				     (unsigned)config_limits_get(lim, LIMK_MAX_RECIPIENTS), 0};
	smtp_spool_init(&c->spool, env->spool);
	if (smtp_session_init(&c->s, env->cfg->domain, env->tls != NULL, &limits, &cb) < 0) {
		close(fd);
		conn_release(c);
		return NULL;
	}
	take_out(c);
	return c;
}

int smtp_conn_fd(const struct smtp_conn *c)
{
	return c->fd;
}

short smtp_conn_events(const struct smtp_conn *c)
{
	if (c->handshaking)
		return tls_conn_wants(c->tls);
	short ev = 0;
	if (!c->busy && !c->closing && !c->tls_due)
		ev |= POLLIN;
	if (c->out.len || (c->tls && (tls_conn_wants(c->tls) & POLLOUT)))
		ev |= POLLOUT;
	return ev;
}

int64_t smtp_conn_deadline(const struct smtp_conn *c)
{
	if (c->busy)
		return -1;
	return c->idle_at < c->total_at ? c->idle_at : c->total_at;
}

int smtp_conn_busy(const struct smtp_conn *c)
{
	return c->busy;
}

/* Reads what is there: 0, or -1 when the client has gone (EOF, error, close_notify). */
static int read_in(struct smtp_conn *c)
{
	static char buf[CONN_READ_BUF];
	for (int rounds = 0; rounds < 4 || c->tls; rounds++) {
		ssize_t n;
		if (c->tls) {
			n = tls_conn_read(c->tls, buf, sizeof(buf), 0);
			if (n < 0 && c->tls->err == TLS_CONN_TIMEOUT)
				return 0;
		} else {
			n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				return 0;
		}
		if (n <= 0 || buf_append(&c->in, buf, (size_t)n) < 0)
			return -1;
		c->idle_at = clock_monotonic_ms() + idle_ms(c);
		if (c->in.len >= CONN_READ_BUF || (!c->tls && (size_t)n < sizeof(buf)))
			return 0; /* a short read drained the socket: poll says when more comes */
	}
	return 0;
}

static void feed(struct smtp_conn *c)
{
	while (c->in.len && !c->busy && !c->closing && !c->tls_due && !c->handshaking) {
		size_t used = 0;
		enum smtp_action act = smtp_session_feed(&c->s, c->in.data, c->in.len, &used);
		smtp_spool_take(&c->spool, &c->s);
		take_out(c);
		drop_front(&c->in, used);
		if (act == SMTP_CLOSE)
			c->closing = 1;
		else if (act == SMTP_STARTTLS) {
			buf_reset(&c->in); /* plaintext sent after STARTTLS is never executed */
			c->tls_due = 1;
		}
	}
	if (c->stopping && !c->busy && !c->closing && c->s.state != SMTP_S_DATA) {
		smtp_session_shutdown(&c->s, "Service shutting down");
		take_out(c);
		c->closing = 1;
	}
}

static int start_tls(struct smtp_conn *c)
{
	c->tls_due = 0;
	c->tls = malloc(sizeof(*c->tls));
	if (!c->tls || tls_conn_start(c->tls, c->env->tls, c->fd) < 0) {
		log_event(LOG_WARN, "smtp.tls_failed", "peer", c->peer, "error",
			  c->tls ? tls_conn_strerror(c->tls) : "out of memory", NULL);
		return -1;
	}
	c->handshaking = 1;
	return 0;
}

/* Sends what the socket takes. 0, or -1 when it failed. */
static int write_out(struct smtp_conn *c)
{
	while (c->out.len) {
		ssize_t n;
		if (c->tls) {
			n = tls_conn_send_some(c->tls, c->out.data, c->out.len);
			if (n < 0)
				return -1;
		} else {
			n = send(c->fd, c->out.data, c->out.len, MSG_DONTWAIT | MSG_NOSIGNAL);
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				n = 0;
			else if (n < 0)
				return -1;
		}
		if (n == 0)
			break;
		drop_front(&c->out, (size_t)n);
	}
	if (c->tls_due && !c->out.len)
		return start_tls(c);
	return 0;
}

/* The handshake, as far as the socket allows. 1 done, 0 not yet, -1 failed. */
static int handshake(struct smtp_conn *c)
{
	if (tls_conn_handshake(c->tls, 0) == 0) {
		c->handshaking = 0;
		smtp_session_tls_started(&c->s);
		return 1;
	}
	if (c->tls->err == TLS_CONN_TIMEOUT)
		return 0;
	log_event(LOG_WARN, "smtp.tls_failed", "peer", c->peer, "error",
		  tls_conn_strerror(c->tls), NULL);
	return -1;
}

/* The client has gone: over now, or once its message is answered. */
static int left(struct smtp_conn *c)
{
	if (!c->busy)
		return -1;
	c->gone = 1;
	return 0;
}

static int settle(struct smtp_conn *c)
{
	if (write_out(c) < 0)
		return left(c);
	if (c->closing && !c->out.len)
		return -1;
	return 0;
}

int smtp_conn_ready(struct smtp_conn *c, short revents)
{
	if (c->handshaking) {
		int r = handshake(c);
		if (r <= 0)
			return r;
		revents |= POLLIN; /* the client may have sent its EHLO with the Finished */
	}
	if ((revents & (POLLIN | POLLHUP | POLLERR)) && !c->busy && !c->closing && !c->tls_due &&
	    read_in(c) < 0) {
		feed(c); /* what came before the EOF is still served */
		if (!c->busy)
			return -1;
		return left(c);
	}
	feed(c);
	return settle(c);
}

int smtp_conn_expire(struct smtp_conn *c)
{
	if (c->expired)
		return -1;
	c->expired = c->closing = 1;
	if (clock_monotonic_ms() >= c->total_at)
		smtp_session_shutdown(&c->s, "Connection timed out");
	else
		smtp_session_timeout(&c->s);
	take_out(c);
	c->idle_at = c->total_at = clock_monotonic_ms() + CONN_LAST_WORDS;
	return settle(c);
}

int smtp_conn_shutdown(struct smtp_conn *c)
{
	c->stopping = 1;
	feed(c);
	return settle(c);
}

int smtp_conn_stored(struct smtp_conn *c, struct smtp_job *job)
{
	c->busy = 0;
	smtp_session_data_done(&c->s, job->rc, job->reply);
	smtp_spool_reset(&c->spool);
	take_out(c);
	if (c->gone)
		return -1;
	return smtp_conn_ready(c, POLLIN);
}

void smtp_conn_free(struct smtp_conn *c)
{
	if (c->tls && !c->handshaking)
		tls_conn_close(c->tls, 0);
	free(c->tls);
	smtp_session_free(&c->s);
	smtp_spool_close(&c->spool);
	close(c->fd);
	conn_release(c);
}
