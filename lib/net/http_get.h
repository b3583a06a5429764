/* http_get.h: one HTTP/1.1 GET over TCP or verified TLS, for small answers such as the port 25
 * probe. */
#ifndef AIMX_HTTP_GET_H
#define AIMX_HTTP_GET_H

#include <stddef.h>

#include "base/err.h"
#include "base/buf.h"

#define HTTP_HOST_MAX     256
#define HTTP_PATH_MAX     1024
#define HTTP_RESPONSE_MAX 65536 /* a longer answer is an error */

struct http_url {
	int tls;                  /* https */
	char host[HTTP_HOST_MAX]; /* a name or an address; IPv6 without brackets */
	unsigned port;            /* 80 / 443 unless given */
	char path[HTTP_PATH_MAX]; /* "/" when the URL has none; query kept */
};

/* Splits "http[s]://host[:port][/path]" (IPv6 as [addr]); no user info, no fragment.
 * 0, or -1 with the reason in err. */
int http_get_parse_url(const char *url, struct http_url *u, char err[ERR_SIZE]);

/* Reads a whole response (status line, fields, body framed by Content-Length, chunked
 * transfer coding, or the end of the connection when `closed` says the peer ended it):
 * the status code and the body. 0, or -1 with err (malformed, or the body was cut short). */
int http_get_parse_response(const char *data, size_t len, int closed, int *status, struct buf *body,
                            char err[ERR_SIZE]);

/* GET url with "Connection: close" within timeout_ms (connect, TLS handshake, request and
 * answer together). https verifies the server's certificate chain and name against the CA
 * bundle (tls_client.h: AIMX_TLS_CA_FILE for tests) before anything is sent. The status and
 * body, 0; or -1 with err. */
int http_get(const char *url, int timeout_ms, int *status, struct buf *body, char err[ERR_SIZE]);

#endif
