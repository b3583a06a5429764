/* ingest.c: route, parse, name and durably store one inbound message (mail.md 2.2, DECISIONS 1-5, 17). */
#include "store/ingest.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/log.h"
#include "base/owner.h"
#include "trust/trust.h"
#include "store/dedup.h"
#include "store/filename.h"
#include "store/frontmatter.h"
#include "store/inbound_fields.h"
#include "store/store.h"
#include "store/mailbox_dir.h"
#include "mime/mime.h"
#include "store/route.h"

#define TIME_TEXT_MAX 32

static int fail(struct ingest_result *res, enum ingest_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct ingest_result *res, enum ingest_status status, const char *fmt, ...)
{
	res->sys_errno = status == INGEST_FAILED ? errno : 0;
	va_list ap;
	va_start(ap, fmt);
	res->status = status;
	int rc = err_vset(res->error, fmt, ap);
	va_end(ap);
	return rc;
}

/* Everything the .md and the bundle are made of, built before the lock is taken. */
struct parsed {
	struct mime_message mime;
	struct inbound_fields f;
	struct trust_verdicts none;
	char trusted[TRUST_VERDICT_MAX];
	char received_at[TIME_TEXT_MAX];
	char stem_base[TIME_TEXT_MAX + SLUG_BUF];
	struct store_file *files;
	struct fm_attachment *meta;
};

static void parsed_free(struct parsed *p)
{
	mime_message_free(&p->mime);
	inbound_fields_free(&p->f);
	free(p->files);
	free(p->meta);
}

static const struct trust_verdicts *verdicts_of(const struct ingest_request *req,
					       const struct parsed *p)
{
	return req->verdicts ? req->verdicts : &p->none;
}

