/* mime_decode.c: transfer decoders (quoted-printable, RFC 2231 %XX), tolerant of damage. */
#include "mime/mime.h"

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
