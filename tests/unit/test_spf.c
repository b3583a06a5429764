/* test_spf.c: unit tests for SPF macros (RFC 7208 7.4 examples), domain-spec and record syntax. */
#include <stdlib.h>

#include "trust/spf.h"
#include "unit.h"

/* Expands spec for `sender` from ip (current domain: the sender's); want NULL expects rc. */
static void expand_as(const char *sender, const char *spec, const char *ip, const char *want,
		      int want_rc)
{
	struct ip_addr a;
	CHECK(ip_parse(ip, &a) == 0);
	struct spf_macro_ctx ctx = {sender, "email.example.com", "mx.example.org", &a, NULL};
	char out[DNS_NAME_MAX];
	int rc = spf_macro_expand(spec, &ctx, out);
	if (want)
		CHECK_STR(rc == 0 ? out : "(error)", want);
	else
		CHECK(rc == want_rc);
}

static void check_macro(const char *spec, const char *ip, const char *want)
{
	expand_as("strong-bad@email.example.com", spec, ip, want, -1);
}

/* RFC 7208 7.4, every example, verbatim. */
static void test_rfc_examples(void)
{
	const char *v4 = "192.0.2.3", *v6 = "2001:db8::cb01";
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
	check_macro("%{ir}.%{v}._spf.%{d2}", v6,
		    "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com");
}

static void test_macro_details(void)
{
	const char *v4 = "192.0.2.3";
	check_macro("%%%_%-x", v4, "% %20x");
	check_macro("%{h}", v4, "mx.example.org");
	check_macro("%{p}", v4, "unknown");
	check_macro("%{i}", "2001:db8::cb01",
		    "2.0.0.1.0.d.b.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.c.b.0.1");
	check_macro("%{i}.%{v}", "::ffff:192.0.2.3", "192.0.2.3.in-addr");
	check_macro("%{d9}", v4, "email.example.com");
	check_macro("%{d2R}", v4, "example.email");
	check_macro("%{l-.}", v4, "strong.bad");
	check_macro("%{o1-.}", v4, "com");
	check_macro("%{D}", v4, "email.example.com");
	expand_as("a+b/c@example.com", "%{L}.%{l+}", v4, "a%2Bb%2Fc.a.b/c", 0);
	expand_as("a+b@example.com", "%{S}", v4, "a%2Bb%40example.com", 0);
	expand_as("x.y.z@example.com", "%{lr}.%{l2}.%{l1r}", v4, "z.y.x.y.z.x", 0);
	expand_as(".a.b@example.com", "%{lr}|%{l2}", v4, "b.a.|a.b", 0);
	/* 7.3: an expansion over 253 bytes loses labels on the left until it fits */
	char local[200], spec[64], want[260];
	memset(local, 'a', 60);
	strcpy(local + 60, ".");
	memset(local + 61, 'b', 60);
	strcpy(local + 121, ".c@example.com");
	snprintf(spec, sizeof(spec), "%%{l}.%%{l}.x.example");
	snprintf(want, sizeof(want), "%.60s.c.%.60s.%.60s.c.x.example", local + 61, local, local + 61);
	expand_as(local, spec, v4, want, 0);
	/* an overlong leftmost label goes; a name that is one such label is no usable name */
	char big[300];
	memset(big, 'q', 280);
	strcpy(big + 280, "@example.com");
	expand_as(big, "%{l}.example.com", v4, "example.com", 0);
	expand_as(big, "%{l}", v4, NULL, -2);
}

