/* test_glob_match.c: unit tests for lib/base/glob_match.c (trusted_senders patterns). */
#include "base/glob_match.h"
#include "unit.h"

struct glob_case {
	const char *pattern, *text;
	int want;
};

static const struct glob_case cases[] = {
	{"*@example.com", "alice@example.com", 1},
	{"*@example.com", "alice@example.org", 0},
	{"*@example.com", "alice@sub.example.com", 0},
	{"*@*.example.com", "alice@sub.example.com", 1},
	{"alice@example.com", "alice@example.com", 1},
	{"alice@example.com", "alice@example.comx", 0},
	{"a?ice@x.org", "alice@x.org", 1},
	{"a?ice@x.org", "aice@x.org", 0},
	{"[ab]ob@x.org", "bob@x.org", 1},
	{"[!ab]ob@x.org", "bob@x.org", 0},
	{"[^ab]ob@x.org", "rob@x.org", 1},
	{"[a-c]*@x.org", "carol@x.org", 1},
	{"[a-c]*@x.org", "dave@x.org", 0},
	{"*@{gmail,googlemail}.com", "z@googlemail.com", 1},
	{"*@{gmail,googlemail}.com", "z@hotmail.com", 0},
	{"{a,b{c,d}}@x", "bd@x", 1},
	{"{a,b{c,d}}@x", "b@x", 0},
	{"*", "a/b", 0},
	{"**", "a/b", 1},
	{"a/**/b", "a/b", 1},
	{"a/**/b", "a/x/y/b", 1},
	{"\\*@x", "*@x", 1},
	{"\\*@x", "a@x", 0},
	{"*@EXAMPLE.com", "a@example.com", 0},
	{"", "", 1},
	{"", "a", 0},
	{"[unclosed", "[unclosed", 1},
	{"{unclosed", "{unclosed", 1},
};

static void test_cases(void)
{
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		int got = glob_match(cases[k].pattern, cases[k].text);
		if (got != cases[k].want)
			fprintf(stderr, "    glob %s vs %s: got %d\n", cases[k].pattern,
				cases[k].text, got);
		CHECK(got == cases[k].want);
	}
}

/* A pattern built to backtrack exponentially is cut off by the step budget: no match. */
static void test_bounded(void)
{
	char pattern[200], text[200];
	size_t n = 0;
	for (int k = 0; k < 30; k++) {
		pattern[n++] = '*';
		pattern[n++] = 'a';
	}
	pattern[n++] = 'b';
	pattern[n] = '\0';
	memset(text, 'a', 150);
	text[150] = '\0';
	CHECK(glob_match(pattern, text) == 0);
}

void suite_glob_match(void)
{
	test_cases();
	test_bounded();
}
