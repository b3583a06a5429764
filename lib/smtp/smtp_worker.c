/* smtp_worker.c: a session worker's event loop (see smtp_worker.h). */
#include "smtp/smtp_worker.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "smtp/smtp_conn.h"
#include "smtp/smtp_pool.h"
#include "store/handoff.h"

#define WORKER_FIXED_FDS 3 /* master, pool, signals: the first pollfds */

struct session {
	struct smtp_conn *c;
	uint32_t id;
};

struct worker {
	const struct smtp_worker_env *env;
	struct smtp_conn_env conn_env;
	struct smtp_pool *pool;
	int sigfd;
	int master;      /* -1 once it has gone */
	int stopping;    /* SIGTERM or the master gone: 421 to all */
	int retired;     /* no more sessions come */
	struct session *sessions;
	size_t n;
	struct handoff_packet pk;
};

static void ended(struct worker *w, size_t k)
{
	uint32_t id = w->sessions[k].id;
	smtp_conn_free(w->sessions[k].c);
	w->sessions[k] = w->sessions[--w->n];
	if (w->master < 0)
		return;
	handoff_begin(&w->pk, HANDOFF_ENDED, id);
	if (handoff_send(w->master, &w->pk) < 0)
		log_event(LOG_WARN, "worker.report_failed", "error", strerror(errno), NULL);
}

static size_t index_of(const struct worker *w, const struct smtp_conn *c)
{
	for (size_t k = 0; k < w->n; k++)
		if (w->sessions[k].c == c)
			return k;
	return w->n;
}

static void stop_all(struct worker *w)
{
	w->stopping = 1;
	for (size_t k = w->n; k-- > 0;)
		if (smtp_conn_shutdown(w->sessions[k].c) < 0)
			ended(w, k);
}

static void add_session(struct worker *w)
{
	char peer[SMTP_CONN_PEER_MAX];
	struct session *grown = realloc(w->sessions, (w->n + 1) * sizeof(*grown));
	if (w->pk.fd < 0 || !grown || handoff_get_str(&w->pk, peer, sizeof(peer)) < 0) {
		if (grown)
			w->sessions = grown;
		if (w->pk.fd >= 0)
			close(w->pk.fd);
		return;
	}
	w->sessions = grown;
	struct smtp_conn *c = smtp_conn_open(&w->conn_env, w->pk.fd, peer);
	if (!c)
		return;
	w->sessions[w->n++] = (struct session){c, handoff_seq(&w->pk)};
	if (w->stopping && smtp_conn_shutdown(c) < 0)
		ended(w, w->n - 1);
}

static void from_master(struct worker *w)
{
	int got = handoff_recv(w->master, &w->pk);
	if (got < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (got <= 0) {
		close(w->master);
		w->master = -1;
		stop_all(w); /* the master has gone: we never serve unsupervised */
		return;
	}
	if (handoff_type(&w->pk) == HANDOFF_SESSION)
		add_session(w);
	else if (handoff_type(&w->pk) == HANDOFF_RETIRE)
		w->retired = 1;
	else if (w->pk.fd >= 0)
		close(w->pk.fd);
}

static void from_pool(struct worker *w)
{
	struct smtp_job *j = smtp_pool_done(w->pool);
	while (j) {
		struct smtp_job *next = j->next;
		struct smtp_conn *c = j->owner;
		size_t k = index_of(w, c);
		if (k < w->n && smtp_conn_stored(c, j) < 0)
			ended(w, k);
		j = next;
	}
}

static void from_signals(struct worker *w)
{
	struct signalfd_siginfo si;
	while (read(w->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
			stop_all(w);
}

/* ms until the nearest session deadline, -1 when none. */
static int next_timeout(const struct worker *w)
{
	int64_t first = -1, now = clock_monotonic_ms();
	for (size_t k = 0; k < w->n; k++) {
		int64_t d = smtp_conn_deadline(w->sessions[k].c);
		if (d >= 0 && (first < 0 || d < first))
			first = d;
	}
	if (first < 0)
		return -1;
	return first <= now ? 0 : (int)(first - now > 60000 ? 60000 : first - now);
}

static void expire(struct worker *w)
{
	int64_t now = clock_monotonic_ms();
	for (size_t k = w->n; k-- > 0;) {
		int64_t d = smtp_conn_deadline(w->sessions[k].c);
		if (d >= 0 && d <= now && smtp_conn_expire(w->sessions[k].c) < 0)
			ended(w, k);
	}
}

static void serve_sessions(struct worker *w, const struct pollfd *pfd, size_t n)
{
	for (size_t k = n; k-- > 0;) {
		short re = pfd[WORKER_FIXED_FDS + k].revents;
		if (re && k < w->n && smtp_conn_ready(w->sessions[k].c, re) < 0)
			ended(w, k);
	}
}

static int loop_once(struct worker *w)
{
	size_t n = w->n;
	struct pollfd *pfd = calloc(WORKER_FIXED_FDS + n, sizeof(*pfd));
	if (!pfd)
		return -1;
	pfd[0] = (struct pollfd){w->master, POLLIN, 0};
	pfd[1] = (struct pollfd){smtp_pool_fd(w->pool), POLLIN, 0};
	pfd[2] = (struct pollfd){w->sigfd, POLLIN, 0};
	for (size_t k = 0; k < n; k++) { /* nothing to wait for (its message at the pool): -1 */
		short ev = smtp_conn_events(w->sessions[k].c);
		pfd[WORKER_FIXED_FDS + k] =
		    (struct pollfd){ev ? smtp_conn_fd(w->sessions[k].c) : -1, ev, 0};
	}
	int r = poll(pfd, WORKER_FIXED_FDS + n, next_timeout(w));
	if (r < 0 && errno != EINTR) {
		free(pfd);
		return -1;
	}
	if (r > 0) {
		serve_sessions(w, pfd, n); /* before new ones shift the table */
		if (pfd[1].revents)
			from_pool(w);
		if (pfd[2].revents)
			from_signals(w);
		if (w->master >= 0 && pfd[0].revents)
			from_master(w);
	}
	expire(w);
	free(pfd);
	return 0;
}

int smtp_worker_run(const struct smtp_worker_env *env)
{
	struct worker w = {.env = env, .master = env->master, .sigfd = -1};
	sigset_t term;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigaddset(&term, SIGINT);
	w.conn_env = (struct smtp_conn_env){env->cfg, env->spool, env->tls, NULL,
					    env->idle_timeout_ms, env->session_timeout_s};
	w.sigfd = signalfd(-1, &term, SFD_NONBLOCK | SFD_CLOEXEC);
	w.pool = smtp_pool_start(env->chans, env->nchans, env->spool);
	if (w.sigfd < 0 || !w.pool) {
		log_event(LOG_ERROR, "worker.start_failed", "error", strerror(errno), NULL);
		return 1;
	}
	w.conn_env.pool = w.pool;
	while (w.n || !(w.stopping || w.retired || w.master < 0))
		if (loop_once(&w) < 0)
			return 1;
	return 0;
}
