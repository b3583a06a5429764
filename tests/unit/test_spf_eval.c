/* test_spf_eval.c: unit tests for SPF check_host() over a table of DNS answers. */
#include "fake_dns.h"
#include "trust/spf.h"
#include "unit.h"

#define TXT  DNS_T_TXT
#define A    DNS_T_A
#define AAAA DNS_T_AAAA
#define MX   DNS_T_MX
#define PTR  DNS_T_PTR

static const struct fake_rr zone[] = {
	{"pass.test", TXT, "v=spf1 ip4:192.0.2.0/24 -all", DNS_OK},
	{"soft.test", TXT, "v=spf1 ip4:192.0.2.1 ~all", DNS_OK},
	{"neutral.test", TXT, "v=spf1 ?ip4:192.0.2.1 -all", DNS_OK},
	{"empty.test", TXT, "v=spf1", DNS_OK},
	{"any.test", TXT, "v=spf1 -ip4:0.0.0.0/0 +ip6:::/0", DNS_OK},
	{"v6.test", TXT, "v=spf1 ip6:2001:db8:1::/48 ip4:192.0.2.0/24 -all", DNS_OK},
	/* include chains and the 5.2 result table */
	{"chain1.test", TXT, "v=spf1 include:chain2.test -all", DNS_OK},
	{"chain2.test", TXT, "v=spf1 include:chain3.test ~all", DNS_OK},
	{"chain3.test", TXT, "v=spf1 ip4:198.51.100.0/24 -all", DNS_OK},
	{"incneutral.test", TXT, "v=spf1 include:empty.test -all", DNS_OK},
	{"incnone.test", TXT, "v=spf1 include:nothing.test +all", DNS_OK},
	{"incperm.test", TXT, "v=spf1 include:broken.test +all", DNS_OK},
	{"broken.test", TXT, "v=spf1 foo", DNS_OK},
	{"inctemp.test", TXT, "v=spf1 include:down.test +all", DNS_OK},
	{"down.test", TXT, NULL, DNS_TEMPFAIL},
	{"loop.test", TXT, "v=spf1 include:loop.test -all", DNS_OK},
	{"ping.test", TXT, "v=spf1 redirect=pong.test", DNS_OK},
	{"pong.test", TXT, "v=spf1 redirect=ping.test", DNS_OK},
	/* redirect */
	{"redir.test", TXT, "v=spf1 ip4:203.0.113.1 redirect=pass.test", DNS_OK},
	{"redirall.test", TXT, "v=spf1 redirect=pass.test ?all", DNS_OK},
	{"redirnone.test", TXT, "v=spf1 redirect=nothing.test", DNS_OK},
	{"redirmacro.test", TXT, "v=spf1 redirect=_spf.%{d}", DNS_OK},
	{"_spf.redirmacro.test", TXT, "v=spf1 exists:%{d}.ok.test -all", DNS_OK},
	{"_spf.redirmacro.test.ok.test", A, "127.0.0.2", DNS_OK},
	/* void lookups: NXDOMAIN and NODATA both count */
	{"void2.test", TXT, "v=spf1 a:nx1.test mx:nx2.test ip4:192.0.2.1 -all", DNS_OK},
	{"void3.test", TXT, "v=spf1 a:nx1.test mx:nx2.test exists:nx3.test ip4:192.0.2.1 -all",
	 DNS_OK},
	{"nodata.test", TXT, "v=spf1 a:void2.test a:void2.test a:void2.test ip4:192.0.2.1 -all",
	 DNS_OK},
	/* the 10-term limit */
	{"h.test", A, "203.0.113.9", DNS_OK},
	{"ten.test", TXT,
	 "v=spf1 a:h.test a:h.test a:h.test a:h.test a:h.test a:h.test a:h.test a:h.test "
	 "a:h.test include:pass.test -all",
	 DNS_OK},
	{"eleven.test", TXT,
	 "v=spf1 a:h.test a:h.test a:h.test a:h.test a:h.test a:h.test a:h.test a:h.test "
	 "a:h.test a:h.test include:pass.test -all",
	 DNS_OK},
	{"ptr.test", TXT, "v=spf1 ptr -all", DNS_OK},
	{"ptr10.test", TXT, "v=spf1 ptr ptr ptr ptr ptr ptr ptr ptr ptr ptr:x.test +all", DNS_OK},
	{"ptr11.test", TXT, "v=spf1 ptr ptr ptr ptr ptr ptr ptr ptr ptr ptr ptr +all", DNS_OK},
	/* a and mx */
	{"a.test", TXT, "v=spf1 a -all", DNS_OK},
	{"a.test", A, "192.0.2.30", DNS_OK},
	{"a.test", AAAA, "2001:db8::30", DNS_OK},
	{"aother.test", TXT, "v=spf1 a:a.test/24 -all", DNS_OK},
	{"mx.test", TXT, "v=spf1 mx -all", DNS_OK},
	{"mx.test", MX, "10 mx1.mx.test", DNS_OK},
	{"mx.test", MX, "20 mx2.mx.test", DNS_OK},
	{"mx1.mx.test", A, "192.0.2.10", DNS_OK},
	{"mx2.mx.test", A, "192.0.2.20", DNS_OK},
	{"mx2.mx.test", AAAA, "2001:db8::20", DNS_OK},
	{"mxcidr.test", TXT, "v=spf1 mx:mx.test/24//64 -all", DNS_OK},
	{"mx11.test", TXT, "v=spf1 mx +all", DNS_OK},
	{"mx11.test", MX, "1 mx1.mx.test", DNS_OK},
	{"mx11.test", MX, "2 mx1.mx.test", DNS_OK},
	{"mx11.test", MX, "3 mx1.mx.test", DNS_OK},
	{"mx11.test", MX, "4 mx1.mx.test", DNS_OK},
	{"mx11.test", MX, "5 mx1.mx.test", DNS_OK},
	{"mx11.test", MX, "6 mx1.mx.test", DNS_OK},
	{"mx11.test", MX, "7 mx1.mx.test", DNS_OK},
	{"mx11.test", MX, "8 mx1.mx.test", DNS_OK},
	{"mx11.test", MX, "9 mx1.mx.test", DNS_OK},
	{"mx11.test", MX, "10 mx1.mx.test", DNS_OK},
	{"mx11.test", MX, "11 mx1.mx.test", DNS_OK},
	{"mxtemp.test", TXT, "v=spf1 mx -all", DNS_OK},
	{"mxtemp.test", MX, "10 tempa.test", DNS_OK},
	/* exists with macros */
	{"exists.test", TXT, "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all", DNS_OK},
	{"1.2.0.192.alice._spf.exists.test", A, "127.0.0.2", DNS_OK},
	{"pm.test", TXT, "v=spf1 exists:%{l}.pm.test -all", DNS_OK},
	{"postmaster.pm.test", A, "127.0.0.2", DNS_OK},
	/* temperror */
	{"temp.test", TXT, "v=spf1 a:tempa.test -all", DNS_OK},
	{"tempa.test", A, NULL, DNS_TEMPFAIL},
	{"temptop.test", TXT, NULL, DNS_TEMPFAIL},
	{"tempafter.test", TXT, "v=spf1 ip4:192.0.2.1 a:tempa.test -all", DNS_OK},
	/* record selection and syntax */
	{"two.test", TXT, "v=spf1 -all", DNS_OK},
	{"two.test", TXT, "v=spf1 +all", DNS_OK},
	{"mixed.test", TXT, "google-site-verification=x", DNS_OK},
	{"mixed.test", TXT, "v=spf1 +all", DNS_OK},
	{"notspf.test", TXT, "v=spf10 +all", DNS_OK},
	{"syntax.test", TXT, "v=spf1 +all ip4:192.0.2.300", DNS_OK},
	{"badtarget.test", TXT, "v=spf1 a:%{l}.x.test exists:%{l} -all", DNS_OK},
	{"longa.test", TXT, "v=spf1 a:%{l} ~all", DNS_OK},
	{"longinc.test", TXT, "v=spf1 include:%{l} +all", DNS_OK},
	/* a NUL inside the record (4.6, 7.1): permerror, here or through include/redirect */
	{"nul.test", TXT, "v=spf1 a:foo.example.com", DNS_OK}, /* + a NUL: see with_nul */
	{"foo.example.com", A, "192.0.2.1", DNS_OK},
	{"incnul.test", TXT, "v=spf1 include:nul.test +all", DNS_OK},
	{"rednul.test", TXT, "v=spf1 redirect=nul.test", DNS_OK},
	/* ptr (5.5): 192.0.2.10 has a validated name and a spoofed one */
	{"10.2.0.192.in-addr.arpa", PTR, "spoof.other.test", DNS_OK},
	{"10.2.0.192.in-addr.arpa", PTR, "mail.ptr.test", DNS_OK},
	{"mail.ptr.test", A, "192.0.2.10", DNS_OK},
	{"spoof.other.test", A, "198.51.100.1", DNS_OK},
	{"ptrother.test", TXT, "v=spf1 ptr:other.test -all", DNS_OK},
	{"ptrparent.test", TXT, "v=spf1 ptr:ptr.test -all", DNS_OK},
	{"ptrlabel.test", TXT, "v=spf1 ptr:tr.test -all", DNS_OK},
	/* 192.0.2.20: eleven PTR names, only the eleventh validates (4.6.4: ignored) */
	{"20.2.0.192.in-addr.arpa", PTR, "n1.many.test", DNS_OK},
	{"20.2.0.192.in-addr.arpa", PTR, "n2.many.test", DNS_OK},
	{"20.2.0.192.in-addr.arpa", PTR, "n3.many.test", DNS_OK},
	{"20.2.0.192.in-addr.arpa", PTR, "n4.many.test", DNS_OK},
	{"20.2.0.192.in-addr.arpa", PTR, "n5.many.test", DNS_OK},
	{"20.2.0.192.in-addr.arpa", PTR, "n6.many.test", DNS_OK},
	{"20.2.0.192.in-addr.arpa", PTR, "n7.many.test", DNS_OK},
	{"20.2.0.192.in-addr.arpa", PTR, "n8.many.test", DNS_OK},
	{"20.2.0.192.in-addr.arpa", PTR, "n9.many.test", DNS_OK},
	{"20.2.0.192.in-addr.arpa", PTR, "n10.many.test", DNS_OK},
	{"20.2.0.192.in-addr.arpa", PTR, "n11.many.test", DNS_OK},
	{"n11.many.test", A, "192.0.2.20", DNS_OK},
	{"many.test", TXT, "v=spf1 ptr -all", DNS_OK},
	/* 2001:db8::10 validated through AAAA */
	{"0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", PTR,
	 "v6.ptr.test", DNS_OK},
	{"v6.ptr.test", AAAA, "2001:db8::10", DNS_OK},
	/* %{p} (7.3): the domain or a subdomain of it first, else any validated name */
	{"pmac.test", TXT, "v=spf1 exists:%{p}.x.test -all", DNS_OK},
	{"mail.ptr.test.x.test", A, "127.0.0.2", DNS_OK},
	{"30.2.0.192.in-addr.arpa", PTR, "a.other.test", DNS_OK},
	{"30.2.0.192.in-addr.arpa", PTR, "mail.pref.test", DNS_OK},
	{"a.other.test", A, "192.0.2.30", DNS_OK},
	{"mail.pref.test", A, "192.0.2.30", DNS_OK},
	{"pref.test", TXT, "v=spf1 exists:%{p}.y.test -all", DNS_OK},
	{"mail.pref.test.y.test", A, "127.0.0.2", DNS_OK},
	{"unknown.y.test", A, "127.0.0.2", DNS_OK},
	{"ptrtwo.test", TXT, "v=spf1 exists:%{p2}.z.test -all", DNS_OK},
	{"ptr.test.z.test", A, "127.0.0.2", DNS_OK},
};

