/* test_pathjoin.c: unit tests for lib/base/path_join.c (joining untrusted relative paths). */
#include <errno.h>

#include "base/path_join.h"
#include "unit.h"

static void check_join(const char *base, const char *rel, const char *want)
{
	char out[256];
	int rc = path_join(out, sizeof(out), base, rel);
	CHECK(rc == 0);
	CHECK_STR(rc == 0 ? out : NULL, want);
}

/* rel (rel_len bytes) is refused with EINVAL and out is left empty. */
static void check_refused_n(const char *rel, size_t rel_len)
{
	char out[256] = "sentinel";
	errno = 0;
	int rc = path_join_n(out, sizeof(out), "/var/lib/aimx", rel, rel_len);
	CHECK(rc == -1 && errno == EINVAL);
	CHECK_STR(out, "");
}

static void check_refused(const char *rel)
{
	check_refused_n(rel, strlen(rel));
}

static void test_good(void)
{
	check_join("/var/lib/aimx", "inbox", "/var/lib/aimx/inbox");
	check_join("/var/lib/aimx/", "x", "/var/lib/aimx/x");
	check_join("/var/lib/aimx//", "x", "/var/lib/aimx/x");
	check_join("/", "x", "/x");
	check_join("data", "a/b/c.md", "data/a/b/c.md");
	check_join("/d", "...", "/d/...");
	check_join("/d", ".hidden/..x/x..", "/d/.hidden/..x/x..");
	check_join("/d", "a.b", "/d/a.b");

	char out[64];
	CHECK(path_join_n(out, sizeof(out), "/d", "a/b", 1) == 0);
	CHECK_STR(out, "/d/a");
	CHECK(path_join_n(out, sizeof(out), "/d", "ab/", 2) == 0);
	CHECK_STR(out, "/d/ab");
}

static void test_refused(void)
{
	check_refused("");
	check_refused("/abs");
	check_refused("/");
	check_refused("a//b");
	check_refused("a/");
	check_refused(".");
	check_refused("..");
	check_refused("../x");
	check_refused("a/../b");
	check_refused("a/..");
	check_refused("./a");
	check_refused("a/./b");
	check_refused_n("a\0b", 3);
	check_refused_n("ab\0", 3);
	check_refused_n("a/b", 2);

	char out[64] = "sentinel";
	errno = 0;
	CHECK(path_join(out, sizeof(out), "/d", NULL) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(path_join(out, sizeof(out), "", "x") == -1 && errno == EINVAL);
	errno = 0;
	CHECK(path_join(out, sizeof(out), NULL, "x") == -1 && errno == EINVAL);
}

static void test_too_long(void)
{
	char out[8];
	/* "/ab/cde" is 7 bytes plus NUL: exactly fits. */
	CHECK(path_join(out, sizeof(out), "/ab", "cde") == 0);
	CHECK_STR(out, "/ab/cde");
	errno = 0;
	CHECK(path_join(out, sizeof(out), "/ab", "cdef") == -1 && errno == ENAMETOOLONG);
	CHECK_STR(out, "");
	errno = 0;
	CHECK(path_join(out, sizeof(out), "/ab/", "cdef") == -1 && errno == ENAMETOOLONG);
	CHECK(path_join(out, sizeof(out), "/ab/", "cde") == 0);
	CHECK_STR(out, "/ab/cde");
	errno = 0;
	CHECK(path_join(out, sizeof(out), "/very/long/base", "x") == -1 && errno == ENAMETOOLONG);
	errno = 0;
	CHECK(path_join(out, 0, "/", "x") == -1 && errno == ENAMETOOLONG);
}

void suite_pathjoin(void)
{
	test_good();
	test_refused();
	test_too_long();
}
