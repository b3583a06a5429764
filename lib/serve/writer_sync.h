/* writer_sync.h: the writer's folder syncs, in a thread of their own, so that claims and
 * links go on while the disk works (the next group commit gathers meanwhile). */
#ifndef AIMX_WRITER_SYNC_H
#define AIMX_WRITER_SYNC_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define WRITER_SYNC_MAX 1024 /* folders in one batch (the writer has at most this many channels) */

#define WRITER_SYNC_INLINE_US 200 /* syncs quicker than this are done in the loop itself */

struct writer_sync {
	int chan;  /* the loop's end of the thread's channel; readable when a batch is done */
	int peer;  /* the thread's end */
	int busy;  /* a batch is with the thread */
	int64_t last_us; /* how long the last batch took */
	pthread_t thread;
};

/* 0, or -1 with errno. */
int writer_sync_start(struct writer_sync *s);
/* fsyncs and closes n descriptors (commit_sync_take's): in the loop itself when the last
 * batch took under WRITER_SYNC_INLINE_US (a tmpfs, a disk with a safe write cache: the thread
 * would only add two switches), else in the thread. 1 when done here (*err: its errno, 0
 * when synced), 0 when the thread has them (busy), -1 with errno when they could not be
 * handed over (then they are closed, unsynced). */
int writer_sync_submit(struct writer_sync *s, const int *fds, size_t n, int *err);
/* Once chan is readable: 0 when the whole batch is synced, -1 with errno. */
int writer_sync_result(struct writer_sync *s);
/* Waits for a batch in flight, ends the thread. */
void writer_sync_stop(struct writer_sync *s);

#endif
