/* workers.c: starting, feeding, retiring and reaping the session workers (see workers.h). */
#include "serve/workers.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/buf_cache.h"
#include "base/log.h"
#include "conf/config_limits.h"
#include "net/dns.h"
#include "net/dns_cache.h"
#include "smtp/smtp_worker.h"
#include "store/handoff.h"

static struct handoff_packet workers_pk;

int workers_init(struct workers *ws, const struct workers_env *env, unsigned max_sessions)
{
	*ws = (struct workers){.env = env, .gen = 1};
	return children_init(&ws->sessions, max_sessions);
}

void workers_free(struct workers *ws)
{
	for (size_t k = 0; k < ws->n; k++)
		close(ws->slot[k].fd);
	free(ws->slot);
	children_free(&ws->sessions);
}

static size_t wanted(const struct workers *ws)
{
	long long n = config_limits_get(&ws->env->conf->cfg.limits, LIMK_SMTP_WORKERS);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	return (size_t)(n ? n : cpus > 0 ? cpus : 1);
}

/* In the child: keep the master channel and the writer channels, enter the jail, serve. */
__attribute__((noreturn)) static void worker_child(const struct workers_env *env, int *fds,
						   size_t n)
{
	char err[ERR_SIZE] = "";
	sigset_t term;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigaddset(&term, SIGINT);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGHUP, SIG_IGN);
	buf_cache_enable();
	if (sigprocmask(SIG_SETMASK, &term, NULL) < 0 || privdrop_keep_fds(fds, n) < 0 ||
	    prctl(PR_SET_NAME, WORKERS_NAME) < 0 || dns_resolver_preload() < 0 || dns_cache_enable() < 0 ||
	    privdrop_enter(env->spool, env->ids, err) < 0 || prctl(PR_SET_PDEATHSIG, SIGTERM) < 0) {
		log_event(LOG_ERROR, "worker.jail_failed", "error", err[0] ? err : strerror(errno),
			  NULL);
		_exit(1);
	}
	struct smtp_worker_env we = {&env->conf->cfg, env->tls, env->ids->jail ? "/" : env->spool,
				     fds[0], fds + 1, n - 1, env->idle_timeout_ms,
				     env->session_timeout_s};
	_exit(smtp_worker_run(&we));
}

static void close_all(int *fds, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (fds[k] >= 0)
			close(fds[k]);
}

static int start_one(struct workers *ws)
{
	int fds[1 + WORKERS_THREADS], pair[2];
	struct worker_slot *grown = realloc(ws->slot, (ws->n + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	ws->slot = grown;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
		return -1;
	fds[0] = pair[1];
	for (size_t k = 1; k <= WORKERS_THREADS; k++)
		if ((fds[k] = writer_proc_channel(ws->env->writer)) < 0) {
			close(pair[0]);
			close_all(fds, k);
			return -1;
		}
	pid_t pid = fork();
	if (pid == 0) {
		close(pair[0]);
		worker_child(ws->env, fds, 1 + WORKERS_THREADS);
	}
	close_all(fds, 1 + WORKERS_THREADS);
	if (pid < 0 || fcntl(pair[0], F_SETFL, O_NONBLOCK) < 0) {
		close(pair[0]);
		return -1;
	}
	ws->slot[ws->n++] = (struct worker_slot){pid, pair[0], ws->gen, 0};
	return 0;
}

void workers_fill(struct workers *ws)
{
	size_t have = 0;
	for (size_t k = 0; k < ws->n; k++)
		have += ws->slot[k].gen == ws->gen;
	while (have < wanted(ws) && ws->env->writer->pid > 0) {
		if (start_one(ws) < 0) {
			log_event(LOG_ERROR, "daemon.worker_start_failed", "error", strerror(errno),
				  NULL);
			return;
		}
		have++;
	}
}

int workers_dispatch(struct workers *ws, int fd, const char *peer)
{
	struct worker_slot *best = NULL;
	for (size_t k = 0; k < ws->n; k++) {
		struct worker_slot *w = &ws->slot[k];
		if (w->gen == ws->gen && (!best || w->sessions < best->sessions))
			best = w;
	}
	if (!best || ws->sessions.n >= ws->sessions.cap)
		return -1;
	pid_t id = (pid_t)(++ws->next_id & 0x7fffffff);
	handoff_begin(&workers_pk, HANDOFF_SESSION, (uint32_t)id);
	workers_pk.fd = fd;
	if (handoff_put_str(&workers_pk, peer) < 0 || handoff_send(best->fd, &workers_pk) < 0)
		return -1;
	close(fd);
	best->sessions++;
	children_add_owned(&ws->sessions, id, peer, best->pid);
	return 0;
}

size_t workers_fds(const struct workers *ws, int *fds)
{
	for (size_t k = 0; k < ws->n; k++)
		fds[k] = ws->slot[k].fd;
	return ws->n;
}

void workers_read(struct workers *ws, int fd)
{
	struct worker_slot *w = NULL;
	for (size_t k = 0; k < ws->n; k++)
		if (ws->slot[k].fd == fd)
			w = &ws->slot[k];
	for (int burst = 0; w && burst < 64; burst++) {
		if (handoff_recv(fd, &workers_pk) <= 0)
			return; /* EAGAIN, or it died: the reaper forgets it */
		if (workers_pk.fd >= 0)
			close(workers_pk.fd);
		if (handoff_type(&workers_pk) != HANDOFF_ENDED)
			continue;
		unsigned before = ws->sessions.n;
		children_forget(&ws->sessions, (pid_t)handoff_seq(&workers_pk));
		if (ws->sessions.n < before && w->sessions)
			w->sessions--;
	}
}

int workers_reaped(struct workers *ws, pid_t pid)
{
	for (size_t k = 0; k < ws->n; k++)
		if (ws->slot[k].pid == pid) {
			close(ws->slot[k].fd);
			children_forget_owner(&ws->sessions, pid);
			ws->slot[k] = ws->slot[--ws->n];
			return 1;
		}
	return 0;
}

void workers_retire(struct workers *ws)
{
	for (size_t k = 0; k < ws->n; k++)
		if (ws->slot[k].gen == ws->gen) {
			handoff_begin(&workers_pk, HANDOFF_RETIRE, 0);
			if (handoff_send(ws->slot[k].fd, &workers_pk) < 0)
				kill(ws->slot[k].pid, SIGTERM);
		}
	ws->gen++;
}

void workers_stop(struct workers *ws)
{
	for (size_t k = 0; k < ws->n; k++)
		kill(ws->slot[k].pid, SIGTERM);
	ws->gen++;
}