static struct fake_dns fake;

static struct dns_lookup table;

/* The table's answers, but nul.test's TXT record ends in a NUL byte, as the RFC 7208 test
 * suite's a-null and mx-null records do ("v=spf1 a:foo.example.com\0"). */
static int with_nul(void *ctx, const char *name, uint16_t type, struct dns_result *out)
{
	int rc = table.query(ctx, name, type, out);
	if (type == DNS_T_TXT && strcmp(name, "nul.test") == 0 && out->n == 1)
		out->rr[0].text_len++; /* the terminator becomes part of the record */
	return rc;
}

static enum spf_result check(const char *ip, const char *sender)
{
	fake = (struct fake_dns){zone, sizeof(zone) / sizeof(zone[0]), 0};
	table = fake_dns_lookup(&fake);
	struct dns_lookup dns = {with_nul, table.ctx};
	const char *at = strrchr(sender, '@');
	return spf_check_host(&dns, ip, sender, at ? at + 1 : sender);
}

static void test_qualifiers(void)
{
	CHECK(check("192.0.2.9", "x@pass.test") == SPF_PASS);
	CHECK(check("10.0.0.1", "x@pass.test") == SPF_FAIL);
	CHECK(check("10.0.0.1", "x@soft.test") == SPF_SOFTFAIL);
	CHECK(check("192.0.2.1", "x@neutral.test") == SPF_NEUTRAL);
	CHECK(check("192.0.2.1", "x@empty.test") == SPF_NEUTRAL);
	CHECK(check("203.0.113.1", "x@any.test") == SPF_FAIL);
	CHECK(check("2001:db8:ffff::1", "x@any.test") == SPF_PASS);
	CHECK(check("2001:db8:1:2::1", "x@v6.test") == SPF_PASS);
	CHECK(check("2001:db8:2::1", "x@v6.test") == SPF_FAIL);
	CHECK(check("::ffff:192.0.2.1", "x@v6.test") == SPF_PASS);
	CHECK(check("192.0.2.1", "x@nothing.test") == SPF_NONE);
	CHECK(check("192.0.2.1", "x@notspf.test") == SPF_NONE);
	CHECK(check("192.0.2.1", "x@two.test") == SPF_PERMERROR);
	CHECK(check("192.0.2.1", "x@mixed.test") == SPF_PASS);
	CHECK(check("192.0.2.1", "x@syntax.test") == SPF_PERMERROR);
	/* 4.3: a malformed or single-label domain is none without a query */
	CHECK(check("192.0.2.1", "x@single") == SPF_NONE && fake.queries == 0);
	CHECK(check("192.0.2.1", "x@a..test") == SPF_NONE && fake.queries == 0);
	CHECK(check("not-an-ip", "x@pass.test") == SPF_NONE);
	/* single-label targets are looked up (two voids), not refused */
	CHECK(check("192.0.2.1", "x@badtarget.test") == SPF_FAIL && fake.queries == 3);
	/* a 280-byte label is no name: a misses, include cannot be evaluated */
	char sender[300];
	memset(sender, 'q', 280);
	strcpy(sender + 280, "@longa.test");
	CHECK(check("192.0.2.1", sender) == SPF_SOFTFAIL && fake.queries == 1);
	strcpy(sender + 280, "@longinc.test");
	CHECK(check("192.0.2.1", sender) == SPF_PERMERROR);
}

