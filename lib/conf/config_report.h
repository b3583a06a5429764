/* config_report.h: adding errors and warnings to a config_report (internal to lib/config*). */
#ifndef AIMX_CONFIG_REPORT_H
#define AIMX_CONFIG_REPORT_H

#include "conf/config.h"

/* Append an issue; message is printf-formatted. Allocation failures are swallowed into a
 * generic "out of memory" entry where possible. */
void config_report_error(struct config_report *rep, const char *file, int line, const char *key,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void config_report_warning(struct config_report *rep, const char *file, int line, const char *key,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Order errors and warnings by line (stable). */
void config_report_sort(struct config_report *rep);

#endif