static void test_macro_errors(void)
{
	const char *v4 = "192.0.2.3";
	check_macro("%{x}", v4, NULL);
	check_macro("%{d0}", v4, NULL);
	check_macro("%{d", v4, NULL);
	check_macro("%{}", v4, NULL);
	check_macro("%a", v4, NULL);
	check_macro("%", v4, NULL);
	check_macro("%{l@}", v4, NULL);
	check_macro("%{lr2}", v4, NULL);
	check_macro("%{c}", v4, NULL); /* c, r, t: explanation text only */
	check_macro("%{r}", v4, NULL);
	check_macro("%{t}", v4, NULL);
	check_macro("a b", v4, NULL);
	check_macro("caf\xc3\xa9.example", v4, NULL);
	expand_as("x@example.com", "", v4, NULL, -2);
}

static void test_domain_spec(void)
{
	CHECK(spf_domain_spec_valid("example.com"));
	CHECK(spf_domain_spec_valid("example.com."));
	CHECK(spf_domain_spec_valid("%{d}"));
	CHECK(spf_domain_spec_valid("x.%{d}"));
	CHECK(spf_domain_spec_valid("%{d}x.com"));
	CHECK(spf_domain_spec_valid("%{ir}.%{v}._spf.%{d2}"));
	CHECK(spf_domain_spec_valid("a.1-2"));
	CHECK(spf_domain_spec_valid("a.b-c1"));
	CHECK(spf_domain_spec_valid("%%"));
	CHECK(spf_domain_spec_valid("_spf.x/y.example"));
	CHECK(!spf_domain_spec_valid(""));
	CHECK(!spf_domain_spec_valid("example"));
	CHECK(!spf_domain_spec_valid("%{d}."));
	CHECK(!spf_domain_spec_valid("%{d}x"));
	CHECK(!spf_domain_spec_valid("1.2.3.4"));
	CHECK(!spf_domain_spec_valid("a.-bc"));
	CHECK(!spf_domain_spec_valid("a.bc-"));
	CHECK(!spf_domain_spec_valid("a.com.."));
	CHECK(!spf_domain_spec_valid("a.com/24"));
	CHECK(!spf_domain_spec_valid("%{c}.example.com"));
	CHECK(spf_macro_string_valid(""));
	CHECK(spf_macro_string_valid("cow%{l}"));
	CHECK(!spf_macro_string_valid("%{z}"));
	CHECK(!spf_macro_string_valid("100%"));
}

static int parses(const char *txt)
{
	struct spf_record r;
	int rc = spf_record_parse(txt, &r);
	if (rc == 0)
		spf_record_free(&r);
	return rc == 0;
}

static void test_record_terms(void)
{
	struct spf_record r;
	CHECK(spf_record_parse("v=spf1 a/24//64 mx:example.com/0 ip6:::1/128 ~all", &r) == 0);
	CHECK(r.n == 4 && r.term[0].cidr4 == 24 && r.term[0].cidr6 == 64 && r.term[1].cidr4 == 0);
	CHECK_STR(r.term[1].domain_spec, "example.com");
	CHECK(r.term[3].qualifier == SPF_SOFTFAIL && r.term[2].ip.v6 == 1 && r.term[2].cidr6 == 128);
	spf_record_free(&r);
	CHECK(spf_record_parse("v=spf1  +a  -mx ~ptr ?exists:%{i}.x.example  ", &r) == 0);
	CHECK(r.n == 4 && r.term[0].qualifier == SPF_PASS && r.term[1].qualifier == SPF_FAIL);
	CHECK(r.term[2].mechanism == SPF_PTR && r.term[3].qualifier == SPF_NEUTRAL);
	CHECK(r.term[0].domain_spec == NULL && r.term[0].cidr4 == 32 && r.term[0].cidr6 == 128);
	spf_record_free(&r);
	CHECK(spf_record_parse("v=spf1 a:mail.example.com//0 mx//128 ip4:0.0.0.0/0", &r) == 0);
	CHECK(r.term[0].cidr4 == 32 && r.term[0].cidr6 == 0 && r.term[1].cidr6 == 128);
	CHECK(r.term[2].cidr4 == 0);
	spf_record_free(&r);
	CHECK(spf_record_parse("v=spf1 ip4:192.0.2.1/32 ip6:2001:db8::/0 A:X.EXAMPLE/32", &r) == 0);
	CHECK(r.term[0].cidr4 == 32 && r.term[1].cidr6 == 0 && r.term[2].mechanism == SPF_A);
	spf_record_free(&r);
	CHECK(spf_record_parse("v=spf1 redirect=_spf.example.com exp=x.%{d} moo=cow%{l}", &r) == 0);
	CHECK_STR(r.redirect, "_spf.example.com");
	CHECK(r.n == 0 && r.has_exp);
	spf_record_free(&r);
	CHECK(parses("v=spf1"));
	CHECK(parses("V=SPF1 IP4:192.0.2.1 -ALL"));
	CHECK(parses("v=spf1 moo= x.y-z_9=1 -all"));
	CHECK(parses("v=spf1 ip6:::ffff:192.0.2.0/120 -all"));
	CHECK(parses("v=spf1 a:%{d} mx:_mx.%{d2} include:%{l}.x.example ptr:example.com"));
	char many[2048] = "v=spf1";
	for (int k = 0; k < 100; k++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), " ip4:10.0.%d.0/24", k);
	CHECK(spf_record_parse(many, &r) == 0 && r.n == 100 && r.term[99].ip.bytes[2] == 99);
	spf_record_free(&r);
}

