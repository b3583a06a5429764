/* base64.c: the base64 encoder for DKIM tags, MIME parts and key records. */
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
