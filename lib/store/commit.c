/* commit.c: the writer's claims, links and group fsync (see commit.h). */
#include "store/commit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/fdlink.h"
#include "base/fileio.h"
#include "base/log.h"
#include "base/owner.h"
#include "base/path_join.h"
#include "base/utf8.h"
#include "store/dedup.h"
#include "store/handoff.h"
#include "store/mailbox_dir.h"
#include "store/route.h"
#include "store/store.h"

#define COMMIT_FILES_MAX 4096 /* attachments in one bundle */

static int refuse(int status, char err[ERR_SIZE], const char *fmt, const char *arg)
{
	err_set(err, fmt, arg);
	return status;
}

static int failed(char err[ERR_SIZE], const char *what, const char *where)
{
	err_set(err, "cannot %s in %s: %s", what, where, strerror(errno));
	return HANDOFF_FAILED;
}

void commit_store_init(struct commit_store *cs, const struct config *cfg, const char *data_dir,
		       uid_t worker_uid)
{
	*cs = (struct commit_store){cfg, data_dir, worker_uid, 0, NULL, 0, NULL, 0, 0};
	long long max = config_limits_get(&cfg->limits, LIMK_MAX_MESSAGE_SIZE);
	cs->file_max = (off_t)(4 * max + 1024 * 1024);
}

/* A dirty folder's descriptor stays open for the next sync; if it cannot be kept, it is
 * synced now. */
static void keep_unsynced(struct commit_store *cs, int dirfd)
{
	int *grown = realloc(cs->unsynced, (cs->nunsynced + 1) * sizeof(*grown));
	if (grown) {
		cs->unsynced = grown;
		cs->unsynced[cs->nunsynced++] = dirfd;
		return;
	}
	if (fsync(dirfd) < 0 && !cs->unsynced_err)
		cs->unsynced_err = errno; /* the next batch fails: its messages are not acknowledged */
	close(dirfd);
}

void commit_store_reset(struct commit_store *cs, const struct config *cfg)
{
	for (size_t k = 0; k < cs->nboxes; k++) {
		if (cs->boxes[k].dirty)
			keep_unsynced(cs, cs->boxes[k].dirfd);
		else
			close(cs->boxes[k].dirfd);
		close(cs->boxes[k].lockfd);
		dedup_index_free(&cs->boxes[k].dedup);
	}
	free(cs->boxes);
	int *unsynced = cs->unsynced, unsynced_err = cs->unsynced_err;
	size_t nunsynced = cs->nunsynced;
	commit_store_init(cs, cfg, cs->data_dir, cs->worker_uid);
	cs->unsynced = unsynced;
	cs->nunsynced = nunsynced;
	cs->unsynced_err = unsynced_err;
}

void commit_store_free(struct commit_store *cs)
{
	commit_store_reset(cs, cs->cfg);
	commit_sync_fds(cs->unsynced, cs->nunsynced);
	free(cs->unsynced);
	cs->unsynced = NULL;
	cs->nunsynced = 0;
}

