/* sent_copy.h: the copy of a sent message under sent/<mailbox>/ (mail.md 5.8, DECISIONS 10, 11). */
#ifndef AIMX_SENT_COPY_H
#define AIMX_SENT_COPY_H

#include <stddef.h>

#include "conf/config.h"
#include "mime/outbound.h"
#include "base/err.h"
#include "base/paths.h"

#define SENT_ID_MAX 128

struct sent_copy {
	const char *data_dir;
	const struct mailbox *mailbox;
	const struct outbound_message *om; /* the text the user wrote and the attachments */
	enum outbound_format format;
	const char *signed_msg;            /* for the header fields and size_bytes */
	size_t signed_len;
	const struct strlist *bcc;
	const char *delivery_status;       /* delivered | failed */
	const char *delivery_details;
	const char *tls;
};

/* Writes the copy durably (temp, fsync, rename, fsync dir), as a bundle with the
 * attachments when there are any, owned by the mailbox owner. 0 with id and path, or -1
 * with errno. */
int sent_copy_write(const struct sent_copy *s, char id[SENT_ID_MAX], char path[AIMX_PATH_MAX]);

/* Before delivering: is there room under <data_dir>/sent for the copy of a signed message
 * of signed_len bytes? 0, or -1 with err saying the disk is full and nothing was sent. */
int sent_copy_room(const char *data_dir, size_t signed_len, char err[ERR_SIZE]);

#endif
