/* config_watch.h: a process's live config: loaded from its file, reloaded when the file
 * changes (inode, size, mtime, ctime) or when asked; an invalid new file keeps the old. */
#ifndef AIMX_CONFIG_WATCH_H
#define AIMX_CONFIG_WATCH_H

#include <sys/stat.h>

#include "base/paths.h"
#include "conf/config.h"

struct config_watch {
	char path[AIMX_PATH_MAX];
	struct config cfg;
	struct stat st;             /* identity of the file cfg was loaded from */
	char data_dir[AIMX_PATH_MAX]; /* resolved (--data-dir / env win), copied so a reload never
				       leaves it pointing into a freed config */
};

/* Loads w->path into w->cfg. 0, or -1 after printing the report to stderr. */
int config_watch_load(struct config_watch *w);

/* Reloads when forced or when the file changed since the last load, logging the outcome.
 * 1 when a new config is in place, 0 otherwise. */
int config_watch_refresh(struct config_watch *w, int force);

#endif
