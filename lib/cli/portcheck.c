/* portcheck.c: port 25 checks: the listener's owner from /proc, an outbound SMTP probe, a temporary
 * answering listener, the inbound probe. */
#include "cli/portcheck.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/err.h"
#include "base/clock.h"
#include "base/fileio.h"
#include "cli/cli.h"
#include "net/http_get.h"
#include "net/smtp_client.h"
#include "net/tcp_connect.h"
#include "base/test_env.h"

#define LISTEN_INODES_MAX  32
#define TCP_STATE_LISTEN   0x0A
#define LISTENER_LINE_MAX  1024
#define LISTENER_IDLE_MS   30000
#define INBOUND_TIMEOUT_MS 60000

/* ---- who listens ---- */

/* Inodes of sockets listening on `port` in one /proc/net/tcp{,6} table; -1 if unreadable. */
static int listen_inodes(const char *table, unsigned port, unsigned long *inodes, size_t *n)
{
	FILE *f = fopen(table, "re");
	if (!f)
		return -1;
	char line[512];
	while (fgets(line, sizeof(line), f)) {
		unsigned lport, state;
		unsigned long inode;
		if (sscanf(line,
		           " %*u: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x %*s %*s %*s %*u %*d %lu",
		           &lport, &state, &inode) == 3 &&
		    lport == port && state == TCP_STATE_LISTEN && *n < LISTEN_INODES_MAX)
			inodes[(*n)++] = inode;
	}
	fclose(f);
	return 0;
}

/* 1 when /proc/PID/fd holds one of the socket inodes. */
static int pid_holds(const char *pid, const unsigned long *inodes, size_t n)
{
	char dir[64], path[128], target[64];
	snprintf(dir, sizeof(dir), "/proc/%.20s/fd", pid);
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *e;
	int found = 0;
	while (!found && (e = readdir(d)) != NULL) {
		snprintf(path, sizeof(path), "%s/%.32s", dir, e->d_name);
		ssize_t len = readlink(path, target, sizeof(target) - 1);
		unsigned long ino;
		if (len <= 0)
			continue;
		target[len] = '\0';
		if (sscanf(target, "socket:[%lu]", &ino) == 1)
			for (size_t k = 0; k < n && !found; k++)
				found = inodes[k] == ino;
	}
	closedir(d);
	return found;
}

static void describe_pid(const char *pid, char who[PORTCHECK_WHO_SIZE])
{
	char path[64], comm[64] = "";
	snprintf(path, sizeof(path), "/proc/%.20s/comm", pid);
	FILE *f = fopen(path, "re");
	if (f) {
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = '\0';
		fclose(f);
	}
	comm[strcspn(comm, "\n")] = '\0';
	snprintf(who, PORTCHECK_WHO_SIZE, "%.63s (pid %.20s)", comm[0] ? comm : "unknown", pid);
}