static int box_open(struct commit_store *cs, const struct mailbox *mb, struct commit_box *b)
{
	struct owner_ids ids = {(uid_t)-1, (gid_t)-1};
	struct stat st;
	if (geteuid() == 0 && owner_lookup(mb->owner, &ids) < 0) {
		errno = ENOENT;
		return -1;
	}
	snprintf(b->name, sizeof(b->name), "%s", mb->name);
	if (mailbox_dir_make(cs->data_dir, "inbox", mb->name, &ids, b->dir, sizeof(b->dir)) < 0)
		return -1;
	b->dirfd = open(b->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (b->dirfd < 0)
		return -1;
	b->lockfd = mailbox_dir_lock_open(cs->data_dir, mb->name);
	if (b->lockfd < 0 || fstat(b->dirfd, &st) < 0 ||
	    dedup_index_open(&b->dedup, cs->data_dir, mb->name) < 0) {
		int saved = errno;
		close(b->dirfd);
		if (b->lockfd >= 0)
			close(b->lockfd);
		errno = saved;
		return -1;
	}
	b->dev = st.st_dev;
	b->ino = st.st_ino;
	b->uid = ids.uid;
	b->gid = ids.gid;
	b->dirty = 0;
	b->burst_base[0] = '\0';
	b->burst_n = 0;
	return 0;
}

/* A folder whose owner or mode was changed by hand is given back (no chown when unchanged:
 * that would dirty the inode every time). */
static int heal_drift(const struct commit_box *b, const struct stat *st)
{
	if (b->uid != (uid_t)-1 && (st->st_uid != b->uid || st->st_gid != b->gid) &&
	    fchown(b->dirfd, b->uid, b->gid) < 0)
		return -1;
	if ((st->st_mode & 07777) != 0700 && fchmod(b->dirfd, 0700) < 0)
		return -1;
	return 0;
}

/* The cached folder of mb, made again when its path no longer names the folder we hold. */
static struct commit_box *box_get(struct commit_store *cs, const struct mailbox *mb)
{
	struct stat st;
	for (size_t k = 0; k < cs->nboxes; k++) {
		struct commit_box *b = &cs->boxes[k];
		if (strcmp(b->name, mb->name))
			continue;
		if (stat(b->dir, &st) == 0 && st.st_dev == b->dev && st.st_ino == b->ino)
			return heal_drift(b, &st) == 0 ? b : NULL;
		if (b->dirty && fsync(b->dirfd) < 0)
			return NULL;
		close(b->dirfd);
		close(b->lockfd);
		dedup_index_free(&b->dedup);
		return box_open(cs, mb, b) == 0 ? b : NULL;
	}
	struct commit_box *grown = realloc(cs->boxes, (cs->nboxes + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	cs->boxes = grown;
	if (box_open(cs, mb, &grown[cs->nboxes]) < 0)
		return NULL;
	return &grown[cs->nboxes++];
}

static struct commit_box *box_named(struct commit_store *cs, const char *name)
{
	const struct mailbox *mb = config_find_mailbox(cs->cfg, name);
	if (!mb) {
		errno = ENOENT;
		return NULL;
	}
	return box_get(cs, mb);
}

/* A stem base as ingest makes it: valid UTF-8, no '/', no control character, no leading
 * '.', with room for a "-N" counter. */
static int stem_base_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > COMMIT_STEM_MAX - 16 || s[0] == '.' || !utf8_valid(s, n))
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p == '/' || *p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* An attachment name as filename_attachment makes it (counter included). */
static int file_name_valid(const char *s)
{
	return strlen(s) < ATTACHMENT_NAME_BUF && stem_base_valid(s) && strcmp(s, "..");
}

struct held_adapter {
	commit_held_fn held;
	void *ctx;
	const char *mailbox;
};

static int held_in_writer(void *ctx, const char *stem)
{
	const struct held_adapter *a = ctx;
	return a->held && a->held(a->ctx, a->mailbox, stem);
}

static int pick_stem(struct commit_box *b, const char *base, char stem[COMMIT_STEM_MAX],
		     commit_held_fn held, void *held_ctx)
{
	struct held_adapter a = {held, held_ctx, b->name};
	struct store_target t = {b->dir, b->uid, b->gid, held_in_writer, &a};
	char picked[COMMIT_STEM_MAX]; /* not stem itself: a claim being renamed holds that */
	unsigned n = strcmp(b->burst_base, base) == 0 ? b->burst_n : 0;
	if (store_pick_stem_after(&t, base, &n, picked, sizeof(picked)) < 0)
		return -1;
	snprintf(b->burst_base, sizeof(b->burst_base), "%s", base);
	b->burst_n = n;
	memcpy(stem, picked, sizeof(picked));
	return 0;
}

int commit_claim(struct commit_store *cs, struct commit_claim *c, const char *rcpt,
		 const char *mailbox, const char *stem_base, const char *message_id,
		 commit_held_fn held, void *held_ctx, time_t now, char err[ERR_SIZE])
{
	commit_abandon(cs, c);
	const struct mailbox *mb;
	if (route_recipient(cs->cfg, rcpt, &mb) != ROUTE_OK)
		return refuse(HANDOFF_REFUSED, err, "no mailbox for recipient '%s'", rcpt);
	if (strcmp(mb->name, mailbox) != 0)
		return refuse(HANDOFF_REFUSED, err, "the recipient does not route to mailbox '%s'",
			      mailbox);
	if (!stem_base_valid(stem_base))
		return refuse(HANDOFF_REFUSED, err, "invalid message name '%s'", stem_base);
	struct commit_box *b = box_get(cs, mb);
	if (!b)
		return failed(err, "open the folder", mailbox);
	if (dedup_index_seen(&b->dedup, message_id, now))
		return HANDOFF_DUPLICATE;
	if (pick_stem(b, stem_base, c->stem, held, held_ctx) < 0)
		return failed(err, "name the message", b->dir);
	c->message_id = strdup(message_id);
	if (!c->message_id)
		return failed(err, "keep the claim", b->dir);
	snprintf(c->mailbox, sizeof(c->mailbox), "%s", mb->name);
	c->active = 1;
	return HANDOFF_OK;
}

/* A regular file of the worker's, not linked anywhere, not too large; then the owner's. */
static int take_file(const struct commit_store *cs, const struct commit_box *b, int fd,
		     char err[ERR_SIZE])
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return failed(err, "inspect a file", b->dir);
	if (!S_ISREG(st.st_mode) || st.st_nlink > 1 ||
	    (cs->worker_uid != (uid_t)-1 && st.st_uid != cs->worker_uid))
		return refuse(HANDOFF_REFUSED, err, "%s", "not a file of the worker's own");
	if (st.st_size > cs->file_max || st.st_dev != b->dev)
		return refuse(HANDOFF_REFUSED, err, "%s", "a file too large or on another filesystem");
	if (b->uid != (uid_t)-1 && fchown(fd, b->uid, b->gid) < 0)
		return failed(err, "give a file to the owner", b->dir);
	if (fchmod(fd, 0600) < 0)
		return failed(err, "set a file's mode", b->dir);
	return HANDOFF_OK;
}

static int open_bundle(struct commit_store *cs, struct commit_claim *c, struct commit_box *b,
		       char err[ERR_SIZE])
{
	snprintf(c->bundle, sizeof(c->bundle), ".%s.tmp.%ld", c->stem, (long)getpid());
	if (mkdirat(b->dirfd, c->bundle, 0700) < 0)
		return failed(err, "make a bundle", b->dir);
	c->bundle_fd = openat(b->dirfd, c->bundle, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (c->bundle_fd < 0 || (b->uid != (uid_t)-1 && fchown(c->bundle_fd, b->uid, b->gid) < 0)) {
		int rc = failed(err, "make a bundle", b->dir);
		commit_abandon(cs, c);
		return rc;
	}
	return HANDOFF_OK;
}

int commit_file(struct commit_store *cs, struct commit_claim *c, const char *name, int fd,
		char err[ERR_SIZE])
{
	if (!c->active)
		return refuse(HANDOFF_REFUSED, err, "%s", "an attachment without a claim");
	if (!file_name_valid(name) || c->nfiles >= COMMIT_FILES_MAX)
		return refuse(HANDOFF_REFUSED, err, "invalid attachment name '%s'", name);
	struct commit_box *b = box_named(cs, c->mailbox);
	if (!b)
		return failed(err, "open the folder", c->mailbox);
	int rc = take_file(cs, b, fd, err);
	if (rc == HANDOFF_OK && c->bundle_fd < 0)
		rc = open_bundle(cs, c, b, err);
	if (rc != HANDOFF_OK)
		return rc;
	if (fdlink_link(fd, c->bundle_fd, name) < 0)
		return errno == EEXIST ? refuse(HANDOFF_REFUSED, err, "attachment '%s' given twice", name)
				       : failed(err, "link an attachment", b->dir);
	c->nfiles++;
	return HANDOFF_OK;
}

static int rename_noreplace(int dirfd, const char *from, const char *to)
{
	return (int)syscall(SYS_renameat2, dirfd, from, dirfd, to, 1 /* RENAME_NOREPLACE */);
}

/* Under the mailbox lock: the message takes its name, or EEXIST. */
static int place(struct commit_claim *c, struct commit_box *b, int fd, const char *md_name)
{
	if (c->bundle_fd < 0)
		return fdlink_link(fd, b->dirfd, md_name);
	return rename_noreplace(b->dirfd, c->bundle, c->stem);
}

static int link_locked(struct commit_claim *c, struct commit_box *b, int fd, const char *md_name)
{
	if (fileio_lock_hold(b->lockfd) < 0)
		return -1;
	int rc = place(c, b, fd, md_name);
	int saved = errno;
	flock(b->lockfd, LOCK_UN);
	errno = saved;
	return rc;
}

static int restem(struct commit_claim *c, struct commit_box *b, commit_held_fn held,
		  void *held_ctx, char err[ERR_SIZE])
{
	char base[COMMIT_STEM_MAX];
	snprintf(base, sizeof(base), "%s", c->stem);
	if (c->bundle_fd >= 0) {
		char path[AIMX_PATH_MAX];
		close(c->bundle_fd);
		if (path_join(path, sizeof(path), b->dir, c->bundle) == 0)
			store_remove_bundle(path);
		c->bundle_fd = -1;
		c->nfiles = 0;
	}
	if (pick_stem(b, base, c->stem, held, held_ctx) < 0)
		return failed(err, "name the message", b->dir);
	return HANDOFF_RESTEM;
}

int commit_link(struct commit_store *cs, struct commit_claim *c, int fd,
		commit_held_fn held, void *held_ctx, char path[AIMX_PATH_MAX], char err[ERR_SIZE])
{
	char md_name[COMMIT_STEM_MAX + 4];
	if (!c->active)
		return refuse(HANDOFF_REFUSED, err, "%s", "a message without a claim");
	struct commit_box *b = box_named(cs, c->mailbox);
	if (!b)
		return failed(err, "open the folder", c->mailbox);
	int rc = take_file(cs, b, fd, err);
	if (rc != HANDOFF_OK)
		return rc;
	snprintf(md_name, sizeof(md_name), "%s.md", c->stem);
	if (c->bundle_fd >= 0 && (fdlink_link(fd, c->bundle_fd, md_name) < 0 || fsync(c->bundle_fd) < 0))
		return errno == EEXIST ? refuse(HANDOFF_REFUSED, err, "attachment '%s' given twice", md_name)
				       : failed(err, "finish the bundle", b->dir);
	if (link_locked(c, b, fd, md_name) < 0)
		return errno == EEXIST ? restem(c, b, held, held_ctx, err)
				       : failed(err, "store the message", b->dir);
	c->bundled = c->bundle_fd >= 0;
	if (c->bundled) {
		close(c->bundle_fd);
		c->bundle_fd = -1;
		char bundle[AIMX_PATH_MAX];
		if (path_join(bundle, sizeof(bundle), b->dir, c->stem) < 0 ||
		    path_join(path, AIMX_PATH_MAX, bundle, md_name) < 0)
			path[0] = '\0';
	} else if (path_join(path, AIMX_PATH_MAX, b->dir, md_name) < 0)
		path[0] = '\0';
	b->dirty = 1;
	return HANDOFF_OK;
}

int commit_sync_take(struct commit_store *cs, int *fds, size_t max)
{
	size_t n = 0;
	int err = cs->unsynced_err;
	cs->unsynced_err = 0;
	for (size_t k = 0; k < cs->nunsynced; k++) {
		if (n < max)
			fds[n++] = cs->unsynced[k];
		else if (commit_sync_fds(&cs->unsynced[k], 1) < 0 && !err)
			err = errno;
	}
	cs->nunsynced = 0;
	for (size_t k = 0; k < cs->nboxes; k++) {
		struct commit_box *b = &cs->boxes[k];
		if (!b->dirty)
			continue;
		b->dirty = 0;
		int fd = n < max ? fcntl(b->dirfd, F_DUPFD_CLOEXEC, 0) : -1;
		if (fd >= 0)
			fds[n++] = fd;
		else if (fsync(b->dirfd) < 0 && !err)
			err = errno;
	}
	if (!err)
		return (int)n;
	commit_sync_fds(fds, n);
	errno = err;
	return -1;
}

int commit_sync_fds(const int *fds, size_t n)
{
	int err = 0;
	for (size_t k = 0; k < n; k++) {
		if (fsync(fds[k]) < 0 && !err)
			err = errno;
		close(fds[k]);
	}
	errno = err;
	return err ? -1 : 0;
}

void commit_unlink(const struct commit_claim *c, const char *path)
{
	if (!c->bundled) {
		unlink(path);
		return;
	}
	char dir[AIMX_PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		store_remove_bundle(dir);
	}
}

void commit_record(struct commit_store *cs, const struct commit_claim *c, time_t now)
{
	struct commit_box *b = c->message_id && c->message_id[0] ? box_named(cs, c->mailbox) : NULL;
	if (b && dedup_index_record(&b->dedup, c->message_id, now) < 0)
		log_event(LOG_WARN, "dedup_record_failed", "mailbox", c->mailbox, "error",
			  strerror(errno), NULL);
}

void commit_abandon(struct commit_store *cs, struct commit_claim *c)
{
	if (c->active && c->bundle_fd >= 0) {
		struct commit_box *b = box_named(cs, c->mailbox);
		close(c->bundle_fd);
		if (b) {
			char path[AIMX_PATH_MAX];
			if (path_join(path, sizeof(path), b->dir, c->bundle) == 0)
				store_remove_bundle(path);
		}
	}
	free(c->active ? c->message_id : NULL);
	*c = (struct commit_claim){.bundle_fd = -1};
}
