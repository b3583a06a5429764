/* run_program.c: fork, exec and wait for an external program. */
#include "base/run_program.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static void child(int quiet, char *const argv[])
{
	int null = quiet ? open("/dev/null", O_WRONLY | O_CLOEXEC) : -1;
	if (quiet && (null < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0))
		_exit(RUN_NOT_FOUND);
	execvp(argv[0], argv);
	_exit(RUN_NOT_FOUND);
}

int run_program(int quiet, char *const argv[])
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		child(quiet, argv);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
