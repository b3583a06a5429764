/* doctor_checks.c: the findings of `aimx doctor` (spec 6.4), each with a fix that works. */
#include "cli/cli_table.h"
#include "cli/doctor.h"

#include <dirent.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/owner.h"
#include "base/paths.h"
#include "base/privdrop.h"
#include "cli/setup_ui.h"

#define CATCHALL_USER "aimx-catchall"

/* A mailbox owner as the fixes name it: uid, primary gid and that group's name. */
struct owner_group {
	uid_t uid;
	gid_t gid;
	char group[64];
};

/* "root" is 0:0 "root" without a lookup; any other owner through owner_lookup, its group
 * named by getgrgid (the number when unnamed). 0, or -1 when the owner is unknown. */
static int owner_group_lookup(const char *owner, struct owner_group *og)
{
	struct owner_ids ids;
	*og = (struct owner_group){0, 0, "root"};
	if (strcmp(owner, "root") == 0)
		return 0;
	if (owner_lookup(owner, &ids) < 0)
		return -1;
	og->uid = ids.uid;
	og->gid = ids.gid;
	const struct group *gr = getgrgid(ids.gid);
	if (gr)
		snprintf(og->group, sizeof(og->group), "%s", gr->gr_name);
	else
		snprintf(og->group, sizeof(og->group), "%u", (unsigned)ids.gid);
	return 0;
}

/* Adds a finding, taking message and fix (NULL: no fix line). 0, or -1 when message is NULL
 * (its formatting ran out of memory) or on ENOMEM. */
static int add(struct doctor_findings *f, const char *check, enum doctor_severity sev,
               char *message, char *fix)
{
	struct doctor_finding *v = realloc(f->v, (f->n + 1) * sizeof(*v));
	if (!message || !v) {
		free(message);
		free(fix);
		if (v)
			f->v = v;
		return -1;
	}
	f->v = v;
	f->v[f->n++] = (struct doctor_finding){check, sev, message, fix};
	return 0;
}

static char *fmt(const char *format, ...) __attribute__((format(printf, 1, 2)));

