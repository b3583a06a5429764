/* smtp_deliver.h: a session worker storing one message for one recipient through the
 * privileged writer: it parses and renders, writes and syncs the files in its own spool,
 * and hands them over by fd; the writer names, places and syncs them. */
#ifndef AIMX_SMTP_DELIVER_H
#define AIMX_SMTP_DELIVER_H

#include "store/ingest.h"

#define SMTP_DELIVER_REPLY_MS 120000 /* longest wait for the writer's answer */

#include "store/handoff.h"

/* One delivery thread's link to the writer: its own channel and packet buffers. */
struct smtp_deliver_env {
	int chan;          /* this thread's channel to the writer */
	const char *spool; /* the worker's own directory, on the data dir's filesystem */
	struct handoff_packet *out, *in; /* 64 KiB each: allocated, not on a thread's stack */
	uint32_t seq;      /* of the last request */
};

/* Stores req's message as ingest_message would, through the writer. res->mailbox, status,
 * id, path, error and sys_errno are set (not the fields: the writer fires the hooks). 0 when
 * stored or a duplicate, -1 otherwise. */
int smtp_deliver(struct smtp_deliver_env *env, const struct ingest_request *req,
		 struct ingest_result *res);

#endif
