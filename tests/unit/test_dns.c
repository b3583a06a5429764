/* test_dns.c: unit tests for lib/dns_wire.c and resolv.conf parsing (hand-built packets). */
#include <arpa/inet.h>
#include <stdlib.h>

#include "buf.h"
#include "dns.h"
#include "unit.h"

#define ID 0x1234

/* A response to "a.test" of `type`, built by appending to p; returns the length. */
static size_t header(unsigned char *p, unsigned flags, unsigned rcode, unsigned an, uint16_t type)
{
	static const unsigned char q[] = {1, 'a', 4, 't', 'e', 's', 't', 0};
	unsigned char h[12] = {ID >> 8, ID & 0xff, (unsigned char)flags, (unsigned char)rcode, 0, 1, 0,
			       (unsigned char)an, 0, 0, 0, 0};
	memcpy(p, h, 12);
	memcpy(p + 12, q, sizeof(q));
	size_t n = 12 + sizeof(q);
	p[n++] = 0;
	p[n++] = (unsigned char)type;
	p[n++] = 0;
	p[n++] = 1;
	return n;
}

/* One RR owned by a pointer to the question name (offset 12). */
static size_t rr(unsigned char *p, size_t n, uint16_t type, const void *rdata, size_t rdlen)
{
	unsigned char fixed[] = {0xC0, 12, 0, (unsigned char)type, 0, 1, 0, 0, 1, 0,
				 (unsigned char)(rdlen >> 8), (unsigned char)rdlen};
	memcpy(p + n, fixed, sizeof(fixed));
	memcpy(p + n + sizeof(fixed), rdata, rdlen);
	return n + sizeof(fixed) + rdlen;
}

static int parse(const unsigned char *p, size_t n, uint16_t type, struct dns_result *out, int *tc)
{
	return dns_parse_answer(p, n, ID, "a.test.", type, tc, out);
}

static void test_build(void)
{
	unsigned char q[512];
	size_t len;
	CHECK(dns_build_query("Mail.Example.com.", DNS_T_MX, 0xBEEF, q, sizeof(q), &len) == 0);
	static const unsigned char want[] = {0xBE, 0xEF, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
					     4, 'M', 'a', 'i', 'l', 7, 'E', 'x', 'a', 'm', 'p', 'l',
					     'e', 3, 'c', 'o', 'm', 0, 0, 15, 0, 1};
	CHECK(len == sizeof(want) && memcmp(q, want, len) == 0);
	char label[80];
	memset(label, 'a', 64);
	strcpy(label + 64, ".test");
	CHECK(dns_build_query(label, DNS_T_A, 1, q, sizeof(q), &len) == -1);
	CHECK(dns_build_query("a..test", DNS_T_A, 1, q, sizeof(q), &len) == -1);
	CHECK(dns_build_query("", DNS_T_A, 1, q, sizeof(q), &len) == -1);
}

static void test_records(void)
{
	unsigned char p[600];
	struct dns_result r;
	int tc;
	size_t n = header(p, 0x81, 0x80, 2, DNS_T_A);
	n = rr(p, n, DNS_T_A, "\x7f\x00\x00\x01", 4);
	n = rr(p, n, DNS_T_A, "\x0a\x00\x00\x02", 4);
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == 0 && r.status == DNS_OK && r.n == 2 && !tc);
	CHECK(r.n == 2 && r.rr[1].addr[0] == 10 && r.rr[0].ttl == 256);
	dns_result_free(&r);
	n = header(p, 0x81, 0x80, 1, DNS_T_TXT);
	n = rr(p, n, DNS_T_TXT, "\x03" "abc" "\x00" "\x02" "de", 8);
	CHECK(parse(p, n, DNS_T_TXT, &r, &tc) == 0 && r.n == 1);
	CHECK(r.n == 1 && r.rr[0].text_len == 5);
	CHECK_STR(r.n ? r.rr[0].text : NULL, "abcde");
	dns_result_free(&r);
	n = header(p, 0x81, 0x80, 1, DNS_T_MX);
	n = rr(p, n, DNS_T_MX, "\x00\x0a\x02mx\xc0\x0e", 7); /* "mx" + pointer to "test" */
	CHECK(parse(p, n, DNS_T_MX, &r, &tc) == 0 && r.n == 1 && r.rr[0].preference == 10);
	CHECK_STR(r.n ? r.rr[0].host : NULL, "mx.test");
	dns_result_free(&r);
}

