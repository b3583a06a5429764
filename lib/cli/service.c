/* service.c: installing, querying and removing the aimx systemd unit or OpenRC script. */
#include "cli/service.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "base/fileio.h"
#include "base/run_program.h"
#include "service_units.h"
#include "net/tcp_connect.h"
#include "base/test_env.h"

#define CTL_ARGS_MAX      8
#define WAIT_STEP_MS      500
#define WAIT_TOTAL_MS     5000
#define WAIT_CONNECT_MS   200
#define SYSTEMD_UNIT_DIR  "/etc/systemd/system"
#define OPENRC_SCRIPT_DIR "/etc/init.d"

enum init_system service_init_detect(void)
{
	const char *forced = test_env("AIMX_TEST_INIT");
	struct stat st;
	if (forced)
		return strcmp(forced, "systemd") == 0  ? INIT_SYSTEMD
		       : strcmp(forced, "openrc") == 0 ? INIT_OPENRC
		                                       : INIT_UNKNOWN;
	if (stat("/run/systemd/system", &st) == 0)
		return INIT_SYSTEMD;
	if (stat("/sbin/openrc", &st) == 0)
		return INIT_OPENRC;
	return INIT_UNKNOWN;
}

const char *service_init_name(enum init_system init)
{
	return init == INIT_SYSTEMD ? "systemd" : init == INIT_OPENRC ? "OpenRC" : "unknown";
}

