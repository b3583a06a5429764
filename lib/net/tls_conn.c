/* tls_conn.c: one TLS 1.2 server session: the BearSSL engine over a plain fd, with deadlines. */
#include "net/tls_conn.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "base/clock.h"
#include "crypto/entropy.h"

#define SEED_LEN 32

/* What one step of the pump achieved. */
enum pump_result { PUMP_READY = 0, PUMP_FAILED = -1, PUMP_CLOSED = 1 };

/* -1 = no deadline. */
static int64_t deadline_after(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : clock_monotonic_ms() + timeout_ms;
}

static int fail(struct tls_conn *c, int err)
{
	c->err = err;
	return PUMP_FAILED;
}

/* A broken transport ends the session: the engine must not be driven any further. */
static int fail_io(struct tls_conn *c, int err, int sys_errno)
{
	c->transport = TLS_TRANSPORT_FAILED;
	c->sys_errno = sys_errno;
	return fail(c, err);
}

/* Wait until `fd` is ready for `events` or the deadline passes. */
static int wait_fd(struct tls_conn *c, short events, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline < 0 ? -1 : deadline - clock_monotonic_ms();
		if (deadline >= 0 && left < 0)
			left = 0;
		struct pollfd p = {.fd = c->fd, .events = events};
		int n = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail_io(c, TLS_CONN_IO, errno);
		if (n == 0 && left > INT_MAX)
			continue;
		return n == 0 ? fail(c, TLS_CONN_TIMEOUT) : PUMP_READY;
	}
}

static int retryable(int e)
{
	return e == EINTR || e == EAGAIN || e == EWOULDBLOCK;
}

static int send_records(struct tls_conn *c, int64_t deadline)
{
	br_ssl_engine_context *eng = c->eng;
	size_t len;
	unsigned char *rec = br_ssl_engine_sendrec_buf(eng, &len);
	if (wait_fd(c, POLLOUT, deadline) < 0)
		return PUMP_FAILED;
	/* Never blocks past the deadline, never raises SIGPIPE. */
	ssize_t n = send(c->fd, rec, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0 && retryable(errno))
		return PUMP_READY;
	/* Our close_notify answering the peer's may find the socket already shut: that is a
	 * clean end all the same (RFC 5246 7.2.1; BearSSL's own br_sslio does the same). */
	if (n <= 0 && eng->shutdown_recv) {
		c->transport = TLS_TRANSPORT_ENDED;
		return PUMP_CLOSED;
	}
	if (n <= 0)
		return fail_io(c, TLS_CONN_IO, n < 0 ? errno : EIO);
	br_ssl_engine_sendrec_ack(eng, (size_t)n);
	return PUMP_READY;
}

static int recv_records(struct tls_conn *c, int64_t deadline)
{
	br_ssl_engine_context *eng = c->eng;
	size_t len;
	unsigned char *rec = br_ssl_engine_recvrec_buf(eng, &len);
	if (wait_fd(c, POLLIN, deadline) < 0)
		return PUMP_FAILED;
	ssize_t n = recv(c->fd, rec, len, MSG_DONTWAIT);
	if (n < 0 && retryable(errno))
		return PUMP_READY;
	if (n < 0)
		return fail_io(c, TLS_CONN_IO, errno);
	if (n == 0)
		return fail_io(c, TLS_CONN_EOF, 0);
	br_ssl_engine_recvrec_ack(eng, (size_t)n);
	return PUMP_READY;
}

/* The engine reports CLOSED: clean (close_notify) or failed. */
static int engine_closed(struct tls_conn *c)
{
	int e = br_ssl_engine_last_error(c->eng);
	return e == BR_ERR_OK ? PUMP_CLOSED : fail(c, e);
}

/* Move records between engine and fd until the engine offers one of `target` (BR_SSL_SENDAPP
 * or BR_SSL_RECVAPP). Pending output always goes first. PUMP_READY, PUMP_CLOSED (clean
 * close_notify) or PUMP_FAILED (c->err). */
static int pump(struct tls_conn *c, unsigned target, int64_t deadline)
{
	br_ssl_engine_context *eng = c->eng;
	if (c->transport == TLS_TRANSPORT_FAILED)
		return PUMP_FAILED; /* c->err still says why */
	if (c->transport == TLS_TRANSPORT_ENDED)
		return PUMP_CLOSED;
	for (;;) {
		unsigned st = br_ssl_engine_current_state(eng);
		int r = PUMP_READY;
		if (st & BR_SSL_CLOSED)
			return engine_closed(c);
		if (st & BR_SSL_SENDREC)
			r = send_records(c, deadline);
		else if (st & target)
			return PUMP_READY;
		else if (st & BR_SSL_RECVREC)
			r = recv_records(c, deadline);
		else {
			/* Only buffered outgoing data can unblock the engine now. */
			br_ssl_engine_flush(eng, 0);
			if (br_ssl_engine_current_state(eng) == st)
				return fail(c, TLS_CONN_STALLED);
		}
		if (r != PUMP_READY)
			return r;
	}
}

