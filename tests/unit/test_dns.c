/* test_dns.c: unit tests for lib/net/dns_wire.c and resolv.conf parsing (hand-built packets). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"
#include "net/dns.h"
#include "net/dns_cache.h"
#include "unit.h"

#define ID 0x1234
#define QNAME_AT 12  /* offset of "a.test" in every packet below */
#define TEST_AT  14  /* offset of its "test" label */

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

/* One RR with the given wire owner name appended at p + n; returns the new length. */
static size_t rr_owned(unsigned char *p, size_t n, const void *owner, size_t olen, uint16_t type,
		       const void *rdata, size_t rdlen)
{
	unsigned char fixed[] = {0, (unsigned char)type, 0, 1, 0, 0, 1, 0,
				 (unsigned char)(rdlen >> 8), (unsigned char)rdlen};
	memcpy(p + n, owner, olen);
	memcpy(p + n + olen, fixed, sizeof(fixed));
	memcpy(p + n + olen + sizeof(fixed), rdata, rdlen);
	return n + olen + sizeof(fixed) + rdlen;
}

/* One RR owned by a pointer to the question name. */
static size_t rr(unsigned char *p, size_t n, uint16_t type, const void *rdata, size_t rdlen)
{
	static const unsigned char to_qname[] = {0xC0, QNAME_AT};
	return rr_owned(p, n, to_qname, sizeof(to_qname), type, rdata, rdlen);
}

static int parse(const unsigned char *p, size_t n, uint16_t type, struct dns_result *out, int *tc)
{
	return dns_parse_answer(p, n, ID, "a.test.", type, tc, out);
}

static void test_build(void)
{
	unsigned char q[512], q2[512];
	size_t len, len2;
	CHECK(dns_build_query("Mail.Example.com.", DNS_T_MX, 0xBEEF, q, sizeof(q), &len) == 0);
	static const unsigned char want[] = {0xBE, 0xEF, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
					     4, 'M', 'a', 'i', 'l', 7, 'E', 'x', 'a', 'm', 'p', 'l',
					     'e', 3, 'c', 'o', 'm', 0, 0, 15, 0, 1};
	CHECK(len == sizeof(want) && memcmp(q, want, len) == 0);
	CHECK(dns_build_query("Mail.Example.com", DNS_T_MX, 0xBEEF, q2, sizeof(q2), &len2) == 0);
	CHECK(len2 == len && memcmp(q, q2, len) == 0); /* the trailing dot is optional */
	CHECK(dns_build_query("Mail.Example.com", DNS_T_MX, 0xBEEF, q2, len - 1, &len2) == -1);
	char name[300];
	memset(name, 'a', 64);
	strcpy(name + 64, ".test");
	CHECK(dns_build_query(name, DNS_T_A, 1, q, sizeof(q), &len) == -1); /* label of 64 */
	strcpy(name + 63, ".test");
	CHECK(dns_build_query(name, DNS_T_A, 1, q, sizeof(q), &len) == 0); /* label of 63 */
	CHECK(dns_build_query("a..test", DNS_T_A, 1, q, sizeof(q), &len) == -1);
	CHECK(dns_build_query(".a.test", DNS_T_A, 1, q, sizeof(q), &len) == -1);
	CHECK(dns_build_query("", DNS_T_A, 1, q, sizeof(q), &len) == -1);
	CHECK(dns_build_query(".", DNS_T_A, 1, q, sizeof(q), &len) == -1);
	for (size_t k = 0; k < 253; k++) /* 63 + . + 63 + . + 63 + . + 61 = 253 */
		name[k] = k % 64 == 63 ? '.' : 'b';
	name[253] = '\0';
	CHECK(dns_build_query(name, DNS_T_TXT, 1, q, sizeof(q), &len) == 0 && len == 12 + 255 + 4);
	strcpy(name + 253, ".");
	CHECK(dns_build_query(name, DNS_T_TXT, 1, q, sizeof(q), &len) == 0);
	strcpy(name + 253, "c");
	CHECK(dns_build_query(name, DNS_T_TXT, 1, q, sizeof(q), &len) == -1); /* 254 */
}

