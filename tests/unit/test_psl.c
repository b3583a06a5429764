/* test_psl.c: unit tests for lib/psl.c, in the style of the PSL project's checkPublicSuffix cases. */
#include "psl.h"
#include "unit.h"

static void check_org(const char *domain, const char *want)
{
	char out[256];
	int rc = psl_org_domain(domain, out, sizeof(out));
	if (want)
		CHECK_STR(rc == 0 ? out : "(public suffix)", want);
	else
		CHECK_STR(rc == 0 ? out : "(public suffix)", "(public suffix)");
}

void suite_psl(void)
{
	check_org("com", NULL);
	check_org("example.com", "example.com");
	check_org("www.example.com", "example.com");
	check_org("a.b.example.com", "example.com");
	check_org("WWW.Example.COM.", "example.com");
	check_org("biz", NULL);
	check_org("uk.com", NULL);
	check_org("example.uk.com", "example.uk.com");
	check_org("b.example.uk.com", "example.uk.com");
	check_org("jp", NULL);
	check_org("test.jp", "test.jp");
	check_org("www.test.jp", "test.jp");
	check_org("ac.jp", NULL);
	check_org("test.ac.jp", "test.ac.jp");
	check_org("kyoto.jp", NULL);
	check_org("ide.kyoto.jp", NULL);
	check_org("b.ide.kyoto.jp", "b.ide.kyoto.jp");
	check_org("c.kobe.jp", NULL);            /* *.kobe.jp */
	check_org("b.c.kobe.jp", "b.c.kobe.jp");
	check_org("city.kobe.jp", "city.kobe.jp"); /* !city.kobe.jp */
	check_org("www.city.kobe.jp", "city.kobe.jp");
	check_org("ck", NULL);
	check_org("test.ck", NULL);
	check_org("www.ck", "www.ck"); /* !www.ck */
	check_org("www.www.ck", "www.ck");
	check_org("github.io", NULL); /* the PRIVATE section is compiled in too */
	check_org("alice.github.io", "alice.github.io");
	check_org("example.co.uk", "example.co.uk");
	check_org("mail.example.co.uk", "example.co.uk");
	check_org("example.local", "example.local"); /* an unlisted TLD: the implicit "*" rule */
	check_org("xn--85x722f.xn--55qx5d.cn", "xn--85x722f.xn--55qx5d.cn"); /* IDN rule, A-label */
	check_org("", NULL);
	check_org("a..example.com", NULL);
	check_org(".example.com", NULL);
	char small[4];
	CHECK(psl_org_domain("example.com", small, sizeof(small)) == -1);
}
