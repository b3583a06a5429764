/* inbound_fields.h: the frontmatter fields derived from a parsed message's headers (mail.md 2.3). */
#ifndef AIMX_INBOUND_FIELDS_H
#define AIMX_INBOUND_FIELDS_H

#include "mime/mime.h"
#include "mime/msgid.h"

struct inbound_fields {
	char *from;        /* first From mailbox, "Name <addr>" or "addr"; "" if none */
	char *to;          /* first To address, same format */
	char *cc;          /* all Cc, joined ", "; NULL if none */
	char *reply_to;    /* all Reply-To, joined ", "; NULL if none */
	char *subject;     /* decoded, "(no subject)" if absent */
	char *date;        /* RFC 3339 keeping the sender's offset, else received_at */
	char *message_id;  /* without <>, "" if absent */
	char *in_reply_to; /* the last id, NULL if none */
	char *references;  /* the whole chain space-separated without <> (DECISIONS 4), NULL if none */
	char *list_id;     /* raw, trimmed, NULL if absent */
	char *auto_submitted;
	char thread_id[THREAD_ID_LEN + 1];
};

/* 0, or -1 on ENOMEM (f is then freed). */
int inbound_fields_extract(const struct mime_message *m, const char *received_at,
			   struct inbound_fields *f);
void inbound_fields_free(struct inbound_fields *f);

#endif