static void test_addresses(void)
{
	unsigned char p[600];
	struct dns_result r;
	int tc;
	size_t n = header(p, 0x81, 0x80, 2, DNS_T_A);
	n = rr(p, n, DNS_T_A, "\x7f\x00\x00\x01", 4);
	n = rr(p, n, DNS_T_A, "\x0a\x00\x00\x02", 4);
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == 0 && r.status == DNS_OK && r.n == 2 && !tc);
	CHECK(r.n == 2 && r.rr[0].type == DNS_T_A && r.rr[1].addr[0] == 10 && r.rr[0].ttl == 256);
	dns_result_free(&r);
	static const unsigned char v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x53};
	n = header(p, 0x81, 0x80, 1, DNS_T_AAAA);
	n = rr(p, n, DNS_T_AAAA, v6, sizeof(v6));
	CHECK(parse(p, n, DNS_T_AAAA, &r, &tc) == 0 && r.status == DNS_OK && r.n == 1);
	CHECK(r.n == 1 && r.rr[0].type == DNS_T_AAAA && memcmp(r.rr[0].addr, v6, 16) == 0);
	dns_result_free(&r);
}

static void test_txt(void)
{
	unsigned char p[600];
	struct dns_result r;
	int tc;
	size_t n = header(p, 0x81, 0x80, 1, DNS_T_TXT);
	n = rr(p, n, DNS_T_TXT, "\x03" "abc" "\x00" "\x02" "de", 8); /* three strings, one empty */
	CHECK(parse(p, n, DNS_T_TXT, &r, &tc) == 0 && r.n == 1);
	CHECK(r.n == 1 && r.rr[0].text_len == 5);
	CHECK_STR(r.n ? r.rr[0].text : NULL, "abcde");
	dns_result_free(&r);
	n = header(p, 0x81, 0x80, 3, DNS_T_TXT);
	n = rr(p, n, DNS_T_TXT, "\x05" "v=spf", 6);
	n = rr(p, n, DNS_T_TXT, "\x03" "a\0b", 4); /* a NUL inside: kept, counted */
	n = rr(p, n, DNS_T_TXT, "", 0);            /* no strings at all: empty text */
	CHECK(parse(p, n, DNS_T_TXT, &r, &tc) == 0 && r.status == DNS_OK && r.n == 3);
	CHECK_STR(r.n == 3 ? r.rr[0].text : NULL, "v=spf");
	CHECK(r.n == 3 && r.rr[1].text_len == 3 && memcmp(r.rr[1].text, "a\0b", 4) == 0);
	CHECK(r.n == 3 && r.rr[2].text_len == 0 && r.rr[2].text && r.rr[2].text[0] == '\0');
	dns_result_free(&r);
}