int service_unit_path(enum init_system init, char *out, size_t outsz)
{
	const char *dir = test_env("AIMX_TEST_SERVICE_DIR");
	if (init == INIT_UNKNOWN) {
		errno = EINVAL;
		return -1;
	}
	if (!dir)
		dir = init == INIT_SYSTEMD ? SYSTEMD_UNIT_DIR : OPENRC_SCRIPT_DIR;
	int n = snprintf(out, outsz, "%s/%s", dir, init == INIT_SYSTEMD ? "aimx.service" : "aimx");
	if (n < 0 || (size_t)n >= outsz) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Absolute, and nothing systemd or sh would read as a separator, quote or expansion. */
static int path_safe(const char *p)
{
	if (p[0] != '/')
		return 0;
	for (const unsigned char *c = (const unsigned char *)p; *c; c++)
		if (*c <= ' ' || *c == 0x7f || strchr("\"'\\$%`", *c))
			return 0;
	return 1;
}

/* The template with each "@NAME@" replaced by its value. */
static int fill(const char *tpl, const char *const names[], const char *const values[], size_t n,
                struct buf *out)
{
	const char *p = tpl;
	while (*p) {
		size_t k = 0;
		while (k < n && strncmp(p, names[k], strlen(names[k])) != 0)
			k++;
		int rc =
		    k < n ? buf_append(out, values[k], strlen(values[k])) : buf_append(out, p, 1);
		if (rc < 0)
			return -1;
		p += k < n ? strlen(names[k]) : 1;
	}
	return 0;
}

int service_render(enum init_system init, const char *exe, const char *data_dir,
                   const char *config_dir, struct buf *out, char err[ERR_SIZE])
{
	const char *const names[] = {"@EXE@", "@DATA_DIR@", "@CONFIG_DIR@"};
	const char *const values[] = {exe, data_dir, config_dir};
	for (size_t k = 0; k < 3; k++)
		if (!path_safe(values[k])) {
			snprintf(
			    err, ERR_SIZE,
			    "cannot write '%.100s' into a service file: it must be an absolute "
			    "path without spaces, quotes, '\\', '$', '%%' or '`'",
			    values[k]);
			return -1;
		}
	if (init == INIT_UNKNOWN)
		return err_set(err, "no init system to write a service file for");
	const char *tpl = init == INIT_SYSTEMD ? EMBED_AIMX_SERVICE : EMBED_AIMX_OPENRC;
	if (fill(tpl, names, values, 3, out) < 0)
		return err_set(err, "out of memory");
	return 0;
}

int service_ctl(int quiet, const char *tool, ...)
{
	char *argv[CTL_ARGS_MAX + 2];
	size_t n = 0;
	const char *wrapper = test_env("AIMX_TEST_SERVICE_CTL");
	if (wrapper)
		argv[n++] = (char *)wrapper;
	argv[n++] = (char *)tool;
	va_list ap;
	va_start(ap, tool);
	for (const char *a = va_arg(ap, const char *); a && n < CTL_ARGS_MAX;
	     a = va_arg(ap, const char *))
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	int rc = run_program(quiet, argv);
	return rc == RUN_NOT_FOUND ? -1 : rc;
}

static int write_unit(enum init_system init, const char *path, const struct buf *text,
                      char err[ERR_SIZE])
{
	mode_t mode = init == INIT_SYSTEMD ? 0644 : 0755;
	if (fileio_write_atomic(path, text->data, text->len, mode, 0, 0) < 0)
		return err_set(err, "cannot write %.200s: %s", path, strerror(errno));
	return 0;
}

/* Register and restart; only the restart decides success (upstream ignores the others). */
static int start_unit(enum init_system init, char err[ERR_SIZE])
{
	int rc;
	if (init == INIT_SYSTEMD) {
		service_ctl(0, "systemctl", "daemon-reload", NULL);
		service_ctl(0, "systemctl", "enable", "aimx", NULL);
		service_ctl(1, "systemctl", "reset-failed", "aimx", NULL);
		rc = service_ctl(0, "systemctl", "restart", "aimx", NULL);
	} else {
		service_ctl(0, "rc-update", "add", "aimx", "default", NULL);
		rc = service_ctl(0, "rc-service", "aimx", "restart", NULL);
	}
	if (rc != 0)
		err_set(err, "Failed to restart aimx (%s)",
		        init == INIT_SYSTEMD ? "systemctl restart aimx"
		                             : "rc-service aimx restart");
	return rc == 0 ? 0 : -1;
}

int service_install(enum init_system init, const char *exe, const char *data_dir,
                    const char *config_dir, char err[ERR_SIZE])
{
	char path[PATH_MAX];
	struct buf text = BUF_INIT;
	if (init == INIT_UNKNOWN)
		return err_set(err,
		               "Could not detect init system (systemd or OpenRC). Start aimx serve "
		               "manually.");
	int rc = service_unit_path(init, path, sizeof(path));
	if (rc < 0)
		err_set(err, "service file path: %s", strerror(errno));
	if (rc == 0)
		rc = service_render(init, exe, data_dir, config_dir, &text, err);
	if (rc == 0)
		rc = write_unit(init, path, &text, err);
	buf_free(&text);
	return rc == 0 ? start_unit(init, err) : -1;
}

int service_is_running(enum init_system init)
{
	if (init == INIT_SYSTEMD)
		return service_ctl(1, "systemctl", "is-active", "--quiet", "aimx", NULL) == 0;
	if (init == INIT_OPENRC)
		return service_ctl(1, "rc-service", "aimx", "status", NULL) == 0;
	return 0;
}

int service_remove(enum init_system init, char err[ERR_SIZE])
{
	char path[PATH_MAX];
	struct stat st;
	if (init == INIT_UNKNOWN) {
		snprintf(
		    err, ERR_SIZE,
		    "Could not detect init system (systemd or OpenRC). Remove " SYSTEMD_UNIT_DIR
		    "/aimx.service or " OPENRC_SCRIPT_DIR "/aimx manually.");
		return -1;
	}
	if (service_unit_path(init, path, sizeof(path)) < 0)
		return err_set(err, "service file path: %s", strerror(errno));
	if (lstat(path, &st) < 0 && errno == ENOENT)
		return 1;
	if (init == INIT_SYSTEMD) {
		service_ctl(1, "systemctl", "stop", "aimx", NULL);
		service_ctl(1, "systemctl", "disable", "aimx", NULL);
	} else {
		service_ctl(1, "rc-service", "aimx", "stop", NULL);
		service_ctl(1, "rc-update", "del", "aimx", "default", NULL);
	}
	if (unlink(path) < 0)
		return err_set(err, "cannot remove %.200s: %s", path, strerror(errno));
	if (init == INIT_SYSTEMD) {
		service_ctl(1, "systemctl", "daemon-reload", NULL);
		service_ctl(1, "systemctl", "reset-failed", "aimx", NULL);
	}
	return 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int service_wait_listening(unsigned port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (long waited = 0;; waited += WAIT_STEP_MS) {
		int fd =
		    tcp_connect_addr((const struct sockaddr *)&sa, sizeof(sa), WAIT_CONNECT_MS);
		if (fd >= 0) {
			close(fd);
			return 0;
		}
		if (waited >= WAIT_TOTAL_MS)
			return -1;
		sleep_ms(WAIT_STEP_MS);
	}
}

int service_exe_path(char *out, size_t outsz)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n < 0)
		return -1;
	if ((size_t)n >= outsz) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(out, buf, (size_t)n);
	out[n] = '\0';
	return 0;
}
