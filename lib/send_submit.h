/* send_submit.h: hand a composed message to the daemon with SEND, as every client (CLI, MCP) does.
 */
#ifndef AIMX_SEND_SUBMIT_H
#define AIMX_SEND_SUBMIT_H

#include "aimx_client.h"
#include "buf.h"

/* SEND msg with Text-Only: true when text_only, and html (may be NULL) as Html-Body.
 * resp is always to be freed with aimx_response_free; err and sys_errno as aimx_call. */
enum aimx_call_status send_submit(const struct buf *msg, int text_only, const char *html,
                                  struct aimx_response *resp, char err[512], int *sys_errno);

#endif