static void test_hosts(void)
{
	unsigned char p[600];
	struct dns_result r;
	int tc;
	size_t n = header(p, 0x81, 0x80, 1, DNS_T_MX);
	n = rr(p, n, DNS_T_MX, "\x00\x0a\x02MX\xc0\x0e", 7); /* "MX" + pointer to "test" */
	CHECK(parse(p, n, DNS_T_MX, &r, &tc) == 0 && r.n == 1 && r.rr[0].preference == 10);
	CHECK_STR(r.n ? r.rr[0].host : NULL, "mx.test"); /* lowercased */
	dns_result_free(&r);
	n = header(p, 0x81, 0x80, 1, DNS_T_PTR);
	n = rr(p, n, DNS_T_PTR, "\x04Host\x07" "Example\x00", 14);
	CHECK(parse(p, n, DNS_T_PTR, &r, &tc) == 0 && r.n == 1);
	CHECK_STR(r.n ? r.rr[0].host : NULL, "host.example");
	dns_result_free(&r);
	/* the longest name: 255 wire bytes, 253 presentation bytes */
	unsigned char mx[2 + 255] = {0, 5};
	size_t o = 2;
	for (int k = 0; k < 4; k++) {
		unsigned char label = k < 3 ? 63 : 61;
		mx[o++] = label;
		memset(mx + o, 'h', label);
		o += label;
	}
	mx[o++] = 0;
	n = header(p, 0x81, 0x80, 1, DNS_T_MX);
	n = rr(p, n, DNS_T_MX, mx, o);
	CHECK(parse(p, n, DNS_T_MX, &r, &tc) == 0 && r.n == 1 && strlen(r.rr[0].host) == 253);
	dns_result_free(&r);
	/* one byte more (a 62-byte last label) is refused */
	unsigned char longer[2 + 256];
	memcpy(longer, mx, o - 1);
	longer[2 + 3 * 64] = 62;
	longer[o - 1] = 'h';
	longer[o] = 0;
	n = header(p, 0x81, 0x80, 1, DNS_T_MX);
	n = rr(p, n, DNS_T_MX, longer, o + 1);
	CHECK(parse(p, n, DNS_T_MX, &r, &tc) == -1 && r.status == DNS_TEMPFAIL && r.n == 0);
}

static void test_cname_chain(void)
{
	unsigned char p[600];
	struct dns_result r;
	int tc;
	size_t n = header(p, 0x81, 0x80, 3, DNS_T_A);
	n = rr(p, n, DNS_T_CNAME, "\x01" "B" "\xc0\x0e", 4); /* a.test -> b.test */
	unsigned char b_owner[] = {0xC0, (unsigned char)(n - 4)};
	n = rr_owned(p, n, b_owner, 2, DNS_T_A, "\x01\x02\x03\x04", 4);
	n = rr_owned(p, n, "\x01z\x00", 3, DNS_T_A, "\x09\x09\x09\x09", 4); /* not in the chain */
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == 0 && r.status == DNS_OK && r.n == 1);
	CHECK(r.n == 1 && r.rr[0].addr[0] == 1);
	dns_result_free(&r);
	/* two hops, listed backwards: c.test A, b.test CNAME c.test, a.test CNAME b.test */
	n = header(p, 0x81, 0x80, 3, DNS_T_A);
	n = rr_owned(p, n, "\x01" "c\xc0\x0e", 4, DNS_T_A, "\x05\x06\x07\x08", 4);
	n = rr_owned(p, n, "\x01" "b\xc0\x0e", 4, DNS_T_CNAME, "\x01" "C\xc0\x0e", 4);
	n = rr(p, n, DNS_T_CNAME, "\x01" "b\xc0\x0e", 4);
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == 0 && r.status == DNS_OK && r.n == 1);
	CHECK(r.n == 1 && r.rr[0].addr[0] == 5);
	dns_result_free(&r);
	/* asking for the CNAME itself gives it without following */
	CHECK(parse(p, n, DNS_T_CNAME, &r, &tc) == -1); /* the question asked A */
	p[QNAME_AT + 9] = DNS_T_CNAME;
	CHECK(parse(p, n, DNS_T_CNAME, &r, &tc) == 0 && r.status == DNS_OK && r.n == 1);
	CHECK_STR(r.n ? r.rr[0].host : NULL, "b.test");
	dns_result_free(&r);
	/* a CNAME loop a -> b -> a ends with no record: NODATA */
	n = header(p, 0x81, 0x80, 2, DNS_T_A);
	n = rr(p, n, DNS_T_CNAME, "\x01" "b\xc0\x0e", 4);
	n = rr_owned(p, n, "\x01" "b\xc0\x0e", 4, DNS_T_CNAME, "\xc0\x0c", 2);
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == 0 && r.status == DNS_NODATA && r.n == 0);
	dns_result_free(&r);
	/* a chain to a name with no record of the type: NODATA */
	n = header(p, 0x81, 0x80, 1, DNS_T_A);
	n = rr(p, n, DNS_T_CNAME, "\x01" "b\xc0\x0e", 4);
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == 0 && r.status == DNS_NODATA && r.n == 0);
	dns_result_free(&r);
	/* an A record for an unrelated name only: NODATA */
	n = header(p, 0x81, 0x80, 1, DNS_T_A);
	n = rr_owned(p, n, "\x01z\x00", 3, DNS_T_A, "\x09\x09\x09\x09", 4);
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == 0 && r.status == DNS_NODATA && r.n == 0);
	dns_result_free(&r);
}

