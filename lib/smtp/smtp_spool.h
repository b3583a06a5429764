/* smtp_spool.h: the DATA spool of one SMTP session: the message leaves memory once it holds
 * SMTP_SPOOL_CHUNK bytes, for an unnamed file in the data dir (O_TMPFILE: nothing to find or
 * clean after a crash), mapped back whole when DATA ends. */
#ifndef AIMX_SMTP_SPOOL_H
#define AIMX_SMTP_SPOOL_H

#include <stddef.h>

#include "smtp/smtp_session.h"

#define SMTP_SPOOL_CHUNK    (1024 * 1024) /* bytes kept in memory before they go to the file */
#define SMTP_SPOOL_PATH_MAX 4096

struct smtp_spool {
	const char *dir; /* where the unnamed file is made */
	int fd;          /* -1 until the first message needs it */
	size_t len;      /* bytes of the current message in the file */
	void *map;       /* the whole message while it is handled */
	size_t map_len;
};

void smtp_spool_init(struct smtp_spool *sp, const char *dir);
/* After each feed: in DATA with SMTP_SPOOL_CHUNK or more in s->data, append them to the file
 * and tell the session (smtp_session_data_moved); a new message first empties the file. A
 * write that fails (a full disk) is the session's 452 (smtp_session_data_failed). */
void smtp_spool_take(struct smtp_spool *sp, struct smtp_session *s);
/* At the end of DATA, given how many bytes the session moved out of this message (its
 * data_moved) and those it still held: the whole message (tail itself when none were moved,
 * else the file mapped with tail appended) and its length in *len; NULL with errno when it
 * cannot be put together. Valid until smtp_spool_reset. */
const char *smtp_spool_message(struct smtp_spool *sp, size_t moved, const char *tail,
                               size_t tail_len, size_t *len);
/* Unmaps and empties the file, for the next message. */
void smtp_spool_reset(struct smtp_spool *sp);
void smtp_spool_close(struct smtp_spool *sp);

#endif
