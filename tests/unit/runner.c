/* runner.c: runs every unit suite of tests/unit and prints "N passed, N failed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

int unit_passed, unit_failed;

void unit_fail(const char *file, int line, const char *what)
{
	unit_failed++;
	fprintf(stderr, "FAIL %s:%d: %s\n", file, line, what);
}

const char *unit_tmpdir(const char *tag)
{
	static char path[4096];
	const char *base = getenv("TMPDIR");
	snprintf(path, sizeof(path), "%s/aimx-unit-%s-XXXXXX", base ? base : "/tmp", tag);
	if (!mkdtemp(path)) {
		perror("mkdtemp");
		exit(2);
	}
	return path;
}

#define SUITE(fn) void fn(void);
#include "unit_suites.h"
#undef SUITE

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;
#define SUITE(fn)                                                                          \
	if (!only || strcmp(only, #fn) == 0)                                               \
		fn();
#include "unit_suites.h"
#undef SUITE
	printf("%d passed, %d failed\n", unit_passed, unit_failed);
	return unit_failed ? 1 : 0;
}
