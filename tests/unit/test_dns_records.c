/* test_dns_records.c: unit tests for the DNS records to publish, their checks and result lines. */
#include <stdlib.h>

#include "cli/dns_records_print.h"
#include "fake_dns.h"
#include "unit.h"

#define DOM  "agent.example.com"
#define V4   "203.0.113.7"
#define V6   "2001:db8::25"
#define DKIM "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxyz"

/* What print_fn wrote, malloc'd. */
static char *printed(const struct dns_records *r, const struct dns_checks *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	if (c)
		dns_records_print_checks(r, c, f);
	else
		dns_records_print_table(r, f);
	fclose(f);
	return text;
}

static void test_table_ipv4(void)
{
	struct dns_records r;
	CHECK(dns_records_build(&r, DOM, "aimx", V4, NULL, DKIM) == 0);
	CHECK(r.nrows == 5 && r.aaaa == -1 && r.dkim == 3);
	CHECK_STR(r.row[r.mx].value, "10 " DOM ".");
	CHECK_STR(r.row[r.spf].value, "v=spf1 ip4:" V4 " -all");
	CHECK_STR(r.row[r.dkim].name, "aimx._domainkey." DOM);
	CHECK_STR(r.row[r.dmarc].name, "_dmarc." DOM);
	CHECK_STR(r.row[r.dmarc].value, "v=DMARC1; p=reject; rua=mailto:postmaster@" DOM);
	char *t = printed(&r, NULL);
	CHECK_STR(t, "  TYPE NAME                                          VALUE\n"
	             "  ---- --------------------------------------------- -----\n"
	             "  A    agent.example.com                             " V4 "\n"
	             "  MX   agent.example.com                             10 " DOM ".\n"
	             "  TXT  agent.example.com                             v=spf1 ip4:" V4 " -all\n"
	             "  TXT  aimx._domainkey.agent.example.com             " DKIM "\n"
	             "  TXT  _dmarc.agent.example.com                      v=DMARC1; p=reject; "
	             "rua=mailto:postmaster@" DOM "\n");
	free(t);
	dns_records_free(&r);
}

static void test_table_ipv6_no_key(void)
{
	struct dns_records r;
	CHECK(dns_records_build(&r, DOM, "sel", V4, V6, NULL) == 0);
	CHECK(r.nrows == 5 && r.aaaa == 1 && r.dkim == -1);
	CHECK_STR(r.row[r.aaaa].type, "AAAA");
	CHECK_STR(r.row[r.aaaa].value, V6);
	CHECK_STR(r.row[r.spf].value, "v=spf1 ip4:" V4 " ip6:" V6 " -all");
	dns_records_free(&r);
	char long_domain[300];
	memset(long_domain, 'a', sizeof(long_domain) - 1);
	long_domain[sizeof(long_domain) - 1] = '\0';
	CHECK(dns_records_build(&r, long_domain, "sel", V4, NULL, NULL) < 0);
	dns_records_free(&r);
}

/* Runs the checks of r against table. */
static void run_checks(const struct dns_records *r, const struct fake_rr *table, size_t n,
                       struct dns_checks *out)
{
	struct fake_dns f = {table, n, 0};
	struct dns_lookup lk = fake_dns_lookup(&f);
	dns_records_check(r, &lk, out);
}

static const struct dns_check *find(const struct dns_checks *c, const char *label)
{
	for (size_t k = 0; k < c->n; k++)
		if (strcmp(c->c[k].label, label) == 0)
			return &c->c[k];
	return NULL;
}

