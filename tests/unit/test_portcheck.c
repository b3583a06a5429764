/* test_portcheck.c: unit tests for lib/cli/portcheck.c, lib/net/http_get.c and lib/net/tcp_connect.c. */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/err.h"
#include "net/http_get.h"
#include "cli/portcheck.h"
#include "net/tcp_connect.h"
#include "unit.h"

static void check_reply(const char *line, const char *want, int want_quit)
{
	int quit = -1;
	CHECK_STR(portcheck_listener_reply(line, &quit), want);
	CHECK(quit == want_quit);
}

static void listener_replies(void)
{
	check_reply("EHLO probe.example", "250 localhost", 0);
	check_reply("helo x", "250 localhost", 0);
	check_reply("EHLO", "250 localhost", 0);
	check_reply("  QUIT", "221 Bye", 1);
	check_reply("quit", "221 Bye", 1);
	check_reply("QUITTING", "502 Not implemented", 0);
	check_reply("EHLOx", "502 Not implemented", 0);
	check_reply("MAIL FROM:<a@b>", "502 Not implemented", 0);
	check_reply("", "502 Not implemented", 0);
}

static void check_url(const char *url, int tls, const char *host, unsigned port, const char *path)
{
	struct http_url u;
	char err[ERR_SIZE] = "";
	CHECK(http_get_parse_url(url, &u, err) == 0);
	CHECK(u.tls == tls);
	CHECK_STR(u.host, host);
	CHECK(u.port == port);
	CHECK_STR(u.path, path);
}

static void check_bad_url(const char *url, const char *why)
{
	struct http_url u;
	char err[ERR_SIZE] = "";
	CHECK(http_get_parse_url(url, &u, err) < 0);
	CHECK_CONTAINS(err, why);
}

static void urls(void)
{
	check_url("https://check.aimx.email", 1, "check.aimx.email", 443, "/");
	check_url("https://check.aimx.email/probe", 1, "check.aimx.email", 443, "/probe");
	check_url("HTTP://h.test:8080/a/b?x=1#frag", 0, "h.test", 8080, "/a/b?x=1");
	check_url("http://h.test?q", 0, "h.test", 80, "/?q");
	check_url("http://[::1]:3025/probe", 0, "::1", 3025, "/probe");
	check_url("https://[2001:db8::1]", 1, "2001:db8::1", 443, "/");
	check_url("http://127.0.0.1:1/", 0, "127.0.0.1", 1, "/");
	check_bad_url("ftp://h.test", "http:// or https://");
	check_bad_url("h.test", "http:// or https://");
	check_bad_url("https://", "bad host");
	check_bad_url("https://:443/", "bad host");
	check_bad_url("https://user@h.test/", "bad host");
	check_bad_url("https://h.test:0/", "bad port");
	check_bad_url("https://h.test:65536/", "bad port");
	check_bad_url("https://h.test:8x/", "bad port");
	check_bad_url("https://h.test:/", "bad port");
	check_bad_url("https://[::1/", "unclosed");
	check_bad_url("https://[::1]x/", "after ]");
	check_bad_url("https://h.test/a b", "space or control");
	check_bad_url("https://h.test/a\r\nX: y", "space or control");
}

static int parse(const char *resp, int closed, int *status, struct buf *body, char *err)
{
	buf_reset(body);
	return http_get_parse_response(resp, strlen(resp), closed, status, body, err);
}

static void responses(void)
{
	struct buf body = BUF_INIT;
	char err[ERR_SIZE];
	int status = 0;

	CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n{\"reachable\":true}extra", 0,
	            &status, &body, err) == 0);
	CHECK(status == 200);
	CHECK_STR(body.data, "{\"reachable\":true");

	CHECK(parse("HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, Chunked\r\n\r\n"
	            "5;ext=1\r\n{\"rea\r\nd\r\nchable\":true}\r\n0\r\nTrailer: x\r\n\r\n",
	            0, &status, &body, err) == 0);
	CHECK_STR(body.data, "{\"reachable\":true}");

	CHECK(parse("HTTP/1.0 503 Busy\nContent-Length: 2\n\nno", 0, &status, &body, err) == 0);
	CHECK(status == 503);
	CHECK_STR(body.data, "no");

	CHECK(parse("HTTP/1.1 200 OK\r\n\r\nuntil close", 1, &status, &body, err) == 0);
	CHECK_STR(body.data, "until close");
	CHECK(parse("HTTP/1.1 204\r\n\r\n", 1, &status, &body, err) == 0);
	CHECK(status == 204 && body.len == 0);

	CHECK(parse("HTTP/1.1 200 OK\r\n\r\nuntil close", 0, &status, &body, err) < 0);
	CHECK_CONTAINS(err, "cut short");
	CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort", 1, &status, &body, err) <
	      0);
	CHECK_CONTAINS(err, "shorter than its Content-Length");
	CHECK(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc", 1, &status,
	            &body, err) < 0);
	CHECK_CONTAINS(err, "chunked");
	CHECK(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n", 1, &status,
	            &body, err) < 0);
	CHECK(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n",
	            1, &status, &body, err) < 0);
	CHECK(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n", 1,
	            &status, &body, err) < 0);
	CHECK_CONTAINS(err, "too large");
	CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 1, &status, &body, err) < 0);
	CHECK_CONTAINS(err, "Content-Length");
	CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", 1, &status, &body, err) < 0);
	CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n", 1, &status, &body, err) < 0);
	CHECK_CONTAINS(err, "header section cut short");
	CHECK(parse("SSH-2.0-OpenSSH\r\n\r\n", 1, &status, &body, err) < 0);
	CHECK_CONTAINS(err, "not an HTTP/1.x response");
	CHECK(parse("HTTP/1.1 20 OK\r\n\r\n", 1, &status, &body, err) < 0);
	CHECK(parse("HTTP/1.1 2000 OK\r\n\r\n", 1, &status, &body, err) < 0);
	CHECK(parse("", 1, &status, &body, err) < 0);
	buf_free(&body);
}

