/* writer_sync.c: a thread that fsyncs the folders of one group commit at a time. */
#include "serve/writer_sync.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "store/commit.h"

struct sync_answer {
	int err;          /* 0 when synced */
	int64_t us;       /* how long it took */
};

/* The batch, timed. */
static struct sync_answer sync_batch(const int *fds, size_t n)
{
	int64_t t0 = clock_monotonic_us();
	struct sync_answer a = {commit_sync_fds(fds, n) == 0 ? 0 : errno, 0};
	a.us = clock_monotonic_us() - t0;
	return a;
}

/* Requests are packets of descriptor numbers (the same process: no passing needed); the
 * answer is the batch's errno, 0 when synced. The thread allocates nothing and takes no
 * lock, so the writer's forks (hooks) stay safe while it runs. */
static void *sync_thread(void *arg)
{
	struct writer_sync *s = arg;
	int fds[WRITER_SYNC_MAX];
	for (;;) {
		ssize_t got = recv(s->peer, fds, sizeof(fds), 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		struct sync_answer a = sync_batch(fds, (size_t)got / sizeof(int));
		while (send(s->peer, &a, sizeof(a), MSG_NOSIGNAL) < 0 && errno == EINTR)
			;
	}
	return NULL;
}

int writer_sync_start(struct writer_sync *s)
{
	int pair[2];
	s->busy = 0;
	s->last_us = 0;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
		return -1;
	s->chan = pair[0];
	s->peer = pair[1];
	int rc = pthread_create(&s->thread, NULL, sync_thread, s);
	if (rc == 0)
		return 0;
	close(pair[0]);
	close(pair[1]);
	errno = rc;
	return -1;
}

int writer_sync_submit(struct writer_sync *s, const int *fds, size_t n, int *err)
{
	if (s->last_us < WRITER_SYNC_INLINE_US) {
		struct sync_answer a = sync_batch(fds, n);
		s->last_us = a.us;
		*err = a.err;
		return 1;
	}
	ssize_t sent;
	while ((sent = send(s->chan, fds, n * sizeof(int), MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	if (sent == (ssize_t)(n * sizeof(int))) {
		s->busy = 1;
		return 0;
	}
	int saved = sent < 0 ? errno : EMSGSIZE;
	for (size_t k = 0; k < n; k++)
		close(fds[k]);
	errno = saved;
	return -1;
}

int writer_sync_result(struct writer_sync *s)
{
	struct sync_answer a = {EIO, 0};
	ssize_t got;
	while ((got = recv(s->chan, &a, sizeof(a), 0)) < 0 && errno == EINTR)
		;
	s->busy = 0;
	if (got != (ssize_t)sizeof(a))
		a.err = got < 0 ? errno : EIO;
	s->last_us = a.us;
	errno = a.err;
	return a.err ? -1 : 0;
}

void writer_sync_stop(struct writer_sync *s)
{
	if (s->busy)
		writer_sync_result(s);
	shutdown(s->chan, SHUT_WR);
	pthread_join(s->thread, NULL);
	close(s->chan);
	close(s->peer);
}
