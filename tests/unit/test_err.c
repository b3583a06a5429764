/* test_err.c: unit tests for lib/base/err.c (the error-message convention). */
#include <string.h>

#include "base/err.h"
#include "unit.h"

static int failing_step(char err[ERR_SIZE], const char *path)
{
	return err_set(err, "cannot open %s: %s", path, "No such file or directory");
}

static void test_set_returns_minus_one(void)
{
	char err[ERR_SIZE] = "";
	CHECK(failing_step(err, "/etc/aimx/config.toml") == -1);
	CHECK_STR(err, "cannot open /etc/aimx/config.toml: No such file or directory");
}

static void test_truncates_to_size(void)
{
	char path[2 * ERR_SIZE];
	memset(path, 'p', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	char err[ERR_SIZE + 8];
	memset(err, 'x', sizeof(err));
	CHECK(err_set(err, "bad %s", path) == -1);
	CHECK(strlen(err) == ERR_SIZE - 1);
	CHECK(memcmp(err, "bad ppp", 7) == 0);
	CHECK(err[ERR_SIZE] == 'x'); /* nothing written past ERR_SIZE */
}

void suite_err(void)
{
	test_set_returns_minus_one();
	test_truncates_to_size();
}
