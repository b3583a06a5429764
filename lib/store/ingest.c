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
#include "store/dedup.h"
#include "store/ingest_parse.h"
#include "store/store.h"
#include "store/mailbox_dir.h"
#include "store/route.h"

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

/* Under the mailbox lock only what must be serialised: the dedup check, and choosing and
 * reserving the name. The write and its fsyncs run unlocked, so sessions delivering to one
 * mailbox overlap their disk waits. The dedup record is written only once the message is
 * durable (store_unlocked): a crash in between can at worst store a retry twice, never
 * drop an acknowledged message as a duplicate of one that was not stored. */
static int claim_locked(const struct ingest_request *req, const struct mailbox *mb,
			struct ingest_parsed *p, const struct store_target *t, time_t now,
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
                          struct ingest_parsed *p, const struct store_target *t, time_t now,
                          struct ingest_result *res)
{
	struct buf md = BUF_INIT;
	size_t n = p->mime.nattachments;
	int rc = store_unique_names(p->files, n, res->id);
	if (rc == 0)
		rc = ingest_render(req, mb, p, res->id, &md);
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
	*t = (struct store_target){dir, ids.uid, ids.gid, NULL, NULL};
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
	struct ingest_parsed p;
	if (ingest_parse(req, mb, now, &p) < 0) {
		ingest_parsed_free(&p);
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
	ingest_parsed_free(&p);
	return rc;
}

void ingest_result_free(struct ingest_result *res)
{
	inbound_fields_free(&res->fields);
}