static void test_includes(void)
{
	CHECK(check("198.51.100.7", "x@chain1.test") == SPF_PASS);
	CHECK(check("192.0.2.1", "x@chain1.test") == SPF_FAIL); /* softfail inside: no match */
	CHECK(check("192.0.2.1", "x@incneutral.test") == SPF_FAIL);
	CHECK(check("192.0.2.1", "x@incnone.test") == SPF_PERMERROR);
	CHECK(check("192.0.2.1", "x@incperm.test") == SPF_PERMERROR);
	CHECK(check("192.0.2.1", "x@inctemp.test") == SPF_TEMPERROR);
	CHECK(check("192.0.2.1", "x@loop.test") == SPF_PERMERROR);
	CHECK(fake.queries == SPF_LOOKUP_LIMIT + 1);
	CHECK(check("192.0.2.1", "x@ping.test") == SPF_PERMERROR);
	CHECK(fake.queries == SPF_LOOKUP_LIMIT + 1);
}

static void test_redirect(void)
{
	CHECK(check("192.0.2.9", "x@redir.test") == SPF_PASS);
	CHECK(check("203.0.113.1", "x@redir.test") == SPF_PASS);
	CHECK(check("10.0.0.1", "x@redir.test") == SPF_FAIL);
	CHECK(check("10.0.0.1", "x@redirall.test") == SPF_NEUTRAL && fake.queries == 1);
	CHECK(check("192.0.2.9", "x@redirnone.test") == SPF_PERMERROR);
	/* the target's %{d} is the target domain */
	CHECK(check("192.0.2.9", "x@redirmacro.test") == SPF_PASS);
}