int tls_conn_prepare(struct tls_conn *c, br_ssl_engine_context *eng, int fd)
{
	unsigned char seed[SEED_LEN];
	c->eng = eng;
	c->fd = fd;
	c->transport = TLS_TRANSPORT_OK;
	c->err = TLS_CONN_OK;
	c->sys_errno = 0;
	c->msg[0] = '\0';
	br_ssl_engine_add_flags(eng, BR_OPT_NO_RENEGOTIATION);
	br_ssl_engine_set_buffer(eng, c->iobuf, sizeof(c->iobuf), 1);
	/* BearSSL also runs its system seeder at the handshake; this is belt and braces, and
	 * the only source if the build has no seeder. */
	if (entropy_get(seed, sizeof(seed)) == 0)
		br_ssl_engine_inject_entropy(eng, seed, sizeof(seed));
	else if (!br_prng_seeder_system(NULL))
		return fail(c, TLS_CONN_ENTROPY);
	explicit_bzero(seed, sizeof(seed));
	return 0;
}

int tls_conn_start(struct tls_conn *c, const struct tls_creds *creds, int fd)
{
	br_ssl_engine_context *eng = &c->ctx.server.eng;
	c->check = NULL;
	if (creds->key.type == BR_KEYTYPE_RSA)
		br_ssl_server_init_full_rsa(&c->ctx.server, creds->chain, creds->chain_len,
					    &creds->key.rsa);
	else
		br_ssl_server_init_full_ec(&c->ctx.server, creds->chain, creds->chain_len,
		                           creds->issuer_key_type, &creds->key.ec);
	if (tls_conn_prepare(c, eng, fd) < 0)
		return -1;
	br_ssl_engine_set_versions(eng, BR_TLS12, BR_TLS12);
	br_ssl_engine_add_flags(eng, BR_OPT_ENFORCE_SERVER_PREFERENCES);
	if (!br_ssl_server_reset(&c->ctx.server))
		return fail(c, br_ssl_engine_last_error(eng));
	return 0;
}

int tls_conn_handshake(struct tls_conn *c, int timeout_ms)
{
	int r = pump(c, BR_SSL_SENDAPP, deadline_after(timeout_ms));
	if (r == PUMP_CLOSED)
		return fail(c, TLS_CONN_CLOSED);
	return r;
}

ssize_t tls_conn_read(struct tls_conn *c, void *buf, size_t len, int timeout_ms)
{
	br_ssl_engine_context *eng = c->eng;
	int r = pump(c, BR_SSL_RECVAPP, deadline_after(timeout_ms));
	if (r == PUMP_CLOSED)
		return 0;
	if (r != PUMP_READY)
		return -1;
	size_t avail;
	unsigned char *app = br_ssl_engine_recvapp_buf(eng, &avail);
	size_t n = avail < len ? avail : len;
	memcpy(buf, app, n);
	br_ssl_engine_recvapp_ack(eng, n);
	return (ssize_t)n;
}

/* Push buffered application data into records and send them all. */
static int flush(struct tls_conn *c, int64_t deadline)
{
	br_ssl_engine_flush(c->eng, 0);
	int r = pump(c, BR_SSL_SENDAPP | BR_SSL_RECVAPP, deadline);
	return r == PUMP_CLOSED ? fail(c, TLS_CONN_CLOSED) : r;
}

int tls_conn_write_all(struct tls_conn *c, const void *data, size_t len, int timeout_ms)
{
	br_ssl_engine_context *eng = c->eng;
	int64_t deadline = deadline_after(timeout_ms);
	const unsigned char *p = data;
	while (len > 0) {
		int r = pump(c, BR_SSL_SENDAPP, deadline);
		if (r == PUMP_CLOSED)
			return fail(c, TLS_CONN_CLOSED);
		if (r != PUMP_READY)
			return -1;
		size_t room;
		unsigned char *app = br_ssl_engine_sendapp_buf(eng, &room);
		size_t n = room < len ? room : len;
		memcpy(app, p, n);
		br_ssl_engine_sendapp_ack(eng, n);
		p += n;
		len -= n;
	}
	return flush(c, deadline);
}

int tls_conn_close(struct tls_conn *c, int timeout_ms)
{
	br_ssl_engine_context *eng = c->eng;
	int64_t deadline = deadline_after(timeout_ms);
	if (c->transport != TLS_TRANSPORT_OK)
		return c->transport == TLS_TRANSPORT_ENDED ? 0 : -1;
	br_ssl_engine_close(eng);
	/* Send what the engine has for the wire (our close_notify last), then stop. */
	unsigned st;
	while ((st = br_ssl_engine_current_state(eng)) & BR_SSL_SENDREC) {
		int r = send_records(c, deadline);
		if (r != PUMP_READY)
			return r == PUMP_CLOSED ? 0 : -1;
	}
	if (st & BR_SSL_CLOSED)
		return engine_closed(c) == PUMP_CLOSED ? 0 : -1;
	return 0;
}