static char *fmt(const char *format, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, format);
	int rc = buf_vprintf(&b, format, ap);
	va_end(ap);
	if (rc < 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/* The fix that makes a mailbox folder as setup and `mailboxes create` do. */
static char *make_dir_fix(const char *mb_owner, const struct owner_group *id, const char *dir)
{
	return fmt("create it: `sudo install -d -m 0700 -o %s -g %s %s`", mb_owner, id->group, dir);
}

static int check_dir(struct doctor_findings *f, const struct mailbox *mb,
                     const struct owner_group *id, const char *label, const char *dir)
{
	struct stat st;
	if (stat(dir, &st) < 0)
		return add(f, "MAILBOX-DIR-MISSING", DOCTOR_FAIL,
		           fmt("mailbox '%s' %s directory is missing: %s", mb->name, label, dir),
		           make_dir_fix(mb->owner, id, dir));
	if (!S_ISDIR(st.st_mode))
		return add(f, "MAILBOX-DIR-NOT-DIR", DOCTOR_FAIL,
		           fmt("mailbox '%s' %s path is not a directory: %s", mb->name, label, dir),
		           fmt("move the file away (`sudo mv %s %s.bak`), then `sudo install -d -m "
		               "0700 -o %s -g %s %s`",
		               dir, dir, mb->owner, id->group, dir));
	int rc = 0;
	if (st.st_uid != id->uid)
		rc |= add(f, "MAILBOX-DIR-OWNER-DRIFT", DOCTOR_FAIL,
		          fmt("mailbox '%s' %s dir is owned by uid %u but config owner '%s' "
		              "resolves to uid %u",
		              mb->name, label, (unsigned)st.st_uid, mb->owner, (unsigned)id->uid),
		          fmt("chown the directory: `sudo chown -R %s:%s %s`", mb->owner, id->group,
		              dir));
	else if (st.st_gid != id->gid)
		rc |= add(f, "MAILBOX-DIR-GROUP-DRIFT", DOCTOR_WARN,
		          fmt("mailbox '%s' %s dir group gid %u does not match owner '%s' primary "
		              "gid %u",
		              mb->name, label, (unsigned)st.st_gid, mb->owner, (unsigned)id->gid),
		          fmt("chgrp the directory: `sudo chgrp -R %s %s`", id->group, dir));
	if ((st.st_mode & 07777) != 0700)
		rc |= add(f, "MAILBOX-DIR-MODE-DRIFT", DOCTOR_WARN,
		          fmt("mailbox '%s' %s dir mode is 0%o, expected 0700", mb->name, label,
		              (unsigned)(st.st_mode & 07777)),
		          fmt("tighten permissions: `sudo chmod 0700 %s`", dir));
	return rc;
}

static int orphan_owner_fix_add(struct doctor_findings *f, const char *check,
                                const struct mailbox *mb, char *message)
{
	return add(f, check, DOCTOR_WARN, message,
	           fmt("create the user (`sudo useradd --system --no-create-home --user-group "
	               "%s`) or remove the mailbox (`sudo aimx mailboxes delete %s --yes`)",
	               mb->owner, mb->name));
}

static int check_mailbox(struct doctor_findings *f, const struct mailbox *mb, const char *data_dir)
{
	struct owner_group id;
	if (owner_group_lookup(mb->owner, &id) < 0)
		return orphan_owner_fix_add(
		    f, "MAILBOX-OWNER-ORPHAN", mb,
		    fmt("mailbox '%s' owner '%s' does not resolve via getpwnam", mb->name,
		        mb->owner));
	char dir[AIMX_PATH_MAX];
	int rc = 0;
	static const char *const labels[] = {"inbox", "sent"};
	for (size_t k = 0; k < 2; k++) {
		snprintf(dir, sizeof(dir), "%s/%s/%s", data_dir, labels[k], mb->name);
		rc |= check_dir(f, mb, &id, labels[k], dir);
	}
	return rc;
}

/* Directories under <data>/<root>/ with no mailbox in the config. */
static int check_orphan_storage(struct doctor_findings *f, const struct config *cfg,
                                const char *data_dir, const char *root)
{
	char path[AIMX_PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", data_dir, root);
	DIR *d = opendir(path);
	if (!d)
		return 0;
	int rc = 0;
	struct dirent *e;
	struct stat st;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && !config_find_mailbox(cfg, e->d_name) &&
		    fstatat(dirfd(d), e->d_name, &st, 0) == 0 && S_ISDIR(st.st_mode))
			rc |= add(f, "ORPHAN-STORAGE", DOCTOR_WARN,
			          fmt("storage directory `%s/%s/` has no matching mailbox in "
			              "config.toml",
			              root, e->d_name),
			          fmt("remove the stale directory (`sudo rm -r %s/%s`) or add a "
			              "matching `[mailboxes.%s]` block to config.toml",
			              path, e->d_name, e->d_name));
	closedir(d);
	return rc;
}

static char *orphan_config_fix(const struct config *cfg, const struct mailbox *mb,
                               const char *inbox, const char *sent)
{
	struct owner_group id;
	int known = owner_group_lookup(mb->owner, &id) == 0;
	if (config_mailbox_is_catchall(cfg, mb))
		return fmt("%sprovision storage: `sudo install -d -m 0700 -o %s -g %s %s %s`",
		           known ? "" : "create its owner first, then ", mb->owner,
		           known ? id.group : mb->owner, inbox, sent);
	if (!known)
		return fmt("remove the mailbox: `sudo aimx mailboxes delete %s --yes`", mb->name);
	return fmt("provision storage: `sudo install -d -m 0700 -o %s -g %s %s %s`, or remove the "
	           "mailbox: `sudo aimx mailboxes delete %s --yes`",
	           mb->owner, id.group, inbox, sent, mb->name);
}

static int check_orphan_config(struct doctor_findings *f, const struct config *cfg,
                               const struct mailbox *mb, const char *data_dir)
{
	char inbox[AIMX_PATH_MAX], sent[AIMX_PATH_MAX];
	snprintf(inbox, sizeof(inbox), "%s/inbox/%s", data_dir, mb->name);
	snprintf(sent, sizeof(sent), "%s/sent/%s", data_dir, mb->name);
	if (access(inbox, F_OK) == 0 || access(sent, F_OK) == 0)
		return 0;
	return add(f, "ORPHAN-CONFIG", DOCTOR_WARN,
	           fmt("mailbox '%s' has a config entry but no storage directories (inbox/sent "
	               "both missing)",
	               mb->name),
	           orphan_config_fix(cfg, mb, inbox, sent));
}

static int check_users(struct doctor_findings *f, const struct config *cfg)
{
	int rc = 0, needs_catchall = 0;
	for (size_t k = 0; k < cfg->nmailboxes; k++)
		needs_catchall |= config_mailbox_is_catchall(cfg, &cfg->mailboxes[k]) &&
		                  strcmp(cfg->mailboxes[k].owner, CATCHALL_USER) == 0;
	if (needs_catchall && !getpwnam(CATCHALL_USER))
		rc |= add(f, "CATCHALL-USER-MISSING", DOCTOR_FAIL,
		          fmt("catchall mailbox is configured with owner '%s' but that system user "
		              "does not resolve",
		              CATCHALL_USER),
		          fmt("create it: `sudo useradd --system --no-create-home --home-dir "
		              "/var/lib/aimx-catchall --shell /usr/sbin/nologin --user-group %s`",
		              CATCHALL_USER));
	if (!getpwnam(PRIVDROP_USER))
		rc |= add(f, "WORKER-USER-MISSING", DOCTOR_WARN,
		          fmt("system user '%s' is missing: SMTP sessions run as '%s' instead, "
		              "shared with other services", PRIVDROP_USER, PRIVDROP_FALLBACK),
		          fmt("create it (`sudo aimx setup`, or `sudo useradd --system "
		              "--no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "
		              "--user-group %s`), then restart aimx", PRIVDROP_USER));
	if (getpwnam("aimx-hook"))
		rc |= add(f, "LEGACY-AIMX-HOOK-USER", DOCTOR_INFO,
		          fmt("stale 'aimx-hook' system user is still present; aimx no longer "
		              "manages it"),
		          fmt("remove via `sudo userdel aimx-hook` when safe"));
	return rc;
}

/* What config_load warns about, from the loaded config. */
static int check_load_warnings(struct doctor_findings *f, const struct config *cfg)
{
	int rc = 0;
	for (size_t k = 0; k < cfg->nmailboxes; k++) {
		const struct mailbox *mb = &cfg->mailboxes[k];
		if (mb->inactive)
			rc |= orphan_owner_fix_add(
			    f, "ORPHAN-MAILBOX-OWNER", mb,
			    fmt("config load: mailbox '%s' owner '%s' is orphan", mb->name,
			        mb->owner));
		if (strcmp(mb->owner, "root") == 0 && mb->allow_root_catchall &&
		    config_mailbox_is_catchall(cfg, mb))
			rc |= add(f, "ROOT-CATCHALL-ACCEPTED", DOCTOR_INFO,
			          fmt("catchall '%s' is running with owner='root' + "
			              "allow_root_catchall=true (escape hatch)",
			              mb->name),
			          NULL);
	}
	return rc;
}

int doctor_checks(const struct config *cfg, const char *data_dir, struct doctor_findings *out)
{
	int rc = 0;
	out->v = NULL;
	out->n = 0;
	for (size_t k = 0; k < cfg->nmailboxes; k++)
		rc |= check_mailbox(out, &cfg->mailboxes[k], data_dir);
	rc |= check_orphan_storage(out, cfg, data_dir, "inbox");
	rc |= check_orphan_storage(out, cfg, data_dir, "sent");
	for (size_t k = 0; k < cfg->nmailboxes; k++)
		rc |= check_orphan_config(out, cfg, &cfg->mailboxes[k], data_dir);
	rc |= check_users(out, cfg);
	rc |= check_load_warnings(out, cfg);
	return rc ? -1 : 0;
}
