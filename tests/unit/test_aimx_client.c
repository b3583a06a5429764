/* test_aimx_client.c: unit tests for lib/control/aimx_client.c against forked fake daemons on a socket in a
 * temp AIMX_RUNTIME_DIR. */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "control/aimx_client.h"
#include "base/buf.h"
#include "unit.h"

#define S(lit)    lit, sizeof(lit) - 1
#define FRAME_MAX (1024 * 1024)

static char sock_path[1024];

enum fake {
	FAKE_READ_ALL, /* read the frame to EOF, check it, reply, close */
	FAKE_EARLY,    /* read a little, reply at once and close with the rest unread */
};

struct canned {
	enum fake how;
	const char *reply;
	size_t reply_len;
	const char *want; /* the frame the daemon must receive (FAKE_READ_ALL), or NULL */
	size_t want_len;
};

static int listen_at(const char *path)
{
	struct sockaddr_un sa;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int write_all_fd(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The child: one connection, then _exit with 0 when the frame was what the test expected. */
static void fake_daemon(int lfd, const struct canned *c)
{
	static char frame[FRAME_MAX];
	size_t got = 0;
	int cfd = accept(lfd, NULL, NULL);
	if (cfd < 0)
		_exit(2);
	for (;;) {
		ssize_t n = read(cfd, frame + got, c->how == FAKE_EARLY ? 16 : FRAME_MAX - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || c->how == FAKE_EARLY)
			break;
		got += (size_t)n;
		if (got == FRAME_MAX)
			_exit(4);
	}
	if (write_all_fd(cfd, c->reply, c->reply_len) < 0)
		_exit(5);
	close(cfd);
	if (c->want && (got != c->want_len || memcmp(frame, c->want, got) != 0))
		_exit(3);
	_exit(0);
}

/* Runs aimx_client_call against a fake daemon that behaves as c says; checks the daemon's verdict. */
static enum aimx_call_status call_fake(const struct canned *c, const struct aimx_request *req,
                                       struct aimx_response *resp, char err[ERR_SIZE],
                                       int *sys_errno)
{
	int lfd = listen_at(sock_path);
	CHECK(lfd >= 0);
	pid_t pid = lfd >= 0 ? fork() : -1;
	CHECK(pid >= 0);
	if (pid == 0)
		fake_daemon(lfd, c);
	if (lfd >= 0)
		close(lfd);
	enum aimx_call_status st = aimx_client_call(req, resp, err, sys_errno);
	int status = -1;
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fprintf(stderr, "    fake daemon status %d\n", status);
	CHECK(unlink(sock_path) == 0);
	return st;
}

static void test_json_ok(void)
{
	static const char json[] = "{\"tag\":\"v1\",\"git_hash\":\"abcdef12\"}";
	struct buf reply = BUF_INIT;
	CHECK(buf_printf(&reply, "AIMX/1 OK\nContent-Length: %zu\n\n%s", sizeof(json) - 1, json) ==
	      0);
	struct canned c = {FAKE_READ_ALL, reply.data, reply.len, S("AIMX/1 VERSION\n\n")};
	struct aimx_request req = {0};
	struct aimx_response resp;
	char err[ERR_SIZE];
	int e = -1;
	req.verb = AIMX_VERSION;
	CHECK(call_fake(&c, &req, &resp, err, &e) == AIMX_CALL_OK);
	CHECK(resp.ok == 1 && e == 0);
	CHECK_STR(resp.json.data, json);
	aimx_response_free(&resp);
	buf_free(&reply);
}

static void test_send_ok(void)
{
	static const char body[] = "From: alice@example.com\r\nTo: bob@example.org\r\n\r\nHi\r\n";
	struct canned c = {FAKE_READ_ALL, S("AIMX/1 OK <id-1@example.com>\n"),
	                   S("AIMX/1 SEND\nText-Only: true\nContent-Length: 52\n\n"
	                     "From: alice@example.com\r\nTo: bob@example.org\r\n\r\nHi\r\n")};
	struct aimx_request req = {0};
	struct aimx_response resp;
	char err[ERR_SIZE];
	int e;
	req.verb = AIMX_SEND;
	req.has_text_only = req.text_only = 1;
	CHECK(sizeof(body) - 1 == 52);
	CHECK(buf_append_str(&req.body, body) == 0);
	CHECK(call_fake(&c, &req, &resp, err, &e) == AIMX_CALL_OK);
	CHECK(resp.ok == 1);
	CHECK_STR(resp.message_id, "<id-1@example.com>");
	aimx_response_free(&resp);
	aimx_request_free(&req);
}

static void test_err_reply(void)
{
	struct canned c = {FAKE_READ_ALL,
	                   S("AIMX/1 ERR ENOENT mailbox 'bob' does not exist\nCode: ENOENT\n\n"),
	                   S("AIMX/1 MARK-READ\nMailbox: bob\nId: "
	                     "2025-06-01-120000-hello\nContent-Length: 0\n\n")};
	struct aimx_request req = {0};
	struct aimx_response resp;
	char err[ERR_SIZE];
	int e;
	req.verb = AIMX_MARK_READ;
	req.mailbox = strdup("bob");
	req.id = strdup("2025-06-01-120000-hello");
	CHECK(call_fake(&c, &req, &resp, err, &e) == AIMX_CALL_OK);
	CHECK(resp.ok == 0);
	CHECK_STR(resp.code, "ENOENT");
	CHECK_STR(resp.reason, "mailbox 'bob' does not exist");
	aimx_response_free(&resp);
	aimx_request_free(&req);
}

static void test_malformed_replies(void)
{
	struct aimx_request req = {0};
	struct aimx_response resp;
	char err[ERR_SIZE];
	int e;
	req.verb = AIMX_HOOK_LIST;
	struct canned garbage = {FAKE_READ_ALL, S("garbage\n"), S("AIMX/1 HOOK-LIST\n\n")};
	CHECK(call_fake(&garbage, &req, &resp, err, &e) == AIMX_CALL_MALFORMED);
	CHECK_STR(err, "unexpected response: \"garbage\"");
	aimx_response_free(&resp);
	struct canned latin1 = {FAKE_READ_ALL, S("AIMX/1 ERR IO caf\xe9\n"), NULL, 0};
	CHECK(call_fake(&latin1, &req, &resp, err, &e) == AIMX_CALL_MALFORMED);
	CHECK_STR(err, "response is not UTF-8");
	aimx_response_free(&resp);
	struct canned unknown = {FAKE_READ_ALL, S("AIMX/1 ERR NOPE x\n"), NULL, 0};
	CHECK(call_fake(&unknown, &req, &resp, err, &e) == AIMX_CALL_MALFORMED);
	CHECK_STR(err, "unknown ERR code \"NOPE\" in response");
	aimx_response_free(&resp);
	/* a daemon that closes without a word */
	struct canned silent = {FAKE_READ_ALL, "", 0, S("AIMX/1 HOOK-LIST\n\n")};
	CHECK(call_fake(&silent, &req, &resp, err, &e) == AIMX_CALL_MALFORMED);
	CHECK_STR(err, "empty response from daemon");
	aimx_response_free(&resp);
}

/* The daemon answers before it has read the whole frame and closes: no SIGPIPE, and the
 * error it wrote still reaches the caller. */
static void test_early_reply(void)
{
	struct canned c = {
	    FAKE_EARLY, S("AIMX/1 ERR MALFORMED malformed request: too slow\nCode: MALFORMED\n\n"),
	    NULL, 0};
	struct aimx_request req = {0};
	struct aimx_response resp;
	char err[ERR_SIZE];
	int e;
	req.verb = AIMX_SEND;
	CHECK(buf_reserve(&req.body, 8 * 1024 * 1024) == 0);
	memset(req.body.data, 'x', 8 * 1024 * 1024);
	req.body.len = 8 * 1024 * 1024;
	CHECK(call_fake(&c, &req, &resp, err, &e) == AIMX_CALL_OK);
	CHECK(resp.ok == 0);
	CHECK_STR(resp.code, "MALFORMED");
	CHECK_STR(resp.reason, "malformed request: too slow");
	aimx_response_free(&resp);
	aimx_request_free(&req);
}

static void expect_connect_failure(enum aimx_call_status want, int want_errno)
{
	struct aimx_request req = {0};
	struct aimx_response resp;
	char err[ERR_SIZE], msg[1200];
	int e = 0;
	req.verb = AIMX_VERSION;
	CHECK(aimx_client_call(&req, &resp, err, &e) == want);
	CHECK(e == want_errno);
	snprintf(msg, sizeof(msg), "Failed to connect to aimx daemon at %s: %s", sock_path,
	         strerror(want_errno));
	CHECK_STR(err, msg);
	aimx_response_free(&resp);
}

static void test_no_daemon(const char *dir)
{
	expect_connect_failure(AIMX_CALL_NO_DAEMON, ENOENT);
	/* a stale socket file nobody listens on */
	int fd = listen_at(sock_path);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	expect_connect_failure(AIMX_CALL_NO_DAEMON, ECONNREFUSED);
	CHECK(unlink(sock_path) == 0);
	if (geteuid() != 0) { /* root passes directory permissions */
		CHECK(chmod(dir, 0) == 0);
		expect_connect_failure(AIMX_CALL_NO_DAEMON, EACCES);
		CHECK(chmod(dir, 0700) == 0);
	}
}

static void test_other_connect_errors(const char *dir)
{
	char file[600];
	CHECK(snprintf(file, sizeof(file), "%s/not-a-dir", dir) < (int)sizeof(file));
	FILE *f = fopen(file, "w");
	CHECK(f != NULL);
	if (f)
		fclose(f);
	CHECK(setenv("AIMX_RUNTIME_DIR", file, 1) == 0);
	CHECK(snprintf(sock_path, sizeof(sock_path), "%s/aimx.sock", file) <
	      (int)sizeof(sock_path));
	expect_connect_failure(AIMX_CALL_CONNECT, ENOTDIR);
	CHECK(unlink(file) == 0);
	/* longer than sun_path */
	char deep[300];
	memset(deep, 'd', sizeof(deep) - 1);
	deep[0] = '/';
	deep[sizeof(deep) - 1] = '\0';
	CHECK(setenv("AIMX_RUNTIME_DIR", deep, 1) == 0);
	snprintf(sock_path, sizeof(sock_path), "%s/aimx.sock", deep);
	expect_connect_failure(AIMX_CALL_CONNECT, ENAMETOOLONG);
	/* a request that cannot be framed never reaches the socket */
	struct aimx_request req = {0};
	struct aimx_response resp;
	char err[ERR_SIZE];
	int e = 0;
	req.verb = AIMX_HOOK_DELETE;
	CHECK(aimx_client_call(&req, &resp, err, &e) == AIMX_CALL_CONNECT);
	CHECK(e == EINVAL);
	CHECK_CONTAINS(err, "cannot encode the AIMX/1 request");
}

void suite_aimx_client(void)
{
	const char *old = getenv("AIMX_RUNTIME_DIR");
	char *saved = old ? strdup(old) : NULL;
	char dir[512];
	CHECK(!old || saved);
	snprintf(dir, sizeof(dir), "%s", unit_tmpdir("client"));
	snprintf(sock_path, sizeof(sock_path), "%s/aimx.sock", dir);
	CHECK(setenv("AIMX_RUNTIME_DIR", dir, 1) == 0);
	test_json_ok();
	test_send_ok();
	test_err_reply();
	test_malformed_replies();
	test_early_reply();
	test_no_daemon(dir);
	test_other_connect_errors(dir);
	if (saved)
		CHECK(setenv("AIMX_RUNTIME_DIR", saved, 1) == 0);
	else
		CHECK(unsetenv("AIMX_RUNTIME_DIR") == 0);
	free(saved);
	CHECK(rmdir(dir) == 0);
}
