/* portcheck.h: port 25 checks: who listens here, can we reach an MX, a temporary answering
 * listener. */
#ifndef AIMX_PORTCHECK_H
#define AIMX_PORTCHECK_H

#include "base/err.h"
#include <stddef.h>

#define PORTCHECK_WHO_SIZE   128
#define PORTCHECK_TIMEOUT_MS 10000

/* Who listens on TCP `port` (IPv4 or IPv6, any address), read from /proc/net/tcp{,6}
 * (socket inode) and /proc/PID/fd (socket:[inode]) and /proc/PID/comm. Returns 0 when no
 * socket listens there, 1 with who = "name (pid N)" (or "unknown process" when the inode
 * belongs to no process we can see), -1 when /proc/net/tcp cannot be read (errno set). */
int portcheck_port_owner(unsigned port, char who[PORTCHECK_WHO_SIZE]);

/* Opens TCP to host:port (an IP literal, or a name resolved with lib/net/dns.h: A then AAAA)
 * within 10 s, needs a 220 greeting, sends "EHLO aimx", reads up to the "250 " line, sends
 * QUIT. 0, or -1 with err. */
int portcheck_outbound(const char *host, unsigned port, char err[ERR_SIZE]);

/* A temporary SMTP responder while the inbound probe runs. */
struct portcheck_listener {
	int fd[2]; /* IPv4 and IPv6 sockets while starting; only the child keeps them */
	int pid;   /* the child answering connections, 0 when none */
};

/* Binds TCP `port` on 0.0.0.0 and [::] (IPv6-only; one of the two is enough) and forks a child
 * that answers each connection: "220 localhost ESMTP aimx", EHLO/HELO -> 250, QUIT -> 221 and
 * close, anything else -> 502. 0, or -1 with err (for instance EADDRINUSE). */
int portcheck_listener_start(struct portcheck_listener *l, unsigned port, char err[ERR_SIZE]);

/* Stops the child (the port is free once this returns). */
void portcheck_listener_stop(struct portcheck_listener *l);

/* Asks the verify service to connect back to our port 25: GET <verify_host>/probe (60 s,
 * https verified against the CA bundle). 0 when the answer holds "reachable":true, 1 when
 * the service answered otherwise (detail in err), -1 when it could not be asked (err). */
int portcheck_inbound(const char *verify_host, char err[ERR_SIZE]);

#define VERIFY_HOST_DEFAULT "https://check.aimx.email"
#define VERIFY_HOST_MAX     1024

/* A verify host as upstream takes it: http:// or https:// with a host, trailing '/' removed.
 * 0, or -1 with err. */
int portcheck_verify_host_normalize(const char *in, char out[VERIFY_HOST_MAX], char err[ERR_SIZE]);

/* The verify host to use: the --verify-host flag, else the config's verify_host, else
 * VERIFY_HOST_DEFAULT; normalized. 0, or -1 after printing the error. */
int portcheck_verify_host_pick(const char *flag, const char *from_config,
                               char out[VERIFY_HOST_MAX]);

/* The host part of a normalized verify host: the outbound check connects to its port 25. */
int portcheck_verify_host_name(const char *verify_host, char host[256]);

/* The ports the checks use: 25, or for tests only AIMX_TEST_PORTCHECK_PORT (the local
 * listener) and AIMX_SMTP_PORT (the outbound peer), each logged as test-only when set. */
unsigned portcheck_local_port(void);
unsigned portcheck_outbound_port(void);

/* One SMTP reply to a line of the temporary listener's dialogue (without CRLF); *quit is set
 * for QUIT. Pure, for tests. Returns the reply text without CRLF. */
const char *portcheck_listener_reply(const char *line, int *quit);

#endif
