/* smtp_server.c: the master process: accept, fork a child per session, cap, reap, reload, drain. */
#include "smtp_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config_report.h"
#include "fileio.h"
#include "log.h"

#define PEER_IP_MAX INET6_ADDRSTRLEN

static volatile sig_atomic_t got_term, got_hup;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else if (sig != SIGCHLD)
		got_term = 1;
}

static int install_handlers(sigset_t *run_mask)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigset_t block;
	sigemptyset(&block);
	int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGCHLD};
	for (size_t k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++) {
		if (sigaction(sigs[k], &sa, NULL) < 0)
			return -1;
		sigaddset(&block, sigs[k]);
	}
	signal(SIGPIPE, SIG_IGN);
	return sigprocmask(SIG_BLOCK, &block, run_mask);
}

static void reload_config(struct smtp_server *srv)
{
	struct config fresh;
	struct config_report rep = {0};
	if (config_load(srv->config_path, &fresh, &rep) < 0) {
		log_event(LOG_ERROR, "config.reload_failed", "path", srv->config_path,
			  "errors", rep.nerrors ? rep.errors[0].message : "", NULL);
	} else {
		config_free(&srv->cfg);
		srv->cfg = fresh;
		log_event(LOG_INFO, "config.reloaded", "path", srv->config_path, NULL);
	}
	config_report_free(&rep);
}

static void peer_ip_of(const struct sockaddr_storage *ss, char out[PEER_IP_MAX])
{
	snprintf(out, PEER_IP_MAX, "0.0.0.0");
	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, out, PEER_IP_MAX);
		return;
	}
	const struct in6_addr *a6 = &((const struct sockaddr_in6 *)ss)->sin6_addr;
	if (IN6_IS_ADDR_V4MAPPED(a6))
		inet_ntop(AF_INET, a6->s6_addr + 12, out, PEER_IP_MAX);
	else
		inet_ntop(AF_INET6, a6, out, PEER_IP_MAX);
}

struct children {
	pid_t *pids;
	unsigned n, cap;
};

static void reap(struct children *c)
{
	pid_t pid;
	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
		for (unsigned k = 0; k < c->n; k++)
			if (c->pids[k] == pid) {
				c->pids[k] = c->pids[--c->n];
				break;
			}
}

static void refuse_busy(int fd, const char *peer)
{
	static const char busy[] = "421 Too many connections, try again later\r\n";
	if (write_all(fd, busy, sizeof(busy) - 1) < 0)
		log_event(LOG_DEBUG, "smtp.refuse_write_failed", "peer", peer, NULL);
	log_event(LOG_WARN, "smtp.too_many_connections", "peer", peer, NULL);
	close(fd);
}

static void spawn(struct smtp_server *srv, struct children *c, int fd, const char *peer,
		  const sigset_t *run_mask)
{
	pid_t pid = fork();
	if (pid == 0) {
		struct sigaction dfl;
		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		sigaction(SIGCHLD, &dfl, NULL);
		sigaction(SIGHUP, &dfl, NULL);
		close(srv->listen_fd);
		sigprocmask(SIG_SETMASK, run_mask, NULL);
		_exit(smtp_conn_serve(srv, fd, peer));
	}
	if (pid < 0) {
		log_event(LOG_ERROR, "smtp.fork_failed", "peer", peer, "error", strerror(errno), NULL);
		refuse_busy(fd, peer);
		return;
	}
	c->pids[c->n++] = pid;
	close(fd);
}

static void accept_one(struct smtp_server *srv, struct children *c, const sigset_t *run_mask)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd = accept4(srv->listen_fd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	char peer[PEER_IP_MAX];
	peer_ip_of(&ss, peer);
	if (c->n >= c->cap)
		refuse_busy(fd, peer);
	else
		spawn(srv, c, fd, peer, run_mask);
}

/* Ask every session to finish (they complete the DATA in flight), then wait; SIGKILL late ones. */
static void drain(struct children *c)
{
	for (unsigned k = 0; k < c->n; k++)
		kill(c->pids[k], SIGTERM);
	time_t give_up = time(NULL) + SMTP_SHUTDOWN_GRACE_S;
	while (c->n && time(NULL) < give_up) {
		reap(c);
		if (c->n)
			poll(NULL, 0, 50);
	}
	for (unsigned k = 0; k < c->n; k++)
		kill(c->pids[k], SIGKILL);
	while (c->n && waitpid(-1, NULL, 0) > 0)
		reap(c);
}

int smtp_server_run(struct smtp_server *srv)
{
	sigset_t run_mask, wait_mask;
	struct children c = {NULL, 0, srv->max_sessions ? srv->max_sessions : SMTP_MAX_SESSIONS};
	c.pids = calloc(c.cap, sizeof(*c.pids));
	if (!c.pids || install_handlers(&run_mask) < 0)
		return -1;
	sigemptyset(&wait_mask);
	while (!got_term) {
		reap(&c);
		if (got_hup) {
			got_hup = 0;
			reload_config(srv);
		}
		struct pollfd pfd = {srv->listen_fd, POLLIN, 0};
		int n = ppoll(&pfd, 1, NULL, &wait_mask);
		if (n > 0 && (pfd.revents & POLLIN))
			accept_one(srv, &c, &run_mask);
	}
	close(srv->listen_fd);
	log_event(LOG_INFO, "smtp.shutdown", "sessions", c.n ? "draining" : "none", NULL);
	drain(&c);
	free(c.pids);
	return 0;
}
