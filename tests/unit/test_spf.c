/* test_spf.c: unit tests for SPF macros (RFC 7208 7.4 examples), record syntax and limits. */
#include "fake_dns.h"
#include "spf.h"
#include "unit.h"

static void check_macro(const char *spec, const char *ip, const char *want)
{
	struct ip_addr a;
	CHECK(ip_parse(ip, &a) == 0);
	struct spf_macro_ctx ctx = {"strong-bad@email.example.com", "email.example.com",
				    "mx.example.org", &a};
	char out[300];
	int rc = spf_macro_expand(spec, &ctx, out, sizeof(out));
	if (want)
		CHECK_STR(rc == 0 ? out : "(error)", want);
	else
		CHECK(rc == -1);
}

static void test_rfc_examples(void)
{
	const char *v4 = "192.0.2.3";
	check_macro("%{s}", v4, "strong-bad@email.example.com");
	check_macro("%{o}", v4, "email.example.com");
	check_macro("%{d}", v4, "email.example.com");
	check_macro("%{d4}", v4, "email.example.com");
	check_macro("%{d3}", v4, "email.example.com");
	check_macro("%{d2}", v4, "example.com");
	check_macro("%{d1}", v4, "com");
	check_macro("%{dr}", v4, "com.example.email");
	check_macro("%{d2r}", v4, "example.email");
	check_macro("%{l}", v4, "strong-bad");
	check_macro("%{l-}", v4, "strong.bad");
	check_macro("%{lr}", v4, "strong-bad");
	check_macro("%{lr-}", v4, "bad.strong");
	check_macro("%{l1r-}", v4, "strong");
	check_macro("%{ir}.%{v}._spf.%{d2}", v4, "3.2.0.192.in-addr._spf.example.com");
	check_macro("%{lr-}.lp._spf.%{d2}", v4, "bad.strong.lp._spf.example.com");
	check_macro("%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", v4,
		    "bad.strong.lp.3.2.0.192.in-addr._spf.example.com");
	check_macro("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", v4,
		    "3.2.0.192.in-addr.strong.lp._spf.example.com");
	check_macro("%{d2}.trusted-domains.example.net", v4, "example.com.trusted-domains.example.net");
	check_macro("%{ir}.%{v}._spf.%{d2}", "2001:db8::cb01",
		    "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com");
	check_macro("%%%_%-x", v4, "% %20x");
	check_macro("%{h}", v4, "mx.example.org");
	check_macro("%{p}", v4, "unknown");
	check_macro("%{x}", v4, NULL);
	check_macro("%{d0}", v4, NULL);
	check_macro("%{d", v4, NULL);
	check_macro("%a", v4, NULL);
	check_macro("%{c}", v4, NULL); /* exp-only letters are errors in a domain-spec */
}

static void test_records(void)
{
	struct spf_record r;
	CHECK(spf_record_parse("v=spf1 a/24//64 mx:example.com/0 ip6:::1/128 ~all", &r) == 0);
	CHECK(r.n == 4 && r.term[0].cidr4 == 24 && r.term[0].cidr6 == 64 && r.term[1].cidr4 == 0);
	CHECK(r.term[3].qualifier == SPF_SOFTFAIL && r.term[2].ip.v6 == 1);
	spf_record_free(&r);
	CHECK(spf_record_parse("v=spf1 ip4:192.0.2.0/33", &r) == -1);
	CHECK(spf_record_parse("v=spf1 ip6:2001:db8::/129", &r) == -1);
	CHECK(spf_record_parse("v=spf1 ip4:2001:db8::1", &r) == -1);
	CHECK(spf_record_parse("v=spf1 a/024", &r) == -1);
	CHECK(spf_record_parse("v=spf1 include", &r) == -1);
	CHECK(spf_record_parse("v=spf1 all/24", &r) == -1);
	CHECK(spf_record_parse("v=spf1 exp=a exp=b", &r) == -1);
	CHECK(spf_record_parse("v=spf10 -all", &r) == -1);
	CHECK(spf_record_parse("v=spf1 x-custom=1 -all", &r) == 0);
	spf_record_free(&r);
}

static const struct fake_rr zone[] = {
	{"loop.test", DNS_T_TXT, "v=spf1 include:loop.test -all", DNS_OK},
	{"temp.test", DNS_T_TXT, "v=spf1 a:down.test -all", DNS_OK},
	{"down.test", DNS_T_A, NULL, DNS_TEMPFAIL},
	{"many.test", DNS_T_TXT, "v=spf1 mx -all", DNS_OK},
};

static void test_evaluation_bounds(void)
{
	struct fake_dns f = {zone, sizeof(zone) / sizeof(zone[0]), 0};
	struct dns_lookup dns = fake_dns_lookup(&f);
	CHECK(spf_check_host(&dns, "192.0.2.1", "a@loop.test", "loop.test") == SPF_PERMERROR);
	CHECK(f.queries <= SPF_LOOKUP_LIMIT + 2);
	CHECK(spf_check_host(&dns, "192.0.2.1", "a@temp.test", "temp.test") == SPF_TEMPERROR);
	CHECK(spf_check_host(&dns, "192.0.2.1", "a@nothing.test", "x") == SPF_NONE);
	CHECK(spf_check_host(&dns, "192.0.2.1", "a@single", "x") == SPF_NONE);
	CHECK(spf_check_host(&dns, "not-an-ip", "a@loop.test", "x") == SPF_NONE);
	CHECK_STR(spf_result_name(SPF_SOFTFAIL), "softfail");
}

void suite_spf(void)
{
	test_rfc_examples();
	test_records();
	test_evaluation_bounds();
}
