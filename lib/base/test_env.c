/* test_env.c: test-only environment variables, each logged as such the first time it is read. */
#include "base/test_env.h"

#include <stdlib.h>
#include <string.h>

#include "base/log.h"

#define TEST_ENV_MAX 16

static const char *announced[TEST_ENV_MAX];
static size_t nannounced;

static int was_announced(const char *name)
{
	for (size_t k = 0; k < nannounced; k++)
		if (strcmp(announced[k], name) == 0)
			return 1;
	return 0;
}

const char *test_env(const char *name)
{
	const char *v = getenv(name);
	if (!v || !v[0])
		return NULL;
	if (!was_announced(name)) {
		log_event(LOG_WARN, "test_only_setting", "variable", name, "value", v, "note",
		          "for tests only, never in production", NULL);
		if (nannounced < TEST_ENV_MAX)
			announced[nannounced++] = name;
	}
	return v;
}
