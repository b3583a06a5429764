/* test_paths.c: unit tests for lib/base/paths.c (defaults, env overrides, --data-dir precedence). */
#include <errno.h>
#include <stdlib.h>

#include "base/paths.h"
#include "unit.h"

static const char *const path_env[] = {"AIMX_CONFIG_DIR", "AIMX_DATA_DIR", "AIMX_RUNTIME_DIR"};
#define PATH_ENV_COUNT (sizeof(path_env) / sizeof(path_env[0]))

static char *saved_env[PATH_ENV_COUNT];

static void env_save_and_clear(void)
{
	for (size_t i = 0; i < PATH_ENV_COUNT; i++) {
		const char *v = getenv(path_env[i]);
		saved_env[i] = v ? strdup(v) : NULL;
		CHECK(!v || saved_env[i]);
		CHECK(unsetenv(path_env[i]) == 0);
	}
}

static void env_restore(void)
{
	for (size_t i = 0; i < PATH_ENV_COUNT; i++) {
		if (saved_env[i])
			CHECK(setenv(path_env[i], saved_env[i], 1) == 0);
		else
			CHECK(unsetenv(path_env[i]) == 0);
		free(saved_env[i]);
		saved_env[i] = NULL;
	}
}

static void check_path(int (*fn)(char *, size_t), const char *want)
{
	char out[AIMX_PATH_MAX];
	int rc = fn(out, sizeof(out));
	CHECK(rc == 0);
	CHECK_STR(rc == 0 ? out : NULL, want);
}

static void test_defaults(void)
{
	CHECK_STR(paths_config_dir(), "/etc/aimx");
	check_path(paths_config_file, "/etc/aimx/config.toml");
	check_path(paths_dkim_private_key, "/etc/aimx/dkim/private.key");
	check_path(paths_dkim_public_key, "/etc/aimx/dkim/public.key");
	CHECK_STR(paths_runtime_dir(), "/run/aimx");
	check_path(paths_socket, "/run/aimx/aimx.sock");
	check_path(paths_pid_file, "/run/aimx/aimx.pid");
	CHECK_STR(paths_data_dir(NULL), "/var/lib/aimx");
	CHECK_STR(paths_data_dir(""), "/var/lib/aimx");
	CHECK_STR(paths_data_dir("/srv/mail"), "/srv/mail");
}

static void test_env(void)
{
	CHECK(setenv("AIMX_CONFIG_DIR", "/tmp/cfg/", 1) == 0);
	CHECK(setenv("AIMX_RUNTIME_DIR", "/tmp/run", 1) == 0);
	CHECK(setenv("AIMX_DATA_DIR", "/tmp/data", 1) == 0);
	CHECK_STR(paths_config_dir(), "/tmp/cfg/");
	check_path(paths_config_file, "/tmp/cfg/config.toml");
	check_path(paths_dkim_private_key, "/tmp/cfg/dkim/private.key");
	check_path(paths_socket, "/tmp/run/aimx.sock");
	check_path(paths_pid_file, "/tmp/run/aimx.pid");
	CHECK_STR(paths_data_dir("/srv/mail"), "/tmp/data");
	CHECK_STR(paths_data_dir(NULL), "/tmp/data");

	CHECK(setenv("AIMX_CONFIG_DIR", "", 1) == 0);
	CHECK(setenv("AIMX_RUNTIME_DIR", "", 1) == 0);
	CHECK(setenv("AIMX_DATA_DIR", "", 1) == 0);
	CHECK_STR(paths_config_dir(), "/etc/aimx");
	CHECK_STR(paths_runtime_dir(), "/run/aimx");
	CHECK_STR(paths_data_dir("/srv/mail"), "/srv/mail");
	CHECK_STR(paths_data_dir(NULL), "/var/lib/aimx");
}

static void test_data_dir_flag(void)
{
	char flag[32] = "/flag/dir";
	CHECK(setenv("AIMX_DATA_DIR", "/env/dir", 1) == 0);
	paths_set_data_dir(flag);
	memcpy(flag, "/changed", 9);
	CHECK_STR(paths_data_dir("/config/dir"), "/flag/dir");
	CHECK_STR(paths_data_dir(NULL), "/flag/dir");
	paths_set_data_dir("/second");
	CHECK_STR(paths_data_dir(NULL), "/second");
	paths_set_data_dir("");
	CHECK_STR(paths_data_dir("/config/dir"), "/env/dir");
	paths_set_data_dir("/third");
	paths_set_data_dir(NULL);
	CHECK_STR(paths_data_dir("/config/dir"), "/env/dir");
	CHECK(unsetenv("AIMX_DATA_DIR") == 0);
	CHECK_STR(paths_data_dir("/config/dir"), "/config/dir");
}

static void test_too_long(void)
{
	static char long_dir[5000];
	memset(long_dir, 'd', sizeof(long_dir) - 1);
	long_dir[0] = '/';
	long_dir[sizeof(long_dir) - 1] = '\0';
	char out[AIMX_PATH_MAX];
	CHECK(setenv("AIMX_CONFIG_DIR", long_dir, 1) == 0);
	errno = 0;
	CHECK(paths_config_file(out, sizeof(out)) == -1 && errno == ENAMETOOLONG);
	CHECK(setenv("AIMX_CONFIG_DIR", "/etc/aimx", 1) == 0);
	char small[16];
	errno = 0;
	CHECK(paths_dkim_public_key(small, sizeof(small)) == -1 && errno == ENAMETOOLONG);
	/* "/etc/aimx/config.toml" is 21 bytes: 22 fits, 21 does not. */
	char exact[22];
	CHECK(paths_config_file(exact, sizeof(exact)) == 0);
	errno = 0;
	CHECK(paths_config_file(exact, sizeof(exact) - 1) == -1 && errno == ENAMETOOLONG);
	CHECK(unsetenv("AIMX_CONFIG_DIR") == 0);
}

void suite_paths(void)
{
	env_save_and_clear();
	paths_set_data_dir(NULL);
	test_defaults();
	test_env();
	test_data_dir_flag();
	test_too_long();
	paths_set_data_dir(NULL);
	env_restore();
}
