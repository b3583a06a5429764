/* unit.h: the tiny assertion layer every unit test file uses; runner.c counts and reports. */
#ifndef AIMX_UNIT_H
#define AIMX_UNIT_H

#include <stdio.h>
#include <string.h>

extern int unit_passed, unit_failed;
void unit_fail(const char *file, int line, const char *what);

/* Each test file defines one or more `void suite_NAME(void)` functions (exactly that
 * spelling, at the start of a line); the build collects them into the runner. */
#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (cond)                                                                  \
			unit_passed++;                                                     \
		else                                                                       \
			unit_fail(__FILE__, __LINE__, #cond);                              \
	} while (0)

#define CHECK_STR(got, want)                                                               \
	do {                                                                               \
		const char *g_ = (got), *w_ = (want);                                      \
		if (g_ && w_ && strcmp(g_, w_) == 0)                                       \
			unit_passed++;                                                     \
		else {                                                                     \
			unit_fail(__FILE__, __LINE__, #got " == " #want);                  \
			fprintf(stderr, "    got:  %s\n    want: %s\n", g_ ? g_ : "(null)",     \
				w_ ? w_ : "(null)");                                       \
		}                                                                          \
	} while (0)

#define CHECK_CONTAINS(hay, needle)                                                        \
	do {                                                                               \
		const char *h_ = (hay), *n_ = (needle);                                    \
		if (h_ && n_ && strstr(h_, n_))                                            \
			unit_passed++;                                                     \
		else {                                                                     \
			unit_fail(__FILE__, __LINE__, #hay " contains " #needle);          \
			fprintf(stderr, "    got:  %s\n    want substring: %s\n",            \
				h_ ? h_ : "(null)", n_ ? n_ : "(null)");                   \
		}                                                                          \
	} while (0)

/* A scratch directory, created fresh per call under $TMPDIR; returns a static path. */
const char *unit_tmpdir(const char *tag);

#endif
