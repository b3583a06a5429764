/* fuzz_dmarc.c: DMARC policy records (parsed, and evaluated as the published record) and
 * organisational-domain alignment over the Public Suffix List. */
#include "tests/fuzz/fuzz_dmarc.h"

#include <stdlib.h>
#include <string.h>

#include "trust/dmarc.h"
#include "tests/fuzz/support/fuzz_util.h"

static int record_bad(const char *txt)
{
	struct dmarc_record rec;
	memset(&rec, 0, sizeof(rec));
	if (dmarc_parse_record(txt, &rec) < 0)
		return 0;
	return rec.pct < 0 || rec.pct > 100 ||
	       memchr(rec.policy, '\0', sizeof(rec.policy)) == NULL ||
	       memchr(rec.sub_policy, '\0', sizeof(rec.sub_policy)) == NULL;
}

static int evaluate_bad(const char *txt, size_t len)
{
	static const char *const passing[] = {"example.org", "mail.example.com"};
	struct fuzz_util_dns f = {txt, len, 0};
	struct dns_lookup dns = fuzz_util_dns_lookup(&f);
	struct dmarc_input in = {"sub.example.org", passing, 2, 1, "bounce.example.net"};
	enum dmarc_result r = dmarc_evaluate(&dns, &in);
	return r > DMARC_FAIL || f.queries > 8;
}

/* Alignment of the first line with the rest: symmetric, and strict implies relaxed. */
static int aligned_bad(const unsigned char *data, size_t len)
{
	size_t n = fuzz_util_line(data, len);
	char *a = fuzz_util_cstr(data, n);
	char *b = n < len ? fuzz_util_cstr(data + n + 1, len - n - 1) : NULL;
	int bad = 0;
	if (a && b) {
		int strict = dmarc_aligned(a, b, 1), relaxed = dmarc_aligned(a, b, 0);
		bad = (strict && !relaxed) || strict != dmarc_aligned(b, a, 1) ||
		      relaxed != dmarc_aligned(b, a, 0);
	}
	free(a);
	free(b);
	return bad;
}

int fuzz_dmarc_one(const unsigned char *data, size_t len)
{
	char *txt = fuzz_util_cstr(data, len);
	if (!txt)
		return 0;
	int bad = record_bad(txt) | evaluate_bad(txt, len) | aligned_bad(data, len);
	free(txt);
	return bad;
}

FUZZ_UTIL_ENTRY(fuzz_dmarc_one)