static void test_limits(void)
{
	CHECK(check("192.0.2.1", "x@void2.test") == SPF_PASS);
	CHECK(check("192.0.2.1", "x@void3.test") == SPF_PERMERROR && fake.queries == 4);
	CHECK(check("192.0.2.1", "x@nodata.test") == SPF_PERMERROR);
	CHECK(check("192.0.2.5", "x@ten.test") == SPF_PASS);
	CHECK(check("192.0.2.5", "x@eleven.test") == SPF_PERMERROR);
	CHECK(fake.queries == 1 + SPF_LOOKUP_LIMIT); /* the 11th term is not looked up */
	CHECK(check("192.0.2.5", "x@ptr.test") == SPF_FAIL && fake.queries == 2); /* TXT, PTR */
	CHECK(check("192.0.2.5", "x@ptr10.test") == SPF_PASS);
	CHECK(check("192.0.2.5", "x@ptr11.test") == SPF_PERMERROR);
}

static void test_a_mx(void)
{
	CHECK(check("192.0.2.30", "x@a.test") == SPF_PASS);
	CHECK(check("192.0.2.31", "x@a.test") == SPF_FAIL);
	CHECK(check("2001:db8::30", "x@a.test") == SPF_PASS);
	CHECK(check("2001:db8::31", "x@a.test") == SPF_FAIL);
	CHECK(check("::ffff:192.0.2.30", "x@a.test") == SPF_PASS);
	CHECK(check("192.0.2.200", "x@aother.test") == SPF_PASS);
	CHECK(check("192.0.3.1", "x@aother.test") == SPF_FAIL);
	CHECK(check("192.0.2.10", "x@mx.test") == SPF_PASS);
	CHECK(check("192.0.2.20", "x@mx.test") == SPF_PASS && fake.queries == 4);
	CHECK(check("192.0.2.21", "x@mx.test") == SPF_FAIL);
	CHECK(check("2001:db8::20", "x@mx.test") == SPF_PASS);
	CHECK(check("192.0.2.99", "x@mxcidr.test") == SPF_PASS);
	CHECK(check("2001:db8::ffff:1", "x@mxcidr.test") == SPF_PASS);
	CHECK(check("2001:db9::20", "x@mxcidr.test") == SPF_FAIL);
	CHECK(check("192.0.2.10", "x@mx11.test") == SPF_PERMERROR);
	CHECK(check("192.0.2.10", "x@mxtemp.test") == SPF_TEMPERROR);
}

