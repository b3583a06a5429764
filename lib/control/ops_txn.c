/* ops_txn.c: locks, fresh load, validation and atomic save around a config change. */
#include "control/ops_txn.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/fileio.h"
#include "conf/config_load.h"
#include "store/mailbox_dir.h"
#include "base/paths.h"

int ops_fail(struct ops_result *r, const char *code, const char *fmt, ...)
{
	va_list ap;
	snprintf(r->code, sizeof(r->code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
	return -1;
}

static int lock_config(const char *config_path)
{
	char path[AIMX_PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s.lock", config_path);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return fileio_lock_exclusive(path);
}

/* The config's own first error, for the IO reply when the file on disk is broken. */
static int load_fresh(struct ops_txn *t, struct ops_result *r)
{
	struct config_report rep = {0};
	int rc = config_load(t->config_path, &t->cfg, &rep);
	if (rc < 0)
		ops_fail(r, "IO", "cannot load %s: %s", t->config_path,
			rep.nerrors ? rep.errors[0].message : "invalid config");
	config_report_free(&rep);
	return rc;
}

int ops_txn_begin(struct ops_txn *t, const char *config_path, const char *mailbox,
	      struct ops_result *r)
{
	memset(t, 0, sizeof(*t));
	t->config_path = config_path;
	t->mailbox_dir_lock = t->config_lock = -1;
	if (load_fresh(t, r) < 0)
		return -1;
	t->data_dir = paths_data_dir(t->cfg.data_dir);
	if (mailbox && (t->mailbox_dir_lock = mailbox_dir_lock(t->data_dir, mailbox)) < 0)
		return ops_fail(r, "IO", "cannot lock mailbox '%s': %s", mailbox, strerror(errno));
	if ((t->config_lock = lock_config(config_path)) < 0)
		return ops_fail(r, "IO", "cannot lock %s: %s", config_path, strerror(errno));
	/* reload under the locks: the first load only told us where the data dir is */
	config_free(&t->cfg);
	if (load_fresh(t, r) < 0)
		return -1;
	t->data_dir = paths_data_dir(t->cfg.data_dir);
	return 0;
}

int ops_txn_commit(struct ops_txn *t, struct ops_result *r)
{
	struct config_report rep = {0};
	int rc = config_validate(&t->cfg, t->config_path, &rep);
	if (rc < 0)
		ops_fail(r, "VALIDATION", "%s", rep.nerrors ? rep.errors[0].message : "invalid change");
	config_report_free(&rep);
	if (rc < 0)
		return -1;
	if (config_save(&t->cfg, t->config_path) < 0)
		return ops_fail(r, "IO", "cannot write %s: %s", t->config_path, strerror(errno));
	return 0;
}

void ops_txn_end(struct ops_txn *t)
{
	if (t->config_lock >= 0)
		close(t->config_lock);
	mailbox_dir_unlock(t->mailbox_dir_lock);
	config_free(&t->cfg);
	t->config_lock = t->mailbox_dir_lock = -1;
}
