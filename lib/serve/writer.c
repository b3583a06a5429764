/* writer.c: the writer's loop: channels, claims, commits, the group fsync, hooks. */
#include "serve/writer.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "hooks/hook_receive.h"
#include "store/commit.h"
#include "store/handoff.h"
#include "serve/writer_sync.h"

#define WRITER_HOOK_FIELDS 5

struct chan {
	int fd;
	struct commit_claim claim;
	int committed;              /* linked, waiting for a folder sync to start */
	int syncing;                /* linked, in the batch being synced */
	uint32_t seq;
	struct ingest_result done;  /* the stored message, for the reply and the hooks */
};

struct writer {
	struct config_watch *w;
	struct commit_store cs;
	int master;                 /* -1 once the master has gone */
	struct chan *chans;
	size_t n;
	struct ingest_result *hooks; /* this batch's messages with hooks to fire */
	size_t nhooks;
	struct writer_sync sync;
};

static struct handoff_packet writer_in, writer_out;
static char writer_text[2][HANDOFF_FIELD_MAX + 1];

static int held(void *ctx, const char *mailbox, const char *stem)
{
	const struct writer *wr = ctx;
	for (size_t k = 0; k < wr->n; k++) {
		const struct commit_claim *c = &wr->chans[k].claim;
		if (c->active && strcmp(c->mailbox, mailbox) == 0 && strcmp(c->stem, stem) == 0)
			return 1;
	}
	return 0;
}

static void reply(struct chan *ch, uint32_t type, uint32_t status, int err, const char *text)
{
	handoff_begin(&writer_out, type, ch->seq);
	handoff_put_u32(&writer_out, status);
	if (type == HANDOFF_DONE)
		handoff_put_u32(&writer_out, (uint32_t)err);
	if (handoff_put_str(&writer_out, text) < 0 || handoff_send(ch->fd, &writer_out) < 0)
		log_event(LOG_WARN, "writer.reply_failed", "error", strerror(errno), NULL);
}

static void on_claim(struct writer *wr, struct chan *ch)
{
	char mailbox[COMMIT_NAME_MAX], base[COMMIT_STEM_MAX], err[ERR_SIZE];
	char *rcpt = writer_text[0], *mid = writer_text[1];
	if (handoff_get_str(&writer_in, rcpt, HANDOFF_FIELD_MAX + 1) < 0 ||
	    handoff_get_str(&writer_in, mailbox, sizeof(mailbox)) < 0 ||
	    handoff_get_str(&writer_in, base, sizeof(base)) < 0 ||
	    handoff_get_str(&writer_in, mid, HANDOFF_FIELD_MAX + 1) < 0 || !handoff_done_reading(&writer_in)) {
		commit_abandon(&wr->cs, &ch->claim);
		return reply(ch, HANDOFF_CLAIMED, HANDOFF_REFUSED, 0, "malformed claim");
	}
	int status = commit_claim(&wr->cs, &ch->claim, rcpt, mailbox, base, mid, held, wr,
				  time(NULL), err);
	if (status == HANDOFF_REFUSED)
		log_event(LOG_WARN, "writer.claim_refused", "rcpt", rcpt, "mailbox", mailbox,
			  "error", err, NULL);
	reply(ch, HANDOFF_CLAIMED, (uint32_t)status, 0, status == HANDOFF_OK ? ch->claim.stem : err);
}

static void on_file(struct writer *wr, struct chan *ch)
{
	char name[ATTACHMENT_NAME_BUF], err[ERR_SIZE];
	int status;
	if (writer_in.fd < 0 || handoff_get_str(&writer_in, name, sizeof(name)) < 0 ||
	    !handoff_done_reading(&writer_in))
		status = HANDOFF_REFUSED, snprintf(err, sizeof(err), "malformed attachment");
	else
		status = commit_file(&wr->cs, &ch->claim, name, writer_in.fd, err);
	if (status != HANDOFF_OK) {
		log_event(LOG_WARN, "writer.file_refused", "error", err, NULL);
		commit_abandon(&wr->cs, &ch->claim);
	}
	reply(ch, HANDOFF_FILED, (uint32_t)status, 0, status == HANDOFF_OK ? "" : err);
}

