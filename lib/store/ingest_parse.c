/* ingest_parse.c: parse a received message and render its .md text (mail.md 2.3, 2.9). */
#include "store/ingest_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/filename.h"

void ingest_parsed_free(struct ingest_parsed *p)
{
	mime_message_free(&p->mime);
	inbound_fields_free(&p->f);
	free(p->files);
	free(p->meta);
}

static const struct trust_verdicts *verdicts_of(const struct ingest_request *req,
                                                const struct ingest_parsed *p)
{
	return req->verdicts ? req->verdicts : &p->none;
}

static int name_files(struct ingest_parsed *p)
{
	size_t n = p->mime.nattachments;
	p->files = calloc(n + 1, sizeof(*p->files));
	p->meta = calloc(n + 1, sizeof(*p->meta));
	if (!p->files || !p->meta)
		return -1;
	for (size_t k = 0; k < n; k++) {
		const struct mime_attachment *a = &p->mime.attachments[k];
		filename_attachment(a->filename, a->filename ? strlen(a->filename) : 0, k,
		                    p->files[k].name);
		p->files[k].data = &a->data;
	}
	return 0;
}

int ingest_parse(const struct ingest_request *req, const struct mailbox *mb, time_t now,
                 struct ingest_parsed *p)
{
	struct tm tm;
	memset(p, 0, sizeof(*p));
	if (!gmtime_r(&now, &tm))
		return -1;
	strftime(p->received_at, sizeof(p->received_at), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (mime_parse(req->raw, req->len, &p->mime) < 0 ||
	    inbound_fields_extract(&p->mime, p->received_at, &p->f) < 0)
		return -1;
	char slug[SLUG_BUF], day[INGEST_TIME_MAX];
	filename_slug(p->f.subject, slug);
	strftime(day, sizeof(day), "%Y-%m-%d-%H%M%S", &tm);
	snprintf(p->stem_base, sizeof(p->stem_base), "%s-%s", day, slug);
	trust_verdicts_none(&p->none);
	trust_gate(req->cfg, mb, p->f.from, verdicts_of(req, p), p->trusted);
	return name_files(p);
}

int ingest_render(const struct ingest_request *req, const struct mailbox *mb,
                  struct ingest_parsed *p, const char *stem, struct buf *md)
{
	size_t n = p->mime.nattachments;
	for (size_t k = 0; k < n; k++)
		p->meta[k] =
		    (struct fm_attachment){p->files[k].name, p->mime.attachments[k].content_type,
		                           p->mime.attachments[k].data.len, p->files[k].name};
	struct inbound_meta m = {
	    .id = stem,
	    .message_id = p->f.message_id,
	    .thread_id = p->f.thread_id,
	    .from = p->f.from,
	    .to = p->f.to,
	    .cc = p->f.cc,
	    .reply_to = p->f.reply_to,
	    .delivered_to = req->rcpt,
	    .subject = p->f.subject,
	    .date = p->f.date,
	    .received_at = p->received_at,
	    .received_from_ip = req->peer_ip,
	    .size_bytes = req->len,
	    .in_reply_to = p->f.in_reply_to,
	    .references = p->f.references,
	    .list_id = p->f.list_id,
	    .auto_submitted = p->f.auto_submitted,
	    .trusted = p->trusted,
	    .mailbox = mb->name,
	    .attachments = p->meta,
	    .nattachments = n,
	};
	const struct trust_verdicts *v = verdicts_of(req, p);
	m.dkim = v->dkim;
	m.spf = v->spf;
	m.dmarc = v->dmarc;
	const char *body = p->mime.body ? p->mime.body : "";
	if (frontmatter_write_inbound(md, &m) < 0 ||
	    frontmatter_append_body(md, body, strlen(body)) < 0)
		return -1;
	return 0;
}
