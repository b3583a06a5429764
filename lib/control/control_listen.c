/* control_listen.c: binding the world-writable AIMX/1 socket safely, and the pid file. */
#include "control/control_listen.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/fileio.h"
#include "base/paths.h"

static int socket_addr(struct sockaddr_un *sa, char err[ERR_SIZE])
{
	char path[AIMX_PATH_MAX];
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (paths_socket(path, sizeof(path)) < 0 || strlen(path) >= sizeof(sa->sun_path))
		return err_set(err, "socket path under %s is too long", paths_runtime_dir());
	memcpy(sa->sun_path, path, strlen(path) + 1);
	return 0;
}

/* 1 when something accepts connections on the path (a live daemon), else 0. */
static int socket_is_live(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	int live = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return live;
}

static void write_pid_file(void)
{
	char path[AIMX_PATH_MAX], text[32];
	int n = snprintf(text, sizeof(text), "%ld\n", (long)getpid());
	if (paths_pid_file(path, sizeof(path)) == 0)
		fileio_write_atomic(path, text, (size_t)n, 0644, (uid_t)-1, (gid_t)-1);
}

int control_listen(char err[ERR_SIZE])
{
	struct sockaddr_un sa;
	if (socket_addr(&sa, err) < 0)
		return -1;
	if (fileio_mkdir_p(paths_runtime_dir(), 0755) < 0)
		return err_set(err, "cannot create %s: %s", paths_runtime_dir(), strerror(errno));
	if (socket_is_live(&sa))
		return err_set(
		    err, "another aimx daemon is already running (it answers on %s); stop it first",
		    sa.sun_path);
	if (unlink(sa.sun_path) < 0 && errno != ENOENT)
		return err_set(err, "cannot remove stale socket %s: %s", sa.sun_path,
		               strerror(errno));
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(sa.sun_path, 0666) < 0 || listen(fd, 128) < 0) {
		err_set(err, "cannot listen on %s: %s", sa.sun_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	write_pid_file();
	return fd;
}

void control_listen_close(void)
{
	char path[AIMX_PATH_MAX];
	if (paths_socket(path, sizeof(path)) == 0)
		unlink(path);
	if (paths_pid_file(path, sizeof(path)) == 0)
		unlink(path);
}
