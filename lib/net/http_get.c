/* http_get.c: a minimal HTTP/1.1 GET client (RFC 9112): URL split, request, response framing. */
#include "net/http_get.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/err.h"
#include "base/clock.h"
#include "base/fileio.h"
#include "net/tcp_connect.h"
#include "net/tls_client.h"

#define HTTP_READ_CHUNK 4096

static int parse_port(const char *s, size_t n, unsigned *port)
{
	unsigned v = 0;
	if (n == 0 || n > 5)
		return -1;
	for (size_t k = 0; k < n; k++) {
		if (!isdigit((unsigned char)s[k]))
			return -1;
		v = v * 10 + (unsigned)(s[k] - '0');
	}
	if (v == 0 || v > 65535)
		return -1;
	*port = v;
	return 0;
}

/* host[:port] or [v6][:port], already cut from the URL. */
static int parse_authority(const char *a, size_t n, struct http_url *u, char err[ERR_SIZE])
{
	const char *host = a, *port = NULL;
	size_t hlen = n;
	if (n && a[0] == '[') {
		const char *close = memchr(a, ']', n);
		if (!close)
			return err_set(err, "unclosed [ in URL host");
		host = a + 1;
		hlen = (size_t)(close - host);
		if (close + 1 < a + n) {
			if (close[1] != ':')
				return err_set(err, "unexpected text after ] in URL host");
			port = close + 2;
		}
	} else {
		const char *colon = memchr(a, ':', n);
		if (colon) {
			hlen = (size_t)(colon - a);
			port = colon + 1;
		}
	}
	if (hlen == 0 || hlen >= sizeof(u->host) || memchr(a, '@', n))
		return err_set(err, "bad host in URL");
	memcpy(u->host, host, hlen);
	u->host[hlen] = '\0';
	if (port && parse_port(port, (size_t)(a + n - port), &u->port) < 0)
		return err_set(err, "bad port in URL");
	return 0;
}

int http_get_parse_url(const char *url, struct http_url *u, char err[ERR_SIZE])
{
	memset(u, 0, sizeof(*u));
	const char *rest;
	if (strncasecmp(url, "https://", 8) == 0) {
		u->tls = 1;
		u->port = 443;
		rest = url + 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		u->port = 80;
		rest = url + 7;
	} else
		return err_set(err, "URL must start with http:// or https://: %s", url);
	size_t alen = strcspn(rest, "/?#");
	if (parse_authority(rest, alen, u, err) < 0)
		return -1;
	const char *path = rest + alen;
	size_t plen = strcspn(path, "#");
	for (size_t k = 0; k < plen; k++)
		if ((unsigned char)path[k] <= ' ' || path[k] == 0x7f)
			return err_set(err, "space or control character in URL path");
	int slash = plen == 0 || path[0] != '/';
	if (plen + (size_t)slash >= sizeof(u->path))
		return err_set(err, "URL path too long");
	snprintf(u->path, sizeof(u->path), "%s%.*s", slash ? "/" : "", (int)plen, path);
	return 0;
}

/* ---- response ---- */

/* The next line of data[*pos..len) without its CR LF; NULL when no LF is left. */
static const char *next_line(const char *data, size_t len, size_t *pos, size_t *n)
{
	const char *s = data + *pos;
	const char *lf = memchr(s, '\n', len - *pos);
	if (!lf)
		return NULL;
	*n = (size_t)(lf - s);
	if (*n && s[*n - 1] == '\r')
		(*n)--;
	*pos = (size_t)(lf - data) + 1;
	return s;
}

