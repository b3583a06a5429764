/* aimx_client.c: connect to the daemon's socket, send one AIMX/1 frame, half-close, read the reply
 * to EOF. */
#include "control/aimx_client.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/paths.h"

#define REPLY_MAX  (64 * 1024 * 1024)
#define READ_CHUNK 65536

static void connect_error(char err[ERR_SIZE], const char *path, int e)
{
	err_set(err, "Failed to connect to aimx daemon at %.400s: %s", path, strerror(e));
}

/* A connected socket, or -1 with *e set. */
static int connect_socket(const char *path, int *e)
{
	struct sockaddr_un sa;
	size_t n = strlen(path);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (n >= sizeof(sa.sun_path)) {
		*e = ENAMETOOLONG;
		return -1;
	}
	memcpy(sa.sun_path, path, n + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*e = errno;
		return -1;
	}
	if (connect(fd, (const struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	*e = errno;
	close(fd);
	return -1;
}

/* Writes the whole frame without SIGPIPE; 0, or -1 with errno. */
static int send_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads to EOF into reply (at most REPLY_MAX bytes); 0, or -1 with errno (E2BIG when too big). */
static int read_to_eof(int fd, struct buf *reply)
{
	static char chunk[READ_CHUNK];
	reply->limit = REPLY_MAX;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n == 0)
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || buf_append(reply, chunk, (size_t)n) < 0)
			return -1;
	}
}

/* Sends the frame and collects the reply. A daemon that rejects a frame may close before it
 * has all of it: a failed write still lets us read the error it wrote. */
static enum aimx_call_status exchange(int fd, const struct buf *frame, struct buf *reply,
                                      const char *path, char err[ERR_SIZE], int *sys_errno)
{
	int io_errno = 0;
	if (send_all(fd, frame->data, frame->len) < 0 || shutdown(fd, SHUT_WR) < 0)
		io_errno = errno;
	if (read_to_eof(fd, reply) < 0) {
		if (errno == E2BIG) {
			err_set(err, "response exceeds %d bytes", REPLY_MAX);
			return AIMX_CALL_MALFORMED;
		}
		if (!io_errno)
			io_errno = errno;
	}
	if (io_errno && reply->len == 0) {
		*sys_errno = io_errno;
		connect_error(err, path, io_errno);
		return AIMX_CALL_CONNECT;
	}
	return AIMX_CALL_OK;
}

enum aimx_call_status aimx_client_call(const struct aimx_request *req, struct aimx_response *resp,
                                       char err[ERR_SIZE], int *sys_errno)
{
	char path[AIMX_PATH_MAX];
	struct buf frame = BUF_INIT, reply = BUF_INIT;
	int e = 0, ignored;
	if (!sys_errno)
		sys_errno = &ignored;
	memset(resp, 0, sizeof(*resp));
	*sys_errno = 0;
	err[0] = '\0';
	if (aimx_request_encode(&frame, req) < 0) {
		*sys_errno = errno;
		err_set(err, "cannot encode the AIMX/1 request: %s", strerror(errno));
		buf_free(&frame);
		return AIMX_CALL_CONNECT;
	}
	if (paths_socket(path, sizeof(path)) < 0) {
		snprintf(path, sizeof(path), "%.400s/aimx.sock", paths_runtime_dir());
		e = ENAMETOOLONG;
	}
	int fd = e ? -1 : connect_socket(path, &e);
	enum aimx_call_status st;
	if (fd < 0) {
		*sys_errno = e;
		connect_error(err, path, e);
		st = e == ENOENT || e == ECONNREFUSED || e == EACCES ? AIMX_CALL_NO_DAEMON
		                                                     : AIMX_CALL_CONNECT;
	} else {
		st = exchange(fd, &frame, &reply, path, err, sys_errno);
		close(fd);
	}
	if (st == AIMX_CALL_OK &&
	    aimx_response_parse(reply.data ? reply.data : "", reply.len, req->verb, resp, err) < 0)
		st = AIMX_CALL_MALFORMED;
	buf_free(&frame);
	buf_free(&reply);
	return st;
}
