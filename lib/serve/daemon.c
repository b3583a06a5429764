/* daemon.c: the master process: accept SMTP and AIMX/1, fork a child per connection (SMTP ones
 * jailed), keep the writer running, cap, reap, reload, drain. */
#include "serve/daemon.h"

#include <arpa/inet.h>
#include <dirent.h>
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

#include "base/fileio.h"
#include "base/log.h"
#include "base/path_join.h"
#include "base/paths.h"
#include "base/privdrop.h"
#include "net/dns.h"
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

/* Reaps without blocking (flags WNOHANG) or waits for one child (0). A pid that is not
 * ours to track (a detached hook runner when we are PID 1) is reaped and ignored. Returns -1
 * once there is no child left at all. */
static int reap(struct daemon *d, struct children *uds, int flags)
{
	pid_t pid;
	int status;
	while ((pid = waitpid(-1, &status, flags)) > 0) {
		const char *how = WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "exit";
		children_forget(uds, pid);
		if (writer_proc_reaped(&d->writer, pid)) {
			log_event(LOG_ERROR, "daemon.writer_exited", "status", how, NULL);
			sweep(d->conf.data_dir, pid);
			workers_stop(&d->workers); /* their channels led to it */
		} else if (workers_reaped(&d->workers, pid) && WIFSIGNALED(status))
			log_event(LOG_ERROR, "daemon.worker_exited", "status", how, NULL);
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

/* A control child: default signal dispositions (its caller then keeps only its socket). It
 * never outlives the master: SIGTERM when the master dies, and an immediate exit when it
 * died before the fork returned. */
static void child_setup(const sigset_t *run_mask, pid_t master)
{
	struct sigaction dfl;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	int sigs[] = {SIGCHLD, SIGHUP, SIGTERM, SIGINT};
	for (size_t k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++)
		if (sigaction(sigs[k], &dfl, NULL) < 0)
			_exit(1);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != master)
		_exit(1);
	sigprocmask(SIG_SETMASK, run_mask, NULL);
}

/* A [limits] value of the live config, as a count. */
static size_t limit(const struct daemon *d, enum limit_key k)
{
	return (size_t)config_limits_get(&d->conf.cfg.limits, k);
}

/* <data>/.aimx/spool: the workers' jail, theirs alone (0700), emptied of what a crashed
 * worker left. */
static int prepare_spool(struct daemon *d)
{
	char aimx[AIMX_PATH_MAX];
	if (path_join(aimx, sizeof(aimx), d->conf.data_dir, ".aimx") < 0 ||
	    path_join(d->spool, sizeof(d->spool), aimx, "spool") < 0 ||
	    fileio_mkdir_p(aimx, 0700) < 0 || fileio_mkdir_p(d->spool, 0700) < 0)
		return -1;
	if (d->worker.jail && chown(d->spool, d->worker.uid, d->worker.gid) < 0)
		return -1;
	if (chmod(d->spool, 0700) < 0)
		return -1;
	DIR *dir = opendir(d->spool);
	if (!dir)
		return -1;
	for (struct dirent *e; (e = readdir(dir));)
		if (e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(dirfd(dir), e->d_name, 0);
	closedir(dir);
	return 0;
}

/* A new config retires the workers (they serve on with the old one until their sessions
 * end); new ones start with it. */
static void refresh(struct daemon *d, int force)
{
	if (config_watch_refresh(&d->conf, force)) {
		workers_retire(&d->workers);
		workers_fill(&d->workers);
	}
}

static void accept_smtp(struct daemon *d)
{
	static const char busy[] = "421 4.7.0 Too many connections, try again later\r\n";
	static const char busy_ip[] =
	    "421 4.7.0 Too many connections from your address, try again later\r\n";
	static const char down[] = "421 4.3.0 Service not available, try again later\r\n";
	struct children *c = &d->workers.sessions;
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
	refresh(d, 0);
	struct stat st;
	if (stat(d->spool, &st) < 0 && prepare_spool(d) < 0)
		return refuse(fd, down, "smtp.spool_unavailable", peer);
	workers_fill(&d->workers);
	if (workers_dispatch(&d->workers, fd, peer) < 0)
		return refuse(fd, down, "smtp.no_worker", peer);
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
	refresh(d, 0);
	pid_t master = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		child_setup(run_mask, master);
		if (privdrop_keep_fds(&fd, 1) < 0)
			_exit(1);
		struct control_conn_env env = {&d->conf.cfg, d->conf.path, d->conf.data_dir};
		_exit(control_conn_serve(&env, fd, cred.uid));
	}
	if (pid < 0)
		return refuse(fd, busy, "uds.fork_failed", who);
	children_add(c, pid, who);
	close(fd);
}

/* Ask every worker to finish (sessions complete the DATA in flight), wait for them and the
 * control children; SIGKILL what still runs after the grace period. The writer goes last:
 * it answers the sessions' last messages, and leaves once their channels have closed. */
static void drain(struct daemon *d, struct children *uds)
{
	workers_stop(&d->workers);
	time_t give_up = time(NULL) + DAEMON_SHUTDOWN_GRACE_S;
	while (d->workers.n + uds->n && time(NULL) < give_up) {
		reap(d, uds, WNOHANG);
		if (d->workers.n + uds->n)
			poll(NULL, 0, 50);
	}
	for (size_t k = 0; k < d->workers.n; k++)
		kill(d->workers.slot[k].pid, SIGKILL);
	for (unsigned k = 0; k < uds->n; k++)
		kill(uds->pids[k], SIGKILL);
	while (d->workers.n + uds->n && reap(d, uds, 0) == 0)
		;
	writer_proc_stop(&d->writer);
	while (d->writer.pid > 0 && reap(d, uds, 0) == 0)
		;
}

int daemon_signals_install(struct daemon *d)
{
	return install_handlers(&d->run_mask);
}

static int start_writer(struct daemon *d)
{
	uid_t files_of = d->worker.jail ? d->worker.uid : geteuid();
	if (writer_proc_start(&d->writer, &d->conf, files_of) == 0)
		return 0;
	log_event(LOG_ERROR, "daemon.writer_start_failed", "error", strerror(errno), NULL);
	return -1;
}

/* Waits for a listener, a worker's report or a signal; serves what came. */
static void serve_once(struct daemon *d, struct children *uds, const sigset_t *wait_mask)
{
	struct pollfd pfd[2 + DAEMON_WORKERS_MAX];
	int wfd[DAEMON_WORKERS_MAX];
	size_t nw = d->workers.n < DAEMON_WORKERS_MAX ? workers_fds(&d->workers, wfd) : 0;
	pfd[0] = (struct pollfd){d->listen_fd, POLLIN, 0};
	pfd[1] = (struct pollfd){d->uds_fd, POLLIN, 0};
	for (size_t k = 0; k < nw; k++)
		pfd[2 + k] = (struct pollfd){wfd[k], POLLIN, 0};
	struct timespec retry = {WRITER_PROC_RESTART_S, 0};
	int n = ppoll(pfd, 2 + nw, d->writer.pid > 0 ? NULL : &retry, wait_mask);
	if (n <= 0)
		return;
	for (size_t k = 0; k < nw; k++)
		if (pfd[2 + k].revents)
			workers_read(&d->workers, wfd[k]);
	if (pfd[0].revents & POLLIN)
		accept_smtp(d);
	if (d->uds_fd >= 0 && (pfd[1].revents & POLLIN))
		accept_uds(d, uds, &d->run_mask);
}

int daemon_run(struct daemon *d)
{
	sigset_t wait_mask;
	struct children uds;
	privdrop_worker_ids(&d->worker);
	writer_proc_init(&d->writer);
	d->wenv = (struct workers_env){&d->conf, d->tls, d->spool, &d->worker, &d->writer,
				       d->idle_timeout_ms, d->session_timeout_s};
	if (prepare_spool(d) < 0) {
		log_event(LOG_ERROR, "daemon.spool_failed", "path", d->spool, "error",
			  strerror(errno), NULL);
		return -1;
	}
	if (workers_init(&d->workers, &d->wenv, limit(d, LIMK_SMTP_MAX_SESSIONS)) < 0 ||
	    children_init(&uds, limit(d, LIMK_CONTROL_MAX_SESSIONS)) < 0 || start_writer(d) < 0)
		return -1;
	log_event(LOG_INFO, "daemon.workers", "user", d->worker.jail ? d->worker.name : "(self)",
		  "jail", d->worker.jail ? d->spool : "(none: not root)", NULL);
	sigemptyset(&wait_mask);
	sweep(d->conf.data_dir, 0);
	workers_fill(&d->workers);
	while (!got_term) {
		reap(d, &uds, WNOHANG);
		if (got_hup) {
			got_hup = 0;
			refresh(d, 1);
		}
		if (d->writer.pid <= 0)
			start_writer(d);
		workers_fill(&d->workers);
		serve_once(d, &uds, &wait_mask);
	}
	close(d->listen_fd);
	if (d->uds_fd >= 0)
		close(d->uds_fd);
	log_event(LOG_INFO, "daemon.shutdown", "smtp_sessions",
		  d->workers.sessions.n ? "draining" : "none", NULL);
	drain(d, &uds);
	workers_free(&d->workers);
	children_free(&uds);
	return 0;
}
