/* aimx_client.c: connect to the daemon's socket, send one AIMX/1 frame, read the reply to EOF. */
#include "aimx_client.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "fileio.h"
#include "paths.h"

#define REPLY_MAX (64 * 1024 * 1024)

static int connect_socket(const char *path, char err[512], int *sys_errno)
{
	struct sockaddr_un sa;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		*sys_errno = ENAMETOOLONG;
		snprintf(err, 512, "Failed to connect to aimx daemon at %.300s: %s", path, strerror(ENAMETOOLONG));
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	*sys_errno = errno;
	snprintf(err, 512, "Failed to connect to aimx daemon at %.300s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

static int read_to_eof(int fd, struct buf *reply)
{
	char chunk[65536];
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

enum aimx_call_status aimx_call(const struct aimx_request *req, struct aimx_response *resp,
				char err[512], int *sys_errno)
{
	char path[AIMX_PATH_MAX];
	struct buf frame = BUF_INIT, reply = BUF_INIT;
	memset(resp, 0, sizeof(*resp));
	*sys_errno = 0;
	err[0] = '\0';
	if (paths_socket(path, sizeof(path)) < 0) {
		snprintf(err, 512, "socket path too long");
		return AIMX_CALL_CONNECT;
	}
	int fd = connect_socket(path, err, sys_errno);
	if (fd < 0)
		return *sys_errno == ENOENT || *sys_errno == ECONNREFUSED || *sys_errno == EACCES
			       ? AIMX_CALL_NO_DAEMON
			       : AIMX_CALL_CONNECT;
	enum aimx_call_status st = AIMX_CALL_OK;
	if (aimx_request_encode(&frame, req) < 0 || write_all(fd, frame.data, frame.len) < 0 ||
	    shutdown(fd, SHUT_WR) < 0 || read_to_eof(fd, &reply) < 0) {
		*sys_errno = errno;
		snprintf(err, 512, "Failed to connect to aimx daemon at %.300s: %s", path, strerror(errno));
		st = AIMX_CALL_CONNECT;
	} else if (aimx_response_parse(reply.data ? reply.data : "", reply.len, req->verb, resp, err) < 0) {
		st = AIMX_CALL_MALFORMED;
	}
	close(fd);
	buf_free(&frame);
	buf_free(&reply);
	return st;
}
