/* config_load.h: read config.toml into struct config, with every finding in a report. */
#ifndef AIMX_CONFIG_LOAD_H
#define AIMX_CONFIG_LOAD_H

#include <stddef.h>

#include "conf/config.h"

/* Load and validate `path`. Returns 0 when the config is usable (warnings may be
 * present), -1 when rep->nerrors > 0. On -1, *cfg is freed and zeroed. */
int config_load(const char *path, struct config *cfg, struct config_report *rep);

/* Same as config_load on text already in memory; `filename` is used in messages. */
int config_parse(const char *text, size_t len, const char *filename, struct config *cfg,
		 struct config_report *rep);

#endif
