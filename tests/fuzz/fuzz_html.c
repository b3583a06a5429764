/* fuzz_html.c: HTML to text (text/html-only mail) and the character references inside it. */
#include "tests/fuzz/fuzz_html.h"

#include "base/buf.h"
#include "base/utf8.h"
#include "mime/mime.h"
#include "tests/fuzz/support/fuzz_util.h"

static int entities_bad(const char *s, size_t len)
{
	for (size_t k = 0; k < len; k++) {
		unsigned long cp = 0;
		size_t n = mime_html_entity_at(s + k, len - k, &cp);
		if (n > len - k || (n && cp > 0x10FFFF))
			return 1;
	}
	return 0;
}

int fuzz_html_one(const unsigned char *data, size_t len)
{
	const char *html = (const char *)data;
	struct buf out = BUF_INIT;
	int bad = 0;
	/* Parts reach it already converted to UTF-8: valid in, valid out. */
	if (mime_html_to_text(html, len, &out) == 0 && utf8_valid(html, len))
		bad = !utf8_valid(out.data ? out.data : "", out.len);
	buf_free(&out);
	return bad | entities_bad(html, len);
}

FUZZ_UTIL_ENTRY(fuzz_html_one)
