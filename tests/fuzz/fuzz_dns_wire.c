/* fuzz_dns_wire.c: a DNS answer off the wire (UDP or TCP) parsed for each record type we ask
 * for, and the query builder over a hostile name. */
#include "tests/fuzz/fuzz_dns_wire.h"

#include <string.h>

#include "net/dns.h"
#include "tests/fuzz/support/fuzz_util.h"

static int record_bad(const struct dns_record *rr, uint16_t type)
{
	if (rr->type != type || memchr(rr->host, '\0', sizeof(rr->host)) == NULL)
		return 1;
	return type == DNS_T_TXT && (!rr->text || rr->text[rr->text_len] != '\0');
}

static int answer_bad(const unsigned char *pkt, size_t len, uint16_t type)
{
	uint16_t id = len >= 2 ? (uint16_t)(pkt[0] << 8 | pkt[1]) : 0;
	struct dns_result r;
	int truncated = 0;
	memset(&r, 0, sizeof(r));
	int rc = dns_parse_answer(pkt, len, id, "example.org", type, &truncated, &r);
	int bad = r.n > DNS_MAX_RECORDS || (r.status == DNS_OK && r.n == 0) ||
	          (rc < 0 && r.status != DNS_TEMPFAIL) || (truncated && r.status != DNS_TEMPFAIL);
	for (size_t k = 0; k < r.n && !bad; k++)
		bad = record_bad(&r.rr[k], type);
	dns_result_free(&r);
	return bad;
}

/* A query is not an answer to itself (QR is clear). */
static int query_bad(const unsigned char *data, size_t len)
{
	size_t n = fuzz_util_line(data, len);
	char name[DNS_NAME_MAX + 8];
	unsigned char q[DNS_UDP_MAX];
	size_t qlen = 0;
	if (n >= sizeof(name))
		return 0;
	memcpy(name, data, n);
	name[n] = '\0';
	if (dns_build_query(name, DNS_T_TXT, 7, q, sizeof(q), &qlen) < 0)
		return 0;
	struct dns_result r;
	int truncated = 0;
	memset(&r, 0, sizeof(r));
	int bad =
	    qlen > sizeof(q) || dns_parse_answer(q, qlen, 7, name, DNS_T_TXT, &truncated, &r) == 0;
	dns_result_free(&r);
	return bad;
}

int fuzz_dns_wire_one(const unsigned char *data, size_t len)
{
	static const uint16_t types[] = {DNS_T_A, DNS_T_AAAA, DNS_T_MX, DNS_T_TXT, DNS_T_PTR};
	int bad = 0;
	for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++)
		bad |= answer_bad(data, len, types[k]);
	return bad | query_bad(data, len);
}

FUZZ_UTIL_ENTRY(fuzz_dns_wire_one)