static void test_macros_and_errors(void)
{
	CHECK(check("192.0.2.1", "alice+news@exists.test") == SPF_PASS);
	CHECK(check("192.0.2.1", "bob@exists.test") == SPF_FAIL);
	CHECK(check("192.0.2.2", "alice@exists.test") == SPF_FAIL);
	CHECK(check("192.0.2.1", "pm.test") == SPF_PASS);
	CHECK(check("192.0.2.1", "@pm.test") == SPF_PASS);
	CHECK(check("192.0.2.1", "x@pm.test") == SPF_FAIL);
	CHECK(check("192.0.2.1", "x@y@pm.test") == SPF_FAIL);
	fake = (struct fake_dns){zone, sizeof(zone) / sizeof(zone[0]), 0};
	struct dns_lookup dns = fake_dns_lookup(&fake);
	CHECK(spf_check_host(&dns, "192.0.2.1", "", "pm.test") == SPF_PASS); /* 2.4 */
	CHECK(spf_check_host(&dns, "192.0.2.1", "", NULL) == SPF_NONE);
	CHECK(check("192.0.2.1", "x@temp.test") == SPF_TEMPERROR);
	CHECK(check("192.0.2.1", "x@temptop.test") == SPF_TEMPERROR);
	CHECK(check("192.0.2.1", "x@tempafter.test") == SPF_PASS); /* a match ends evaluation */
	CHECK(check("192.0.2.2", "x@tempafter.test") == SPF_TEMPERROR);
	CHECK_STR(spf_result_name(SPF_PASS), "pass");
	CHECK_STR(spf_result_name(SPF_SOFTFAIL), "softfail");
	CHECK_STR(spf_result_name(SPF_TEMPERROR), "temperror");
	CHECK_STR(spf_result_name(SPF_PERMERROR), "permerror");
	CHECK_STR(spf_result_name(SPF_NONE), "none");
}

