/* run_program.h: run an external program to completion (service managers, useradd). */
#ifndef AIMX_RUN_PROGRAM_H
#define AIMX_RUN_PROGRAM_H

#define RUN_NOT_FOUND 127

/* Fork and execvp argv (argv[0] searched on PATH), wait for it. With quiet its stdout and
 * stderr go to /dev/null. The exit status (RUN_NOT_FOUND when it could not be started),
 * or -1 when fork failed or it was killed by a signal. */
int run_program(int quiet, char *const argv[]);

#endif
