/* setup_config.c: domain and sender checks, config.toml creation and update, mailbox folders. */
#include "cli/setup_config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "base/fileio.h"
#include "base/owner.h"
#include "conf/config_load.h"
#include "store/mailbox_dir.h"
#include "control/ops.h"
#include "control/ops_txn.h"
#include "base/paths.h"

#define LABEL_MAX 63

static int label_check(const char *label, size_t len, char why[ERR_SIZE])
{
	if (len == 0 || len > LABEL_MAX)
		return err_set(why, "Invalid domain label: '%.*s'", (int)len, label);
	if (label[0] == '-' || label[len - 1] == '-')
		return err_set(why, "Domain label must not start or end with a hyphen: '%.*s'",
		               (int)len, label);
	for (size_t k = 0; k < len; k++)
		if (!isalnum((unsigned char)label[k]) && label[k] != '-')
			return err_set(why, "Domain label contains invalid characters: '%.*s'",
			               (int)len, label);
	return 0;
}

int setup_domain_check(const char *domain, char why[ERR_SIZE])
{
	size_t n = strlen(domain), dots = 0;
	if (n == 0)
		return err_set(why, "Domain must not be empty");
	if (n > SETUP_DOMAIN_MAX)
		return err_set(why, "Domain exceeds maximum length of 253 characters");
	for (const char *p = domain;; dots++) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		if (label_check(p, len, why) < 0)
			return -1;
		if (!dot)
			break;
		p = dot + 1;
	}
	if (dots < 1)
		return err_set(why, "Domain must have at least two labels (e.g. example.com)");
	return 0;
}

int setup_sender_check(const char *entry, char why[ERR_SIZE])
{
	const char *at = strchr(entry, '@');
	size_t ats = 0;
	for (const char *p = entry; *p; p++)
		ats += *p == '@';
	if (!entry[0])
		err_set(why, "empty entry");
	else if (ats != 1)
		err_set(why, "expected exactly one '@', got %zu", ats);
	else if (at == entry)
		err_set(why, "empty local part before '@'");
	else if (!at[1])
		err_set(why, "empty domain after '@'");
	else {
		for (const char *p = entry; *p; p++)
			if (!isalnum((unsigned char)*p) && !strchr("@.-_+*?", *p))
				return err_set(why, "invalid character '%c'", *p);
		return 0;
	}
	return -1;
}

int setup_senders_parse(const char *line, struct strlist *out, char why[ERR_SIZE])
{
	const char *sep = ", \t\r\n\v\f";
	for (const char *p = line + strspn(line, sep); *p; p += strspn(p, sep)) {
		size_t len = strcspn(p, sep);
		char entry[256], reason[ERR_SIZE];
		snprintf(entry, sizeof(entry), "%.*s", (int)len, p);
		if (len >= sizeof(entry) || setup_sender_check(entry, reason) < 0)
			return err_set(why, "invalid sender '%.200s': %.200s", entry,
			               len >= sizeof(entry) ? "too long" : reason);
		if (strlist_push(out, entry) < 0)
			return err_set(why, "out of memory");
		p += len;
	}
	return 0;
}

/* Append [mailboxes.catchall] with address *@<domain> and the given owner. */
static int add_catchall(struct config *cfg, const char *owner)
{
	struct mailbox *m = realloc(cfg->mailboxes, (cfg->nmailboxes + 1) * sizeof(*m));
	if (!m)
		return -1;
	cfg->mailboxes = m;
	m = &cfg->mailboxes[cfg->nmailboxes++];
	memset(m, 0, sizeof(*m));
	m->name = strdup("catchall");
	m->owner = strdup(owner);
	if (asprintf(&m->address, "*@%s", cfg->domain) < 0)
		m->address = NULL;
	return m->name && m->owner && m->address ? 0 : -1;
}

static int write_new(const char *path, const struct buf *text, char err[ERR_SIZE])
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
	int rc = fd < 0 ? -1 : 0;
	if (rc == 0 && geteuid() == 0)
		rc = fchown(fd, 0, 0);
	if (rc == 0)
		rc = fchmod(fd, 0640);
	if (rc == 0)
		rc = fileio_write_all(fd, text->data, text->len);
	if (rc == 0)
		rc = fsync(fd);
	if (fd >= 0 && close(fd) < 0)
		rc = -1;
	if (rc == 0)
		rc = fileio_fsync_parent(path);
	if (rc < 0)
		err_set(err, "cannot create %.300s: %s", path, strerror(errno));
	return rc;
}

static int fill_new(struct config *cfg, const struct setup_config_new *n)
{
	cfg->domain = strdup(n->domain);
	cfg->data_dir = strdup(n->data_dir);
	cfg->dkim_selector = strdup(n->dkim_selector);
	cfg->trust = n->trust;
	if (!cfg->domain || !cfg->data_dir || !cfg->dkim_selector)
		return -1;
	for (size_t k = 0; n->trusted_senders && k < n->trusted_senders->n; k++)
		if (strlist_push(&cfg->trusted_senders, n->trusted_senders->v[k]) < 0)
			return -1;
	return add_catchall(cfg, n->catchall_owner);
}

