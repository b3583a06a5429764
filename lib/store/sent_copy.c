/* sent_copy.c: outbound frontmatter over the Markdown/text source, attachments beside it. */
#include "store/sent_copy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/owner.h"
#include "store/filename.h"
#include "store/frontmatter.h"
#include "store/inbound_fields.h"
#include "store/store.h"
#include "store/mailbox_dir.h"

#define TIME_MAX 32

struct copy_parts {
	struct mime_message mime;
	struct inbound_fields f;
	struct store_file *files;
	struct fm_attachment *meta;
	char now[TIME_MAX];
	char stem_base[TIME_MAX + SLUG_BUF];
};

static void parts_free(struct copy_parts *p)
{
	mime_message_free(&p->mime);
	inbound_fields_free(&p->f);
	free(p->files);
	free(p->meta);
}

static int prepare(const struct sent_copy *s, struct copy_parts *p)
{
	time_t t = time(NULL);
	struct tm tm;
	char day[TIME_MAX], slug[SLUG_BUF];
	memset(p, 0, sizeof(*p));
	if (!gmtime_r(&t, &tm) || mime_parse(s->signed_msg, s->signed_len, &p->mime) < 0)
		return -1;
	strftime(p->now, sizeof(p->now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	strftime(day, sizeof(day), "%Y-%m-%d-%H%M%S", &tm);
	if (inbound_fields_extract(&p->mime, p->now, &p->f) < 0)
		return -1;
	filename_slug(p->f.subject, slug);
	snprintf(p->stem_base, sizeof(p->stem_base), "%s-%s", day, slug);
	size_t n = s->om->parts.nattachments;
	p->files = calloc(n + 1, sizeof(*p->files));
	p->meta = calloc(n + 1, sizeof(*p->meta));
	if (!p->files || !p->meta)
		return -1;
	for (size_t k = 0; k < n; k++) {
		const struct mime_attachment *a = &s->om->parts.attachments[k];
		filename_attachment(a->filename, a->filename ? strlen(a->filename) : 0, k,
					 p->files[k].name);
		p->files[k].data = &a->data;
	}
	return 0;
}

static int render(const struct sent_copy *s, struct copy_parts *p, const char *stem,
		  const char *raw_to, struct buf *md)
{
	size_t n = s->om->parts.nattachments;
	for (size_t k = 0; k < n; k++)
		p->meta[k] = (struct fm_attachment){p->files[k].name,
						    s->om->parts.attachments[k].content_type,
						    s->om->parts.attachments[k].data.len, p->files[k].name};
	int delivered = strcmp(s->delivery_status, "delivered") == 0;
	struct outbound_meta m = {
		.id = stem, .message_id = p->f.message_id, .thread_id = p->f.thread_id,
		.from = p->f.from, .to = p->f.to, .cc = p->f.cc, .delivered_to = raw_to,
		.subject = p->f.subject, .date = p->now, .size_bytes = s->signed_len,
		.in_reply_to = p->f.in_reply_to, .references = p->f.references,
		.mailbox = s->mailbox->name, .bcc = s->bcc, .format = outbound_format_name(s->format),
		.delivery_status = s->delivery_status, .delivered_at = delivered ? p->now : NULL,
		.delivery_details = s->delivery_details, .tls = s->tls,
		.attachments = p->meta, .nattachments = n,
	};
	const struct buf *text = &s->om->text;
	return frontmatter_write_outbound(md, &m) < 0 ||
			       frontmatter_append_body(md, text->data ? text->data : "", text->len) < 0
		       ? -1
		       : 0;
}

static int place(const struct sent_copy *s, struct copy_parts *p, const char *dir,
		 char id[SENT_ID_MAX], char path[AIMX_PATH_MAX])
{
	struct owner_ids ids = {(uid_t)-1, (gid_t)-1};
	if (geteuid() == 0 && owner_lookup(s->mailbox->owner, &ids) < 0)
		return -1;
	struct store_target t = {dir, ids.uid, ids.gid, NULL, NULL};
	int lock = mailbox_dir_lock(s->data_dir, s->mailbox->name);
	if (lock < 0)
		return -1;
	int rc = store_pick_stem(&t, p->stem_base, id, SENT_ID_MAX) < 0 || store_reserve(&t, id) < 0
			 ? -1
			 : 0;
	mailbox_dir_unlock(lock);
	if (rc < 0)
		return -1;
	struct buf md = BUF_INIT;
	const char *raw_to = mime_header_get(&p->mime, "To");
	size_t n = s->om->parts.nattachments;
	rc = store_unique_names(p->files, n, id);
	if (rc == 0)
		rc = render(s, p, id, raw_to ? raw_to : "", &md);
	if (rc == 0)
		rc = store_message(&t, id, &md, p->files, n, path, AIMX_PATH_MAX);
	int saved = errno;
	store_release(&t, id);
	buf_free(&md);
	errno = saved;
	return rc;
}

int sent_copy_write(const struct sent_copy *s, char id[SENT_ID_MAX], char path[AIMX_PATH_MAX])
{
	char dir[AIMX_PATH_MAX];
	struct copy_parts p;
	memset(&p, 0, sizeof(p));
	int rc = -1;
	if (mailbox_dir_ensure(s->data_dir, "sent", s->mailbox, dir, sizeof(dir)) == 0 &&
	    prepare(s, &p) == 0)
		rc = place(s, &p, dir, id, path);
	int saved = errno;
	parts_free(&p);
	errno = saved;
	return rc;
}
