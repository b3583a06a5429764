/* service_log.h: the daemon's log where no journal keeps it: OpenRC's log files or syslog's. */
#ifndef AIMX_SERVICE_LOG_H
#define AIMX_SERVICE_LOG_H

#include "base/err.h"
#include "base/buf.h"

/* The last n lines of the .log files in /var/log/aimx (in name order, as one text), or when
 * there are none or they are empty, of /var/log/messages, appended to out. AIMX_TEST_LOG_DIR
 * (test-only, logged) replaces /var/log. 0, or -1 with err naming what was looked at. */
int service_log_tail(long n, struct buf *out, char err[ERR_SIZE]);

#endif
