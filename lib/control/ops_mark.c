/* ops_mark.c: MARK-READ / MARK-UNREAD: rewrite the frontmatter's read and read_at in place, atomically. */
#include "base/owner.h"
#include "control/ops.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fileio.h"
#include "store/mailbox_dir.h"
#include "base/paths.h"

static int id_invalid(const char *id)
{
	return !*id || strstr(id, "..") || strchr(id, '/') || strchr(id, '\\');
}

/* A regular file (not a symlink) whose canonical path is inside `dir`. */
static int resolves_inside(const char *path, const char *dir)
{
	struct stat st;
	char real[PATH_MAX], real_dir[PATH_MAX];
	if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode) || !realpath(path, real) ||
	    !realpath(dir, real_dir))
		return 0;
	size_t n = strlen(real_dir);
	return strncmp(real, real_dir, n) == 0 && real[n] == '/';
}

/* <dir>/<id>.md, or only when that does not exist at all, <dir>/<id>/<id>.md. */
static int resolve_message(const char *dir, const char *id, char *out, size_t outsz)
{
	struct stat st, dst;
	int n = snprintf(out, outsz, "%s/%s.md", dir, id);
	if (n < 0 || (size_t)n >= outsz)
		return -1;
	if (lstat(out, &st) == 0)
		return resolves_inside(out, dir) ? 0 : -1;
	char bundle[AIMX_PATH_MAX];
	n = snprintf(bundle, sizeof(bundle), "%s/%s", dir, id);
	if (n < 0 || (size_t)n >= sizeof(bundle) || lstat(bundle, &dst) < 0 || !S_ISDIR(dst.st_mode))
		return -1;
	n = snprintf(out, outsz, "%s/%s/%s.md", dir, id, id);
	return n > 0 && (size_t)n < outsz && resolves_inside(out, dir) ? 0 : -1;
}

/* Is this frontmatter line the key `key` ("key =" or "key=")? */
static int line_is_key(const char *line, size_t len, const char *key)
{
	size_t k = strlen(key);
	if (len <= k || strncmp(line, key, k) != 0)
		return 0;
	size_t i = k;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	return i < len && line[i] == '=';
}

static int put_state(struct buf *out, int read, const char *now)
{
	if (buf_printf(out, "read = %s\n", read ? "true" : "false") < 0)
		return -1;
	return read ? buf_printf(out, "read_at = \"%s\"\n", now) : 0;
}

/* Copy the frontmatter lines, replacing read / read_at; returns the offset after the
 * closing "+++" line, or 0 when the file has no frontmatter. */
static size_t rewrite_frontmatter(const char *text, size_t len, int read, const char *now,
				  struct buf *out, int *ok)
{
	*ok = 0;
	if (len < 4 || strncmp(text, "+++\n", 4) != 0)
		return 0;
	int written = 0;
	buf_append_str(out, "+++\n");
	for (size_t pos = 4; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) + 1 : len, n = end - pos;
		const char *line = text + pos;
		if (n >= 3 && strncmp(line, "+++", 3) == 0 && (n == 3 || line[3] == '\n' || line[3] == '\r')) {
			if (!written && put_state(out, read, now) < 0)
				return 0;
			*ok = buf_append(out, line, n) == 0;
			return end;
		}
		int at_tables = n >= 2 && line[0] == '[' && line[1] == '[';
		if (!written && at_tables) {
			if (put_state(out, read, now) < 0)
				return 0;
			written = 1;
		}
		if (line_is_key(line, n, "read")) {
			if (!written && put_state(out, read, now) < 0)
				return 0;
			written = 1;
		} else if (!line_is_key(line, n, "read_at") && buf_append(out, line, n) < 0) {
			return 0;
		}
		pos = end;
	}
	return 0;
}

static int write_back(const char *path, const struct buf *content, const struct mailbox *mb)
{
	struct owner_ids ids = {(uid_t)-1, (gid_t)-1};
	if (geteuid() == 0 && owner_lookup(mb->owner, &ids) < 0)
		ids.uid = (uid_t)-1, ids.gid = (gid_t)-1;
	return fileio_write_atomic(path, content->data, content->len, 0600, ids.uid, ids.gid);
}

static int mark_locked(const char *dir, const struct mailbox *mb, const char *id, int read,
		       struct ops_result *r)
{
	char path[AIMX_PATH_MAX], now[32];
	if (resolve_message(dir, id, path, sizeof(path)) < 0)
		return ops_fail(r, "NOTFOUND", "email '%s' not found in inbox/%s", id, mb->name);
	struct buf text = BUF_INIT, out = BUF_INIT;
	time_t t = time(NULL);
	struct tm tm;
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	int rc = fileio_read_file(path, &text);
	if (rc < 0) {
		ops_fail(r, "IO", "cannot read %s: %s", path, strerror(errno));
	} else {
		int ok;
		size_t body = rewrite_frontmatter(text.data, text.len, read, now, &out, &ok);
		if (!ok || buf_append(&out, text.data + body, text.len - body) < 0)
			rc = ops_fail(r, "IO", "email '%s' has no valid frontmatter", id);
		else if (write_back(path, &out, mb) < 0)
			rc = ops_fail(r, "IO", "cannot write %s: %s", path, strerror(errno));
	}
	buf_free(&text);
	buf_free(&out);
	return rc;
}

int ops_mark(const struct config *cfg, const char *mailbox, const char *id, uid_t caller,
	    int read, struct ops_result *r)
{
	if (id_invalid(id))
		return ops_fail(r, "NOTFOUND", "email id '%s' contains invalid characters", id);
	const struct mailbox *mb = config_find_mailbox(cfg, mailbox);
	if (!mb)
		return ops_fail(r, "ENOENT", "mailbox '%s' does not exist", mailbox);
	if (!ops_caller_owns(mb, caller))
		return ops_fail(r, "EACCES", "not authorized");
	const char *data_dir = paths_data_dir(cfg->data_dir);
	char dir[AIMX_PATH_MAX];
	int n = snprintf(dir, sizeof(dir), "%s/inbox/%s", data_dir, mb->name);
	if (n < 0 || (size_t)n >= sizeof(dir))
		return ops_fail(r, "IO", "path too long");
	int lock = mailbox_dir_lock(data_dir, mb->name);
	if (lock < 0)
		return ops_fail(r, "IO", "cannot lock mailbox '%s': %s", mb->name, strerror(errno));
	int rc = mark_locked(dir, mb, id, read, r);
	mailbox_dir_unlock(lock);
	return rc;
}
