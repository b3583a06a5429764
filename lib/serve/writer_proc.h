/* writer_proc.h: the master's side of the privileged writer: starting it (again, after a
 * crash), handing it a channel per session worker, letting it finish at shutdown. */
#ifndef AIMX_WRITER_PROC_H
#define AIMX_WRITER_PROC_H

#include <sys/types.h>
#include <time.h>

#include "serve/config_watch.h"

#define WRITER_PROC_NAME      "aimx-writer" /* its comm, as ps shows it */
#define WRITER_PROC_RESTART_S 1 /* at most one start per second after a crash */

struct writer_proc {
	pid_t pid;     /* 0 when not running */
	int fd;        /* the master's end of its channel, -1 when none */
	time_t started;
};

void writer_proc_init(struct writer_proc *wp);
/* Forks the writer (closing, in it, every fd but its channel) unless it runs or was started
 * less than WRITER_PROC_RESTART_S ago. 0, or -1 with errno. */
int writer_proc_start(struct writer_proc *wp, struct config_watch *w, uid_t worker_uid);
/* A new channel for one worker: the writer gets one end, the worker's end is returned
 * (close-on-exec), or -1 when the writer is not there. */
int writer_proc_channel(struct writer_proc *wp);
/* Called when a child was reaped: 1 when it was the writer (then forgotten), else 0. */
int writer_proc_reaped(struct writer_proc *wp, pid_t pid);
/* Closes the writer's channel: it exits once the last worker channel has closed. */
void writer_proc_stop(struct writer_proc *wp);

#endif
