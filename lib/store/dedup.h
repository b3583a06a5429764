/* dedup.h: the per-mailbox Message-ID index that drops a re-delivered message within 24 h. */
#ifndef AIMX_DEDUP_H
#define AIMX_DEDUP_H

#include <time.h>

#define DEDUP_TTL_SECONDS (24 * 60 * 60)

/* One empty file per Message-ID under <data>/.aimx/msgid/<mailbox>/<sha256 prefix>, its
 * mtime the time it was stored: O(1) per message, shared by every process, survives
 * restarts. Callers hold the mailbox lock. An empty message_id is never a duplicate. */
int dedup_seen(const char *data_dir, const char *mailbox, const char *message_id, time_t now);
/* Record once the message is durable, never before: a record stands only for a stored
 * message. 0, or -1 with errno (the message stays stored). */
int dedup_record(const char *data_dir, const char *mailbox, const char *message_id, time_t now);

#endif
