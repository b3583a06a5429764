/* test_psl.c: unit tests for lib/trust/psl.c: the PSL project's checkPublicSuffix cases and limits. */
#include <string.h>

#include "trust/psl.h"
#include "unit.h"

struct psl_case {
	const char *domain, *org; /* org NULL: the domain is a public suffix or invalid */
};

/* The cases of the PSL project's tests/test_psl.txt (against Debian's list of 2023-02),
 * in its order, then the PRIVATE section, a trailing dot and malformed names. */
static const struct psl_case cases[] = {
	/* mixed case, leading dot */
	{"COM", NULL}, {"example.COM", "example.com"}, {"WwW.example.COM", "example.com"},
	{".com", NULL}, {".example", NULL}, {".example.com", NULL}, {".example.example", NULL},
	/* unlisted TLD: the implicit "*" rule */
	{"example", NULL}, {"example.example", "example.example"},
	{"b.example.example", "example.example"}, {"a.b.example.example", "example.example"},
	{"example.local", "example.local"},
	/* TLD with one rule */
	{"biz", NULL}, {"domain.biz", "domain.biz"}, {"b.domain.biz", "domain.biz"},
	{"a.b.domain.biz", "domain.biz"},
	/* TLD with some two-level rules */
	{"com", NULL}, {"example.com", "example.com"}, {"b.example.com", "example.com"},
	{"a.b.example.com", "example.com"}, {"uk.com", NULL}, {"example.uk.com", "example.uk.com"},
	{"b.example.uk.com", "example.uk.com"}, {"a.b.example.uk.com", "example.uk.com"},
	{"test.ac", "test.ac"},
	/* TLD with only a wildcard rule (*.mm) */
	{"mm", NULL}, {"c.mm", NULL}, {"b.c.mm", "b.c.mm"}, {"a.b.c.mm", "b.c.mm"},
	/* more complex TLD */
	{"jp", NULL}, {"test.jp", "test.jp"}, {"www.test.jp", "test.jp"}, {"ac.jp", NULL},
	{"test.ac.jp", "test.ac.jp"}, {"www.test.ac.jp", "test.ac.jp"}, {"kyoto.jp", NULL},
	{"test.kyoto.jp", "test.kyoto.jp"}, {"ide.kyoto.jp", NULL},
	{"b.ide.kyoto.jp", "b.ide.kyoto.jp"}, {"a.b.ide.kyoto.jp", "b.ide.kyoto.jp"},
	{"c.kobe.jp", NULL}, {"b.c.kobe.jp", "b.c.kobe.jp"}, {"a.b.c.kobe.jp", "b.c.kobe.jp"},
	{"city.kobe.jp", "city.kobe.jp"}, {"www.city.kobe.jp", "city.kobe.jp"},
	/* a wildcard rule with an exception (*.ck, !www.ck) */
	{"ck", NULL}, {"test.ck", NULL}, {"b.test.ck", "b.test.ck"}, {"a.b.test.ck", "b.test.ck"},
	{"www.ck", "www.ck"}, {"www.www.ck", "www.ck"},
	/* US K12 */
	{"us", NULL}, {"test.us", "test.us"}, {"www.test.us", "test.us"}, {"ak.us", NULL},
	{"test.ak.us", "test.ak.us"}, {"www.test.ak.us", "test.ak.us"}, {"k12.ak.us", NULL},
	{"test.k12.ak.us", "test.k12.ak.us"}, {"www.test.k12.ak.us", "test.k12.ak.us"},
	/* IDN labels as U-labels (UTF-8) */
	{"食狮.com.cn", "食狮.com.cn"}, {"食狮.公司.cn", "食狮.公司.cn"},
	{"www.食狮.公司.cn", "食狮.公司.cn"}, {"shishi.公司.cn", "shishi.公司.cn"},
	{"公司.cn", NULL}, {"食狮.中国", "食狮.中国"}, {"www.食狮.中国", "食狮.中国"},
	{"shishi.中国", "shishi.中国"}, {"中国", NULL},
	/* the same as A-labels */
	{"xn--85x722f.com.cn", "xn--85x722f.com.cn"},
	{"xn--85x722f.xn--55qx5d.cn", "xn--85x722f.xn--55qx5d.cn"},
	{"www.xn--85x722f.xn--55qx5d.cn", "xn--85x722f.xn--55qx5d.cn"},
	{"shishi.xn--55qx5d.cn", "shishi.xn--55qx5d.cn"}, {"xn--55qx5d.cn", NULL},
	{"xn--85x722f.xn--fiqs8s", "xn--85x722f.xn--fiqs8s"},
	{"www.xn--85x722f.xn--fiqs8s", "xn--85x722f.xn--fiqs8s"},
	{"shishi.xn--fiqs8s", "shishi.xn--fiqs8s"}, {"xn--fiqs8s", NULL},
	/* the PRIVATE section is compiled in too */
	{"github.io", NULL}, {"alice.github.io", "alice.github.io"},
	{"www.alice.github.io", "alice.github.io"},
	{"example.co.uk", "example.co.uk"}, {"mail.example.co.uk", "example.co.uk"},
	/* one trailing dot is ignored */
	{"WWW.Example.COM.", "example.com"}, {"com.", NULL}, {"example.com..", NULL},
	/* empty names and labels */
	{"", NULL}, {".", NULL}, {"a..example.com", NULL}, {"example..com", NULL},
};

static void test_cases(void)
{
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		char out[256];
		int rc = psl_org_domain(cases[k].domain, out, sizeof(out));
		const char *got = rc == 0 ? out : "(public suffix or invalid)";
		CHECK_STR(got, cases[k].org ? cases[k].org : "(public suffix or invalid)");
	}
}

/* "a.a. ... .a" + tail: dots at every odd offset before the tail, which starts at offset 252. */
static void long_name(char name[300], const char *tail)
{
	memset(name, 'a', 252);
	for (size_t k = 1; k < 252; k += 2)
		name[k] = '.';
	strcpy(name + 252, tail);
}

/* out holds exactly strlen + 1 bytes or the call fails; names up to 255 bytes (a trailing
 * dot not counted) and 128 labels pass, longer ones fail. */
static void test_limits(void)
{
	char out[300], name[300];
	CHECK(psl_org_domain("example.com", out, 12) == 0);
	CHECK_STR(out, "example.com");
	CHECK(psl_org_domain("example.com", out, 11) == -1);
	long_name(name, "com"); /* 255 bytes, 127 labels */
	CHECK(strlen(name) == 255 && psl_org_domain(name, out, sizeof(out)) == 0);
	CHECK_STR(out, "a.com");
	long_name(name, "com.");
	CHECK(psl_org_domain(name, out, sizeof(out)) == 0);
	CHECK_STR(out, "a.com");
	long_name(name, "a.a"); /* 255 bytes, 128 labels, unlisted TLD "a" */
	CHECK(psl_org_domain(name, out, sizeof(out)) == 0);
	CHECK_STR(out, "a.a");
	long_name(name, "coms"); /* 256 bytes */
	CHECK(psl_org_domain(name, out, sizeof(out)) == -1);
}

void suite_psl(void)
{
	test_cases();
	test_limits();
}
