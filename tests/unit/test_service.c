/* test_service.c: unit tests for lib/cli/service.c (templates filled in, unsafe paths, unit paths, init
 * choice, ctl). */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "base/fileio.h"
#include "base/log.h"
#include "cli/service.h"
#include "unit.h"

static char *render(enum init_system init, const char *exe, const char *data, const char *cfg)
{
	struct buf b = BUF_INIT;
	char err[ERR_SIZE] = "";
	if (service_render(init, exe, data, cfg, &b, err) < 0) {
		buf_free(&b);
		return NULL;
	}
	CHECK(buf_append(&b, "", 1) == 0);
	return (char *)b.data;
}

static void systemd_unit(void)
{
	char *u = render(INIT_SYSTEMD, "/opt/bin/aimx", "/srv/mail", "/etc/aimx");
	CHECK(u != NULL);
	CHECK_CONTAINS(u, "\nExecStart=/opt/bin/aimx serve --data-dir /srv/mail\n");
	CHECK_CONTAINS(u, "\nReadWritePaths=/srv/mail /etc/aimx\n");
	CHECK_CONTAINS(u, "\nEnvironment=AIMX_CONFIG_DIR=/etc/aimx\n");
	CHECK_CONTAINS(u, "\nRuntimeDirectory=aimx\n");
	CHECK_CONTAINS(u, "\nRestart=on-failure\n");
	CHECK_CONTAINS(u, "\nWantedBy=multi-user.target\n");
	CHECK_CONTAINS(u, "CAP_SETUID CAP_SETGID");
	CHECK(u && !strstr(u, "\nNoNewPrivileges"));
	CHECK(u && !strchr(u, '@'));
	free(u);
}

static void openrc_script(void)
{
	char *s = render(INIT_OPENRC, "/usr/local/bin/aimx", "/var/lib/aimx", "/etc/aimx");
	CHECK(s != NULL);
	CHECK(s && strncmp(s, "#!/sbin/openrc-run\n", 19) == 0);
	CHECK_CONTAINS(s, "\ncommand=/usr/local/bin/aimx\n");
	CHECK_CONTAINS(s, "\ncommand_args=\"serve --data-dir /var/lib/aimx\"\n");
	CHECK_CONTAINS(s, "\nsupervisor=supervise-daemon\n");
	CHECK_CONTAINS(s, "\tcheckpath -d -m 0755 -o root:root /run/aimx || return 1\n");
	CHECK_CONTAINS(s, "depend() {\n\tafter net\n}\n");
	CHECK(s && !strchr(s, '@'));
	free(s);
}

static void unsafe_paths(void)
{
	const char *bad[] = {"relative/aimx", "/a b", "/a\tb", "/a\"b", "/a'b", "/a\\b",
	                     "/a$b",          "/a%b", "/a`b",  "/a\nb", ""};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		CHECK(render(INIT_SYSTEMD, bad[k], "/d", "/c") == NULL);
		CHECK(render(INIT_OPENRC, "/x", bad[k], "/c") == NULL);
		CHECK(render(INIT_SYSTEMD, "/x", "/d", bad[k]) == NULL);
	}
	CHECK(render(INIT_UNKNOWN, "/x", "/d", "/c") == NULL);
	char *ok = render(INIT_SYSTEMD, "/a-b_c.d/e+f@g", "/d", "/c");
	CHECK_CONTAINS(ok, "ExecStart=/a-b_c.d/e+f@g serve");
	free(ok);
}

static void unit_paths(void)
{
	char p[256];
	CHECK(unsetenv("AIMX_TEST_SERVICE_DIR") == 0);
	CHECK(service_unit_path(INIT_SYSTEMD, p, sizeof(p)) == 0);
	CHECK_STR(p, "/etc/systemd/system/aimx.service");
	CHECK(service_unit_path(INIT_OPENRC, p, sizeof(p)) == 0);
	CHECK_STR(p, "/etc/init.d/aimx");
	CHECK(service_unit_path(INIT_UNKNOWN, p, sizeof(p)) < 0);
	CHECK(setenv("AIMX_TEST_SERVICE_DIR", "/tmp/units", 1) == 0);
	CHECK(service_unit_path(INIT_SYSTEMD, p, sizeof(p)) == 0);
	CHECK_STR(p, "/tmp/units/aimx.service");
	CHECK(service_unit_path(INIT_OPENRC, p, 10) < 0);
	CHECK(unsetenv("AIMX_TEST_SERVICE_DIR") == 0);
}

static void init_choice(void)
{
	CHECK(setenv("AIMX_TEST_INIT", "systemd", 1) == 0);
	CHECK(service_init_detect() == INIT_SYSTEMD);
	CHECK(setenv("AIMX_TEST_INIT", "openrc", 1) == 0);
	CHECK(service_init_detect() == INIT_OPENRC);
	CHECK(setenv("AIMX_TEST_INIT", "none", 1) == 0);
	CHECK(service_init_detect() == INIT_UNKNOWN);
	CHECK(unsetenv("AIMX_TEST_INIT") == 0);
	CHECK_STR(service_init_name(INIT_OPENRC), "OpenRC");
}

/* The test wrapper gets the tool's name first; its exit status comes back. */
static void ctl_wrapper(void)
{
	const char *dir = unit_tmpdir("service_ctl");
	char script[512], log[512];
	snprintf(script, sizeof(script), "%s/ctl", dir);
	snprintf(log, sizeof(log), "%s/calls", dir);
	char body[1200];
	int n = snprintf(body, sizeof(body),
	                 "#!/bin/sh\necho \"$@\" >> %s\n[ \"$2\" = is-active ] && exit 3\nexit 0\n",
	                 log);
	CHECK(fileio_write_atomic(script, body, (size_t)n, 0755, (uid_t)-1, (gid_t)-1) == 0);
	CHECK(setenv("AIMX_TEST_SERVICE_CTL", script, 1) == 0);
	CHECK(service_ctl(1, "systemctl", "restart", "aimx", NULL) == 0);
	CHECK(service_is_running(INIT_SYSTEMD) == 0);
	CHECK(service_is_running(INIT_OPENRC) == 1);
	struct buf b = BUF_INIT;
	CHECK(fileio_read_file(log, &b) == 0);
	CHECK(buf_append(&b, "", 1) == 0);
	CHECK_STR((char *)b.data, "systemctl restart aimx\nsystemctl is-active --quiet aimx\n"
	                          "rc-service aimx status\n");
	buf_free(&b);
	CHECK(setenv("AIMX_TEST_SERVICE_CTL", "/nonexistent/ctl", 1) == 0);
	CHECK(service_ctl(1, "systemctl", "status", NULL) == -1);
	CHECK(unsetenv("AIMX_TEST_SERVICE_CTL") == 0);
}

void suite_service(void)
{
	log_set_level(LOG_ERROR);
	systemd_unit();
	openrc_script();
	unsafe_paths();
	unit_paths();
	init_choice();
	ctl_wrapper();
	log_set_level(LOG_INFO);
}
