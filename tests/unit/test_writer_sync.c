/* test_writer_sync.c: unit tests for lib/serve/writer_sync.c: batches synced in the loop
 * when syncs are cheap, in the thread otherwise, and a failed sync reported as failed. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "serve/writer_sync.h"
#include "unit.h"

static int is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/* A batch through the thread: the loop's channel says when, the descriptors are closed. */
static int through_thread(struct writer_sync *s, int *fds, size_t n, int *err)
{
	s->last_us = WRITER_SYNC_INLINE_US; /* as after a slow sync */
	int done = writer_sync_submit(s, fds, n, err);
	if (done != 0 || !s->busy)
		return -1;
	struct pollfd pfd = {s->chan, POLLIN, 0};
	if (poll(&pfd, 1, 10000) != 1)
		return -1;
	int rc = writer_sync_result(s);
	*err = rc < 0 ? errno : 0;
	return s->busy ? -1 : 0;
}

void suite_writer_sync(void)
{
	const char *dir = unit_tmpdir("writer_sync");
	struct writer_sync s;
	int err = -1;
	CHECK(writer_sync_start(&s) == 0);
	int fds[2] = {open(dir, O_RDONLY | O_DIRECTORY), open(dir, O_RDONLY | O_DIRECTORY)};
	CHECK(fds[0] >= 0 && fds[1] >= 0);
	CHECK(writer_sync_submit(&s, fds, 2, &err) == 1 && err == 0 && !s.busy); /* inline */
	CHECK(!is_open(fds[0]) && !is_open(fds[1]));
	fds[0] = open(dir, O_RDONLY | O_DIRECTORY);
	fds[1] = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(through_thread(&s, fds, 2, &err) == 0 && err == 0);
	CHECK(!is_open(fds[0]) && !is_open(fds[1]));
	/* a descriptor that cannot be synced fails the whole batch */
	fds[0] = open(dir, O_RDONLY | O_DIRECTORY);
	fds[1] = 1000; /* not open */
	CHECK(through_thread(&s, fds, 2, &err) == 0 && err == EBADF);
	CHECK(!is_open(fds[0]));
	writer_sync_stop(&s);
}
