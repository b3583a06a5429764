/* daemon.c: the master process: accept SMTP and AIMX/1, fork a child per connection, cap, reap, reload, drain. */
#include "serve/daemon.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conf/config_load.h"
#include "conf/config_report.h"
#include "base/fileio.h"
#include "base/log.h"
#include "base/paths.h"
#include "control/control_conn.h"
#include "serve/children.h"
#include "store/store.h"

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

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

int daemon_load_config(struct daemon *d)
{
	struct config fresh;
	struct config_report rep = {0};
	struct stat st;
	int have_stat = stat(d->config_path, &st) == 0;
	int rc = config_load(d->config_path, &fresh, &rep);
	config_report_print(&rep, stderr);
	config_report_free(&rep);
	if (rc < 0)
		return -1;
	config_free(&d->cfg);
	d->cfg = fresh;
	snprintf(d->data_dir, sizeof(d->data_dir), "%s", paths_data_dir(d->cfg.data_dir));
	if (have_stat)
		d->cfg_stat = st;
	return 0;
}

/* Reload when forced (SIGHUP) or when the file changed since the last load. */
static void refresh_config(struct daemon *d, int force)
{
	struct stat st;
	if (!force && (stat(d->config_path, &st) < 0 || same_file(&st, &d->cfg_stat)))
		return;
	if (daemon_load_config(d) < 0)
		log_event(LOG_ERROR, "config.reload_failed", "path", d->config_path, "kept",
			  "previous config", NULL);
	else
		log_event(LOG_INFO, "config.reloaded", "path", d->config_path, NULL);
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

/* Live children of one kind (SMTP sessions or AIMX/1 requests), bounded by cap. */
/* Remove what a crashed writer left in the mailbox folders: all dead writers' leftovers at
 * start (pid 0), a killed child's when it is reaped. */
static void sweep(const char *data_dir, pid_t pid)
{
	char who[24], count[24];
	snprintf(who, sizeof(who), "%ld", (long)pid);
	int n = store_sweep(data_dir, pid);
	snprintf(count, sizeof(count), "%d", n);
	if (n < 0)
		log_event(LOG_WARN, "daemon.sweep_failed", "pid", who, "error", strerror(errno),
		          NULL);
	else if (n > 0)
		log_event(LOG_INFO, "daemon.swept", "pid", who, "removed", count, NULL);
}

/* Reaps without blocking (flags WNOHANG) or waits for one child (0). A pid that is neither
 * a session nor a request (a detached hook runner when we are PID 1) is reaped and ignored.
 * Returns -1 once there is no child left at all. */
static int reap(struct children *smtp, struct children *uds, int flags, const char *data_dir)
{
	pid_t pid;
	int status;
	while ((pid = waitpid(-1, &status, flags)) > 0) {
		children_forget(smtp, pid);
		children_forget(uds, pid);
		if (WIFSIGNALED(status))
			sweep(data_dir, pid);
		if (!flags)
			return 0;
	}
	return pid < 0 && errno == ECHILD ? -1 : 0;
}

static void refuse(int fd, const char *reply, const char *event, const char *peer)
{
	if (fileio_write_all(fd, reply, strlen(reply)) < 0)
		log_event(LOG_DEBUG, "daemon.refuse_write_failed", "peer", peer, NULL);
	log_event(LOG_WARN, event, "peer", peer, NULL);
	close(fd);
}

/* The child: default signal dispositions, no listeners, then the connection driver. It
 * never outlives the master: SIGTERM when the master dies (an SMTP session then finishes
 * the DATA in flight and says 421), and an immediate exit when it died before the fork
 * returned. */
static void child_setup(struct daemon *d, const sigset_t *run_mask, pid_t master)
{
	struct sigaction dfl;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	int sigs[] = {SIGCHLD, SIGHUP, SIGTERM, SIGINT};
	for (size_t k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++)
		if (sigaction(sigs[k], &dfl, NULL) < 0)
			_exit(1);
	close(d->listen_fd);
	if (d->uds_fd >= 0)
		close(d->uds_fd);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != master)
		_exit(1);
	sigprocmask(SIG_SETMASK, run_mask, NULL);
}

/* A [limits] value of the live config, as a count. */
static size_t limit(const struct daemon *d, enum limit_key k)
{
	return (size_t)config_limits_get(&d->cfg.limits, k);
}