/* The hook fields of a commit: trusted, from, to, subject, message_id, date. */
static int read_fields(struct ingest_result *r)
{
	char **dst[WRITER_HOOK_FIELDS] = {&r->fields.from, &r->fields.to, &r->fields.subject,
					  &r->fields.message_id, &r->fields.date};
	if (handoff_get_str(&writer_in, r->trusted, sizeof(r->trusted)) < 0)
		return -1;
	for (size_t k = 0; k < WRITER_HOOK_FIELDS; k++) {
		if (handoff_get_str(&writer_in, writer_text[0], HANDOFF_FIELD_MAX + 1) < 0 ||
		    !(*dst[k] = strdup(writer_text[0])))
			return -1;
	}
	return handoff_done_reading(&writer_in) ? 0 : -1;
}

static void on_commit(struct writer *wr, struct chan *ch)
{
	char err[ERR_SIZE];
	struct ingest_result *r = &ch->done;
	ingest_result_free(r);
	memset(r, 0, sizeof(*r));
	int status;
	if (writer_in.fd < 0 || read_fields(r) < 0)
		status = HANDOFF_REFUSED, snprintf(err, sizeof(err), "malformed commit");
	else
		status = commit_link(&wr->cs, &ch->claim, writer_in.fd, held, wr, r->path, err);
	int saved = errno;
	if (status == HANDOFF_OK) {
		ch->committed = 1;
		r->status = INGEST_STORED;
		r->mailbox = config_find_mailbox(&wr->w->cfg, ch->claim.mailbox);
		snprintf(r->id, sizeof(r->id), "%s", ch->claim.stem);
		return;
	}
	if (status == HANDOFF_RESTEM)
		return reply(ch, HANDOFF_DONE, HANDOFF_RESTEM, 0, ch->claim.stem);
	log_event(LOG_WARN, "writer.commit_failed", "mailbox", ch->claim.mailbox, "error", err, NULL);
	commit_abandon(&wr->cs, &ch->claim);
	reply(ch, HANDOFF_DONE, (uint32_t)status, status == HANDOFF_FAILED ? saved : 0, err);
}

static void chan_close(struct writer *wr, size_t k)
{
	struct chan *ch = &wr->chans[k];
	commit_abandon(&wr->cs, &ch->claim);
	ingest_result_free(&ch->done);
	close(ch->fd);
	wr->chans[k] = wr->chans[--wr->n];
}

/* Up to WRITER_BURST packets of channel k. 0, or -1 when it is to be closed. */
static int serve_chan(struct writer *wr, struct chan *ch)
{
	for (int burst = 0; burst < WRITER_BURST && !ch->committed; burst++) {
		int got = handoff_recv(ch->fd, &writer_in);
		if (got < 0 && errno == EAGAIN)
			return 0;
		if (got <= 0)
			return -1;
		ch->seq = handoff_seq(&writer_in);
		uint32_t type = handoff_type(&writer_in);
		if (type == HANDOFF_CLAIM)
			on_claim(wr, ch);
		else if (type == HANDOFF_FILE)
			on_file(wr, ch);
		else if (type == HANDOFF_COMMIT)
			on_commit(wr, ch);
		if (writer_in.fd >= 0)
			close(writer_in.fd);
		if (type != HANDOFF_CLAIM && type != HANDOFF_FILE && type != HANDOFF_COMMIT) {
			log_event(LOG_WARN, "writer.bad_packet", "note", "channel closed", NULL);
			return -1;
		}
	}
	return 0;
}

static void keep_for_hooks(struct writer *wr, struct ingest_result *r)
{
	struct ingest_result *grown;
	if (!hook_receive_pending(&wr->w->cfg, r) ||
	    !(grown = realloc(wr->hooks, (wr->nhooks + 1) * sizeof(*grown)))) {
		ingest_result_free(r);
		return;
	}
	wr->hooks = grown;
	wr->hooks[wr->nhooks++] = *r;
}

/* The end of a group commit: the answers to the messages of the batch (those still
 * connected), then the hooks. */
static void finish_batch(struct writer *wr, int synced, int err)
{
	time_t now = time(NULL);
	for (size_t k = 0; k < wr->n; k++) {
		struct chan *ch = &wr->chans[k];
		if (!ch->syncing)
			continue;
		ch->syncing = 0;
		if (synced) {
			commit_record(&wr->cs, &ch->claim, now);
			reply(ch, HANDOFF_DONE, HANDOFF_OK, 0, ch->done.path);
			keep_for_hooks(wr, &ch->done);
			memset(&ch->done, 0, sizeof(ch->done));
		} else {
			commit_unlink(&ch->claim, ch->done.path);
			reply(ch, HANDOFF_DONE, HANDOFF_FAILED, err, strerror(err));
		}
		commit_abandon(&wr->cs, &ch->claim);
	}
	if (wr->nhooks)
		hook_receive_fire_detached(&wr->w->cfg, wr->hooks, wr->nhooks);
	for (size_t k = 0; k < wr->nhooks; k++)
		ingest_result_free(&wr->hooks[k]);
	wr->nhooks = 0;
}

