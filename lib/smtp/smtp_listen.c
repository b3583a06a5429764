/* smtp_listen.c: parsing "ADDR:PORT" and opening the listening TCP socket. */
#include "smtp/smtp_listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define LISTEN_BACKLOG 128

/* Fills ss from "1.2.3.4:25", "[::1]:25" or ":25" (all IPv4 addresses). */
static int parse_bind(const char *bind_addr, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[64];
	const char *colon = strrchr(bind_addr, ':');
	if (!colon || (size_t)(colon - bind_addr) >= sizeof(host))
		return -1;
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 1 || port > 65535)
		return -1;
	memcpy(host, bind_addr, (size_t)(colon - bind_addr));
	host[colon - bind_addr] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (host[0] == '[') {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		size_t n = strlen(host);
		if (n < 2 || host[n - 1] != ']')
			return -1;
		host[n - 1] = '\0';
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((unsigned short)port);
		*len = sizeof(*s6);
		return inet_pton(AF_INET6, host + 1, &s6->sin6_addr) == 1 ? 0 : -1;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	s4->sin_family = AF_INET;
	s4->sin_port = htons((unsigned short)port);
	*len = sizeof(*s4);
	if (!host[0])
		return 0;
	return inet_pton(AF_INET, host, &s4->sin_addr) == 1 ? 0 : -1;
}

int smtp_listen(const char *bind_addr, char err[ERR_SIZE])
{
	struct sockaddr_storage ss;
	socklen_t len;
	if (parse_bind(bind_addr, &ss, &len) < 0)
		return err_set(err, "invalid --bind '%s': expected ADDR:PORT, e.g. 0.0.0.0:25",
		               bind_addr);
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, LISTEN_BACKLOG) < 0) {
		err_set(err, "cannot listen on %s: %s", bind_addr, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}
