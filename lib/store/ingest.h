/* ingest.h: store one received message for one recipient (shared by SMTP DATA and `aimx ingest`). */
#ifndef AIMX_INGEST_H
#define AIMX_INGEST_H

#include <stddef.h>
#include <time.h>

#include "base/err.h"
#include "trust/trust.h"
#include "conf/config.h"
#include "store/inbound_fields.h"
#include "base/paths.h"
#include "store/ingest_parse.h"

#define INGEST_ID_MAX 128

enum ingest_status {
	INGEST_STORED,    /* durable on disk (fsync'd file and directory) */
	INGEST_DUPLICATE, /* same Message-ID stored in this mailbox within 24 h: nothing written */
	INGEST_NO_ROUTE,  /* no mailbox for the recipient */
	INGEST_FAILED,    /* temporary failure (I/O, disk full, memory): nothing left behind */
};

struct ingest_result {
	enum ingest_status status;
	const struct mailbox *mailbox;
	char id[INGEST_ID_MAX];       /* the stem, e.g. 2025-01-01-120001-hello */
	char path[AIMX_PATH_MAX];     /* the stored .md */
	char error[ERR_SIZE];         /* why, for NO_ROUTE and FAILED */
	int sys_errno;                /* errno behind a FAILED (ENOSPC: the disk is full), or 0 */
	char trusted[TRUST_VERDICT_MAX];   /* the mailbox's trust verdict, for the hook gate */
	struct inbound_fields fields;     /* the frontmatter fields, for the hook environment */
};

/* Returns 0 when the message is stored or a duplicate, -1 otherwise (see res->status). */
int ingest_message(const struct ingest_request *req, struct ingest_result *res);
/* Frees res->fields; call after every ingest_message. */
void ingest_result_free(struct ingest_result *res);

#endif
