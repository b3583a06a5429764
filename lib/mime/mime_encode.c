/* mime_encode.c: quoted-printable, the 7-bit test, CRLF normalisation and parameter encoding. */
#include "mime/mime_encode.h"

#include <string.h>

#define QP_LINE 76

int mime_is_7bit(const char *text, size_t len)
{
	size_t line = 0;
	for (size_t k = 0; k < len; k++) {
		unsigned char c = (unsigned char)text[k];
		if (c >= 0x80 || c == 0)
			return 0;
		line = (c == '\n') ? 0 : line + 1;
		if (line > MIME_LINE_MAX + 1)
			return 0;
	}
	return 1;
}

int mime_qp_encode(const char *text, size_t len, struct buf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t column = 0;
	for (size_t k = 0; k < len; k++) {
		unsigned char c = (unsigned char)text[k];
		if (c == '\r' && k + 1 < len && text[k + 1] == '\n') {
			if (buf_append(out, "\r\n", 2) < 0)
				return -1;
			k++;
			column = 0;
			continue;
		}
		int plain = c >= 0x20 && c <= 0x7E && c != '=';
		size_t width = plain ? 1 : 3;
		if (column + width > QP_LINE - 1) {
			if (buf_append(out, "=\r\n", 3) < 0)
				return -1;
			column = 0;
		}
		char enc[3] = {'=', hex[c >> 4], hex[c & 15]};
		if (plain ? buf_append_char(out, (char)c) < 0 : buf_append(out, enc, 3) < 0)
			return -1;
		column += width;
	}
	return 0;
}

static int is_ascii_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7E)
			return 0;
	return 1;
}

int mime_param_encode(struct buf *out, const char *name, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	if (is_ascii_printable(value)) {
		if (buf_printf(out, "%s=\"", name) < 0)
			return -1;
		for (const char *p = value; *p; p++)
			if ((*p == '"' || *p == '\\') ? buf_append_char(out, '\\') < 0 : 0)
				return -1;
			else if (buf_append_char(out, *p) < 0)
				return -1;
		return buf_append_char(out, '"');
	}
	if (buf_printf(out, "%s*=utf-8''", name) < 0)
		return -1;
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		int keep = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			   (*p >= '0' && *p <= '9') || strchr("!#$&+-.^_`|~", *p);
		char enc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
		if (keep ? buf_append_char(out, (char)*p) < 0 : buf_append(out, enc, 3) < 0)
			return -1;
	}
	return 0;
}

int mime_to_crlf(const char *text, size_t len, struct buf *out)
{
	for (size_t k = 0; k < len; k++) {
		char c = text[k];
		if (c == '\r') {
			if (k + 1 < len && text[k + 1] == '\n')
				k++;
			c = '\n';
		}
		if (c == '\n' ? buf_append(out, "\r\n", 2) < 0 : buf_append_char(out, c) < 0)
			return -1;
	}
	return 0;
}
