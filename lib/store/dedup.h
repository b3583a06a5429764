/* dedup.h: the per-mailbox Message-ID index that drops a re-delivered message within 24 h. */
#ifndef AIMX_DEDUP_H
#define AIMX_DEDUP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define DEDUP_TTL_SECONDS (24 * 60 * 60)

/* An append-only log per mailbox, <data>/.aimx/msgid/<mailbox>.log, one line per stored
 * Message-ID: "<unix time> <sha256 prefix, 32 hex>\n", shared by every process (appends are
 * atomic) and surviving restarts. A long-lived holder keeps it as an in-memory hash table:
 * O(1) per check and per record; at most once an hour, past 4096 lines, the table and the
 * log are rewritten with only the entries within the TTL (amortised O(1), outside any
 * mailbox lock). An empty message_id is never a duplicate. */
struct dedup_index {
	char path[4096];
	uint64_t *keys; /* 0: empty slot */
	int64_t *times;
	size_t cap, used;   /* slots, and slots in use */
	size_t lines;       /* lines in the log */
	long long read_to;  /* bytes of the log read so far (other processes append too) */
	time_t compacted_at; /* last rewrite; 0: none yet */
	int log_fd;         /* the log, open for appends once written to; -1 before */
};

/* Loads the mailbox's log (an absent one is empty). 0, or -1 with errno. */
int dedup_index_open(struct dedup_index *ix, const char *data_dir, const char *mailbox);
/* 1 when message_id was stored within the TTL before now (reading what others appended). */
int dedup_index_seen(struct dedup_index *ix, const char *message_id, time_t now);
/* Record once the message is durable, never before: a record stands only for a stored
 * message. 0, or -1 with errno (the message stays stored). */
int dedup_index_record(struct dedup_index *ix, const char *message_id, time_t now);
void dedup_index_free(struct dedup_index *ix);

/* One-off check and record (the `aimx ingest` path), under the mailbox lock: O(log size). */
int dedup_seen(const char *data_dir, const char *mailbox, const char *message_id, time_t now);
int dedup_record(const char *data_dir, const char *mailbox, const char *message_id, time_t now);

#endif
