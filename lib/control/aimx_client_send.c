/* aimx_client_send.c: the SEND request of a composed message (protocol.md 8.1). */
#include "control/aimx_client_send.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

enum aimx_call_status aimx_client_send(const struct buf *msg, int text_only, const char *html,
                                       struct aimx_response *resp, char err[ERR_SIZE],
                                       int *sys_errno)
{
	memset(resp, 0, sizeof(*resp));
	struct aimx_request req = {.verb = AIMX_SEND, .body = *msg};
	if (text_only)
		req.has_text_only = req.text_only = 1;
	if (html) {
		req.has_html_body = 1;
		if (buf_append_str(&req.html_body, html) < 0) {
			err_set(err, "cannot build the SEND request: %s", strerror(errno));
			*sys_errno = errno;
			return AIMX_CALL_CONNECT;
		}
	}
	enum aimx_call_status st = aimx_client_call(&req, resp, err, sys_errno);
	buf_free(&req.html_body);
	return st;
}
