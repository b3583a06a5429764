/* daemon.h: the `aimx serve` master: SMTP and AIMX/1 listeners, the pre-forked session
 * workers (jailed, unprivileged), a forked child per control request, and the writer. */
#ifndef AIMX_DAEMON_H
#define AIMX_DAEMON_H

#include <signal.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "base/privdrop.h"
#include "conf/config.h"
#include "net/tls_conn.h"
#include "serve/config_watch.h"
#include "serve/workers.h"
#include "serve/writer_proc.h"
#include "smtp/smtp_conn.h"

/* Session caps come from [limits] (conf/config_limits.h): smtp_max_sessions and
 * control_max_sessions when daemon_run starts, smtp_max_per_ip and control_max_per_uid from
 * the live config at each accept. */
#define DAEMON_SHUTDOWN_GRACE_S 30
#define DAEMON_WORKERS_MAX      256 /* workers polled at once (current and retiring) */

struct daemon {
	int listen_fd;           /* SMTP */
	int uds_fd;              /* AIMX/1; -1 when not listening */
	struct config_watch conf; /* the live config; refreshed before every fork (see daemon_run) */
	struct tls_creds *tls; /* NULL: no STARTTLS */
	int idle_timeout_ms;          /* 0: [limits] smtp_idle_timeout_secs (tests set less) */
	int session_timeout_s;        /* 0: [limits] smtp_session_timeout_secs */
	sigset_t run_mask;            /* the mask children get; set by daemon_signals_install */
	struct privdrop_ids worker;   /* who session workers run as */
	char spool[AIMX_PATH_MAX];    /* their jail: <data>/.aimx/spool, theirs alone */
	struct writer_proc writer;    /* the privileged writer */
	struct workers_env wenv;      /* what session workers start with */
	struct workers workers;       /* the session workers and their sessions */
};

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