static void test_all_pass(void)
{
	static const struct fake_rr good[] = {
	    {DOM, DNS_T_A, "198.51.100.1", DNS_OK},
	    {DOM, DNS_T_A, V4, DNS_OK},
	    {DOM, DNS_T_AAAA, "2001:0db8:0000::0025", DNS_OK},
	    {DOM, DNS_T_MX, "10 Agent.Example.com", DNS_OK},
	    {DOM, DNS_T_TXT, "google-site-verification=x", DNS_OK},
	    {DOM, DNS_T_TXT, "v=spf1 mx +ip4:" V4 "/32 ip6:2001:db8::25/128 ~all", DNS_OK},
	    {"aimx._domainkey." DOM, DNS_T_TXT,
	     "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A MIIBCgKCAQEAxyz", DNS_OK},
	    {"_dmarc." DOM, DNS_T_TXT, "v=DMARC1; p=quarantine", DNS_OK},
	};
	struct dns_records r;
	struct dns_checks c;
	CHECK(dns_records_build(&r, DOM, "aimx", V4, V6, DKIM) == 0);
	run_checks(&r, good, sizeof(good) / sizeof(good[0]), &c);
	CHECK(c.n == 7);
	const char *order[] = {"A", "AAAA", "MX", "SPF", "SPF (IPv6)", "DKIM", "DMARC"};
	for (size_t k = 0; k < c.n && k < 7; k++) {
		CHECK_STR(c.c[k].label, order[k]);
		CHECK(c.c[k].verdict == DNS_PASS);
	}
	CHECK(dns_records_all_pass(&c));
	setenv("NO_COLOR", "1", 1);
	char *t = printed(&r, &c);
	CHECK_STR(t, "  A: [OK]\n  AAAA: [OK]\n  MX: [OK]\n  SPF: [OK]\n  SPF (IPv6): [OK]\n"
	             "  DKIM: [OK]\n  DMARC: [OK]\n");
	free(t);
	dns_records_free(&r);
}

static void test_missing(void)
{
	struct dns_records r;
	struct dns_checks c;
	CHECK(dns_records_build(&r, DOM, "aimx", V4, NULL, DKIM) == 0);
	run_checks(&r, NULL, 0, &c);
	CHECK(c.n == 5);
	for (size_t k = 0; k < c.n; k++)
		CHECK(c.c[k].verdict == DNS_MISSING);
	CHECK_STR(find(&c, "A")->msg, "No A record found");
	CHECK_STR(find(&c, "MX")->msg, "No MX record found");
	CHECK_STR(find(&c, "SPF")->msg, "No SPF record found");
	CHECK_STR(find(&c, "DKIM")->msg, "No DKIM record found");
	CHECK_STR(find(&c, "DMARC")->msg, "No DMARC record found");
	CHECK(!dns_records_all_pass(&c));
	setenv("NO_COLOR", "1", 1);
	char *t = printed(&r, &c);
	CHECK_CONTAINS(t, "  A: [FAIL] - No A record found\n"
	                  "         [>] Add: A  " DOM "  " V4 "\n");
	CHECK_CONTAINS(t, "  DKIM: [FAIL] - No DKIM record found\n"
	                  "         [>] Add: TXT  aimx._domainkey." DOM "  " DKIM "\n"
	                  "         !! Outbound DKIM signatures will FAIL verification at "
	                  "receivers until DNS matches.\n");
	CHECK_CONTAINS(t, "  DMARC: [FAIL] - No DMARC record found\n"
	                  "         [>] Add: TXT  _dmarc." DOM "  v=DMARC1; p=reject; "
	                  "rua=mailto:postmaster@" DOM "\n");
	free(t);
	dns_records_free(&r);
}