static void test_record_cap(void)
{
	unsigned char p[2048];
	struct dns_result r;
	int tc;
	size_t n = header(p, 0x81, 0x80, DNS_MAX_RECORDS + 6, DNS_T_A);
	for (int k = 0; k < DNS_MAX_RECORDS + 6; k++) {
		unsigned char a[4] = {10, 0, 0, (unsigned char)k};
		n = rr(p, n, DNS_T_A, a, 4);
	}
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == 0 && r.status == DNS_OK && r.n == DNS_MAX_RECORDS);
	CHECK(r.n == DNS_MAX_RECORDS && r.rr[DNS_MAX_RECORDS - 1].addr[3] == DNS_MAX_RECORDS - 1);
	dns_result_free(&r);
}

static void test_statuses(void)
{
	unsigned char p[600];
	struct dns_result r;
	int tc;
	size_t n = header(p, 0x81, 0x83, 0, DNS_T_A);
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == 0 && r.status == DNS_NXDOMAIN && r.n == 0);
	dns_result_free(&r);
	n = header(p, 0x85, 0x80, 0, DNS_T_A); /* AA set: no difference */
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == 0 && r.status == DNS_NODATA && r.n == 0);
	dns_result_free(&r);
	for (unsigned rcode = 1; rcode <= 5; rcode++) { /* FORMERR, SERVFAIL, 3, NOTIMP, REFUSED */
		n = header(p, 0x81, 0x80 | rcode, 0, DNS_T_A);
		CHECK(parse(p, n, DNS_T_A, &r, &tc) == 0 &&
		      r.status == (rcode == 3 ? DNS_NXDOMAIN : DNS_TEMPFAIL));
		dns_result_free(&r);
	}
	n = header(p, 0x83, 0x80, 0, DNS_T_A);
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == 0 && tc == 1 && r.status == DNS_TEMPFAIL);
	dns_result_free(&r);
	/* TC with its record cut in the middle: still reported as truncated, not malformed */
	n = header(p, 0x83, 0x80, 1, DNS_T_TXT);
	n = rr(p, n, DNS_T_TXT, "\x05" "hello", 6);
	CHECK(parse(p, n - 3, DNS_T_TXT, &r, &tc) == 0 && tc == 1 && r.n == 0);
	dns_result_free(&r);
}

static void test_mismatched_answers(void)
{
	unsigned char p[600];
	struct dns_result r;
	int tc;
	size_t n = header(p, 0x81, 0x80, 0, DNS_T_A);
	CHECK(dns_parse_answer(p, n, ID + 1, "a.test", DNS_T_A, &tc, &r) == -1); /* wrong id */
	CHECK(r.status == DNS_TEMPFAIL && r.n == 0 && r.rr == NULL);
	CHECK(dns_parse_answer(p, n, ID, "b.test", DNS_T_A, &tc, &r) == -1); /* question */
	CHECK(dns_parse_answer(p, n, ID, "a.test.x", DNS_T_A, &tc, &r) == -1);
	CHECK(dns_parse_answer(p, n, ID, "A.TEST", DNS_T_A, &tc, &r) == 0 && r.status == DNS_NODATA);
	dns_result_free(&r);
	CHECK(parse(p, n, DNS_T_MX, &r, &tc) == -1); /* type */
	p[n - 1] = 3;                                /* class CH */
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == -1);
	p[n - 1] = 1;
	p[5] = 2; /* two questions */
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == -1);
	p[5] = 0; /* none */
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == -1);
	p[5] = 1;
	p[2] = 0x01; /* QR = 0: a query, not an answer */
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == -1);
	p[2] = 0x81 | 0x10; /* opcode 2 (STATUS) */
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == -1);
	p[2] = 0x81;
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == 0);
	dns_result_free(&r);
	CHECK(parse(p, 11, DNS_T_A, &r, &tc) == -1);    /* shorter than a header */
	CHECK(parse(p, n - 1, DNS_T_A, &r, &tc) == -1); /* question cut */
	CHECK(parse(p, 16, DNS_T_A, &r, &tc) == -1);    /* question name cut */
}

