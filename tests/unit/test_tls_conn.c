/* test_tls_conn.c: unit tests for lib/net/tls_conn.c, against BearSSL's client over a socketpair. */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bearssl.h>

#include "base/err.h"
#include "base/buf.h"
#include "net/tls_conn.h"
#include "unit.h"
#include "crypto/x509.h"

#define DOMAIN  "mx.example.test"
#define BIG_LEN (64 * 1024)
#define CHUNK   4000

/* The certificate and key a test server uses, and the trust anchor a client needs for it. */
struct fixture {
	struct tls_creds creds;
	br_x509_decoder_context dec;
	struct buf dn;
	br_x509_trust_anchor ta;
	int ok;
};

/* The client side: BearSSL's own client with br_sslio over a blocking socket. */
struct client {
	br_ssl_client_context cc;
	br_x509_minimal_context xc;
	unsigned char iobuf[BR_SSL_BUFSIZE_BIDI];
	br_sslio_context io;
	int fd;
};

/* What the forked server child does after tls_conn_start. */
enum server_script {
	SERVE_ECHO,         /* handshake, echo until close_notify, close: exit 0 */
	SERVE_IDLE_TIMEOUT, /* handshake, a read that times out, then write "421 idle\r\n" */
	SERVE_EXPECT_EOF,   /* handshake, then a read must see the TCP close (TLS_CONN_EOF) */
	SERVE_EXPECT_FAIL,  /* the handshake must fail with a BearSSL error */
};

static struct tls_conn server_conn; /* 34 KiB: static, not on the stack */
static struct client client;

static void append_dn(void *ctx, const void *data, size_t len)
{
	(void)buf_append(ctx, data, len);
}

static void fixture_make(struct fixture *f, enum x509_key_kind kind)
{
	const char *dir = unit_tmpdir("tls-conn");
	char cert[4200], key[4200], err[ERR_SIZE], terr[ERR_SIZE];
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	memset(f, 0, sizeof(*f));
	f->ok = x509_selfsigned_write(DOMAIN, kind, cert, key, err) == 0 &&
	        tls_creds_load(&f->creds, cert, key, terr) == 0;
	CHECK(f->ok);
	CHECK(unlink(cert) == 0 && unlink(key) == 0 && rmdir(dir) == 0);
	if (!f->ok)
		return;
	br_x509_decoder_init(&f->dec, append_dn, &f->dn);
	br_x509_decoder_push(&f->dec, f->creds.chain[0].data, f->creds.chain[0].data_len);
	const br_x509_pkey *pk = br_x509_decoder_get_pkey(&f->dec);
	CHECK(pk != NULL);
	f->ok = pk != NULL;
	if (pk) {
		f->ta.dn.data = (unsigned char *)f->dn.data;
		f->ta.dn.len = f->dn.len;
		f->ta.flags = BR_X509_TA_CA; /* so the client checks the signature */
		f->ta.pkey = *pk;
	}
}

static void fixture_free(struct fixture *f)
{
	tls_creds_free(&f->creds);
	buf_free(&f->dn);
}

