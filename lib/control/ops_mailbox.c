/* ops_mailbox.c: MAILBOX-CREATE and MAILBOX-DELETE (protocol.md 8.3, 8.4; DECISIONS 15, 25). */
#include "base/owner.h"
#include "control/ops.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/mailbox_dir.h"
#include "control/ops_txn.h"
#include "base/paths.h"

int ops_caller_owns(const struct mailbox *mb, uid_t caller)
{
	struct owner_ids ids;
	if (caller == 0)
		return 1;
	return mb->owner && owner_lookup(mb->owner, &ids) == 0 && ids.uid == caller;
}

/* Files of a mailbox folder: top-level entries (for NONEMPTY: every entry counts). */
static long ops_count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	long n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

/* A folder that exists must be a real dir owned by the mailbox owner (else ECONFLICT). */
static int check_existing_dir(const char *dir, const struct owner_ids *ids, int *exists,
			      struct ops_result *r)
{
	struct stat st;
	*exists = 0;
	if (lstat(dir, &st) < 0)
		return errno == ENOENT ? 0 : ops_fail(r, "IO", "cannot inspect %s: %s", dir, strerror(errno));
	*exists = 1;
	if (!S_ISDIR(st.st_mode))
		return ops_fail(r, "ECONFLICT", "%s already exists and is not a directory", dir);
	if (geteuid() == 0 && (st.st_uid != ids->uid || st.st_gid != ids->gid))
		return ops_fail(r, "ECONFLICT",
			       "%s already exists with owner %u:%u, expected %u:%u; fix it with "
			       "`chown -R %u:%u %s` or remove it",
			       dir, (unsigned)st.st_uid, (unsigned)st.st_gid, (unsigned)ids->uid,
			       (unsigned)ids->gid, (unsigned)ids->uid, (unsigned)ids->gid, dir);
	return 0;
}

static int add_stanza(struct config *cfg, const char *name, const char *owner)
{
	struct mailbox *m = realloc(cfg->mailboxes, (cfg->nmailboxes + 1) * sizeof(*m));
	if (!m)
		return -1;
	cfg->mailboxes = m;
	m = &cfg->mailboxes[cfg->nmailboxes];
	memset(m, 0, sizeof(*m));
	m->name = strdup(name);
	m->owner = strdup(owner);
	if (asprintf(&m->address, "%s@%s", name, cfg->domain) < 0)
		m->address = NULL;
	cfg->nmailboxes++;
	return m->name && m->owner && m->address ? 0 : -1;
}

struct folder_pair {
	char dir[2][AIMX_PATH_MAX];
	int existed[2];
};

static int prepare_folders(const struct ops_txn *t, const char *name, const struct owner_ids *ids,
			   struct folder_pair *f, struct ops_result *r)
{
	static const char *const folders[2] = {"inbox", "sent"};
	for (int k = 0; k < 2; k++) {
		int n = snprintf(f->dir[k], sizeof(f->dir[k]), "%s/%s/%s", t->data_dir, folders[k], name);
		if (n < 0 || (size_t)n >= sizeof(f->dir[k]))
			return ops_fail(r, "IO", "path too long");
		if (check_existing_dir(f->dir[k], ids, &f->existed[k], r) < 0)
			return -1;
	}
	for (int k = 0; k < 2; k++)
		if (mailbox_dir_make(t->data_dir, folders[k], name, ids, f->dir[k],
					sizeof(f->dir[k])) < 0)
			return ops_fail(r, "IO", "cannot create %s: %s", f->dir[k], strerror(errno));
	return 0;
}

static void remove_created(const struct folder_pair *f)
{
	for (int k = 0; k < 2; k++)
		if (!f->existed[k])
			rmdir(f->dir[k]);
}

