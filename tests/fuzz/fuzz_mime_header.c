/* fuzz_mime_header.c: RFC 2047 words, address lists, dates, Content-Type and its parameters,
 * charsets, quoted-printable, %XX and the field splitter over the same hostile bytes. */
#include "tests/fuzz/fuzz_mime_header.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "mime/mime.h"
#include "tests/fuzz/support/fuzz_util.h"

static int bad_utf8(const char *s)
{
	return s && !utf8_valid(s, strlen(s));
}

static int decoded_bad(const char *v)
{
	char *d = mime_decode_header(v);
	int bad = d && bad_utf8(d);
	free(d);
	return bad;
}

static int addresses_bad(const char *v)
{
	struct mime_address *list = NULL;
	size_t n = 0;
	if (mime_parse_addresses(v, &list, &n) < 0)
		return 0;
	int bad = n > MIME_MAX_ADDRESSES;
	for (size_t k = 0; k < n; k++) {
		char *f = mime_address_format(&list[k]);
		bad |= !list[k].addr || bad_utf8(list[k].name) || bad_utf8(f);
		free(f);
	}
	mime_addresses_free(list, n);
	return bad;
}

static int date_bad(const char *v)
{
	char out[40];
	if (mime_date_to_rfc3339(v, out) < 0)
		return 0;
	size_t n = strlen(out);
	return n < 20 || n > 25 || out[4] != '-' || out[10] != 'T';
}

static int params_bad(const char *v)
{
	char type[MIME_TYPE_MAX], tok[MIME_TOKEN_MAX], *p = NULL, *raw = NULL;
	mime_content_type(v, "text/plain", type);
	mime_token(v, tok);
	int bad = strlen(type) >= MIME_TYPE_MAX || strlen(tok) >= MIME_TOKEN_MAX;
	for (const char *c = type; *c; c++)
		bad |= *c >= 'A' && *c <= 'Z';
	if (mime_param(v, "filename", 1, &p) == 1)
		bad |= !p || bad_utf8(p);
	if (mime_param(v, "boundary", 0, &raw) == 1)
		bad |= !raw;
	free(p);
	free(raw);
	return bad;
}

/* The first line names the charset, the rest is text in it. */
static int charset_bad(const unsigned char *data, size_t len)
{
	size_t n = fuzz_util_line(data, len);
	char *cs = fuzz_util_cstr(data, n);
	struct buf out = BUF_INIT;
	int bad = 0;
	if (cs && n < len &&
	    mime_charset_to_utf8(cs, (const char *)data + n + 1, len - n - 1, &out) == 0)
		bad = !utf8_valid(out.data ? out.data : "", out.len);
	buf_free(&out);
	free(cs);
	return bad;
}

static int decoders_bad(const unsigned char *data, size_t len)
{
	struct buf q = BUF_INIT, qp = BUF_INIT, pct = BUF_INIT;
	int bad = 0;
	if (mime_qp_decode((const char *)data, len, 1, &q) == 0)
		bad |= q.len > len;
	if (mime_qp_decode((const char *)data, len, 0, &qp) == 0)
		bad |= qp.len > len;
	if (mime_pct_decode((const char *)data, len, &pct) == 0)
		bad |= pct.len > len;
	buf_free(&q);
	buf_free(&qp);
	buf_free(&pct);
	return bad;
}

static int fields_bad(const unsigned char *data, size_t len)
{
	const char *raw = (const char *)data;
	size_t pos = 0, before = 0;
	struct mime_field f;
	while (mime_field_next(raw, len, &pos, &f) == 1) {
		if (pos <= before || pos > len || f.name < raw || f.name + f.name_len > raw + len ||
		    f.value < raw || f.value + f.value_len > raw + len)
			return 1;
		before = pos;
	}
	return pos > len;
}

int fuzz_mime_header_one(const unsigned char *data, size_t len)
{
	char *v = fuzz_util_cstr(data, len);
	if (!v)
		return 0;
	/* Raw 8-bit bytes outside encoded words pass through these (the inbound fields make them
	 * UTF-8 afterwards): UTF-8 in, UTF-8 out. */
	int bad = date_bad(v) | params_bad(v);
	if (utf8_valid(v, len))
		bad |= decoded_bad(v) | addresses_bad(v);
	free(v);
	return bad | charset_bad(data, len) | decoders_bad(data, len) | fields_bad(data, len);
}

FUZZ_UTIL_ENTRY(fuzz_mime_header_one)