static void test_nul_record(void)
{
	CHECK(check("192.0.2.1", "x@nul.test") == SPF_PERMERROR);
	CHECK(check("192.0.2.1", "x@incnul.test") == SPF_PERMERROR);
	CHECK(check("192.0.2.1", "x@rednul.test") == SPF_PERMERROR);
}

static void test_ptr(void)
{
	CHECK(check("192.0.2.10", "x@ptr.test") == SPF_PASS);
	CHECK(check("192.0.2.11", "x@ptr.test") == SPF_FAIL);      /* no PTR record */
	CHECK(check("192.0.2.10", "x@ptrother.test") == SPF_FAIL); /* spoof.other.test: no A */
	CHECK(check("192.0.2.10", "x@ptrparent.test") == SPF_PASS); /* mail.ptr.test: a subdomain */
	CHECK(check("192.0.2.10", "x@ptrlabel.test") == SPF_FAIL);  /* ptr.test is no tr.test */
	CHECK(check("192.0.2.20", "x@many.test") == SPF_FAIL);      /* the 11th name is ignored */
	CHECK(check("2001:db8::10", "x@ptr.test") == SPF_PASS);
	CHECK(check("2001:db8::11", "x@ptr.test") == SPF_FAIL);
}

static void test_p_macro(void)
{
	CHECK(check("192.0.2.10", "x@pmac.test") == SPF_PASS); /* any validated: mail.ptr.test */
	CHECK(check("192.0.2.11", "x@pmac.test") == SPF_FAIL); /* unknown.x.test: no A */
	CHECK(check("192.0.2.30", "x@pref.test") == SPF_PASS); /* mail.pref.test preferred */
	CHECK(check("192.0.2.31", "x@pref.test") == SPF_PASS); /* no PTR: "unknown" */
	CHECK(check("192.0.2.10", "x@ptrtwo.test") == SPF_PASS); /* %{p2}: ptr.test */
}

void suite_spf_eval(void)
{
	test_qualifiers();
	test_includes();
	test_redirect();
	test_limits();
	test_a_mx();
	test_macros_and_errors();
	test_nul_record();
	test_ptr();
	test_p_macro();
}