static void test_hostile_names(void)
{
	unsigned char p[600];
	struct dns_result r;
	int tc;
	/* answer owner pointing at itself: a loop */
	size_t n = header(p, 0x81, 0x80, 1, DNS_T_A);
	size_t at = n;
	n = rr(p, n, DNS_T_A, "\x01\x02\x03\x04", 4);
	p[at + 1] = (unsigned char)at;
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == -1 && r.status == DNS_TEMPFAIL);
	/* a forward pointer (to the rdata), and one past the end */
	p[at + 1] = (unsigned char)(at + 12);
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == -1);
	p[at] = 0xC1;
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == -1);
	/* two names pointing at each other: the backward one is fine, the other is forward */
	n = header(p, 0x81, 0x80, 1, DNS_T_MX);
	at = n;
	n = rr(p, n, DNS_T_MX, "\x00\x01\xc0\x00", 4);
	p[at + 12 + 3] = (unsigned char)at; /* MX target -> the owner, which -> question */
	CHECK(parse(p, n, DNS_T_MX, &r, &tc) == 0 && r.n == 1);
	CHECK_STR(r.n ? r.rr[0].host : NULL, "a.test");
	dns_result_free(&r);
	p[at + 1] = (unsigned char)(at + 12 + 2); /* owner -> the MX target: forward */
	CHECK(parse(p, n, DNS_T_MX, &r, &tc) == -1);
	/* a pointer cut after its first byte */
	n = header(p, 0x81, 0x80, 1, DNS_T_A);
	p[n] = 0xC0;
	CHECK(parse(p, n + 1, DNS_T_A, &r, &tc) == -1);
	/* the reserved label types 0x40 and 0x80 */
	n = header(p, 0x81, 0x80, 1, DNS_T_A);
	n = rr_owned(p, n, "\x41" "a\x00", 3, DNS_T_A, "\x01\x02\x03\x04", 4);
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == -1);
	n = header(p, 0x81, 0x80, 1, DNS_T_A);
	n = rr_owned(p, n, "\x81" "a\x00", 3, DNS_T_A, "\x01\x02\x03\x04", 4);
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == -1);
	/* a label holding a dot would read as two labels: refused */
	n = header(p, 0x81, 0x80, 1, DNS_T_PTR);
	n = rr(p, n, DNS_T_PTR, "\x08" "evil.com\x00", 10);
	CHECK(parse(p, n, DNS_T_PTR, &r, &tc) == -1);
	n = header(p, 0x81, 0x80, 1, DNS_T_PTR);
	n = rr(p, n, DNS_T_PTR, "\x03" "a\0b\x00", 5);
	CHECK(parse(p, n, DNS_T_PTR, &r, &tc) == -1);
}

