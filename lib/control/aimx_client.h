/* aimx_client.h: one AIMX/1 request over the daemon's Unix socket, as every client (CLI, MCP) makes it. */
#ifndef AIMX_AIMX_CLIENT_H
#define AIMX_AIMX_CLIENT_H

#include "base/err.h"
#include "control/aimx.h"

enum aimx_call_status {
	AIMX_CALL_OK,          /* a well-formed reply is in resp (it may be an ERR) */
	AIMX_CALL_NO_DAEMON,   /* connect failed with ENOENT, ECONNREFUSED or EACCES */
	AIMX_CALL_CONNECT,     /* another connect or I/O error; see err */
	AIMX_CALL_MALFORMED,   /* the reply could not be parsed; see err */
};

/* Connect to paths_socket(), write the frame, shutdown(SHUT_WR), read to EOF, parse.
 * err gets "Failed to connect to aimx daemon at <path>: <strerror>" or the parse reason.
 * sys_errno gets the connect errno when there was one. */
enum aimx_call_status aimx_client_call(const struct aimx_request *req, struct aimx_response *resp,
                                       char err[ERR_SIZE], int *sys_errno);

#endif