static void verify_hosts(void)
{
	char out[VERIFY_HOST_MAX], err[ERR_SIZE], host[256];
	CHECK(portcheck_verify_host_normalize("https://check.aimx.email//", out, err) == 0);
	CHECK_STR(out, "https://check.aimx.email");
	CHECK(portcheck_verify_host_name(out, host) == 0);
	CHECK_STR(host, "check.aimx.email");
	CHECK(portcheck_verify_host_normalize("http://[::1]:3025/base/", out, err) == 0);
	CHECK_STR(out, "http://[::1]:3025/base");
	CHECK(portcheck_verify_host_name(out, host) == 0);
	CHECK_STR(host, "::1");
	CHECK(portcheck_verify_host_normalize("///", out, err) < 0);
	CHECK_CONTAINS(err, "cannot be empty");
	CHECK(portcheck_verify_host_normalize("check.aimx.email", out, err) < 0);
	CHECK_CONTAINS(err, "must be an http:// or https:// URL");
}

/* A TCP port nobody listens on right now (bound, then released). */
static unsigned free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);
	unsigned port = 0;
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static void listener_owner(void)
{
	char who[PORTCHECK_WHO_SIZE] = "", want[64];
	unsigned port = free_port();
	CHECK(port != 0);
	CHECK(portcheck_port_owner(port, who) == 0);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET,
	                         .sin_port = htons((uint16_t)port),
	                         .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	CHECK(portcheck_port_owner(port, who) == 0); /* bound, not listening */
	CHECK(listen(fd, 1) == 0);
	CHECK(portcheck_port_owner(port, who) == 1);
	snprintf(want, sizeof(want), "(pid %d)", (int)getpid());
	CHECK_CONTAINS(who, want);
	close(fd);
	CHECK(portcheck_port_owner(port, who) == 0);
}

static void listener_and_outbound(void)
{
	struct portcheck_listener l;
	char err[ERR_SIZE] = "", who[PORTCHECK_WHO_SIZE] = "", want[64];
	unsigned port = free_port();
	CHECK(portcheck_listener_start(&l, port, err) == 0);
	CHECK(portcheck_port_owner(port, who) == 1);
	snprintf(want, sizeof(want), "(pid %d)", l.pid);
	CHECK_CONTAINS(who, want);
	CHECK(portcheck_outbound("127.0.0.1", port, err) == 0);
	CHECK(portcheck_outbound("127.0.0.1", port, err) == 0); /* one process per connection */
	struct portcheck_listener again;
	CHECK(portcheck_listener_start(&again, port, err) < 0);
	CHECK_CONTAINS(err, "in use"); /* glibc and musl word EADDRINUSE differently */
	portcheck_listener_stop(&l);
	CHECK(l.pid == 0 && l.fd[0] == -1 && l.fd[1] == -1);
	CHECK(portcheck_port_owner(port, who) == 0);
	CHECK(portcheck_outbound("127.0.0.1", port, err) < 0);
	CHECK_CONTAINS(err, "Connection refused");
}

static void connect_errors(void)
{
	char err[ERR_SIZE] = "";
	CHECK(tcp_connect_host("bad..name", 25, 1000, err) < 0);
	CHECK_CONTAINS(err, "cannot resolve bad..name");
	unsigned port = free_port();
	CHECK(tcp_connect_host("[127.0.0.1]", port, 1000, err) < 0);
	CHECK_CONTAINS(err, "Connection refused");
	struct buf body = BUF_INIT;
	int status = 0;
	char herr[ERR_SIZE] = "";
	char url[64];
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/probe", port);
	CHECK(http_get(url, 1000, &status, &body, herr) < 0);
	CHECK_CONTAINS(herr, "Connection refused");
	buf_free(&body);
}

void suite_portcheck(void)
{
	listener_replies();
	urls();
	responses();
	verify_hosts();
	listener_owner();
	listener_and_outbound();
	connect_errors();
}
