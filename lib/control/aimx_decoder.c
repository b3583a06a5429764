/* aimx_decoder.c: the daemon side's incremental AIMX/1 request decoder (protocol.md 3): the request
 * line, the line reader and the bodies; no I/O. */
#include "control/aimx.h"

#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "control/aimx_decoder_header.h"
#include "control/aimx_decoder_state.h"
#include "control/aimx_wire.h"

#define VERB_ECHO   900 /* bytes of an unknown verb echoed back */
#define BODY_GROWTH 4096

void aimx_decoder_init(struct aimx_decoder *d)
{
	memset(d, 0, sizeof(*d));
	d->state = S_REQLINE;
	d->line.limit = AIMX_LINE_MAX;
}

void aimx_decoder_free(struct aimx_decoder *d)
{
	buf_free(&d->line);
	aimx_request_free(&d->req);
}

static enum aimx_decode_status request_line(struct aimx_decoder *d, const char *line, size_t len)
{
	if (len < AIMX_PREFIX_LEN || memcmp(line, AIMX_PREFIX, AIMX_PREFIX_LEN) != 0) {
		char q[AIMX_QUOTE_MAX];
		aimx_wire_quote(line, len, q, sizeof(q));
		return MALFORMED(d, "expected 'AIMX/1 <verb>', got %s", q);
	}
	const char *rest = line + AIMX_PREFIX_LEN;
	size_t rn = len - AIMX_PREFIX_LEN;
	if (aimx_verb_parse(rest, rn, &d->req.verb) == 0) {
		d->state = S_HEADERS;
		return AIMX_DECODE_MORE;
	}
	size_t echo = aimx_wire_cut(rest, rn, VERB_ECHO);
	return aimx_decoder_fail(d, "PROTOCOL", "unknown verb '%.*s'%s", (int)echo, rest,
	                         echo < rn ? "..." : "");
}

/* A whole line (without its '\n') is in d->line. */
static enum aimx_decode_status complete_line(struct aimx_decoder *d)
{
	char *line = d->line.data;
	size_t len = d->line.len;
	enum aimx_decode_status st;
	if (!utf8_valid(line, len))
		st = MALFORMED(d, "header line contains invalid UTF-8");
	else if (memchr(line, '\0', len))
		st = MALFORMED(d, "header line contains a NUL byte");
	else {
		while (len && line[len - 1] == '\r')
			len--;
		line[len] = '\0';
		if (d->state == S_REQLINE)
			st = request_line(d, line, len);
		else
			st = len == 0 ? aimx_decoder_headers_end(d)
			              : aimx_decoder_header_line(d, line, len);
	}
	buf_reset(&d->line);
	return st;
}

/* Takes bytes of the current line; returns how many were used. */
static size_t take_line(struct aimx_decoder *d, const char *data, size_t len)
{
	const char *nl = memchr(data, '\n', len);
	size_t n = nl ? (size_t)(nl - data) : len;
	if (n > AIMX_LINE_MAX - d->line.len) {
		MALFORMED(d, "header line exceeds %d bytes", AIMX_LINE_MAX);
		return 0;
	}
	if (buf_append(&d->line, data, n) < 0) {
		OUT_OF_MEMORY(d);
		return 0;
	}
	if (nl)
		complete_line(d);
	return n + (nl ? 1 : 0);
}

/* Appends to a body buffer that grows geometrically but never past its declared length. */
static int body_append(struct buf *b, const char *data, size_t n, size_t declared)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : BODY_GROWTH;
		if (cap < b->len + n + 1)
			cap = b->len + n + 1;
		if (cap > declared + 1)
			cap = declared + 1;
		char *p = realloc(b->data, cap);
		if (!p)
			return -1;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

static size_t take_body(struct aimx_decoder *d, const char *data, size_t len)
{
	int main_body = d->state == S_BODY;
	size_t *need = main_body ? &d->need : &d->html_need;
	struct buf *dst = main_body ? &d->req.body : &d->req.html_body;
	size_t n = len < *need ? len : *need;
	if (body_append(dst, data, n, dst->len + *need) < 0) {
		OUT_OF_MEMORY(d);
		return 0;
	}
	*need -= n;
	if (*need == 0)
		d->state = main_body && d->html_need ? S_HTML : S_DONE;
	return n;
}

enum aimx_decode_status aimx_decoder_feed(struct aimx_decoder *d, const char *data, size_t len,
                                          size_t *consumed)
{
	size_t i = 0;
	if (len && d->state < S_DONE)
		d->got_any = 1;
	while (i < len && d->state < S_DONE) {
		if (d->state == S_BODY || d->state == S_HTML)
			i += take_body(d, data + i, len - i);
		else
			i += take_line(d, data + i, len - i);
	}
	*consumed = i;
	return aimx_decoder_status(d);
}

enum aimx_decode_status aimx_decoder_eof(struct aimx_decoder *d)
{
	if (d->state >= S_DONE)
		return aimx_decoder_status(d);
	if (!d->got_any)
		return AIMX_DECODE_EMPTY;
	if (d->state == S_BODY)
		return MALFORMED(d, "body truncated: expected %zu bytes",
		                 d->req.body.len + d->need);
	if (d->state == S_HTML)
		return MALFORMED(d, "html body truncated: expected %zu bytes after main body",
		                 d->req.html_body.len + d->html_need);
	if (d->line.len)
		return MALFORMED(d, "unexpected EOF mid-line (no terminator)");
	return MALFORMED(d, "unexpected EOF in headers");
}