/* "Name: value" when the line's name is `name` (case-insensitive); the value, trimmed. */
static const char *field_value(const char *line, size_t n, const char *name, size_t *vlen)
{
	size_t nl = strlen(name);
	if (n <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
		return NULL;
	const char *v = line + nl + 1, *end = line + n;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*vlen = (size_t)(end - v);
	return v;
}

struct framing {
	int chunked;
	long long length; /* -1: not given */
};

static int parse_head(const char *data, size_t len, size_t *pos, int *status, struct framing *f,
                      char err[ERR_SIZE])
{
	size_t n;
	const char *line = next_line(data, len, pos, &n);
	if (!line || n < 12 || strncmp(line, "HTTP/1.", 7) != 0 || line[8] != ' ' ||
	    !isdigit((unsigned char)line[9]) || !isdigit((unsigned char)line[10]) ||
	    !isdigit((unsigned char)line[11]) || (n > 12 && line[12] != ' '))
		return err_set(err, "not an HTTP/1.x response");
	*status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
	f->chunked = 0;
	f->length = -1;
	while ((line = next_line(data, len, pos, &n)) != NULL && n > 0) {
		size_t vl;
		const char *v;
		if ((v = field_value(line, n, "Transfer-Encoding", &vl)) != NULL)
			f->chunked = vl >= 7 && strncasecmp(v + vl - 7, "chunked", 7) == 0;
		else if ((v = field_value(line, n, "Content-Length", &vl)) != NULL) {
			char num[24];
			char *end;
			if (vl == 0 || vl >= sizeof(num) || !isdigit((unsigned char)v[0]))
				return err_set(err, "bad Content-Length");
			memcpy(num, v, vl);
			num[vl] = '\0';
			f->length = strtoll(num, &end, 10);
			if (*end || f->length < 0)
				return err_set(err, "bad Content-Length");
		}
	}
	if (!line)
		return err_set(err, "response header section cut short");
	return 0;
}

static int parse_chunked(const char *data, size_t len, size_t pos, struct buf *body,
                         char err[ERR_SIZE])
{
	for (;;) {
		size_t n;
		const char *line = next_line(data, len, &pos, &n);
		if (!line || n == 0 || !isxdigit((unsigned char)line[0]))
			return err_set(err, "chunked body cut short or malformed");
		unsigned long long size = 0;
		for (size_t k = 0; k < n && isxdigit((unsigned char)line[k]); k++) {
			if (size > HTTP_RESPONSE_MAX)
				return err_set(err, "chunk too large");
			size = size * 16 +
			       (unsigned)(isdigit((unsigned char)line[k])
			                      ? line[k] - '0'
			                      : (tolower((unsigned char)line[k]) - 'a' + 10));
		}
		if (size == 0)
			return 0;
		if (size > len - pos || len - pos - size < 2 || data[pos + size] != '\r' ||
		    data[pos + size + 1] != '\n')
			return err_set(err, "chunked body cut short or malformed");
		if (buf_append(body, data + pos, (size_t)size) < 0)
			return err_set(err, "out of memory");
		pos += (size_t)size + 2;
	}
}

int http_get_parse_response(const char *data, size_t len, int closed, int *status, struct buf *body,
                            char err[ERR_SIZE])
{
	size_t pos = 0;
	struct framing f = {0, -1};
	if (parse_head(data, len, &pos, status, &f, err) < 0)
		return -1;
	if (f.chunked)
		return parse_chunked(data, len, pos, body, err);
	size_t have = len - pos;
	if (f.length >= 0) {
		if ((unsigned long long)f.length > have)
			return err_set(err, "body shorter than its Content-Length");
		have = (size_t)f.length;
	} else if (!closed)
		return err_set(err, "body cut short (connection ended without close_notify)");
	if (buf_append(body, data + pos, have) < 0)
		return err_set(err, "out of memory");
	return 0;
}

/* ---- transport ---- */

struct conn {
	int fd;
	struct tls_conn *tls;
};

static int conn_write(struct conn *c, const char *data, size_t len, int timeout_ms)
{
	if (c->tls)
		return tls_conn_write_all(c->tls, data, len, timeout_ms);
	return fileio_write_all(c->fd, data, len);
}

/* Some bytes, 0 at the end of the answer (*closed: the end was clean), -1 on error. */
static ssize_t conn_read(struct conn *c, char *buf, size_t len, int timeout_ms, int *closed)
{
	if (c->tls) {
		ssize_t n = tls_conn_read(c->tls, buf, len, timeout_ms);
		if (n >= 0 || c->tls->err == TLS_CONN_EOF) {
			*closed = n == 0;
			return n < 0 ? 0 : n;
		}
		return -1;
	}
	struct pollfd p = {c->fd, POLLIN, 0};
	int rc;
	do
		rc = poll(&p, 1, timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc <= 0) {
		errno = rc == 0 ? ETIMEDOUT : errno;
		return -1;
	}
	ssize_t n = read(c->fd, buf, len);
	*closed = n == 0;
	return n;
}

static int read_response(struct conn *c, int64_t end, struct buf *resp, int *closed,
                         char err[ERR_SIZE])
{
	char chunk[HTTP_READ_CHUNK];
	for (;;) {
		int64_t left = end - clock_monotonic_ms();
		if (left <= 0)
			return err_set(err, "timed out waiting for the answer");
		ssize_t n = conn_read(c, chunk, sizeof(chunk), (int)left, closed);
		if (n < 0)
			return err_set(err, "reading the answer: %s",
			               c->tls ? tls_conn_strerror(c->tls) : strerror(errno));
		if (n == 0)
			return 0;
		if (resp->len + (size_t)n > HTTP_RESPONSE_MAX)
			return err_set(err, "answer too large");
		if (buf_append(resp, chunk, (size_t)n) < 0)
			return err_set(err, "out of memory");
	}
}

/* TLS on c->fd, refusing a server whose certificate does not verify. */
static int start_tls(struct conn *c, struct tls_peer_check *check, const char *host, int64_t end,
                     char err[ERR_SIZE])
{
	struct tls_trust trust = {0};
	char terr[ERR_SIZE];
	if (tls_client_trust_load(&trust, terr) < 0)
		return err_set(err, "cannot load CA certificates: %s", terr);
	int rc = -1;
	if (tls_client_start(c->tls, check, &trust, host, c->fd) < 0 ||
	    tls_conn_handshake(c->tls, (int)(end - clock_monotonic_ms())) < 0)
		err_set(err, "TLS handshake failed: %s", tls_conn_strerror(c->tls));
	else if (!check->verified)
		snprintf(
		    err, ERR_SIZE,
		    "certificate of %.120s not verified against the CA bundle (BearSSL error %d)",
		    host, check->error);
	else
		rc = 0;
	tls_client_trust_free(&trust);
	return rc;
}

static int exchange(struct conn *c, const struct http_url *u, int64_t end, struct buf *resp,
                    int *closed, char err[ERR_SIZE])
{
	struct buf req = BUF_INIT;
	int v6 = strchr(u->host, ':') != NULL;
	int deflt = u->port == (u->tls ? 443u : 80u);
	char port[8] = "";
	if (!deflt)
		snprintf(port, sizeof(port), ":%u", u->port);
	if (buf_printf(&req,
	               "GET %s HTTP/1.1\r\nHost: %s%s%s%s\r\nUser-Agent: aimx\r\n"
	               "Accept: */*\r\nConnection: close\r\n\r\n",
	               u->path, v6 ? "[" : "", u->host, v6 ? "]" : "", port) < 0) {
		buf_free(&req);
		return err_set(err, "out of memory");
	}
	int rc = conn_write(c, req.data, req.len, (int)(end - clock_monotonic_ms()));
	buf_free(&req);
	if (rc < 0)
		return err_set(err, "sending the request: %s",
		               c->tls ? tls_conn_strerror(c->tls) : strerror(errno));
	return read_response(c, end, resp, closed, err);
}

int http_get(const char *url, int timeout_ms, int *status, struct buf *body, char err[ERR_SIZE])
{
	struct http_url u;
	if (http_get_parse_url(url, &u, err) < 0)
		return -1;
	int64_t end = clock_monotonic_ms() + timeout_ms;
	char cerr[ERR_SIZE];
	struct conn c = {tcp_connect_host(u.host, u.port, timeout_ms, cerr), NULL};
	if (c.fd < 0)
		return err_set(err, "%s", cerr);
	struct tls_peer_check *check = NULL;
	struct buf resp = BUF_INIT;
	int closed = 0, rc = -1;
	if (u.tls) {
		c.tls = calloc(1, sizeof(*c.tls));
		check = calloc(1, sizeof(*check));
		if (!c.tls || !check)
			err_set(err, "out of memory");
	}
	if ((!u.tls || (c.tls && check && start_tls(&c, check, u.host, end, err) == 0)) &&
	    exchange(&c, &u, end, &resp, &closed, err) == 0)
		rc = http_get_parse_response(resp.data ? resp.data : "", resp.len, closed, status, body,
		                         err);
	close(c.fd);
	free(c.tls);
	free(check);
	buf_free(&resp);
	return rc;
}
