/* test_dmarc.c: unit tests for lib/trust/dmarc.c (record parsing, alignment, verdict mapping). */
#include "trust/dmarc.h"
#include "fake_dns.h"
#include "unit.h"

static void test_parse(void)
{
	struct dmarc_record r;
	CHECK(dmarc_parse_record("v=DMARC1; p=reject", &r) == 0);
	CHECK_STR(r.policy, "reject");
	CHECK(r.strict_dkim == 0 && r.strict_spf == 0 && r.pct == 100);
	CHECK(dmarc_parse_record("v=DMARC1;p=none;adkim=s; aspf = s ;pct=20;sp=quarantine", &r) == 0);
	CHECK(r.strict_dkim == 1 && r.strict_spf == 1 && r.pct == 20);
	CHECK_STR(r.sub_policy, "quarantine");
	CHECK(dmarc_parse_record("v=DMARC1; rua=mailto:x@example.com", &r) == 0);
	CHECK_STR(r.policy, "none");
	CHECK(dmarc_parse_record("v=DMARC1; p=bogus", &r) == -1);
	CHECK(dmarc_parse_record("v=DMARC1; adkim=x; p=none", &r) == -1);
	CHECK(dmarc_parse_record("v=DMARC1", &r) == -1);
	CHECK(dmarc_parse_record("p=reject; v=DMARC1", &r) == -1);
	CHECK(dmarc_parse_record("v=dmarc1; p=reject", &r) == -1);
	CHECK(dmarc_parse_record("v=DMARC1; p=reject; future=1", &r) == 0);
	CHECK(dmarc_parse_record("v=DMARC1; p", &r) == -1);
}

static void test_alignment(void)
{
	CHECK(dmarc_aligned("example.com", "EXAMPLE.com.", 1));
	CHECK(!dmarc_aligned("mail.example.com", "example.com", 1));
	CHECK(dmarc_aligned("mail.example.com", "example.com", 0));
	CHECK(dmarc_aligned("a.example.co.uk", "b.example.co.uk", 0));
	CHECK(!dmarc_aligned("example.co.uk", "other.co.uk", 0));
	CHECK(!dmarc_aligned("alice.github.io", "bob.github.io", 0));
	CHECK(!dmarc_aligned(NULL, "example.com", 0));
	CHECK(!dmarc_aligned("", "", 0));
}

static const struct fake_rr records[] = {
	{"_dmarc.example.com", DNS_T_TXT, "v=DMARC1; p=reject", DNS_OK},
	{"_dmarc.strict.test", DNS_T_TXT, "v=DMARC1; p=none; adkim=s; aspf=s", DNS_OK},
	{"_dmarc.two.test", DNS_T_TXT, "v=DMARC1; p=none", DNS_OK},
	{"_dmarc.two.test", DNS_T_TXT, "v=DMARC1; p=reject", DNS_OK},
	{"_dmarc.other.test", DNS_T_TXT, "v=spf1 -all", DNS_OK},
	{"_dmarc.broken.test", DNS_T_TXT, NULL, DNS_TEMPFAIL},
};

static enum dmarc_result eval(const char *from, const char *dkim_d, int spf_pass,
			      const char *spf_domain)
{
	struct fake_dns f = {records, sizeof(records) / sizeof(records[0]), 0};
	struct dns_lookup dns = fake_dns_lookup(&f);
	const char *passing[1] = {dkim_d};
	struct dmarc_input in = {from, passing, dkim_d ? 1 : 0, spf_pass, spf_domain};
	return dmarc_evaluate(&dns, &in);
}

static void test_evaluate(void)
{
	CHECK(eval("example.com", "example.com", 0, NULL) == DMARC_PASS);
	/* the subdomain has no record: the organisational domain's applies (relaxed) */
	CHECK(eval("news.example.com", "example.com", 0, NULL) == DMARC_PASS);
	CHECK(eval("example.com", NULL, 1, "bounce.example.com") == DMARC_PASS);
	CHECK(eval("example.com", "evil.test", 1, "evil.test") == DMARC_FAIL);
	CHECK(eval("example.com", NULL, 0, "example.com") == DMARC_FAIL);
	CHECK(eval("sub.strict.test", "strict.test", 1, "strict.test") == DMARC_FAIL);
	CHECK(eval("strict.test", "strict.test", 0, NULL) == DMARC_PASS);
	CHECK(eval("strict.test", "mail.strict.test", 1, "strict.test") == DMARC_PASS);
	CHECK(eval("norecord.test", "norecord.test", 1, "norecord.test") == DMARC_NONE);
	CHECK(eval("two.test", "two.test", 0, NULL) == DMARC_NONE);
	CHECK(eval("other.test", "other.test", 0, NULL) == DMARC_NONE);
	CHECK(eval("broken.test", "broken.test", 1, "broken.test") == DMARC_FAIL);
	CHECK(eval(NULL, "example.com", 1, "example.com") == DMARC_NONE);
	CHECK_STR(dmarc_result_name(DMARC_PASS), "pass");
	CHECK_STR(dmarc_result_name(DMARC_NONE), "none");
}

void suite_dmarc(void)
{
	test_parse();
	test_alignment();
	test_evaluate();
}
