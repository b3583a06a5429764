/* utf8.c: strict UTF-8 decoding (bad input becomes U+FFFD) and encoding. */
#include "base/utf8.h"

static int is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

uint32_t utf8_decode(const char *s, size_t len, size_t *used)
{
	const unsigned char *p = (const unsigned char *)s;
	*used = len ? 1 : 0;
	if (!len)
		return UTF8_REPLACEMENT;
	if (p[0] < 0x80)
		return p[0];
	size_t n = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 ? 2 : 0;
	if (n == 0 || p[0] > 0xF4 || len < n)
		return UTF8_REPLACEMENT;
	uint32_t cp = p[0] & (0x7F >> n);
	for (size_t k = 1; k < n; k++) {
		if (!is_cont(p[k]))
			return UTF8_REPLACEMENT;
		cp = (cp << 6) | (p[k] & 0x3F);
	}
	static const uint32_t min_for_len[5] = {0, 0, 0x80, 0x800, 0x10000};
	if (cp < min_for_len[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return UTF8_REPLACEMENT;
	*used = n;
	return cp;
}

size_t utf8_encode(uint32_t cp, char out[4])
{
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = UTF8_REPLACEMENT;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

int utf8_valid(const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		size_t used;
		uint32_t cp = utf8_decode(s + i, len - i, &used);
		if (cp == UTF8_REPLACEMENT && used == 1)
			return 0;
		i += used;
	}
	return 1;
}
