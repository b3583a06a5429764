/* fdlink.h: unnamed files (O_TMPFILE, else a named stand-in) and linking an open file into
 * a directory, so a file is written and synced before it has a name anyone can see. */
#ifndef AIMX_FDLINK_H
#define AIMX_FDLINK_H

#define FDLINK_NAME_MAX 64 /* the stand-in's name inside its directory, NUL included */

/* A new empty file in dir, open read-write, mode 0600, close-on-exec. Where O_TMPFILE is
 * not supported, a named stand-in ".fdlink.XXXXXX" whose name goes to name (the caller
 * unlinks it once done); name is "" for an unnamed file. The fd, or -1 with errno. */
int fdlink_tmpfile(const char *dir, char name[FDLINK_NAME_MAX]);

/* Gives the open file fd the name `name` in the directory dirfd, never replacing anything
 * (EEXIST). Root links the fd itself (AT_EMPTY_PATH); others through /proc/self/fd. 0, or
 * -1 with errno. */
int fdlink_link(int fd, int dirfd, const char *name);

#endif
