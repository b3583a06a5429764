/* workers.h: the master's pool of session workers: started at once (as many as CPUs, or
 * [limits] smtp_workers), each jailed, given a channel to the master and one to the writer
 * per delivery thread; connections handed to the least busy; restarted when one dies;
 * retired and replaced when the config changes or the writer is restarted. */
#ifndef AIMX_WORKERS_H
#define AIMX_WORKERS_H

#include <stddef.h>
#include <sys/types.h>

#include "base/privdrop.h"
#include "serve/children.h"
#include "serve/config_watch.h"
#include "serve/writer_proc.h"

#define WORKERS_THREADS 16 /* delivery threads (writer channels) per worker */
#define WORKERS_NAME    "aimx-smtp" /* a worker's comm, as ps shows it */

struct worker_slot {
	pid_t pid;
	int fd;        /* the master's end of its channel */
	unsigned gen;  /* the generation it was started in */
	unsigned sessions;
};

/* What a worker is started with. */
struct workers_env {
	struct config_watch *conf;
	const struct tls_creds *tls;
	const char *spool;
	const struct privdrop_ids *ids;
	struct writer_proc *writer;
	int idle_timeout_ms, session_timeout_s;
};

struct workers {
	const struct workers_env *env;
	struct worker_slot *slot; /* current and retiring ones */
	size_t n;
	unsigned gen;             /* the current generation */
	unsigned next_id;         /* session ids */
	struct children sessions; /* live sessions: id, peer, worker */
};

int workers_init(struct workers *ws, const struct workers_env *env, unsigned max_sessions);
void workers_free(struct workers *ws);
/* Starts workers of the current generation until there are as many as wanted. */
void workers_fill(struct workers *ws);
/* Hands the connection fd (closed here) from peer to the least busy current worker. 0, or
 * -1 when none could take it (fd still open: the caller refuses it). */
int workers_dispatch(struct workers *ws, int fd, const char *peer);
/* The workers' channels, for the master's poll: fills fds (room for ws->n), returns n. */
size_t workers_fds(const struct workers *ws, int *fds);
/* A worker's channel is readable: session ends. */
void workers_read(struct workers *ws, int fd);
/* A child was reaped: 1 when it was a worker (its sessions are forgotten), else 0. */
int workers_reaped(struct workers *ws, pid_t pid);
/* Current workers take no more sessions and leave after their last; new ones follow. */
void workers_retire(struct workers *ws);
/* SIGTERM to every worker: 421 to their sessions, the DATA in flight finished first; new
 * ones (workers_fill) follow, for a new writer. */
void workers_stop(struct workers *ws);

#endif