static void test_overruns(void)
{
	unsigned char p[600];
	struct dns_result r;
	int tc;
	/* rdlength past the end */
	size_t n = header(p, 0x81, 0x80, 1, DNS_T_A);
	n = rr(p, n, DNS_T_A, "\x01\x02\x03\x04", 4);
	CHECK(parse(p, n - 1, DNS_T_A, &r, &tc) == -1);
	/* the fixed RR fields cut */
	CHECK(parse(p, n - 8, DNS_T_A, &r, &tc) == -1);
	/* more answers announced than present */
	p[7] = 2;
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == -1 && r.n == 0 && r.rr == NULL);
	/* A with 3 or 5 bytes; AAAA with 4 */
	n = header(p, 0x81, 0x80, 1, DNS_T_A);
	n = rr(p, n, DNS_T_A, "\x01\x02\x03\x04\x05", 5);
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == -1);
	n = header(p, 0x81, 0x80, 1, DNS_T_A);
	n = rr(p, n, DNS_T_A, "\x01\x02\x03", 3);
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == -1);
	n = header(p, 0x81, 0x80, 1, DNS_T_AAAA);
	n = rr(p, n, DNS_T_AAAA, "\x01\x02\x03\x04", 4);
	CHECK(parse(p, n, DNS_T_AAAA, &r, &tc) == -1);
	/* TXT string running past its rdata (the packet goes on: the next record) */
	n = header(p, 0x81, 0x80, 2, DNS_T_TXT);
	n = rr(p, n, DNS_T_TXT, "\x09" "abc", 4);
	n = rr(p, n, DNS_T_TXT, "\x03" "def", 4);
	CHECK(parse(p, n, DNS_T_TXT, &r, &tc) == -1 && r.n == 0);
	/* MX too short for a name; MX name running past rdlength; rdata longer than the name */
	n = header(p, 0x81, 0x80, 1, DNS_T_MX);
	n = rr(p, n, DNS_T_MX, "\x00\x0a", 2);
	CHECK(parse(p, n, DNS_T_MX, &r, &tc) == -1);
	n = header(p, 0x81, 0x80, 2, DNS_T_MX);
	n = rr(p, n, DNS_T_MX, "\x00\x0a\x02mx", 5);
	n = rr(p, n, DNS_T_A, "\x00\x01\x02\x03", 4);
	CHECK(parse(p, n, DNS_T_MX, &r, &tc) == -1);
	n = header(p, 0x81, 0x80, 1, DNS_T_MX);
	n = rr(p, n, DNS_T_MX, "\x00\x0a\x00\x00", 4);
	CHECK(parse(p, n, DNS_T_MX, &r, &tc) == -1);
	/* a bad CNAME target in the chain */
	n = header(p, 0x81, 0x80, 1, DNS_T_A);
	n = rr(p, n, DNS_T_CNAME, "\x05" "b", 2);
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == -1);
}

static void test_free(void)
{
	struct dns_result r;
	memset(&r, 0, sizeof(r));
	dns_result_free(&r);
	CHECK(r.rr == NULL && r.n == 0);
	unsigned char p[600];
	int tc;
	size_t n = header(p, 0x81, 0x80, 1, DNS_T_TXT);
	n = rr(p, n, DNS_T_TXT, "\x02" "hi", 3);
	CHECK(parse(p, n, DNS_T_TXT, &r, &tc) == 0 && r.n == 1);
	dns_result_free(&r);
	CHECK(r.rr == NULL && r.n == 0);
	dns_result_free(&r); /* freeing twice is harmless */
}

/* Queries that must fail before any packet is sent: the nameserver (TEST-NET) never answers,
 * so waiting for it would take the full 5 s try. */
static void test_query_without_network(void)
{
	static const char conf[] = "nameserver 192.0.2.1\noptions timeout:5 attempts:1\n";
	struct dns_resolver res;
	struct dns_result r;
	dns_resolver_parse_conf(&res, conf, strlen(conf));
	int64_t start = clock_monotonic_ms();
	CHECK(dns_query(&res, "a..test", DNS_T_A, &r) == -1 && r.status == DNS_BADNAME && r.n == 0);
	dns_result_free(&r);
	char long_label[80];
	memset(long_label, 'x', 64);
	strcpy(long_label + 64, ".test");
	CHECK(dns_query(&res, long_label, DNS_T_TXT, &r) == -1 && r.status == DNS_BADNAME);
	dns_result_free(&r);
	dns_resolver_set_budget(&res, 0);
	CHECK(dns_query(&res, "a.test", DNS_T_A, &r) == -1 && r.status == DNS_TEMPFAIL);
	dns_result_free(&r);
	struct dns_lookup lookup = dns_lookup_resolver(&res);
	CHECK(lookup.query(lookup.ctx, "a.test", DNS_T_TXT, &r) == -1 && r.status == DNS_TEMPFAIL);
	dns_result_free(&r);
	CHECK(clock_monotonic_ms() - start < 1000);
}

