/* tls_conn.h: STARTTLS over BearSSL: one engine per session, server or client side. */
#ifndef AIMX_TLS_CONN_H
#define AIMX_TLS_CONN_H

#include <stddef.h>
#include <sys/types.h>

#include <bearssl.h>

#include "net/tls_creds.h"

/* Why a tls_conn call failed (tls_conn.err): these, or a BearSSL error code (> 0). */
enum tls_conn_error {
	TLS_CONN_OK = 0,
	TLS_CONN_TIMEOUT = -1, /* the deadline passed; the session is still usable */
	TLS_CONN_IO = -2,      /* a system call failed; tls_conn.sys_errno says why */
	TLS_CONN_EOF = -3,     /* the peer closed the TCP connection without close_notify */
	TLS_CONN_CLOSED = -4,  /* the TLS session was closed (close_notify) */
	TLS_CONN_STALLED = -5, /* the engine wants neither input nor output: a bug */
	TLS_CONN_ENTROPY = -6, /* no random source */
};

enum tls_transport {
	TLS_TRANSPORT_OK = 0,
	TLS_TRANSPORT_FAILED, /* a read or write failed, or the peer hung up: err says why */
	TLS_TRANSPORT_ENDED,  /* the peer's close_notify came and the socket is gone */
};

/* One TLS session over a connected socket; about 34 KiB, so allocate it (or keep it static in
 * the session child), not on a small stack. The caller owns `fd` and closes it. */
struct tls_conn {
	union {
		br_ssl_server_context server;
		br_ssl_client_context client;
	} ctx;
	br_ssl_engine_context *eng; /* the engine inside ctx */
	struct tls_peer_check *check; /* client side: how the server's certificate fared */
	unsigned char iobuf[BR_SSL_BUFSIZE_BIDI];
	int fd;
	int transport; /* enum tls_transport: once not OK, no call touches the fd again */
	int err;       /* enum tls_conn_error, or a BearSSL error code; set on every failure */
	int sys_errno; /* errno behind TLS_CONN_IO */
	char msg[96];  /* tls_conn_strerror's text */
};

/* Prepare a TLS 1.2 server session on `fd` with `creds` (which must outlive the session).
 * Reads and writes nothing: bytes the peer sent are left in the socket for the handshake,
 * so the caller discards its own plaintext buffer and nothing else. Also seeds the engine
 * from getrandom(2). 0, or -1 (c->err). */
int tls_conn_start(struct tls_conn *c, const struct tls_creds *creds, int fd);

/* The setup every session shares, after its context's init: fd, error state, the I/O
 * buffer, no renegotiation, fresh entropy. 0, or -1 (c->err). */
int tls_conn_prepare(struct tls_conn *c, br_ssl_engine_context *eng, int fd);

/* Run the handshake until application data can flow. Timeouts here and below are the
 * whole call's budget in milliseconds; negative means no limit. 0, or -1 (c->err). */
int tls_conn_handshake(struct tls_conn *c, int timeout_ms);

/* Read up to `len` (> 0) decrypted bytes: returns as soon as some are available. Returns the
 * count, 0 when the peer closed the session cleanly (close_notify), or -1 (c->err; after
 * TLS_CONN_TIMEOUT the session is still usable, e.g. to write a 421). */
ssize_t tls_conn_read(struct tls_conn *c, void *buf, size_t len, int timeout_ms);

/* Encrypt and send all of `data`, then flush it onto the wire. 0, or -1 (c->err). */
int tls_conn_write_all(struct tls_conn *c, const void *data, size_t len, int timeout_ms);

/* For an event loop (with timeout 0 every call above returns at once, TLS_CONN_TIMEOUT
 * meaning "not yet"): what the engine waits for now, POLLIN and/or POLLOUT. */
short tls_conn_wants(const struct tls_conn *c);
/* Without blocking: takes as much of data as the engine holds, and sends the records as far
 * as the socket takes them (the rest goes out with the next call). The count taken, or -1
 * (c->err). */
ssize_t tls_conn_send_some(struct tls_conn *c, const void *data, size_t len);

/* Send close_notify and flush it, without waiting for the peer's (RFC 5246 7.2.1 allows
 * that). Best effort: 0 when the alert went out, else -1 (c->err). Does not close the fd. */
int tls_conn_close(struct tls_conn *c, int timeout_ms);

/* The last failure as text ("timeout", "BearSSL error 62 (...)", "peer closed ...");
 * may point into c->msg, valid until the next call. */
const char *tls_conn_strerror(struct tls_conn *c);

#endif
