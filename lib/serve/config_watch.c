/* config_watch.c: loading the live config and reloading it when its file changes. */
#include "serve/config_watch.h"

#include <stdio.h>

#include "base/log.h"
#include "conf/config_load.h"
#include "conf/config_report.h"

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

int config_watch_load(struct config_watch *w)
{
	struct config fresh;
	struct config_report rep = {0};
	struct stat st;
	int have_stat = stat(w->path, &st) == 0;
	int rc = config_load(w->path, &fresh, &rep);
	config_report_print(&rep, stderr);
	config_report_free(&rep);
	if (rc < 0)
		return -1;
	config_free(&w->cfg);
	w->cfg = fresh;
	snprintf(w->data_dir, sizeof(w->data_dir), "%s", paths_data_dir(w->cfg.data_dir));
	if (have_stat)
		w->st = st;
	return 0;
}

int config_watch_refresh(struct config_watch *w, int force)
{
	struct stat st;
	if (!force && (stat(w->path, &st) < 0 || same_file(&st, &w->st)))
		return 0;
	if (config_watch_load(w) < 0) {
		log_event(LOG_ERROR, "config.reload_failed", "path", w->path, "kept",
			  "previous config", NULL);
		return 0;
	}
	log_event(LOG_INFO, "config.reloaded", "path", w->path, NULL);
	return 1;
}
