/* aimx_wire.c: the text helpers the AIMX/1 decoder, writers, encoder and reply parser share. */
#include "control/aimx_wire.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/utf8.h"

size_t aimx_wire_cut(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

const char *aimx_wire_trim(const char *s, size_t *n)
{
	while (*n && is_space(*s))
		s++, (*n)--;
	while (*n && is_space(s[*n - 1]))
		(*n)--;
	return s;
}

/* One byte or UTF-8 sequence of a quoted fragment, escaped; returns its input length. */
static size_t quote_piece(const char *s, size_t n, char piece[8], size_t *plen)
{
	unsigned char c = (unsigned char)s[0];
	const char *esc = c == '"'    ? "\\\""
	                  : c == '\\' ? "\\\\"
	                  : c == '\n' ? "\\n"
	                  : c == '\r' ? "\\r"
	                  : c == '\t' ? "\\t"
	                              : NULL;
	size_t used = 1;
	if (esc) {
		*plen = strlen(esc);
		memcpy(piece, esc, *plen);
	} else if (c < 0x20 || c == 0x7F ||
	           (c >= 0x80 && utf8_decode(s, n, &used) == UTF8_REPLACEMENT && used == 1)) {
		*plen = (size_t)snprintf(piece, 8, "\\x%02x", c);
	} else {
		*plen = used;
		memcpy(piece, s, used);
	}
	return used;
}

void aimx_wire_quote(const char *s, size_t n, char *out, size_t outsz)
{
	size_t o = 0, k = 0;
	out[o++] = '"';
	while (k < n) {
		char piece[8];
		size_t plen, used = quote_piece(s + k, n - k, piece, &plen);
		if (o + plen + 5 > outsz) /* room for the closing quote, "..." and NUL */
			break;
		memcpy(out + o, piece, plen);
		o += plen;
		k += used;
	}
	out[o++] = '"';
	if (k < n)
		memcpy(out + o, "...", 3), o += 3;
	out[o] = '\0';
}

int aimx_wire_parse_size(const char *v, size_t n, size_t *out)
{
	size_t k = n && v[0] == '+' ? 1 : 0, val = 0;
	if (k == n)
		return -1;
	for (; k < n; k++) {
		if (v[k] < '0' || v[k] > '9')
			return -1;
		size_t digit = (size_t)(v[k] - '0');
		if (val > (SIZE_MAX - digit) / 10)
			return -1;
		val = val * 10 + digit;
	}
	*out = val;
	return 0;
}

int aimx_wire_put_clean(struct buf *out, const char *s)
{
	while (s && *s) {
		size_t n = strcspn(s, "\r\n");
		if (buf_append(out, s, n) < 0)
			return -1;
		s += n;
		s += strspn(s, "\r\n");
	}
	return 0;
}

int aimx_wire_settle(struct buf *out, size_t mark, int rc)
{
	if (rc < 0 && out->data) {
		out->len = mark;
		out->data[mark] = '\0';
	}
	return rc < 0 ? -1 : 0;
}
