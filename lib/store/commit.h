/* commit.h: the privileged writer's store engine. It trusts nothing a session worker says:
 * it routes the recipient again with its own config, names the message itself, takes only
 * regular files the worker owns, gives them to the mailbox owner and links them into
 * place, never over anything. One directory fsync then covers every message linked into
 * that directory since the last one (group commit). */
#ifndef AIMX_COMMIT_H
#define AIMX_COMMIT_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "base/err.h"
#include "base/paths.h"
#include "conf/config.h"
#include "store/dedup.h"
#include "store/ingest.h"

#define COMMIT_NAME_MAX 256  /* a mailbox name, NUL included */
#define COMMIT_STEM_MAX INGEST_ID_MAX

/* A mailbox's inbox folder, made once and kept open until the config changes. */
struct commit_box {
	char name[COMMIT_NAME_MAX];
	char dir[AIMX_PATH_MAX];
	int dirfd;
	int lockfd; /* its mailbox lock file, open */
	dev_t dev;
	ino_t ino;
	uid_t uid; /* the owner, (uid_t)-1 when not root */
	gid_t gid;
	int dirty; /* linked into since its last fsync */
	struct dedup_index dedup; /* its Message-IDs (loaded with the folder) */
	char burst_base[COMMIT_STEM_MAX]; /* the base of the last stem picked, and its suffix */
	unsigned burst_n;
};

struct commit_store {
	const struct config *cfg; /* the writer's live config */
	const char *data_dir;
	uid_t worker_uid;         /* files must be this user's; (uid_t)-1: any */
	off_t file_max;           /* largest file taken */
	struct commit_box *boxes;
	size_t nboxes;
	int *unsynced;            /* folders linked into, closed by a reset before their sync: */
	size_t nunsynced;         /* kept open for the next commit_sync_take */
	int unsynced_err;         /* one of them failed to sync: the next batch fails */
};

/* One message being stored: claimed (named), given its attachments, then committed. */
struct commit_claim {
	int active;
	char mailbox[COMMIT_NAME_MAX];
	char stem[COMMIT_STEM_MAX];
	char *message_id;    /* for dedup, "" when none */
	int bundle_fd;       /* the temp bundle dir once an attachment came, else -1 */
	char bundle[COMMIT_STEM_MAX + 32]; /* its name in the mailbox folder */
	size_t nfiles;
	int bundled;         /* stored as a bundle dir (set by commit_link) */
};

/* Is stem held by a claim not yet linked? The writer answers for all its channels. */
typedef int (*commit_held_fn)(void *ctx, const char *mailbox, const char *stem);

void commit_store_init(struct commit_store *cs, const struct config *cfg, const char *data_dir,
		       uid_t worker_uid);
/* After a config reload: every cached folder is closed (and made again on next use); those
 * still to be synced are kept open for the next commit_sync_take. */
void commit_store_reset(struct commit_store *cs, const struct config *cfg);
void commit_store_free(struct commit_store *cs);

/* Routes rcpt with the live config; it must give `mailbox`. Then a Message-ID seen in that
 * mailbox within 24 h is HANDOFF_DUPLICATE; else a free stem from stem_base is put in c->stem
 * (HANDOFF_OK). HANDOFF_REFUSED / HANDOFF_FAILED say why in err. */
int commit_claim(struct commit_store *cs, struct commit_claim *c, const char *rcpt,
		 const char *mailbox, const char *stem_base, const char *message_id,
		 commit_held_fn held, void *held_ctx, time_t now, char err[ERR_SIZE]);
/* One attachment of the claim, linked under `name` into the claim's temp bundle. fd stays
 * the caller's. HANDOFF_OK, HANDOFF_REFUSED or HANDOFF_FAILED. */
int commit_file(struct commit_store *cs, struct commit_claim *c, const char *name, int fd,
		char err[ERR_SIZE]);
/* The .md: linked as <stem>.md (or into the bundle, which is then synced and renamed to
 * <stem>); its folder is marked for the next commit_sync_take. On HANDOFF_RESTEM the stem was taken
 * by another process: c->stem holds a new free one and the worker renders again. path gets
 * the stored .md. */
int commit_link(struct commit_store *cs, struct commit_claim *c, int fd,
		commit_held_fn held, void *held_ctx, char path[AIMX_PATH_MAX], char err[ERR_SIZE]);
/* The folders linked into since the last call, once each, as new descriptors in fds (at
 * most max; any beyond that are fsynced here), for commit_sync_fds, which may run in
 * another thread while more messages are linked; their marks are cleared. Returns how many,
 * or -1 with errno when one could not be synced here (the others are synced and closed,
 * but none of those messages may be acknowledged). */
int commit_sync_take(struct commit_store *cs, int *fds, size_t max);
/* fsyncs and closes n descriptors: 0, or -1 with the first errno. */
int commit_sync_fds(const int *fds, size_t n);
/* Takes back a linked message whose folder could not be synced (path as commit_link gave). */
void commit_unlink(const struct commit_claim *c, const char *path);
/* Records the Message-ID once the message is durable. */
void commit_record(struct commit_store *cs, const struct commit_claim *c, time_t now);
/* Drops what a claim holds (its temp bundle), for an abandoned or finished claim. */
void commit_abandon(struct commit_store *cs, struct commit_claim *c);

#endif
