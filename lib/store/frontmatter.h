/* frontmatter.h: the TOML frontmatter of stored messages, in the exact key order of the spec. */
#ifndef AIMX_FRONTMATTER_H
#define AIMX_FRONTMATTER_H

#include <stddef.h>

#include "base/buf.h"
#include "conf/config.h"

struct fm_attachment {
	const char *filename;
	const char *content_type;
	size_t size;
	const char *path;
};

/* Inbound message metadata (mail.md 2.9). NULL optional fields are omitted, and so are
 * empty cc/reply_to/in_reply_to/references/list_id/auto_submitted. */
struct inbound_meta {
	const char *id, *message_id, *thread_id, *from, *to, *cc, *reply_to, *delivered_to;
	const char *subject, *date, *received_at, *received_from_ip;
	size_t size_bytes;
	const char *in_reply_to, *references, *list_id, *auto_submitted;
	const char *dkim, *spf, *dmarc, *trusted, *mailbox;
	int read;
	const char *read_at;
	const struct strlist *labels;
	const struct fm_attachment *attachments;
	size_t nattachments;
};

/* Appends "+++\n<toml>+++\n\n" to out. 0, or -1 on ENOMEM. */
int frontmatter_write_inbound(struct buf *out, const struct inbound_meta *m);

/* Sent-copy metadata (mail.md 5.8, DECISIONS 7, 11, 18). */
struct outbound_meta {
	const char *id, *message_id, *thread_id, *from, *to, *cc, *delivered_to, *subject, *date;
	size_t size_bytes;
	const char *in_reply_to, *references, *mailbox;
	const struct strlist *bcc;
	const char *format;           /* markdown | text | html */
	const char *delivery_status;  /* delivered | failed */
	const char *delivered_at;     /* NULL unless delivered */
	const char *delivery_details; /* NULL or "" to omit */
	const char *tls;              /* verified | unverified | none */
	const struct fm_attachment *attachments;
	size_t nattachments;
};

/* Appends "+++\n<toml>+++\n\n" in the outbound key order. 0, or -1 on ENOMEM. */
int frontmatter_write_outbound(struct buf *out, const struct outbound_meta *m);

/* Appends "<body>" plus a final "\n" when the body does not end with one. */
int frontmatter_append_body(struct buf *out, const char *body, size_t len);

#endif
