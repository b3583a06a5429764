/* tls_echo.c: test helper: self-signed certificates, and one TLS echo session over lib/tls_server.
 *
 * usage: tls_echo gencert DOMAIN rsa|ec CERT KEY
 *        tls_echo serve PORT CERT KEY
 *        tls_echo starttls PORT CERT KEY
 *
 * gencert writes CERT (0644) and KEY (0600) with lib/x509_selfsigned.
 * serve listens on 127.0.0.1:PORT (0: any free port), prints "port N" on stdout, accepts one
 * connection, does the TLS handshake at once and echoes every byte back until the client
 * closes. starttls first talks just enough SMTP for `openssl s_client -starttls smtp` (220
 * greeting, EHLO offering STARTTLS, STARTTLS answered 220; plaintext after STARTTLS is
 * discarded), then does the same. Exit 0 only after a clean close_notify.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/err.h"
#include "base/fileio.h"
#include "net/tls_conn.h"
#include "crypto/x509.h"

#define TIMEOUT_MS   10000
#define LINE_MAX_LEN 1024

static struct tls_conn conn;

static int die(const char *what, const char *why)
{
	fprintf(stderr, "tls_echo: %s: %s\n", what, why);
	return 1;
}

static int gencert(char **argv)
{
	char err[ERR_SIZE];
	int kind = x509_key_kind_parse(argv[1]);
	if (kind < 0)
		return die(argv[1], "key kind must be rsa or ec");
	if (x509_selfsigned_write(argv[0], (enum x509_key_kind)kind, argv[2], argv[3], err) < 0)
		return die("gencert", err);
	return 0;
}

/* Listen on 127.0.0.1:port, announce the port, accept one connection. */
static int accept_one(const char *port_text)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sa.sin_port = htons((unsigned short)atoi(port_text));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		perror("tls_echo: listen");
		return -1;
	}
	printf("port %u\n", (unsigned)ntohs(sa.sin_port));
	(void)fflush(stdout);
	int client = accept(fd, NULL, NULL);
	if (client < 0)
		perror("tls_echo: accept");
	(void)close(fd);
	return client;
}

/* Read one plaintext line (CRLF or LF ended, terminator stripped). 0, or -1 at EOF/error. */
static int read_plain_line(int fd, char *line, size_t size)
{
	size_t n = 0;
	for (;;) {
		char c;
		if (read(fd, &c, 1) != 1)
			return -1;
		if (c == '\n')
			break;
		if (n + 1 < size)
			line[n++] = c;
	}
	if (n > 0 && line[n - 1] == '\r')
		n--;
	line[n] = '\0';
	return 0;
}

/* Just enough SMTP to reach STARTTLS. Reads one byte at a time, so nothing the client sent
 * after the STARTTLS line is consumed: that is left for the TLS handshake. */
static int smtp_until_starttls(int fd)
{
	char line[LINE_MAX_LEN];
	static const char greeting[] = "220 tls_echo ESMTP\r\n";
	if (fileio_write_all(fd, greeting, sizeof(greeting) - 1) < 0)
		return -1;
	while (read_plain_line(fd, line, sizeof(line)) == 0) {
		const char *reply = "502 no\r\n";
		if (strncasecmp(line, "EHLO", 4) == 0)
			reply = "250-tls_echo\r\n250 STARTTLS\r\n";
		else if (strcasecmp(line, "STARTTLS") == 0)
			reply = "220 Ready to start TLS\r\n";
		if (fileio_write_all(fd, reply, strlen(reply)) < 0)
			return -1;
		if (reply[0] == '2' && reply[1] == '2')
			return 0;
	}
	return -1;
}

static int echo(struct tls_conn *c)
{
	unsigned char buf[4096];
	for (;;) {
		ssize_t n = tls_conn_read(c, buf, sizeof(buf), TIMEOUT_MS);
		if (n == 0)
			return tls_conn_close(c, TIMEOUT_MS) < 0
			           ? die("close", tls_conn_strerror(c))
			           : 0;
		if (n < 0)
			return die("read", tls_conn_strerror(c));
		if (tls_conn_write_all(c, buf, (size_t)n, TIMEOUT_MS) < 0)
			return die("write", tls_conn_strerror(c));
	}
}

static int session(int fd, const struct tls_creds *creds, int starttls)
{
	if (starttls && smtp_until_starttls(fd) < 0)
		return die("smtp", "client left before STARTTLS");
	if (tls_conn_start(&conn, creds, fd) < 0)
		return die("start", tls_conn_strerror(&conn));
	if (tls_conn_handshake(&conn, TIMEOUT_MS) < 0)
		return die("handshake", tls_conn_strerror(&conn));
	return echo(&conn);
}

static int serve(char **argv, int starttls)
{
	struct tls_creds creds;
	char err[ERR_SIZE];
	if (tls_creds_load(&creds, argv[1], argv[2], err) < 0)
		return die("load", err);
	int fd = accept_one(argv[0]);
	int rc = fd < 0 ? 1 : session(fd, &creds, starttls);
	if (fd >= 0)
		(void)close(fd);
	tls_creds_free(&creds);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[1], "gencert") == 0)
		return gencert(argv + 2);
	if (argc == 5 && strcmp(argv[1], "serve") == 0)
		return serve(argv + 2, 0);
	if (argc == 5 && strcmp(argv[1], "starttls") == 0)
		return serve(argv + 2, 1);
	fprintf(stderr, "usage: tls_echo gencert DOMAIN rsa|ec CERT KEY\n"
	                "       tls_echo serve|starttls PORT CERT KEY\n");
	return 2;
}
