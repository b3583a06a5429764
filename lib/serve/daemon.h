/* daemon.h: the `aimx serve` master: SMTP and AIMX/1 listeners, one forked child per connection. */
#ifndef AIMX_DAEMON_H
#define AIMX_DAEMON_H

#include <signal.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "conf/config.h"
#include "net/tls_conn.h"
#include "smtp/smtp_conn.h"

/* Session caps come from [limits] (conf/config_limits.h): smtp_max_sessions and
 * control_max_sessions when daemon_run starts, smtp_max_per_ip and control_max_per_uid from
 * the live config at each accept. */
#define DAEMON_SHUTDOWN_GRACE_S 30

struct daemon {
	int listen_fd;           /* SMTP */
	int uds_fd;              /* AIMX/1; -1 when not listening */
	char config_path[4096];
	struct config cfg;       /* the live config; refreshed before every fork (see daemon_run) */
	struct stat cfg_stat;    /* identity of the file cfg was loaded from */
	char data_dir[4096];     /* resolved from the live config (--data-dir / env win); copied, so a
				    reload never leaves it pointing into a freed config */
	struct tls_creds *tls; /* NULL: no STARTTLS */
	int idle_timeout_ms;          /* 0: [limits] smtp_idle_timeout_secs (tests set less) */
	int session_timeout_s;        /* 0: [limits] smtp_session_timeout_secs */
	sigset_t run_mask;            /* the mask children get; set by daemon_signals_install */
};

/* Load d->config_path into d->cfg and remember the file's identity. 0, or -1 after printing
 * the report to stderr. */
int daemon_load_config(struct daemon *d);

/* Install the master's signal handling (TERM/INT/HUP/CHLD blocked except while waiting).
 * Call before opening listeners, so a signal sent once the socket exists is never fatal. */
int daemon_signals_install(struct daemon *d);

/* Accept and serve until SIGTERM/SIGINT, then stop accepting, let sessions finish the DATA
 * in flight (up to DAEMON_SHUTDOWN_GRACE_S) and return 0. Before forking a child, the
 * config file is checked (inode, size, mtime, ctime) and reloaded when it changed, so a
 * mailbox created over AIMX/1 or by a root CLI edit routes at the very next connection.
 * SIGHUP forces a reload. An invalid new file keeps the old config. */
int daemon_run(struct daemon *d);

#endif
