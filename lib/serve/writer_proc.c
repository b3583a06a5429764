/* writer_proc.c: starting the writer and handing it worker channels (see writer_proc.h). */
#include "serve/writer_proc.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"
#include "base/privdrop.h"
#include "serve/writer.h"
#include "store/handoff.h"

void writer_proc_init(struct writer_proc *wp)
{
	*wp = (struct writer_proc){0, -1, 0};
}

__attribute__((noreturn)) static void writer_child(struct config_watch *w, int fd, uid_t uid)
{
	int sigs[] = {SIGCHLD, SIGHUP, SIGTERM, SIGINT};
	sigset_t none;
	for (size_t k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++)
		signal(sigs[k], sigs[k] == SIGCHLD ? SIG_DFL : SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (privdrop_keep_fds(&fd, 1) < 0)
		_exit(1);
	prctl(PR_SET_NAME, WRITER_PROC_NAME);
	_exit(writer_run(w, fd, uid));
}

int writer_proc_start(struct writer_proc *wp, struct config_watch *w, uid_t worker_uid)
{
	time_t now = time(NULL);
	if (wp->pid > 0 || (wp->started && now - wp->started < WRITER_PROC_RESTART_S))
		return 0;
	int pair[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		close(pair[0]);
		writer_child(w, pair[1], worker_uid);
	}
	int saved = errno;
	close(pair[1]);
	if (pid < 0) {
		close(pair[0]);
		errno = saved;
		return -1;
	}
	if (wp->fd >= 0)
		close(wp->fd);
	*wp = (struct writer_proc){pid, pair[0], now};
	return 0;
}

int writer_proc_channel(struct writer_proc *wp)
{
	static struct handoff_packet hand;
	int pair[2];
	if (wp->pid <= 0 || wp->fd < 0) {
		errno = EAGAIN;
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
		return -1;
	handoff_begin(&hand, HANDOFF_CHANNEL, 0);
	hand.fd = pair[1];
	int rc = handoff_send(wp->fd, &hand);
	int saved = errno;
	close(pair[1]);
	if (rc == 0)
		return pair[0];
	close(pair[0]);
	errno = saved;
	return -1;
}

int writer_proc_reaped(struct writer_proc *wp, pid_t pid)
{
	if (pid != wp->pid)
		return 0;
	wp->pid = 0;
	if (wp->fd >= 0)
		close(wp->fd);
	wp->fd = -1;
	return 1;
}

void writer_proc_stop(struct writer_proc *wp)
{
	if (wp->fd >= 0)
		close(wp->fd);
	wp->fd = -1;
}