/* The group commit: every message linked since the last batch goes into a new one, whose
 * folders (one fsync each) the sync thread takes while the loop goes on (or the loop
 * itself, when syncs cost next to nothing). */
static void start_batch(struct writer *wr)
{
	int fds[WRITER_SYNC_MAX];
	size_t waiting = 0;
	for (size_t k = 0; k < wr->n; k++)
		if (wr->chans[k].committed) {
			wr->chans[k].committed = 0;
			wr->chans[k].syncing = 1;
			waiting++;
		}
	if (!waiting)
		return;
	int err = 0, n = commit_sync_take(&wr->cs, fds, WRITER_SYNC_MAX);
	int done = n > 0 ? writer_sync_submit(&wr->sync, fds, (size_t)n, &err) : 1;
	if (n < 0 || done < 0)
		err = errno;
	if (done)
		finish_batch(wr, err == 0, err);
}

static void take_channel(struct writer *wr)
{
	int got = handoff_recv(wr->master, &writer_in);
	if (got < 0 && errno == EAGAIN)
		return;
	if (got <= 0) {
		close(wr->master);
		wr->master = -1;
		return;
	}
	struct chan *grown = realloc(wr->chans, (wr->n + 1) * sizeof(*grown));
	if (handoff_type(&writer_in) != HANDOFF_CHANNEL || writer_in.fd < 0 || !grown ||
	    fcntl(writer_in.fd, F_SETFL, O_NONBLOCK) < 0) {
		if (grown)
			wr->chans = grown;
		if (writer_in.fd >= 0)
			close(writer_in.fd);
		return;
	}
	wr->chans = grown;
	wr->chans[wr->n++] = (struct chan){.fd = writer_in.fd, .claim = {.bundle_fd = -1}};
}

static void round_of(struct writer *wr, struct pollfd *pfd)
{
	size_t n = wr->n;
	for (size_t k = n; k-- > 0;)
		if (pfd[k].revents && serve_chan(wr, &wr->chans[k]) < 0)
			chan_close(wr, k);
	if (pfd[n + 1].revents) {
		int synced = writer_sync_result(&wr->sync) == 0;
		finish_batch(wr, synced, errno);
	}
	if (!wr->sync.busy)
		start_batch(wr);
	if (wr->master >= 0 && pfd[n].revents)
		take_channel(wr);
}

int writer_run(struct config_watch *w, int master, uid_t worker_uid)
{
	struct writer wr = {.w = w, .master = master};
	commit_store_init(&wr.cs, &w->cfg, w->data_dir, worker_uid);
	if (fcntl(master, F_SETFL, O_NONBLOCK) < 0 || writer_sync_start(&wr.sync) < 0)
		return 1;
	log_event(LOG_INFO, "writer.started", NULL);
	struct pollfd *pfd = NULL; /* one per channel, the master's, the sync thread's */
	size_t pfd_cap = 0;
	while (wr.master >= 0 || wr.n || wr.sync.busy) {
		if (wr.n + 2 > pfd_cap) {
			struct pollfd *grown = realloc(pfd, (wr.n + 2) * sizeof(*pfd));
			if (!grown)
				return 1;
			pfd = grown;
			pfd_cap = wr.n + 2;
		}
		for (size_t k = 0; k < wr.n; k++) { /* a message in a group commit waits for it */
			const struct chan *ch = &wr.chans[k];
			pfd[k] = (struct pollfd){ch->committed || ch->syncing ? -1 : ch->fd, POLLIN, 0};
		}
		pfd[wr.n] = (struct pollfd){wr.master, POLLIN, 0};
		pfd[wr.n + 1] = (struct pollfd){wr.sync.busy ? wr.sync.chan : -1, POLLIN, 0};
		int r = poll(pfd, wr.n + 2, -1);
		if (r > 0) {
			if (config_watch_refresh(w, 0))
				commit_store_reset(&wr.cs, &w->cfg);
			round_of(&wr, pfd);
		}
		if (r < 0 && errno != EINTR)
			return 1;
	}
	free(pfd);
	writer_sync_stop(&wr.sync);
	commit_store_free(&wr.cs);
	free(wr.chans);
	free(wr.hooks);
	return 0;
}
