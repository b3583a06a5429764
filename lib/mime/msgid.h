/* msgid.h: Message-ID lists (Message-ID, In-Reply-To, References) and the thread id. */
#ifndef AIMX_MSGID_H
#define AIMX_MSGID_H

#include "base/strlist.h"

#define THREAD_ID_LEN 16

/* The ids of a header value, without their <>: every <...> in order; a value with no
 * brackets counts as one id (trimmed). 0, or -1 on ENOMEM. */
int msgid_list(const char *value, struct strlist *out);

/* DECISIONS row 5: the root is the first References id, else In-Reply-To, else the own
 * Message-ID (any may be NULL or ""); thread id = hex of the first 8 bytes of SHA-256. */
void msgid_thread_id(const char *references_root, const char *in_reply_to,
		       const char *message_id, char out[THREAD_ID_LEN + 1]);

#endif