static void test_resolv_conf(void)
{
	struct dns_resolver r;
	static const char conf[] = "# comment\nsearch x.test\nnameserver 192.0.2.1\n"
				   "nameserver 2001:db8::53\n; other\nnameserver bogus\n"
				   "options timeout:1 attempts:4 rotate\nnameserver 192.0.2.2\n"
				   "nameserver 192.0.2.3\n";
	dns_resolver_parse_conf(&r, conf, strlen(conf));
	CHECK(r.nservers == 3 && r.timeout_ms == 1000 && r.attempts == 4 && r.deadline_ms == 0);
	CHECK(r.server[1].ss_family == AF_INET6 && r.server_len[1] == sizeof(struct sockaddr_in6));
	CHECK(((struct sockaddr_in6 *)&r.server[1])->sin6_port == htons(53));
	char ip[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET, &((struct sockaddr_in *)&r.server[2])->sin_addr, ip, sizeof(ip));
	CHECK_STR(ip, "192.0.2.2"); /* the fourth usable server is dropped */
	dns_resolver_parse_conf(&r, "options timeout:99\n", 19);
	CHECK(r.nservers == 2 && r.timeout_ms == 10000 && r.attempts == 2);
	inet_ntop(AF_INET, &((struct sockaddr_in *)&r.server[0])->sin_addr, ip, sizeof(ip));
	CHECK_STR(ip, "1.1.1.1");
	inet_ntop(AF_INET, &((struct sockaddr_in *)&r.server[1])->sin_addr, ip, sizeof(ip));
	CHECK_STR(ip, "1.0.0.1");
	CHECK(((struct sockaddr_in *)&r.server[0])->sin_port == htons(53));
	static const char crlf[] = "nameserver 192.0.2.9\r\noptions attempts:9 timeout:0\r\n"
				   "  nameserver\t192.0.2.8 # trailing words";
	dns_resolver_parse_conf(&r, crlf, strlen(crlf));
	CHECK(r.nservers == 2 && r.attempts == 5 && r.timeout_ms == 2000);
	inet_ntop(AF_INET, &((struct sockaddr_in *)&r.server[1])->sin_addr, ip, sizeof(ip));
	CHECK_STR(ip, "192.0.2.8");
	dns_resolver_parse_conf(&r, "", 0);
	CHECK(r.nservers == 2 && r.timeout_ms == 2000 && r.attempts == 2);
}

static void test_resolver_init(void)
{
	const char *dir = unit_tmpdir("dns");
	char path[512];
	snprintf(path, sizeof(path), "%s/resolv.conf", dir);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	fputs("nameserver 127.0.53.9\noptions timeout:3\n", f);
	fclose(f);
	struct dns_resolver r;
	CHECK(setenv("AIMX_RESOLV_CONF", path, 1) == 0);
	CHECK(dns_resolver_init(&r) == 0 && r.nservers == 1 && r.timeout_ms == 3000);
	snprintf(path, sizeof(path), "%s/missing", dir);
	CHECK(setenv("AIMX_RESOLV_CONF", path, 1) == 0);
	CHECK(dns_resolver_init(&r) == 0 && r.nservers == 2); /* the fallback servers */
	CHECK(setenv("AIMX_RESOLV_CONF", dir, 1) == 0);       /* a directory cannot be read */
	CHECK(dns_resolver_init(&r) == -1 && errno == EISDIR);
	unsetenv("AIMX_RESOLV_CONF");
}

