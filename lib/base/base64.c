/* base64.c: the base64 encoder and decoders for DKIM tags, MIME parts and key records. */
#include "base/base64.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_encode(struct buf *out, const void *data, size_t len, size_t line_len)
{
	const unsigned char *p = data;
	size_t column = 0;
	for (size_t k = 0; k < len; k += 3) {
		unsigned v = (unsigned)p[k] << 16 | (k + 1 < len ? (unsigned)p[k + 1] << 8 : 0) |
			     (k + 2 < len ? p[k + 2] : 0);
		char quad[4] = {alphabet[v >> 18], alphabet[(v >> 12) & 63],
				k + 1 < len ? alphabet[(v >> 6) & 63] : '=',
				k + 2 < len ? alphabet[v & 63] : '='};
		for (int q = 0; q < 4; q++) {
			if (buf_append_char(out, quad[q]) < 0)
				return -1;
			if (line_len && ++column == line_len) {
				if (buf_append(out, "\r\n", 2) < 0)
					return -1;
				column = 0;
			}
		}
	}
	if (line_len && column && buf_append(out, "\r\n", 2) < 0)
		return -1;
	return 0;
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A character's sextet, or -1 outside the alphabet ('=' included). */
static int base64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Writes the whole bytes a partial quantum of `count` sextets holds; 1 sextet holds none. */
static size_t base64_partial(unsigned long acc, int count, char *o)
{
	if (count == 2) {
		o[0] = (char)(acc >> 4);
		return 1;
	}
	if (count == 3) {
		o[0] = (char)(acc >> 10);
		o[1] = (char)(acc >> 2);
		return 2;
	}
	return 0;
}

int base64_decode(const char *in, size_t len, struct buf *out, int *malformed)
{
	if (buf_reserve(out, len / 4 * 3 + 3) < 0)
		return -1;
	char *o = out->data + out->len;
	unsigned long acc = 0;
	int count = 0;
	for (size_t k = 0; k < len; k++) {
		unsigned char c = (unsigned char)in[k];
		int v = base64_value(c);
		if (v >= 0) {
			acc = (acc << 6) | (unsigned long)v;
			if (++count == 4) {
				o[0] = (char)(acc >> 16);
				o[1] = (char)(acc >> 8);
				o[2] = (char)acc;
				o += 3;
				acc = 0;
				count = 0;
			}
		} else if (c == '=') {
			*malformed |= count == 1;
			o += base64_partial(acc, count, o);
			acc = 0;
			count = 0;
		} else if (!is_space(c)) {
			*malformed = 1;
		}
	}
	if (count) {
		*malformed = 1;
		o += base64_partial(acc, count, o);
	}
	out->len = (size_t)(o - out->data);
	out->data[out->len] = '\0';
	return 0;
}

/* 1 when in, whitespace aside, is alphabet characters then at most two '=', in a multiple of
 * four. */
static int strict_shape(const char *in, size_t len)
{
	size_t n = 0, pad = 0;
	for (size_t k = 0; k < len; k++) {
		unsigned char c = (unsigned char)in[k];
		if (is_space(c))
			continue;
		if (c == '=')
			pad++;
		else if (pad || base64_value(c) < 0)
			return 0;
		n++;
	}
	return pad <= 2 && n % 4 == 0;
}

int base64_decode_strict(const char *in, size_t len, struct buf *out)
{
	int malformed = 0;
	if (!strict_shape(in, len) || base64_decode(in, len, out, &malformed) < 0 || malformed)
		return -1;
	return 0;
}
