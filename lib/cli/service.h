/* service.h: the aimx service under systemd or OpenRC: detect, render, install, query, remove. */
#ifndef AIMX_SERVICE_H
#define AIMX_SERVICE_H

#include <stddef.h>

#include "base/err.h"
#include "base/buf.h"

enum init_system { INIT_UNKNOWN = 0, INIT_SYSTEMD, INIT_OPENRC };

/* /run/systemd/system means systemd, else /sbin/openrc means OpenRC, else unknown.
 * AIMX_TEST_INIT ("systemd", "openrc" or "none"; test-only, logged) decides instead. */
enum init_system service_init_detect(void);
/* "systemd", "OpenRC" or "unknown". */
const char *service_init_name(enum init_system init);

/* /etc/systemd/system/aimx.service or /etc/init.d/aimx; AIMX_TEST_SERVICE_DIR (test-only,
 * logged) replaces the directory. 0, or -1 with errno (EINVAL for INIT_UNKNOWN). */
int service_unit_path(enum init_system init, char *out, size_t outsz);

/* The unit (scripts/aimx.service) or script (scripts/aimx.openrc) with the binary, data and
 * config directories filled in. Each path must be absolute and free of whitespace, quotes,
 * '\\', '$', '%' and control characters (neither format can quote them safely).
 * 0, or -1 with err. */
int service_render(enum init_system init, const char *exe, const char *data_dir,
                   const char *config_dir, struct buf *out, char err[ERR_SIZE]);

/* Write the rendered unit (0644) or script (0755) atomically, then register and restart
 * it: systemd: daemon-reload, enable aimx, reset-failed aimx, restart aimx; OpenRC:
 * rc-update add aimx default, rc-service aimx restart. 0, or -1 with err. */
int service_install(enum init_system init, const char *exe, const char *data_dir,
                    const char *config_dir, char err[ERR_SIZE]);

/* `systemctl is-active --quiet aimx` or `rc-service aimx status` succeeds: 1, else 0. */
int service_is_running(enum init_system init);

/* Stop and unregister the service and delete its unit (systemd: stop, disable, remove,
 * daemon-reload, reset-failed; OpenRC: stop, rc-update del aimx default, remove). 0 when
 * removed, 1 when no unit was installed (nothing done), -1 with err. */
int service_remove(enum init_system init, char err[ERR_SIZE]);

/* Connect to 127.0.0.1:port every 500 ms for up to 5 s: 0 once it accepts, else -1. */
int service_wait_listening(unsigned port);

/* The canonical path of the running binary (/proc/self/exe). 0, or -1 with errno. */
int service_exe_path(char *out, size_t outsz);

/* Run a service manager tool ("systemctl", "rc-service", "rc-update") with the NULL-ended
 * arguments, found on PATH; with quiet its output goes to /dev/null. AIMX_TEST_SERVICE_CTL
 * (test-only, logged) names a program run instead, with the tool's name as its first
 * argument. The exit status, or -1 when it could not run or was killed. */
int service_ctl(int quiet, const char *tool, ...) __attribute__((sentinel));

#endif