/* RFC 2308: a negative answer's TTL is min(SOA TTL, SOA MINIMUM); without a SOA, 0. */
static void test_negative_ttl(void)
{
	unsigned char p[512], soa[22] = {0}; /* root MNAME and RNAME, then five counters */
	struct dns_result r;
	int tc;
	for (int k = 0; k < 2; k++) {
		unsigned minimum = k ? 3600 : 60;
		soa[20] = (unsigned char)(minimum >> 8);
		soa[21] = (unsigned char)minimum;
		size_t n = header(p, 0x81, k ? 0x80 : 0x83, 0, DNS_T_A); /* NXDOMAIN, then NODATA */
		p[9] = 1; /* one authority record */
		n = rr(p, n, DNS_T_SOA, soa, sizeof(soa));
		CHECK(parse(p, n, DNS_T_A, &r, &tc) == 0);
		CHECK(r.status == (k ? DNS_NODATA : DNS_NXDOMAIN));
		CHECK(r.negative_ttl == (k ? 256u : 60u)); /* the record's TTL is 256 */
		dns_result_free(&r);
	}
	size_t n = header(p, 0x81, 0x83, 0, DNS_T_A);
	CHECK(parse(p, n, DNS_T_A, &r, &tc) == 0 && r.negative_ttl == 0);
	dns_result_free(&r);
}

/* The workers' cache: hits by name (any case, trailing dot) and type, copies, lifetimes. */
static void test_cache(void)
{
	struct dns_record rec = {.type = DNS_T_TXT, .ttl = 1, .text = "v=spf1 -all",
				 .text_len = 11};
	struct dns_result ok = {DNS_OK, 1, &rec, 0}, got;
	struct dns_result nx = {DNS_NXDOMAIN, 0, NULL, 300}, tmp = {DNS_TEMPFAIL, 0, NULL, 300};
	struct dns_result nx_nosoa = {DNS_NXDOMAIN, 0, NULL, 0};
	CHECK(!dns_cache_get("spf.test", DNS_T_TXT, &got)); /* off until enabled */
	dns_cache_put("spf.test", DNS_T_TXT, &ok);
	CHECK(dns_cache_enable() == 0);
	CHECK(!dns_cache_get("spf.test", DNS_T_TXT, &got));
	dns_cache_put("spf.test", DNS_T_TXT, &ok);
	dns_cache_put("gone.test", DNS_T_A, &nx);
	dns_cache_put("flaky.test", DNS_T_A, &tmp);
	dns_cache_put("nosoa.test", DNS_T_A, &nx_nosoa);
	CHECK(dns_cache_get("SPF.Test.", DNS_T_TXT, &got) && got.status == DNS_OK && got.n == 1 &&
	      got.rr[0].text != rec.text && strcmp(got.rr[0].text, "v=spf1 -all") == 0);
	dns_result_free(&got);
	CHECK(!dns_cache_get("spf.test", DNS_T_A, &got));
	CHECK(dns_cache_get("gone.test", DNS_T_A, &got) && got.status == DNS_NXDOMAIN);
	CHECK(!dns_cache_get("flaky.test", DNS_T_A, &got));  /* temporary failures: never */
	CHECK(!dns_cache_get("nosoa.test", DNS_T_A, &got));  /* no SOA: not cached */
	usleep(1100 * 1000);
	CHECK(!dns_cache_get("spf.test", DNS_T_TXT, &got));  /* its TTL of 1 s is over */
	CHECK(dns_cache_get("gone.test", DNS_T_A, &got));
}

void suite_dns(void)
{
	test_negative_ttl();
	test_cache();
	test_build();
	test_addresses();
	test_txt();
	test_hosts();
	test_cname_chain();
	test_record_cap();
	test_statuses();
	test_mismatched_answers();
	test_hostile_names();
	test_overruns();
	test_free();
	test_query_without_network();
	test_resolv_conf();
	test_resolver_init();
}
