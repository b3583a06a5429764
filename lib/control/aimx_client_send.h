/* aimx_client_send.h: hand a composed message to the daemon with SEND, as every client (CLI, MCP) does.
 */
#ifndef AIMX_AIMX_CLIENT_SEND_H
#define AIMX_AIMX_CLIENT_SEND_H

#include "base/err.h"
#include "control/aimx_client.h"
#include "base/buf.h"

/* SEND msg with Text-Only: true when text_only, and html (may be NULL) as Html-Body.
 * resp is always to be freed with aimx_response_free; err and sys_errno as aimx_client_call. */
enum aimx_call_status aimx_client_send(const struct buf *msg, int text_only, const char *html,
                                       struct aimx_response *resp, char err[ERR_SIZE],
                                       int *sys_errno);

#endif