int ops_mailbox_create(const char *config_path, const char *name, const char *owner_arg,
		      struct ops_result *r)
{
	char owner[OWNER_NAME_MAX + 1]; /* a private copy: the caller's may live in passwd storage */
	if (strlen(owner_arg) > OWNER_NAME_MAX)
		return ops_fail(r, "VALIDATION", "unknown owner '%.64s'", owner_arg);
	snprintf(owner, sizeof(owner), "%s", owner_arg);
	const char *why = config_mailbox_name_invalid(name);
	if (why)
		return ops_fail(r, "VALIDATION", "invalid mailbox name '%s': %s", name, why);
	if (strcmp(owner, "root") == 0)
		return ops_fail(r, "VALIDATION",
			       "mailbox '%s' cannot be owned by root; use a regular Linux user", name);
	struct owner_ids ids;
	if (!config_owner_name_valid(owner) || owner_lookup(owner, &ids) < 0)
		return ops_fail(r, "VALIDATION", "unknown owner '%s'", owner);
	struct ops_txn t;
	struct folder_pair f = {0};
	int rc = ops_txn_begin(&t, config_path, name, r);
	if (rc == 0 && config_find_mailbox(&t.cfg, name))
		rc = ops_fail(r, "MAILBOX", "mailbox '%s' already exists", name);
	if (rc == 0)
		rc = prepare_folders(&t, name, &ids, &f, r);
	if (rc == 0 && add_stanza(&t.cfg, name, owner) < 0)
		rc = ops_fail(r, "IO", "out of memory");
	if (rc == 0 && (rc = ops_txn_commit(&t, r)) < 0)
		remove_created(&f);
	ops_txn_end(&t);
	return rc;
}

/* Remove everything inside dir, keeping dir. */
static int wipe_contents(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char path[AIMX_PATH_MAX];
		struct stat st;
		int n = snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (n < 0 || (size_t)n >= sizeof(path) || lstat(path, &st) < 0)
			rc = -1;
		else if (S_ISDIR(st.st_mode))
			rc = wipe_contents(path) < 0 || rmdir(path) < 0 ? -1 : 0;
		else
			rc = unlink(path);
	}
	closedir(d);
	return rc;
}

static int check_empty(const struct ops_txn *t, const char *name, struct ops_result *r)
{
	char inbox[AIMX_PATH_MAX], sent[AIMX_PATH_MAX];
	snprintf(inbox, sizeof(inbox), "%s/inbox/%s", t->data_dir, name);
	snprintf(sent, sizeof(sent), "%s/sent/%s", t->data_dir, name);
	long in = ops_count_entries(inbox), out = ops_count_entries(sent);
	if (in < 0 || out < 0)
		return ops_fail(r, "IO", "cannot read the folders of mailbox '%s': %s", name,
			       strerror(errno));
	if (in + out > 0)
		return ops_fail(r, "NONEMPTY",
			       "mailbox '%s' has %ld files (%ld in inbox, %ld in sent); archive or "
			       "remove them first",
			       name, in + out, in, out);
	return 0;
}

static int wipe_mailbox(const struct ops_txn *t, const char *name, struct ops_result *r)
{
	static const char *const folders[2] = {"inbox", "sent"};
	for (int k = 0; k < 2; k++) {
		char dir[AIMX_PATH_MAX];
		snprintf(dir, sizeof(dir), "%s/%s/%s", t->data_dir, folders[k], name);
		if (wipe_contents(dir) < 0)
			return ops_fail(r, "IO", "failed to wipe mailbox '%s': %s", name, strerror(errno));
	}
	return 0;
}

/* Fault-injection seam for tests: sleep for $name milliseconds (unset: no pause). The
 * daemon warns loudly at start when such a variable is set. */
static void test_pause(const char *name)
{
	const char *ms = getenv(name);
	if (ms && *ms)
		poll(NULL, 0, atoi(ms));
}

/* With force, the stanza goes first and the wipe after: a crash in between leaves the
 * mailbox unconfigured with its files still on disk (orphan storage), never a configured
 * mailbox whose mail is half gone. */
int ops_mailbox_delete(const char *config_path, const char *name, uid_t caller, int force,
		      struct ops_result *r)
{
	const char *why = config_mailbox_name_invalid(name);
	if (why)
		return ops_fail(r, "VALIDATION", "invalid mailbox name '%s': %s", name, why);
	struct ops_txn t;
	int rc = ops_txn_begin(&t, config_path, name, r);
	struct mailbox *mb = rc == 0 ? config_find_mailbox(&t.cfg, name) : NULL;
	if (rc == 0 && (!mb || !ops_caller_owns(mb, caller)))
		rc = ops_fail(r, "MAILBOX", "mailbox '%s' does not exist", name);
	if (rc == 0 && !force)
		rc = check_empty(&t, name, r);
	if (rc == 0) {
		config_remove_mailbox(&t.cfg, (size_t)(mb - t.cfg.mailboxes));
		rc = ops_txn_commit(&t, r);
	}
	if (rc == 0 && force) {
		test_pause("AIMX_TEST_DELETE_PAUSE_MS");
		rc = wipe_mailbox(&t, name, r);
	}
	ops_txn_end(&t);
	return rc;
}
