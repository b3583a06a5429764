/* store.h: durable placement of a message (flat .md or bundle dir) inside a mailbox dir. */
#ifndef AIMX_STORE_H
#define AIMX_STORE_H

#include <stddef.h>
#include <sys/types.h>

#include "base/buf.h"
#include "store/filename.h"

struct store_file {
	char name[ATTACHMENT_NAME_BUF]; /* final, unique name inside the bundle */
	const struct buf *data;
};

struct store_target {
	const char *dir;   /* the mailbox folder, e.g. <data>/inbox/alice */
	uid_t uid;         /* (uid_t)-1: leave ownership alone (not root) */
	gid_t gid;
	int (*held)(void *ctx, const char *stem); /* NULL, or: is stem held elsewhere (1)? */
	void *held_ctx;
};

/* Pick a free stem among base, base-2, base-3, ... (the lowest when names are dense). A
 * stem is free when neither <stem>.md, nor <stem>/, nor a reservation exists. Caller holds
 * the mailbox lock. 0, or -1 with errno. */
int store_pick_stem(const struct store_target *t, const char *base, char *stem, size_t stemsz);

/* The same for a burst of one base (same second, same subject): *n is the suffix picked for
 * base last time (0: none), and the next one is tried first, one probe instead of
 * O(log n); *n is set to the suffix picked. */
int store_pick_stem_after(const struct store_target *t, const char *base, unsigned *n,
			  char *stem, size_t stemsz);

/* Hold a picked stem while the message is written outside the mailbox lock: a
 * ".<stem>.reserved" file holding the writer's pid, which store_pick_stem treats as taken
 * and store_sweep removes once that pid is gone. 0, or -1 with errno. */
int store_reserve(const struct store_target *t, const char *stem);
void store_release(const struct store_target *t, const char *stem);

/* rm -r of a bundle dir aimx made (flat: only regular files inside). */
void store_remove_bundle(const char *path);

/* Give attachments unique names: a clash (or "<stem>.md") becomes name-1.ext, name-2.ext... */
int store_unique_names(struct store_file *files, size_t n, const char *stem);

/* Flat: <dir>/<stem>.md. Bundle (n > 0): a temp dir with every file and <stem>.md, each
 * fsync'd, renamed to <dir>/<stem>, then <dir> fsync'd. Files 0600, dirs 0700, owned by
 * uid:gid. On failure nothing is left behind. 0, or -1 with errno. */
int store_message(const struct store_target *t, const char *stem, const struct buf *md,
		  const struct store_file *files, size_t n, char *md_path, size_t md_pathsz);

/* Remove what crashed writers left in <data>/inbox/<mailbox>/ and <data>/sent/<mailbox>/:
 * ".<name>.tmp.<pid>" files and bundle dirs and ".<stem>.reserved" files whose writer is no
 * longer running (the pid in the name or in the reservation; a reservation without one is
 * a writer's that died making it). With pid > 0, only that writer's leftovers (and pidless
 * reservations). Each folder is swept under its mailbox lock. Readers never see these
 * names (they start with a dot). Returns how many were removed, or -1 with errno when a
 * folder cannot be read. */
int store_sweep(const char *data_dir, pid_t pid);

#endif