static int sock_read(void *ctx, unsigned char *buf, size_t len)
{
	for (;;) {
		ssize_t n = read(*(int *)ctx, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		return n <= 0 ? -1 : (int)n;
	}
}

static int sock_write(void *ctx, const unsigned char *buf, size_t len)
{
	for (;;) {
		ssize_t n = send(*(int *)ctx, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		return n <= 0 ? -1 : (int)n;
	}
}

/* A client on `fd` that trusts `f`'s certificate and accepts only versions lo..hi. */
static void client_start(struct client *c, const struct fixture *f, int fd, unsigned lo,
                         unsigned hi)
{
	c->fd = fd;
	br_ssl_client_init_full(&c->cc, &c->xc, &f->ta, 1);
	br_ssl_engine_set_versions(&c->cc.eng, lo, hi);
	br_ssl_engine_set_buffer(&c->cc.eng, c->iobuf, sizeof(c->iobuf), 1);
	CHECK(br_ssl_client_reset(&c->cc, DOMAIN, 0) == 1);
	br_sslio_init(&c->io, &c->cc.eng, sock_read, &c->fd, sock_write, &c->fd);
}

static int client_read_exact(struct client *c, void *buf, size_t len)
{
	return br_sslio_read_all(&c->io, buf, len) == 0 ? 0 : -1;
}

static int serve_echo(struct tls_conn *s)
{
	unsigned char buf[3000];
	for (;;) {
		ssize_t n = tls_conn_read(s, buf, sizeof(buf), 5000);
		if (n == 0)
			return tls_conn_close(s, 1000) == 0 ? 0 : 20;
		if (n < 0)
			return 21;
		if (tls_conn_write_all(s, buf, (size_t)n, 5000) < 0)
			return 22;
	}
}

static int serve_idle_timeout(struct tls_conn *s)
{
	unsigned char buf[16];
	if (tls_conn_read(s, buf, sizeof(buf), 200) != -1 || s->err != TLS_CONN_TIMEOUT)
		return 30;
	if (strcmp(tls_conn_strerror(s), "timeout") != 0)
		return 31;
	if (tls_conn_write_all(s, "421 idle\r\n", 10, 5000) < 0)
		return 32;
	return tls_conn_close(s, 1000) == 0 ? 0 : 33;
}

static int serve_expect_eof(struct tls_conn *s)
{
	unsigned char buf[16];
	if (tls_conn_read(s, buf, sizeof(buf), 5000) != -1 || s->err != TLS_CONN_EOF)
		return 40;
	/* The transport is gone: later calls fail at once, with the same reason. */
	if (tls_conn_write_all(s, "x", 1, 5000) != -1 || s->err != TLS_CONN_EOF)
		return 41;
	return tls_conn_close(s, 1000) == -1 ? 0 : 42;
}

/* Runs in the child: everything after fork on the server side; the exit status says what
 * went wrong (0 = the script played out). */
static int serve(const struct fixture *f, int fd, enum server_script script)
{
	struct tls_conn *s = &server_conn;
	if (tls_conn_start(s, &f->creds, fd) < 0)
		return 10;
	int hs = tls_conn_handshake(s, 5000);
	if (script == SERVE_EXPECT_FAIL)
		return hs == -1 && s->err > 0 && strlen(tls_conn_strerror(s)) > 0 ? 0 : 11;
	if (hs < 0) {
		fprintf(stderr, "    server handshake: %s\n", tls_conn_strerror(s));
		return 12;
	}
	switch (script) {
	case SERVE_ECHO:
		return serve_echo(s);
	case SERVE_IDLE_TIMEOUT:
		return serve_idle_timeout(s);
	default:
		return serve_expect_eof(s);
	}
}

/* Fork a server child on one end of a socketpair; the other end (with a receive timeout so
 * a broken server cannot hang the tests) is returned in *client_fd. */
static pid_t spawn_server(const struct fixture *f, enum server_script script, int *client_fd)
{
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		(void)close(sv[0]);
		_exit(serve(f, sv[1], script));
	}
	(void)close(sv[1]);
	struct timeval tv = {10, 0};
	CHECK(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0);
	*client_fd = sv[0];
	return pid;
}

static void check_child(pid_t pid, const char *what)
{
	int status = 0;
	CHECK(waitpid(pid, &status, 0) == pid);
	int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	CHECK(ok);
	if (!ok)
		fprintf(stderr, "    %s: server child status %d\n", what,
		        WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status));
}

static void test_echo(const struct fixture *f, const char *what)
{
	int fd;
	pid_t pid = spawn_server(f, SERVE_ECHO, &fd);
	struct client *c = &client;
	client_start(c, f, fd, BR_TLS10, BR_TLS12);
	char line[8];
	CHECK(br_sslio_write_all(&c->io, "hello\r\n", 7) == 0 && br_sslio_flush(&c->io) == 0);
	CHECK(client_read_exact(c, line, 7) == 0 && memcmp(line, "hello\r\n", 7) == 0);
	CHECK(br_ssl_engine_get_version(&c->cc.eng) == BR_TLS12);
	/* Many records each way, in chunks that straddle record boundaries. */
	static unsigned char big[BIG_LEN], back[BIG_LEN];
	for (size_t i = 0; i < BIG_LEN; i++)
		big[i] = (unsigned char)(i * 7 + i / 251);
	for (size_t off = 0; off < BIG_LEN; off += CHUNK) {
		size_t n = BIG_LEN - off < CHUNK ? BIG_LEN - off : CHUNK;
		CHECK(br_sslio_write_all(&c->io, big + off, n) == 0 && br_sslio_flush(&c->io) == 0);
		CHECK(client_read_exact(c, back + off, n) == 0);
	}
	CHECK(memcmp(big, back, BIG_LEN) == 0);
	/* close_notify both ways: the server's read returns 0, it answers, the client sees it. */
	CHECK(br_sslio_close(&c->io) == 1);
	(void)close(fd);
	check_child(pid, what);
}

