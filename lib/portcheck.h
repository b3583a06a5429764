/* portcheck.h: port 25 checks: who listens here, can we reach an MX, a temporary answering listener. */
#ifndef AIMX_PORTCHECK_H
#define AIMX_PORTCHECK_H

#include <stddef.h>

#define PORTCHECK_WHO_SIZE 128
#define PORTCHECK_ERR_SIZE 256
#define PORTCHECK_TIMEOUT_MS 10000

/* Who listens on TCP `port` (IPv4 or IPv6, any address), read from /proc/net/tcp{,6}
 * (socket inode) and /proc/PID/fd (socket:[inode]) and /proc/PID/comm. Returns 0 when no
 * socket listens there, 1 with who = "name (pid N)" (or "unknown process" when the inode
 * belongs to no process we can see), -1 when /proc/net/tcp cannot be read (errno set). */
int port_listener(unsigned port, char who[PORTCHECK_WHO_SIZE]);

/* Opens TCP to host:port (an IP literal, or a name resolved with lib/dns.h: A then AAAA)
 * within 10 s, needs a 220 greeting, sends "EHLO aimx", reads up to the "250 " line, sends
 * QUIT. 0, or -1 with err. */
int port25_outbound(const char *host, unsigned port, char err[PORTCHECK_ERR_SIZE]);

/* A temporary SMTP responder while the inbound probe runs. */
struct port25_listener {
	int fd[2];   /* IPv4 and IPv6 listening sockets, -1 when absent */
	int pid;     /* the child answering connections, 0 when none */
};

/* Binds TCP `port` on 0.0.0.0 and [::] (IPv6-only; one of the two is enough) and forks a child
 * that answers each connection: "220 localhost ESMTP aimx", EHLO/HELO -> 250, QUIT -> 221 and
 * close, anything else -> 502. 0, or -1 with err (for instance EADDRINUSE). */
int port25_listener_start(struct port25_listener *l, unsigned port, char err[PORTCHECK_ERR_SIZE]);

/* Stops the child and closes the sockets. */
void port25_listener_stop(struct port25_listener *l);

/* One SMTP reply to a line of the temporary listener's dialogue (without CRLF); *quit is set
 * for QUIT. Pure, for tests. Returns the reply text without CRLF. */
const char *port25_listener_reply(const char *line, int *quit);

#endif
