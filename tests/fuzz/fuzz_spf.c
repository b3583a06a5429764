/* fuzz_spf.c: SPF records (parsed, and evaluated by check_host as every name's TXT over a DNS
 * where every name exists) and macro strings (validated, then expanded). */
#include "tests/fuzz/fuzz_spf.h"

#include <stdlib.h>
#include <string.h>

#include "net/ip.h"
#include "trust/spf.h"
#include "tests/fuzz/support/fuzz_util.h"

/* Every query-making term costs at most a lookup, SPF_MX_LIMIT names or SPF_PTR_LIMIT PTR
 * names with one A and one AAAA each, and %{p} as much again. */
#define QUERY_BOUND (SPF_LOOKUP_LIMIT * 2 * (2 * SPF_PTR_LIMIT + 2) + 64)

static int check_bad(const char *txt, size_t len, const char *ip)
{
	struct fuzz_util_dns f = {txt, len, 0};
	struct dns_lookup dns = fuzz_util_dns_lookup(&f);
	enum spf_result r = spf_check_host(&dns, ip, "user@example.org", "helo.example.org");
	return r > SPF_PERMERROR || f.queries > QUERY_BOUND;
}

/* A parsed record's terms keep valid domain-specs. */
static int record_bad(const char *txt)
{
	struct spf_record rec;
	memset(&rec, 0, sizeof(rec));
	if (!spf_is_record(txt) || spf_record_parse(txt, &rec) < 0)
		return 0;
	int bad = rec.redirect && !spf_domain_spec_valid(rec.redirect);
	for (size_t k = 0; k < rec.n; k++)
		bad |= rec.term[k].domain_spec && !spf_domain_spec_valid(rec.term[k].domain_spec);
	spf_record_free(&rec);
	return bad;
}

/* What the validator accepts the expander takes without a syntax error, within 253 bytes
 * and a trailing dot. */
static int macro_bad(const char *spec, size_t len)
{
	if (strlen(spec) != len || !spf_domain_spec_valid(spec))
		return 0;
	struct ip_addr ip;
	if (ip_parse("192.0.2.1", &ip) < 0)
		return 1;
	struct fuzz_util_dns f = {"", 0, 0};
	struct dns_lookup dns = fuzz_util_dns_lookup(&f);
	struct spf_macro_ctx ctx = {"user@example.org", "example.org", "helo.example.org", &ip,
	                            &dns};
	char out[DNS_NAME_MAX];
	int rc = spf_macro_expand(spec, &ctx, out);
	size_t n = rc == 0 ? strlen(out) : 0;
	return rc == -1 ||
	       n > 253 + (size_t)(n && out[n - 1] == '.'); /* a trailing dot aside (7.3) */
}

int fuzz_spf_one(const unsigned char *data, size_t len)
{
	char *txt = fuzz_util_cstr(data, len);
	if (!txt)
		return 0;
	int bad = check_bad(txt, len, "192.0.2.1") | check_bad(txt, len, "2001:db8::1") |
	          record_bad(txt) | macro_bad(txt, len);
	free(txt);
	return bad;
}

FUZZ_UTIL_ENTRY(fuzz_spf_one)
