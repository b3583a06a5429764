/* tcp_connect.h: a TCP connection to a host name or address literal, with a deadline. */
#ifndef AIMX_TCP_CONNECT_H
#define AIMX_TCP_CONNECT_H

#include "base/err.h"
#include <sys/socket.h>

/* Connects a blocking TCP socket to sa within timeout_ms. The fd, or -1 with errno set
 * (ETIMEDOUT when the deadline passed). */
int tcp_connect_addr(const struct sockaddr *sa, socklen_t len, int timeout_ms);

/* Connects to host:port, where host is an IPv4 literal, an IPv6 literal (brackets allowed)
 * or a name resolved with our resolver (lib/net/dns.h: A records, then AAAA), trying each
 * address in turn within timeout_ms each. The fd, or -1 with the reason in err. */
int tcp_connect_host(const char *host, unsigned port, int timeout_ms, char err[ERR_SIZE]);

#endif