static void test_idle_timeout_then_write(const struct fixture *f)
{
	int fd;
	pid_t pid = spawn_server(f, SERVE_IDLE_TIMEOUT, &fd);
	struct client *c = &client;
	client_start(c, f, fd, BR_TLS10, BR_TLS12);
	char reply[10];
	CHECK(br_sslio_flush(&c->io) == 0); /* runs the handshake */
	CHECK(client_read_exact(c, reply, 10) == 0 && memcmp(reply, "421 idle\r\n", 10) == 0);
	/* Then the server's close_notify: no more data, and a clean end. */
	CHECK(br_sslio_read(&c->io, reply, 1) == -1);
	CHECK(br_ssl_engine_last_error(&c->cc.eng) == BR_ERR_OK);
	(void)close(fd);
	check_child(pid, "idle timeout");
}

static void test_peer_drops_tcp(const struct fixture *f)
{
	int fd;
	pid_t pid = spawn_server(f, SERVE_EXPECT_EOF, &fd);
	struct client *c = &client;
	client_start(c, f, fd, BR_TLS10, BR_TLS12);
	CHECK(br_sslio_flush(&c->io) == 0);
	(void)close(fd); /* no close_notify */
	check_child(pid, "peer drops TCP");
}

static void test_old_client_refused(const struct fixture *f)
{
	int fd;
	pid_t pid = spawn_server(f, SERVE_EXPECT_FAIL, &fd);
	struct client *c = &client;
	client_start(c, f, fd, BR_TLS10, BR_TLS11);
	CHECK(br_sslio_flush(&c->io) == -1);
	(void)close(fd);
	check_child(pid, "TLS 1.1 client");
}

/* The rest run the server in this process: no client ever speaks TLS. */
static int start_local(const struct fixture *f, int sv[2])
{
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	return tls_conn_start(&server_conn, &f->creds, sv[1]);
}

static void test_start_reads_nothing(const struct fixture *f)
{
	int sv[2];
	char left[16] = "";
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(write(sv[0], "RCPT TO:<x>\r\n", 13) == 13);
	CHECK(tls_conn_start(&server_conn, &f->creds, sv[1]) == 0);
	CHECK(recv(sv[1], left, sizeof(left), MSG_DONTWAIT) == 13);
	CHECK_STR(left, "RCPT TO:<x>\r\n");
	(void)close(sv[0]);
	(void)close(sv[1]);
}

static void test_plaintext_after_starttls(const struct fixture *f)
{
	int sv[2];
	CHECK(start_local(f, sv) == 0);
	CHECK(write(sv[0], "EHLO attacker.example\r\n", 23) == 23);
	CHECK(tls_conn_handshake(&server_conn, 5000) == -1);
	CHECK(server_conn.err > 0);
	CHECK_CONTAINS(tls_conn_strerror(&server_conn), "BearSSL error");
	(void)close(sv[0]);
	(void)close(sv[1]);
}

static void test_handshake_timeout(const struct fixture *f)
{
	int sv[2];
	CHECK(start_local(f, sv) == 0);
	CHECK(tls_conn_handshake(&server_conn, 100) == -1);
	CHECK(server_conn.err == TLS_CONN_TIMEOUT);
	CHECK_STR(tls_conn_strerror(&server_conn), "timeout");
	(void)close(sv[0]);
	(void)close(sv[1]);
}

static void test_handshake_hangup(const struct fixture *f)
{
	int sv[2];
	CHECK(start_local(f, sv) == 0);
	(void)close(sv[0]);
	CHECK(tls_conn_handshake(&server_conn, 5000) == -1);
	CHECK(server_conn.err == TLS_CONN_EOF);
	CHECK_CONTAINS(tls_conn_strerror(&server_conn), "without close_notify");
	(void)close(sv[1]);
}

void suite_tls_conn(void)
{
	struct fixture rsa, ec;
	fixture_make(&rsa, X509_KEY_RSA2048);
	fixture_make(&ec, X509_KEY_EC_P256);
	if (rsa.ok && ec.ok) {
		test_echo(&rsa, "RSA echo");
		test_echo(&ec, "EC echo");
		test_idle_timeout_then_write(&ec);
		test_peer_drops_tcp(&ec);
		test_old_client_refused(&rsa);
		test_start_reads_nothing(&ec);
		test_plaintext_after_starttls(&ec);
		test_handshake_timeout(&ec);
		test_handshake_hangup(&ec);
	}
	fixture_free(&rsa);
	fixture_free(&ec);
}