int setup_config_create(const char *path, const struct setup_config_new *n, char err[ERR_SIZE])
{
	struct config cfg = {0};
	struct config_report rep = {0};
	struct buf text = BUF_INIT;
	int rc = fill_new(&cfg, n);
	if (rc < 0)
		err_set(err, "out of memory");
	else if ((rc = config_validate(&cfg, path, &rep)) < 0)
		err_set(err, "%s", rep.nerrors ? rep.errors[0].message : "invalid");
	else if ((rc = config_serialize(&cfg, &text)) < 0)
		err_set(err, "out of memory");
	else
		rc = write_new(path, &text, err);
	buf_free(&text);
	config_report_free(&rep);
	config_free(&cfg);
	return rc;
}

/* Address ends in "@<old>" (case-insensitive): becomes "<local>@<domain>". */
static int move_address(struct mailbox *mb, const char *old, const char *domain)
{
	size_t alen = strlen(mb->address), olen = strlen(old);
	if (alen <= olen || mb->address[alen - olen - 1] != '@' ||
	    strcasecmp(mb->address + alen - olen, old) != 0)
		return 0;
	char *moved;
	if (asprintf(&moved, "%.*s%s", (int)(alen - olen), mb->address, domain) < 0)
		return -1;
	free(mb->address);
	mb->address = moved;
	return 0;
}

/* Apply the domain move and the catchall to cfg; *changed when anything differs. */
static int apply_changes(struct config *cfg, const char *domain, const char *owner, int *changed)
{
	*changed = 0;
	if (strcmp(cfg->domain, domain) != 0) {
		for (size_t k = 0; k < cfg->nmailboxes; k++)
			if (move_address(&cfg->mailboxes[k], cfg->domain, domain) < 0)
				return -1;
		char *copy = strdup(domain);
		if (!copy)
			return -1;
		free(cfg->domain);
		cfg->domain = copy;
		*changed = 1;
	}
	if (!config_find_mailbox(cfg, "catchall")) {
		*changed = 1;
		return add_catchall(cfg, owner);
	}
	return 0;
}

static int save_changes(const char *path, const char *domain, const char *owner, char err[ERR_SIZE])
{
	struct ops_txn t;
	struct ops_result r = {{0}, {0}};
	int changed = 0;
	int rc = ops_txn_begin(&t, path, NULL, &r);
	if (rc == 0 && apply_changes(&t.cfg, domain, owner, &changed) < 0)
		rc = ops_fail(&r, "IO", "out of memory");
	if (rc == 0 && changed)
		rc = ops_txn_commit(&t, &r);
	ops_txn_end(&t);
	if (rc < 0)
		err_set(err, "cannot update %.200s: [%s] %.200s", path, r.code, r.reason);
	return rc;
}

static int fix_mode(const char *path, char err[ERR_SIZE])
{
	struct stat st;
	int root = geteuid() == 0;
	int rc = stat(path, &st);
	if (rc == 0 && root && (st.st_uid != 0 || st.st_gid != 0))
		rc = chown(path, 0, 0);
	if (rc == 0 && (st.st_mode & 07777) != 0640)
		rc = chmod(path, 0640);
	if (rc < 0)
		err_set(err, "cannot set mode 0640 on %.200s: %s", path, strerror(errno));
	return rc;
}

int setup_config_update(const char *path, const char *domain, const char *catchall_owner,
                        int *changed, char err[ERR_SIZE])
{
	struct config cfg;
	struct config_report rep = {0};
	int rc = config_load(path, &cfg, &rep);
	if (rc < 0) {
		config_report_print(&rep, stderr);
		err_set(err, "cannot load %.300s", path);
	}
	config_report_free(&rep);
	if (rc < 0)
		return -1;
	rc = apply_changes(&cfg, domain, catchall_owner, changed);
	config_free(&cfg);
	if (rc < 0)
		return err_set(err, "out of memory");
	if (*changed && save_changes(path, domain, catchall_owner, err) < 0)
		return -1;
	return fix_mode(path, err);
}

int setup_mailbox_dirs(const struct config *cfg, const char *data_dir, char err[ERR_SIZE])
{
	static const char *const folders[] = {"inbox", "sent"};
	char dir[AIMX_PATH_MAX];
	for (size_t k = 0; k < cfg->nmailboxes; k++) {
		const struct mailbox *mb = &cfg->mailboxes[k];
		struct owner_ids ids;
		if (geteuid() == 0 && owner_lookup(mb->owner, &ids) < 0)
			return err_set(
			    err, "mailbox '%.100s': owner '%.64s' does not exist on this host",
			    mb->name, mb->owner);
		for (size_t f = 0; f < 2; f++)
			if (mailbox_dir_ensure(data_dir, folders[f], mb, dir, sizeof(dir)) < 0)
				return err_set(err, "cannot prepare %s/%.100s under %.200s: %s",
				               folders[f], mb->name, data_dir, strerror(errno));
	}
	return 0;
}
