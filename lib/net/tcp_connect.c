/* tcp_connect.c: TCP connect with a deadline, to an address literal or a name from our resolver. */
#include "net/tcp_connect.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "net/dns.h"

#define HOST_ADDRS_MAX 16

int tcp_connect_addr(const struct sockaddr *sa, socklen_t len, int timeout_ms)
{
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, sa, len) < 0 && errno != EINPROGRESS) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	struct pollfd p = {fd, POLLOUT, 0};
	int err = 0, rc;
	socklen_t elen = sizeof(err);
	do
		rc = poll(&p, 1, timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0 || err) {
		close(fd);
		errno = err ? err : ETIMEDOUT;
		return -1;
	}
	int flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One socket address from 4 or 16 address bytes. */
static socklen_t sockaddr_from(struct sockaddr_storage *ss, const unsigned char *addr, int v6,
                               unsigned port)
{
	memset(ss, 0, sizeof(*ss));
	if (v6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		memcpy(&s6->sin6_addr, addr, 16);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	memcpy(&s4->sin_addr, addr, 4);
	return sizeof(*s4);
}

/* The host's addresses: the literal itself, else A then AAAA records. Count, or -1 (err). */
static int host_addrs(const char *host, unsigned port, struct sockaddr_storage *out,
                      socklen_t *lens, char err[ERR_SIZE])
{
	char lit[64];
	unsigned char bytes[16];
	size_t hl = strlen(host);
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']' && hl - 2 < sizeof(lit)) {
		memcpy(lit, host + 1, hl - 2);
		lit[hl - 2] = '\0';
	} else
		snprintf(lit, sizeof(lit), "%s", host);
	if (inet_pton(AF_INET, lit, bytes) == 1 || inet_pton(AF_INET6, lit, bytes) == 1) {
		lens[0] = sockaddr_from(&out[0], bytes, strchr(lit, ':') != NULL, port);
		return 1;
	}
	struct dns_resolver r;
	if (dns_resolver_init(&r) < 0)
		return err_set(err, "cannot read resolver configuration: %s", strerror(errno));
	int n = 0;
	static const uint16_t types[] = {DNS_T_A, DNS_T_AAAA};
	for (size_t t = 0; t < 2; t++) {
		struct dns_result res = {0};
		if (dns_query(&r, host, types[t], &res) == 0)
			for (size_t k = 0; k < res.n && n < HOST_ADDRS_MAX; k++, n++)
				lens[n] = sockaddr_from(&out[n], res.rr[k].addr,
				                        types[t] == DNS_T_AAAA, port);
		dns_result_free(&res);
	}
	if (n == 0)
		err_set(err, "cannot resolve %s", host);
	return n ? n : -1;
}

int tcp_connect_host(const char *host, unsigned port, int timeout_ms, char err[ERR_SIZE])
{
	struct sockaddr_storage addrs[HOST_ADDRS_MAX];
	socklen_t lens[HOST_ADDRS_MAX];
	int n = host_addrs(host, port, addrs, lens, err);
	int e = 0;
	for (int k = 0; k < n; k++) {
		int fd = tcp_connect_addr((struct sockaddr *)&addrs[k], lens[k], timeout_ms);
		if (fd >= 0)
			return fd;
		e = errno;
	}
	if (n > 0)
		err_set(err, "cannot connect to %s port %u: %s", host, port, strerror(e));
	return -1;
}
