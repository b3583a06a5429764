/* ingest_parse.h: a received message parsed and rendered to its .md text, with no I/O (the part
 * of ingest shared by ingest_message and the inbound fuzz target). */
#ifndef AIMX_INGEST_PARSE_H
#define AIMX_INGEST_PARSE_H

#include <stddef.h>
#include <time.h>

#include "base/buf.h"
#include "conf/config.h"
#include "mime/mime.h"
#include "store/frontmatter.h"
#include "store/inbound_fields.h"
#include "store/store.h"
#include "trust/trust.h"

#define INGEST_TIME_MAX 32

/* One received message for one recipient (ingest_message stores it). */
struct ingest_request {
	const struct config *cfg;
	const char *data_dir;
	const char *rcpt;      /* envelope recipient, stored as delivered_to */
	const char *mail_from; /* envelope sender; NULL on the stdin path */
	const char *peer_ip;   /* SMTP peer; NULL on the stdin path (received_from_ip omitted) */
	const char *raw;       /* the message exactly as received */
	size_t len;
	time_t now;            /* 0: the current time */
	const struct trust_verdicts *verdicts; /* dkim/spf/dmarc of the message; NULL: all "none" */
};

/* Everything the .md and the bundle are made of, built before the mailbox lock is taken. */
struct ingest_parsed {
	struct mime_message mime;
	struct inbound_fields f;
	struct trust_verdicts none;
	char trusted[TRUST_VERDICT_MAX];
	char received_at[INGEST_TIME_MAX];
	char stem_base[INGEST_TIME_MAX + SLUG_BUF];
	struct store_file *files; /* one per attachment, named but not yet unique */
	struct fm_attachment *meta;
};

/* Parses req->raw for mailbox mb as received at now: MIME tree, frontmatter fields, trust
 * verdict, the stem's base and the attachment names. 0, or -1 on ENOMEM (free p either way). */
int ingest_parse(const struct ingest_request *req, const struct mailbox *mb, time_t now,
                 struct ingest_parsed *p);
/* Appends the .md text (frontmatter and body) of the message stored as stem to md; call
 * store_unique_names on p->files first. 0, or -1 on ENOMEM. */
int ingest_render(const struct ingest_request *req, const struct mailbox *mb,
                  struct ingest_parsed *p, const char *stem, struct buf *md);
void ingest_parsed_free(struct ingest_parsed *p);

#endif