static void test_wrong(void)
{
	static const struct fake_rr wrong[] = {
	    {DOM, DNS_T_A, "198.51.100.1", DNS_OK},
	    {DOM, DNS_T_MX, "10 mx.elsewhere.net", DNS_OK},
	    {DOM, DNS_T_TXT, "v=spf1 ip4:203.0.113.70 include:x.net -all", DNS_OK},
	    {"aimx._domainkey." DOM, DNS_T_TXT, "v=DKIM1; k=rsa; p=OTHERKEY", DNS_OK},
	    {"_dmarc." DOM, DNS_T_TXT, "v=DMARC1; P=None ; rua=mailto:x@y", DNS_OK},
	};
	struct dns_records r;
	struct dns_checks c;
	CHECK(dns_records_build(&r, DOM, "aimx", V4, NULL, DKIM) == 0);
	run_checks(&r, wrong, sizeof(wrong) / sizeof(wrong[0]), &c);
	CHECK(find(&c, "A")->verdict == DNS_FAIL);
	CHECK_STR(find(&c, "A")->msg, "A record points to [198.51.100.1], expected " V4);
	CHECK(find(&c, "MX")->verdict == DNS_FAIL);
	CHECK_STR(find(&c, "MX")->msg,
	          "MX record found but does not point to " DOM ": [\"10 mx.elsewhere.net.\"]");
	CHECK(find(&c, "SPF")->verdict == DNS_FAIL);
	CHECK_STR(find(&c, "SPF")->msg, "SPF record found but does not include " V4
	                                ": [\"v=spf1 ip4:203.0.113.70 include:x.net -all\"]");
	CHECK(find(&c, "DKIM")->verdict == DNS_FAIL);
	CHECK_STR(find(&c, "DKIM")->msg,
	          "DKIM record found but public key does not match local key");
	CHECK(find(&c, "DMARC")->verdict == DNS_WARN);
	CHECK_CONTAINS(find(&c, "DMARC")->msg, "p=none (no enforcement)");
	setenv("NO_COLOR", "1", 1);
	char *t = printed(&r, &c);
	CHECK_CONTAINS(t, "  DMARC: [WARN] - DMARC record uses p=none");
	CHECK(!strstr(t, "Add: TXT  _dmarc"));
	free(t);
	dns_records_free(&r);
}

/* Without a local key any DKIM1 record passes; a lookup that times out fails. */
static void test_no_key_and_tempfail(void)
{
	static const struct fake_rr table[] = {
	    {DOM, DNS_T_A, NULL, DNS_TEMPFAIL},
	    {"aimx._domainkey." DOM, DNS_T_TXT, "v=DKIM1; k=rsa; p=ANYKEY", DNS_OK},
	    {"_dmarc." DOM, DNS_T_TXT, "v=DMARC1; p=reject", DNS_OK},
	    {"_dmarc." DOM, DNS_T_TXT, "v=DMARC1; p=none", DNS_OK},
	};
	struct dns_records r;
	struct dns_checks c;
	CHECK(dns_records_build(&r, DOM, "aimx", V4, "", NULL) == 0);
	run_checks(&r, table, sizeof(table) / sizeof(table[0]), &c);
	CHECK(c.n == 5);
	CHECK(find(&c, "DKIM")->verdict == DNS_PASS);
	CHECK(find(&c, "A")->verdict == DNS_FAIL);
	CHECK_CONTAINS(find(&c, "A")->msg, "A record lookup failed: ");
	CHECK(find(&c, "DMARC")->verdict == DNS_WARN);
	dns_records_free(&r);
	static const struct fake_rr only_warn[] = {
	    {DOM, DNS_T_A, V4, DNS_OK},
	    {DOM, DNS_T_MX, "10 " DOM, DNS_OK},
	    {DOM, DNS_T_TXT, "v=spf1 ip4:" V4 " -all", DNS_OK},
	    {"aimx._domainkey." DOM, DNS_T_TXT, "v=DKIM1; k=rsa; p=ANYKEY", DNS_OK},
	    {"_dmarc." DOM, DNS_T_TXT, "v=DMARC1; p=none", DNS_OK},
	};
	CHECK(dns_records_build(&r, DOM, "aimx", V4, NULL, NULL) == 0);
	run_checks(&r, only_warn, sizeof(only_warn) / sizeof(only_warn[0]), &c);
	CHECK(dns_records_all_pass(&c));
	setenv("NO_COLOR", "1", 1);
	char *t = printed(&r, &c);
	CHECK(!strstr(t, "Add:"));
	free(t);
	dns_records_free(&r);
}

void suite_dns_records(void)
{
	test_table_ipv4();
	test_table_ipv6_no_key();
	test_all_pass();
	test_missing();
	test_wrong();
	test_no_key_and_tempfail();
}
