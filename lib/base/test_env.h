/* test_env.h: read a test-only environment variable and say loudly that it is in use. */
#ifndef AIMX_TEST_ENV_H
#define AIMX_TEST_ENV_H

/* The value of `name` when set and non-empty, else NULL. The first time a variable is
 * found set, a warning "test_only_setting" naming it and its value goes to the log.
 * `name` must outlive the process (a string literal). */
const char *test_env(const char *name);

#endif