static void accept_smtp(struct daemon *d, struct children *c, const sigset_t *run_mask)
{
	static const char busy[] = "421 4.7.0 Too many connections, try again later\r\n";
	static const char busy_ip[] =
	    "421 4.7.0 Too many connections from your address, try again later\r\n";
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd = accept4(d->listen_fd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	char peer[PEER_IP_MAX];
	peer_ip_of(&ss, peer);
	if (c->n >= c->cap)
		return refuse(fd, busy, "smtp.too_many_connections", peer);
	if (children_count(c, peer) >= limit(d, LIMK_SMTP_MAX_PER_IP))
		return refuse(fd, busy_ip, "smtp.too_many_connections_from_peer", peer);
	refresh_config(d, 0);
	pid_t master = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		child_setup(d, run_mask, master);
		struct smtp_conn_env env = {&d->cfg, d->data_dir, d->tls, d->idle_timeout_ms,
					     d->session_timeout_s};
		_exit(smtp_conn_serve(&env, fd, peer));
	}
	if (pid < 0)
		return refuse(fd, busy, "smtp.fork_failed", peer);
	children_add(c, pid, peer);
	close(fd);
}

static void accept_uds(struct daemon *d, struct children *c, const sigset_t *run_mask)
{
	static const char busy[] = "AIMX/1 ERR IO daemon busy, try again\nCode: IO\n\n";
	static const char busy_uid[] =
	    "AIMX/1 ERR IO too many connections from your user, try again\nCode: IO\n\n";
	static const char nocred_fmt[] = "AIMX/1 ERR EACCES peer cred unavailable: %s\nCode: EACCES\n\n";
	int fd = accept4(d->uds_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		char reply[256];
		snprintf(reply, sizeof(reply), nocred_fmt, strerror(errno));
		return refuse(fd, reply, "uds.peercred_failed", "unix");
	}
	char who[CHILDREN_KEY_MAX];
	snprintf(who, sizeof(who), "uid:%lu", (unsigned long)cred.uid);
	if (c->n >= c->cap)
		return refuse(fd, busy, "uds.too_many_connections", who);
	if (cred.uid != 0 && children_count(c, who) >= limit(d, LIMK_CONTROL_MAX_PER_UID))
		return refuse(fd, busy_uid, "uds.too_many_connections_from_uid", who);
	refresh_config(d, 0);
	pid_t master = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		child_setup(d, run_mask, master);
		struct control_conn_env env = {&d->cfg, d->config_path, d->data_dir};
		_exit(control_conn_serve(&env, fd, cred.uid));
	}
	if (pid < 0)
		return refuse(fd, busy, "uds.fork_failed", who);
	children_add(c, pid, who);
	close(fd);
}

/* Ask every child to finish (SMTP sessions complete the DATA in flight), then wait;
 * SIGKILL the ones still running after the grace period. */
static void drain(struct children *smtp, struct children *uds, const char *data_dir)
{
	for (unsigned k = 0; k < smtp->n; k++)
		kill(smtp->pids[k], SIGTERM);
	time_t give_up = time(NULL) + DAEMON_SHUTDOWN_GRACE_S;
	while (smtp->n + uds->n && time(NULL) < give_up) {
		reap(smtp, uds, WNOHANG, data_dir);
		if (smtp->n + uds->n)
			poll(NULL, 0, 50);
	}
	for (unsigned k = 0; k < smtp->n; k++)
		kill(smtp->pids[k], SIGKILL);
	for (unsigned k = 0; k < uds->n; k++)
		kill(uds->pids[k], SIGKILL);
	while (smtp->n + uds->n && reap(smtp, uds, 0, data_dir) == 0)
		;
}

int daemon_signals_install(struct daemon *d)
{
	return install_handlers(&d->run_mask);
}

int daemon_run(struct daemon *d)
{
	sigset_t wait_mask;
	const sigset_t *run_mask = &d->run_mask;
	struct children smtp, uds;
	if (children_init(&smtp, limit(d, LIMK_SMTP_MAX_SESSIONS)) < 0 ||
	    children_init(&uds, limit(d, LIMK_CONTROL_MAX_SESSIONS)) < 0)
		return -1;
	sigemptyset(&wait_mask);
	sweep(d->data_dir, 0);
	while (!got_term) {
		reap(&smtp, &uds, WNOHANG, d->data_dir);
		if (got_hup) {
			got_hup = 0;
			refresh_config(d, 1);
		}
		struct pollfd pfd[2] = {{d->listen_fd, POLLIN, 0}, {d->uds_fd, POLLIN, 0}};
		int n = ppoll(pfd, d->uds_fd >= 0 ? 2 : 1, NULL, &wait_mask);
		if (n > 0 && (pfd[0].revents & POLLIN))
			accept_smtp(d, &smtp, run_mask);
		if (n > 0 && d->uds_fd >= 0 && (pfd[1].revents & POLLIN))
			accept_uds(d, &uds, run_mask);
	}
	close(d->listen_fd);
	if (d->uds_fd >= 0)
		close(d->uds_fd);
	log_event(LOG_INFO, "daemon.shutdown", "smtp_sessions", smtp.n ? "draining" : "none", NULL);
	drain(&smtp, &uds, d->data_dir);
	children_free(&smtp);
	children_free(&uds);
	return 0;
}