short tls_conn_wants(const struct tls_conn *c)
{
	unsigned st = br_ssl_engine_current_state(c->eng);
	return (short)((st & BR_SSL_SENDREC ? POLLOUT : 0) | (st & BR_SSL_RECVREC ? POLLIN : 0));
}

ssize_t tls_conn_send_some(struct tls_conn *c, const void *data, size_t len)
{
	br_ssl_engine_context *eng = c->eng;
	const unsigned char *p = data;
	size_t taken = 0;
	for (;;) {
		int r = pump(c, BR_SSL_SENDAPP, deadline_after(0));
		if (r == PUMP_CLOSED)
			return fail(c, TLS_CONN_CLOSED);
		if (r != PUMP_READY)
			return c->err == TLS_CONN_TIMEOUT ? (ssize_t)taken : -1;
		if (taken == len)
			break;
		size_t room;
		unsigned char *app = br_ssl_engine_sendapp_buf(eng, &room);
		size_t n = room < len - taken ? room : len - taken;
		memcpy(app, p + taken, n);
		br_ssl_engine_sendapp_ack(eng, n);
		taken += n;
		br_ssl_engine_flush(eng, 0);
	}
	return (ssize_t)taken;
}

static const char *bearssl_error_name(int e)
{
	switch (e) {
	case BR_ERR_BAD_PARAM:
		return "bad parameter";
	case BR_ERR_UNSUPPORTED_VERSION:
		return "unsupported version: not TLS 1.2, or not TLS at all";
	case BR_ERR_BAD_VERSION:
		return "record version changed";
	case BR_ERR_BAD_LENGTH:
		return "bad record length";
	case BR_ERR_UNKNOWN_TYPE:
		return "unknown record type";
	case BR_ERR_TOO_LARGE:
		return "record too large";
	case BR_ERR_BAD_MAC:
		return "bad record MAC";
	case BR_ERR_NO_RANDOM:
		return "no random source";
	case BR_ERR_BAD_HANDSHAKE:
		return "malformed handshake message";
	case BR_ERR_BAD_CIPHER_SUITE:
		return "no cipher suite in common";
	case BR_ERR_BAD_FINISHED:
		return "bad Finished message";
	case BR_ERR_LIMIT_EXCEEDED:
		return "limit exceeded";
	case BR_ERR_UNEXPECTED:
		return "unexpected message";
	default:
		return NULL;
	}
}

static const char *alert_name(int alert)
{
	switch (alert) {
	case BR_ALERT_HANDSHAKE_FAILURE:
		return "handshake_failure";
	case BR_ALERT_BAD_CERTIFICATE:
		return "bad_certificate";
	case BR_ALERT_UNSUPPORTED_CERTIFICATE:
		return "unsupported_certificate";
	case BR_ALERT_CERTIFICATE_EXPIRED:
		return "certificate_expired";
	case BR_ALERT_CERTIFICATE_UNKNOWN:
		return "certificate_unknown";
	case BR_ALERT_UNKNOWN_CA:
		return "unknown_ca";
	case BR_ALERT_DECODE_ERROR:
		return "decode_error";
	case BR_ALERT_PROTOCOL_VERSION:
		return "protocol_version";
	case BR_ALERT_INSUFFICIENT_SECURITY:
		return "insufficient_security";
	default:
		return "see RFC 5246 7.2";
	}
}

static void describe_bearssl(struct tls_conn *c, int e)
{
	const char *name = bearssl_error_name(e);
	if (e >= BR_ERR_SEND_FATAL_ALERT)
		snprintf(c->msg, sizeof(c->msg), "sent fatal alert %d (%s)",
		         e - BR_ERR_SEND_FATAL_ALERT, alert_name(e - BR_ERR_SEND_FATAL_ALERT));
	else if (e >= BR_ERR_RECV_FATAL_ALERT)
		snprintf(c->msg, sizeof(c->msg), "peer sent fatal alert %d (%s)",
		         e - BR_ERR_RECV_FATAL_ALERT, alert_name(e - BR_ERR_RECV_FATAL_ALERT));
	else if (name)
		snprintf(c->msg, sizeof(c->msg), "BearSSL error %d (%s)", e, name);
	else
		snprintf(c->msg, sizeof(c->msg), "BearSSL error %d", e);
}

const char *tls_conn_strerror(struct tls_conn *c)
{
	switch (c->err) {
	case TLS_CONN_OK:
		return "no error";
	case TLS_CONN_TIMEOUT:
		return "timeout";
	case TLS_CONN_IO:
		snprintf(c->msg, sizeof(c->msg), "I/O error: %s", strerror(c->sys_errno));
		return c->msg;
	case TLS_CONN_EOF:
		return "peer closed the connection without close_notify";
	case TLS_CONN_CLOSED:
		return "TLS session closed";
	case TLS_CONN_STALLED:
		return "TLS engine stalled";
	case TLS_CONN_ENTROPY:
		return "no random source";
	default:
		describe_bearssl(c, c->err);
		return c->msg;
	}
}
