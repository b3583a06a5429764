/* fuzz_dkim.c: a received message through DKIM verification (header index, DKIM-Signature
 * tags, canonicalisation, body hash, key lookup), every selector's key record being the
 * input's first line. */
#include "tests/fuzz/fuzz_dkim.h"

#include <string.h>

#include "dkim/dkim.h"
#include "tests/fuzz/support/fuzz_util.h"

static int tags_bad(const char *text, size_t len)
{
	struct dkim_tags t;
	memset(&t, 0, sizeof(t));
	if (dkim_tags_parse(text, len, &t) < 0)
		return t.n != 0;
	int bad = t.n > DKIM_MAX_TAGS;
	for (size_t k = 0; k < t.n && !bad; k++)
		bad = !t.tag[k].value || dkim_tags_get(&t, t.tag[k].name) == NULL;
	dkim_tags_free(&t);
	return bad;
}

int fuzz_dkim_one(const unsigned char *data, size_t len)
{
	size_t n = fuzz_util_line(data, len);
	const char *msg = (const char *)data + (n < len ? n + 1 : n);
	size_t msg_len = len - (size_t)(msg - (const char *)data);
	struct fuzz_util_dns f = {(const char *)data, n, 0};
	struct dns_lookup dns = fuzz_util_dns_lookup(&f);
	struct dkim_result r;
	memset(&r, 0, sizeof(r));
	int bad = 0;
	if (dkim_verify(msg, msg_len, &dns, 1767225600, &r) == 0) {
		const char *v = dkim_verdict(&r);
		bad = r.nsigs > DKIM_MAX_SIGNATURES || (size_t)f.queries > r.nsigs ||
		      (strcmp(v, "none") != 0 && strcmp(v, "pass") != 0 && strcmp(v, "fail") != 0);
	}
	return bad | tags_bad((const char *)data, n);
}

FUZZ_UTIL_ENTRY(fuzz_dkim_one)