static void test_cname_chain(void)
{
	unsigned char p[600];
	struct dns_result r;
	int tc;
	size_t n = header(p, 0x81, 0x80, 3, DNS_T_A);
	n = rr(p, n, DNS_T_CNAME, "\x01" "b" "\xc0\x0e", 4); /* a.test -> b.test */
	size_t b_owner = n - 4;
	/* b.test A 1.2.3.4: owner is a pointer to the CNAME target */
	unsigned char fixed[] = {0xC0, (unsigned char)b_owner, 0, 1, 0, 1, 0, 0, 0, 9, 0, 4, 1, 2, 3, 4};
	memcpy(p + n, fixed, sizeof(fixed));
	n += sizeof(fixed);
	/* an unrelated A record for another name is ignored */
	unsigned char other[] = {1, 'z', 0, 0, 1, 0, 1, 0, 0, 0, 9, 0, 4, 9, 9, 9, 9};
	memcpy(p + n, other, sizeof(other));
	n += sizeof(other);
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == 0 && r.status == DNS_OK && r.n == 1);
	CHECK(r.n == 1 && r.rr[0].addr[0] == 1);
	dns_result_free(&r);
}

static void test_statuses(void)
{
	unsigned char p[600];
	struct dns_result r;
	int tc;
	size_t n = header(p, 0x81, 0x83, 0, DNS_T_A);
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == 0 && r.status == DNS_NXDOMAIN);
	dns_result_free(&r);
	n = header(p, 0x81, 0x80, 0, DNS_T_A);
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == 0 && r.status == DNS_NODATA);
	dns_result_free(&r);
	n = header(p, 0x81, 0x82, 0, DNS_T_A);
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == 0 && r.status == DNS_TEMPFAIL);
	n = header(p, 0x83, 0x80, 0, DNS_T_A);
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == 0 && tc == 1);
	dns_result_free(&r);
}

static void test_refused_packets(void)
{
	unsigned char p[600];
	struct dns_result r;
	int tc;
	size_t n = header(p, 0x81, 0x80, 0, DNS_T_A);
	CHECK(dns_parse_answer(p, n, ID + 1, "a.test", DNS_T_A, &tc, &r) == -1); /* wrong id */
	CHECK(r.status == DNS_TEMPFAIL);
	CHECK(dns_parse_answer(p, n, ID, "b.test", DNS_T_A, &tc, &r) == -1); /* question */
	CHECK(parse(p, n, DNS_T_MX, &r, &tc) == -1);                        /* type */
	p[2] = 0x01;                                                         /* QR = 0 */
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == -1);
	CHECK(parse(p, 11, DNS_T_A, &r, &tc) == -1); /* shorter than a header */
	/* answer owner pointing at itself: a loop */
	n = header(p, 0x81, 0x80, 1, DNS_T_A);
	size_t at = n;
	n = rr(p, n, DNS_T_A, "\x01\x02\x03\x04", 4);
	p[at + 1] = (unsigned char)at;
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == -1);
	/* a forward pointer */
	p[at + 1] = (unsigned char)(at + 4);
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == -1);
	/* rdlength past the end */
	n = header(p, 0x81, 0x80, 1, DNS_T_A);
	n = rr(p, n, DNS_T_A, "\x01\x02\x03\x04", 4);
	CHECK(parse(p, n - 1, DNS_T_A, &r, &tc) == -1);
	/* A with a 5-byte rdata; TXT string running past its rdata */
	n = header(p, 0x81, 0x80, 1, DNS_T_A);
	n = rr(p, n, DNS_T_A, "\x01\x02\x03\x04\x05", 5);
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == -1);
	n = header(p, 0x81, 0x80, 1, DNS_T_TXT);
	n = rr(p, n, DNS_T_TXT, "\x09" "abc", 4);
	CHECK(parse(p, n, DNS_T_TXT, &r, &tc) == -1);
}

static void test_resolv_conf(void)
{
	struct dns_resolver r;
	static const char conf[] = "# comment\nsearch x.test\nnameserver 192.0.2.1\n"
				   "nameserver 2001:db8::53\n; other\nnameserver bogus\n"
				   "options timeout:1 attempts:4 rotate\nnameserver 192.0.2.2\n"
				   "nameserver 192.0.2.3\n";
	dns_resolver_parse_conf(&r, conf, strlen(conf));
	CHECK(r.nservers == 3 && r.timeout_ms == 1000 && r.attempts == 4);
	CHECK(r.server[1].ss_family == AF_INET6);
	dns_resolver_parse_conf(&r, "options timeout:99\n", 19);
	CHECK(r.nservers == 2 && r.timeout_ms == 10000 && r.attempts == 2);
	char ip[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &((struct sockaddr_in *)&r.server[0])->sin_addr, ip, sizeof(ip));
	CHECK_STR(ip, "1.1.1.1");
}

void suite_dns(void)
{
	test_build();
	test_records();
	test_cname_chain();
	test_statuses();
	test_refused_packets();
	test_resolv_conf();
}
