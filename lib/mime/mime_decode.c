/* mime_decode.c: transfer decoders (base64, quoted-printable, RFC 2231 %XX), tolerant of damage. */
#include "mime/mime.h"

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

int mime_base64_decode(const char *in, size_t len, struct buf *out, int *malformed)
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
		} else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
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

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Length of the line break at in[k] (CRLF 2, LF 1), 0 when there is none. */
static size_t line_break_at(const char *in, size_t len, size_t k)
{
	if (k < len && in[k] == '\n')
		return 1;
	return k + 1 < len && in[k] == '\r' && in[k + 1] == '\n' ? 2 : 0;
}

/* After "=" at in[k]: the bytes a soft line break ("=", blanks, line break or end) spans. */
static size_t soft_break_len(const char *in, size_t len, size_t k)
{
	size_t j = k + 1;
	while (j < len && (in[j] == ' ' || in[j] == '\t'))
		j++;
	if (j == len)
		return j - k;
	size_t br = line_break_at(in, len, j);
	return br ? j + br - k : 0;
}

int mime_qp_decode(const char *in, size_t len, int header_q, struct buf *out)
{
	if (buf_reserve(out, len) < 0)
		return -1;
	char *o = out->data + out->len;
	size_t k = 0;
	while (k < len) {
		unsigned char c = (unsigned char)in[k];
		size_t skip;
		if (c == '=' && !header_q && (skip = soft_break_len(in, len, k))) {
			k += skip;
		} else if (c == '=' && k + 2 < len && hex_value((unsigned char)in[k + 1]) >= 0 &&
		           hex_value((unsigned char)in[k + 2]) >= 0) {
			*o++ = (char)(hex_value((unsigned char)in[k + 1]) * 16 +
			              hex_value((unsigned char)in[k + 2]));
			k += 3;
		} else if ((c == ' ' || c == '\t') && !header_q) {
			size_t j = k;
			while (j < len && (in[j] == ' ' || in[j] == '\t'))
				j++;
			int trailing = j == len || line_break_at(in, len, j);
			for (; k < j; k++)
				if (!trailing)
					*o++ = in[k];
		} else {
			*o++ = c == '_' && header_q ? ' ' : (char)c;
			k++;
		}
	}
	out->len = (size_t)(o - out->data);
	out->data[out->len] = '\0';
	return 0;
}

int mime_pct_decode(const char *in, size_t len, struct buf *out)
{
	if (buf_reserve(out, len) < 0)
		return -1;
	char *o = out->data + out->len;
	for (size_t k = 0; k < len; k++) {
		if (in[k] == '%' && k + 2 < len && hex_value((unsigned char)in[k + 1]) >= 0 &&
		    hex_value((unsigned char)in[k + 2]) >= 0) {
			*o++ = (char)(hex_value((unsigned char)in[k + 1]) * 16 +
			              hex_value((unsigned char)in[k + 2]));
			k += 2;
		} else {
			*o++ = in[k];
		}
	}
	out->len = (size_t)(o - out->data);
	out->data[out->len] = '\0';
	return 0;
}