static int parse(const struct ingest_request *req, const struct mailbox *mb, time_t now,
		 struct parsed *p)
{
	struct tm tm;
	memset(p, 0, sizeof(*p));
	if (!gmtime_r(&now, &tm))
		return -1;
	strftime(p->received_at, sizeof(p->received_at), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (mime_parse(req->raw, req->len, &p->mime) < 0 ||
	    inbound_fields_extract(&p->mime, p->received_at, &p->f) < 0)
		return -1;
	char slug[SLUG_BUF], day[TIME_TEXT_MAX];
	filename_slug(p->f.subject, slug);
	strftime(day, sizeof(day), "%Y-%m-%d-%H%M%S", &tm);
	snprintf(p->stem_base, sizeof(p->stem_base), "%s-%s", day, slug);
	trust_verdicts_none(&p->none);
	trust_gate(req->cfg, mb, p->f.from, verdicts_of(req, p), p->trusted);
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

static int render(const struct ingest_request *req, const struct mailbox *mb, struct parsed *p,
		  const char *stem, struct buf *md)
{
	size_t n = p->mime.nattachments;
	for (size_t k = 0; k < n; k++)
		p->meta[k] = (struct fm_attachment){p->files[k].name,
						    p->mime.attachments[k].content_type,
						    p->mime.attachments[k].data.len, p->files[k].name};
	struct inbound_meta m = {
		.id = stem, .message_id = p->f.message_id, .thread_id = p->f.thread_id,
		.from = p->f.from, .to = p->f.to, .cc = p->f.cc, .reply_to = p->f.reply_to,
		.delivered_to = req->rcpt, .subject = p->f.subject, .date = p->f.date,
		.received_at = p->received_at, .received_from_ip = req->peer_ip,
		.size_bytes = req->len, .in_reply_to = p->f.in_reply_to,
		.references = p->f.references, .list_id = p->f.list_id,
		.auto_submitted = p->f.auto_submitted, .trusted = p->trusted, .mailbox = mb->name,
		.attachments = p->meta, .nattachments = n,
	};
	const struct trust_verdicts *v = verdicts_of(req, p);
	m.dkim = v->dkim;
	m.spf = v->spf;
	m.dmarc = v->dmarc;
	const char *body = p->mime.body ? p->mime.body : "";
	if (frontmatter_write_inbound(md, &m) < 0 || frontmatter_append_body(md, body, strlen(body)) < 0)
		return -1;
	return 0;
}

/* Under the mailbox lock only what must be serialised: the dedup check, and choosing and
 * reserving the name. The write and its fsyncs run unlocked, so sessions delivering to one
 * mailbox overlap their disk waits. The dedup record is written only once the message is
 * durable (store_unlocked): a crash in between can at worst store a retry twice, never
 * drop an acknowledged message as a duplicate of one that was not stored. */
static int claim_locked(const struct ingest_request *req, const struct mailbox *mb,
			struct parsed *p, const struct store_target *t, time_t now,
			struct ingest_result *res)
{
	int lock = mailbox_dir_lock(req->data_dir, mb->name);
	if (lock < 0)
		return fail(res, INGEST_FAILED, "cannot lock mailbox '%s': %s", mb->name,
			    strerror(errno));
	int rc = 0;
	if (dedup_seen(req->data_dir, mb->name, p->f.message_id, now))
		res->status = INGEST_DUPLICATE;
	else if (store_pick_stem(t, p->stem_base, res->id, sizeof(res->id)) < 0 ||
		 store_reserve(t, res->id) < 0)
		rc = fail(res, INGEST_FAILED, "cannot name the message in %s: %s", t->dir,
		          strerror(errno));
	mailbox_dir_unlock(lock);
	return rc;
}

static int store_unlocked(const struct ingest_request *req, const struct mailbox *mb,
                          struct parsed *p, const struct store_target *t, time_t now,
                          struct ingest_result *res)
{
	struct buf md = BUF_INIT;
	size_t n = p->mime.nattachments;
	int rc = store_unique_names(p->files, n, res->id);
	if (rc == 0)
		rc = render(req, mb, p, res->id, &md);
	if (rc == 0)
		rc = store_message(t, res->id, &md, p->files, n, res->path, sizeof(res->path));
	int saved = errno;
	buf_free(&md);
	store_release(t, res->id);
	if (rc < 0) {
		errno = saved;
		return fail(res, INGEST_FAILED, "cannot store the message in %s: %s", t->dir,
			    strerror(saved));
	}
	res->status = INGEST_STORED;
	if (dedup_record(req->data_dir, mb->name, p->f.message_id, now) < 0)
		log_event(LOG_WARN, "dedup_record_failed", "mailbox", mb->name, "message_id",
		          p->f.message_id, "error", strerror(errno), NULL);
	return 0;
}

static int target_for(const struct mailbox *mb, const char *dir, struct store_target *t)
{
	struct owner_ids ids = {(uid_t)-1, (gid_t)-1};
	if (geteuid() == 0 && owner_lookup(mb->owner, &ids) < 0)
		return -1;
	*t = (struct store_target){dir, ids.uid, ids.gid};
	return 0;
}

int ingest_message(const struct ingest_request *req, struct ingest_result *res)
{
	memset(res, 0, sizeof(*res));
	time_t now = req->now ? req->now : time(NULL);
	const struct mailbox *mb;
	if (route_recipient(req->cfg, req->rcpt, &mb) != ROUTE_OK)
		return fail(res, INGEST_NO_ROUTE, "no mailbox for recipient '%s'", req->rcpt);
	res->mailbox = mb;
	char dir[AIMX_PATH_MAX];
	struct store_target t;
	if (mailbox_dir_ensure(req->data_dir, "inbox", mb, dir, sizeof(dir)) < 0 ||
	    target_for(mb, dir, &t) < 0)
		return fail(res, INGEST_FAILED, "cannot prepare inbox/%s: %s", mb->name,
			    strerror(errno));
	struct parsed p;
	if (parse(req, mb, now, &p) < 0) {
		parsed_free(&p);
		return fail(res, INGEST_FAILED, "out of memory parsing the message");
	}
	int rc = claim_locked(req, mb, &p, &t, now, res);
	if (rc == 0 && res->status != INGEST_DUPLICATE)
		rc = store_unlocked(req, mb, &p, &t, now, res);
	if (rc == 0) {
		memcpy(res->trusted, p.trusted, sizeof(res->trusted));
		res->fields = p.f;
		memset(&p.f, 0, sizeof(p.f));
	}
	parsed_free(&p);
	return rc;
}

void ingest_result_free(struct ingest_result *res)
{
	inbound_fields_free(&res->fields);
}