static int all_digits(const char *s)
{
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

int portcheck_port_owner(unsigned port, char who[PORTCHECK_WHO_SIZE])
{
	unsigned long inodes[LISTEN_INODES_MAX];
	size_t n = 0;
	int v4 = listen_inodes("/proc/net/tcp", port, inodes, &n);
	int v6 = listen_inodes("/proc/net/tcp6", port, inodes, &n);
	if (v4 < 0 && v6 < 0)
		return -1;
	if (n == 0)
		return 0;
	snprintf(who, PORTCHECK_WHO_SIZE, "unknown process");
	DIR *d = opendir("/proc");
	if (!d)
		return 1;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (all_digits(e->d_name) && pid_holds(e->d_name, inodes, n)) {
			describe_pid(e->d_name, who);
			break;
		}
	closedir(d);
	return 1;
}

/* ---- outbound ---- */

struct reader {
	int fd;
	char buf[512];
	size_t len, pos;
};

/* One whole SMTP reply within timeout_ms; 0, or -1 with err. */
static int read_reply(struct reader *rd, struct smtp_reply *r, int timeout_ms, char err[ERR_SIZE])
{
	int64_t end = clock_monotonic_ms() + timeout_ms;
	smtp_client_reply_reset(r);
	for (;;) {
		while (rd->pos < rd->len) {
			int rc = smtp_client_reply_feed(r, rd->buf[rd->pos++]);
			if (rc < 0)
				return err_set(err, "the server's reply is not SMTP");
			if (rc > 0)
				return 0;
		}
		int64_t left = end - clock_monotonic_ms();
		struct pollfd p = {rd->fd, POLLIN, 0};
		int prc = left > 0 ? poll(&p, 1, (int)left) : 0;
		if (prc < 0 && errno == EINTR)
			continue;
		ssize_t n = prc > 0 ? read(rd->fd, rd->buf, sizeof(rd->buf)) : -1;
		if (n <= 0)
			return err_set(err, "%s",
			               prc == 0 ? "timed out waiting for the server"
			               : n == 0 ? "the server closed the connection"
			                        : strerror(errno));
		rd->len = (size_t)n;
		rd->pos = 0;
	}
}

/* Sends cmd (if any), reads the reply, wants `code`. */
static int step(struct reader *rd, const char *cmd, int code, const char *what, char err[ERR_SIZE])
{
	struct smtp_reply r;
	char rerr[ERR_SIZE];
	if (cmd && fileio_write_all(rd->fd, cmd, strlen(cmd)) < 0)
		return err_set(err, "sending %s: %s", what, strerror(errno));
	if (read_reply(rd, &r, PORTCHECK_TIMEOUT_MS, rerr) < 0)
		return err_set(err, "%.40s: %.200s", what, rerr);
	if (r.code != code)
		return err_set(err, "%s: expected %d, got %d %.180s", what, code, r.code, r.text);
	return 0;
}

int portcheck_outbound(const char *host, unsigned port, char err[ERR_SIZE])
{
	char cerr[ERR_SIZE];
	struct reader rd = {.fd = tcp_connect_host(host, port, PORTCHECK_TIMEOUT_MS, cerr)};
	if (rd.fd < 0)
		return err_set(err, "%s", cerr);
	int rc = step(&rd, NULL, 220, "greeting", err);
	if (rc == 0)
		rc = step(&rd, "EHLO aimx\r\n", 250, "EHLO", err);
	if (rc == 0 && fileio_write_all(rd.fd, "QUIT\r\n", 6) < 0) {
		err_set(err, "sending QUIT: %s", strerror(errno));
		rc = -1;
	}
	close(rd.fd);
	return rc;
}

/* ---- the temporary listener ---- */

/* 1 when line starts with the 4-letter verb (any case) followed by its end or a space. */
static int verb_is(const char *line, const char *verb)
{
	return strncasecmp(line, verb, 4) == 0 && (line[4] == '\0' || line[4] == ' ');
}

const char *portcheck_listener_reply(const char *line, int *quit)
{
	while (*line == ' ' || *line == '\t')
		line++;
	*quit = 0;
	if (verb_is(line, "EHLO") || verb_is(line, "HELO"))
		return "250 localhost";
	if (verb_is(line, "QUIT")) {
		*quit = 1;
		return "221 Bye";
	}
	return "502 Not implemented";
}

static int send_line(int fd, const char *text)
{
	char out[LISTENER_LINE_MAX];
	int n = snprintf(out, sizeof(out), "%s\r\n", text);
	return fileio_write_all(fd, out, (size_t)n);
}

/* One connection: greeting, then a reply per line until QUIT, EOF or 30 s of silence. */
static void answer(int fd)
{
	char line[LISTENER_LINE_MAX];
	size_t len = 0;
	int quit = 0;
	if (send_line(fd, "220 localhost ESMTP aimx") < 0)
		return;
	while (!quit) {
		char c;
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, LISTENER_IDLE_MS) != 1 || read(fd, &c, 1) != 1)
			return;
		if (c != '\n') {
			if (len + 1 < sizeof(line))
				line[len++] = c;
			continue;
		}
		if (len && line[len - 1] == '\r')
			len--;
		line[len] = '\0';
		len = 0;
		if (send_line(fd, portcheck_listener_reply(line, &quit)) < 0)
			return;
	}
}

/* The listener and its connection processes end when the process that started them does. */
static void die_with_parent(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent)
		_exit(1);
}

static void close_listeners(struct portcheck_listener *l)
{
	for (int k = 0; k < 2; k++)
		if (l->fd[k] >= 0) {
			close(l->fd[k]);
			l->fd[k] = -1;
		}
}

/* The child: accept on either socket, answer each connection in its own process. */
static void listener_loop(struct portcheck_listener *l)
{
	struct pollfd p[2];
	nfds_t n = 0;
	for (int k = 0; k < 2; k++)
		if (l->fd[k] >= 0)
			p[n++] = (struct pollfd){l->fd[k], POLLIN, 0};
	pid_t self = getpid();
	signal(SIGCHLD, SIG_IGN); /* connection processes reap themselves */
	for (;;) {
		if (poll(p, n, -1) < 0 && errno != EINTR)
			_exit(1);
		for (nfds_t k = 0; k < n; k++) {
			if (!(p[k].revents & POLLIN))
				continue;
			int c = accept4(p[k].fd, NULL, NULL, SOCK_CLOEXEC);
			if (c < 0)
				continue;
			if (fork() == 0) {
				die_with_parent(self);
				close_listeners(l);
				answer(c);
				_exit(0);
			}
			close(c);
		}
	}
}