static void test_record_errors(void)
{
	CHECK(!parses("v=spf1 ip4:192.0.2.0/33"));
	CHECK(!parses("v=spf1 ip6:2001:db8::/129"));
	CHECK(!parses("v=spf1 a/33"));
	CHECK(!parses("v=spf1 a//129"));
	CHECK(!parses("v=spf1 a/024"));
	CHECK(!parses("v=spf1 ip4:192.0.2.0/024"));
	CHECK(!parses("v=spf1 ip4:192.0.2.1//24"));
	CHECK(!parses("v=spf1 ip6:::1//64"));
	CHECK(!parses("v=spf1 ip4:2001:db8::1"));
	CHECK(!parses("v=spf1 ip6:192.0.2.1"));
	CHECK(!parses("v=spf1 ip4:192.0.2.300"));
	CHECK(!parses("v=spf1 ip4:192.0.02.1"));
	CHECK(!parses("v=spf1 ip4"));
	CHECK(!parses("v=spf1 include"));
	CHECK(!parses("v=spf1 include:"));
	CHECK(!parses("v=spf1 include:example.com/24"));
	CHECK(!parses("v=spf1 exists"));
	CHECK(!parses("v=spf1 ptr/24"));
	CHECK(!parses("v=spf1 a:example"));
	CHECK(!parses("v=spf1 a:1.2.3.4"));
	CHECK(!parses("v=spf1 +all a:%{x}.example.com"));
	CHECK(!parses("v=spf1 all/24"));
	CHECK(!parses("v=spf1 -all:x"));
	CHECK(!parses("v=spf1 =all"));
	CHECK(!parses("v=spf1 foo:bar"));
	CHECK(!parses("v=spf1 a,"));
	CHECK(!parses("v=spf1 redirect="));
	CHECK(!parses("v=spf1 redirect=example"));
	CHECK(!parses("v=spf1 redirect=a.example redirect=b.example"));
	CHECK(!parses("v=spf1 exp="));
	CHECK(!parses("v=spf1 exp=a.example exp=b.example"));
	CHECK(!parses("v=spf1 moo=%{q}"));
	CHECK(!parses("v=spf10 -all"));
	CHECK(!parses("v=spf1\t-all"));
	CHECK(!parses("spf1 -all"));
	CHECK(spf_is_record("v=spf1") && spf_is_record("v=SPF1 a") && !spf_is_record("v=spf1x"));
}

void suite_spf(void)
{
	test_rfc_examples();
	test_macro_details();
	test_macro_errors();
	test_domain_spec();
	test_record_terms();
	test_record_errors();
}
