/* smtp_spool.c: moving a growing DATA out of memory and mapping it back (see smtp_spool.h). */
#include "smtp/smtp_spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/fdlink.h"
#include "base/fileio.h"

void smtp_spool_init(struct smtp_spool *sp, const char *dir)
{
	*sp = (struct smtp_spool){dir, -1, 0, NULL, 0};
}

/* An unnamed file in dir (a named stand-in unlinked at once where O_TMPFILE is missing). */
static int spool_open(struct smtp_spool *sp)
{
	if (sp->fd >= 0)
		return sp->fd;
	char name[FDLINK_NAME_MAX], path[SMTP_SPOOL_PATH_MAX];
	sp->fd = fdlink_tmpfile(sp->dir, name);
	if (sp->fd >= 0 && name[0]) {
		snprintf(path, sizeof(path), "%s/%s", sp->dir, name);
		unlink(path);
	}
	return sp->fd;
}

static int spool_append(struct smtp_spool *sp, const char *p, size_t n)
{
	if (spool_open(sp) < 0 || fileio_write_all(sp->fd, p, n) < 0)
		return -1;
	sp->len += n;
	return 0;
}

void smtp_spool_take(struct smtp_spool *sp, struct smtp_session *s)
{
	if (s->state != SMTP_S_DATA || s->data.len < SMTP_SPOOL_CHUNK || s->data_error)
		return;
	if (s->data_moved == 0 && sp->len)
		smtp_spool_reset(sp); /* a message whose DATA never ended left its bytes here */
	if (spool_append(sp, s->data.data, s->data.len) < 0)
		smtp_session_data_failed(s, errno);
	else
		smtp_session_data_moved(s);
}

const char *smtp_spool_message(struct smtp_spool *sp, size_t moved, const char *tail,
                               size_t tail_len, size_t *len)
{
	*len = tail_len;
	if (moved == 0) {
		smtp_spool_reset(sp); /* bytes a refused message left behind are not this one's */
		return tail;
	}
	if (sp->len != moved)
		return errno = EIO, NULL;
	/* A NUL after the message, as a struct buf has, for readers that look one past it. */
	if (spool_append(sp, tail, tail_len) < 0 || fileio_write_all(sp->fd, "", 1) < 0)
		return NULL;
	sp->map = mmap(NULL, sp->len + 1, PROT_READ, MAP_PRIVATE, sp->fd, 0);
	if (sp->map == MAP_FAILED) {
		sp->map = NULL;
		return NULL;
	}
	sp->map_len = sp->len + 1;
	*len = sp->len;
	return sp->map;
}

void smtp_spool_reset(struct smtp_spool *sp)
{
	if (sp->map)
		munmap(sp->map, sp->map_len);
	sp->map = NULL;
	sp->map_len = 0;
	if (sp->fd >= 0 && (ftruncate(sp->fd, 0) < 0 || lseek(sp->fd, 0, SEEK_SET) < 0)) {
		close(sp->fd); /* a fresh file next time */
		sp->fd = -1;
	}
	sp->len = 0;
}

void smtp_spool_close(struct smtp_spool *sp)
{
	smtp_spool_reset(sp);
	if (sp->fd >= 0)
		close(sp->fd);
	sp->fd = -1;
}