static int bind_one(int family, unsigned port)
{
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	struct sockaddr_storage ss = {0};
	socklen_t len;
	if (fd < 0)
		return -1;
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		s6->sin6_addr = in6addr_any;
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		s4->sin_addr.s_addr = htonl(INADDR_ANY);
		len = sizeof(*s4);
	}
	if ((family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0) ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 16) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int portcheck_listener_start(struct portcheck_listener *l, unsigned port, char err[ERR_SIZE])
{
	l->pid = 0;
	l->fd[0] = bind_one(AF_INET, port);
	if (l->fd[0] < 0) {
		err_set(err, "cannot bind port %u: %s", port, strerror(errno));
		l->fd[1] = -1;
		return -1;
	}
	l->fd[1] = bind_one(AF_INET6, port); /* a host without IPv6 still answers on IPv4 */
	fflush(NULL);
	pid_t parent = getpid(), pid = fork();
	if (pid < 0) {
		err_set(err, "fork: %s", strerror(errno));
		portcheck_listener_stop(l);
		return -1;
	}
	if (pid == 0) {
		die_with_parent(parent);
		listener_loop(l);
	}
	l->pid = (int)pid;
	close_listeners(
	    l); /* the child alone holds the port, so it is the one portcheck_port_owner names */
	return 0;
}

void portcheck_listener_stop(struct portcheck_listener *l)
{
	if (l->pid > 0) {
		kill(l->pid, SIGTERM);
		while (waitpid(l->pid, NULL, 0) < 0 && errno == EINTR)
			;
		l->pid = 0;
	}
	close_listeners(l);
}

/* ---- inbound ---- */

int portcheck_inbound(const char *verify_host, char err[ERR_SIZE])
{
	char url[VERIFY_HOST_MAX + 8], herr[ERR_SIZE];
	struct buf body = BUF_INIT;
	int status = 0;
	snprintf(url, sizeof(url), "%s/probe", verify_host);
	if (http_get(url, INBOUND_TIMEOUT_MS, &status, &body, herr) < 0)
		return err_set(err, "%.80s: %.160s", url, herr);
	const char *b = body.data ? body.data : "";
	int reachable = status == 200 && (strstr(b, "\"reachable\":true") != NULL ||
	                                  strstr(b, "\"reachable\": true") != NULL);
	if (!reachable)
		err_set(err, "%.80s answered %d: %.120s", url, status, b);
	buf_free(&body);
	return reachable ? 0 : 1;
}

/* ---- verify host and ports ---- */

int portcheck_verify_host_normalize(const char *in, char out[VERIFY_HOST_MAX], char err[ERR_SIZE])
{
	size_t n = strlen(in);
	while (n && in[n - 1] == '/')
		n--;
	if (n == 0)
		return err_set(err, "verify-host cannot be empty");
	if (n >= VERIFY_HOST_MAX)
		return err_set(err, "verify-host is too long");
	memcpy(out, in, n);
	out[n] = '\0';
	struct http_url u;
	char herr[ERR_SIZE];
	if (http_get_parse_url(out, &u, herr) < 0)
		return err_set(
		    err, "verify-host must be an http:// or https:// URL (got: %.120s): %.60s", out,
		    herr);
	return 0;
}

int portcheck_verify_host_name(const char *verify_host, char host[256])
{
	struct http_url u;
	char herr[ERR_SIZE];
	if (http_get_parse_url(verify_host, &u, herr) < 0)
		return -1;
	snprintf(host, 256, "%s", u.host);
	return 0;
}

static unsigned test_port(const char *var)
{
	const char *v = test_env(var);
	int p = v ? atoi(v) : 0;
	return p > 0 && p <= 65535 ? (unsigned)p : 25;
}

unsigned portcheck_local_port(void)
{
	return test_port("AIMX_TEST_PORTCHECK_PORT");
}

unsigned portcheck_outbound_port(void)
{
	return test_port("AIMX_SMTP_PORT");
}

int portcheck_verify_host_pick(const char *flag, const char *from_config, char out[VERIFY_HOST_MAX])
{
	char err[ERR_SIZE];
	const char *host = flag ? flag : from_config ? from_config : VERIFY_HOST_DEFAULT;
	if (portcheck_verify_host_normalize(host, out, err) == 0)
		return 0;
	cli_error("%s", err);
	return -1;
}
