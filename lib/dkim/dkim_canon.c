/* dkim_canon.c: DKIM header and body canonicalisation, simple and relaxed (RFC 6376 3.4). */
#include "dkim/dkim.h"

#include <ctype.h>
#include <string.h>

#include "bearssl_hash.h"

static int is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* Bytes of the field without its final line break. */
static size_t field_content_len(const char *field, size_t len)
{
	if (len && field[len - 1] == '\n')
		len--;
	if (len && field[len - 1] == '\r')
		len--;
	return len;
}

int dkim_canon_header_simple(const char *field, size_t len, struct buf *out)
{
	len = field_content_len(field, len);
	for (size_t k = 0; k < len; k++) {
		if (field[k] == '\n' && (k == 0 || field[k - 1] != '\r') && buf_append(out, "\r", 1) < 0)
			return -1;
		if (buf_append(out, field + k, 1) < 0)
			return -1;
	}
	return buf_append(out, "\r\n", 2);
}

int dkim_canon_header_relaxed(const char *field, size_t len, struct buf *out)
{
	len = field_content_len(field, len);
	const char *colon = memchr(field, ':', len);
	if (!colon)
		return buf_append(out, "\r\n", 2);
	size_t nend = (size_t)(colon - field);
	while (nend && is_wsp(field[nend - 1]))
		nend--;
	for (size_t k = 0; k < nend; k++) {
		char c = (char)tolower((unsigned char)field[k]);
		if (buf_append(out, &c, 1) < 0)
			return -1;
	}
	if (buf_append(out, ":", 1) < 0)
		return -1;
	int pending_space = 0, started = 0;
	for (size_t k = (size_t)(colon - field) + 1; k < len; k++) {
		char c = field[k];
		if (c == '\r' || c == '\n')
			continue;
		if (is_wsp(c)) {
			pending_space = started;
			continue;
		}
		if (pending_space && buf_append(out, " ", 1) < 0)
			return -1;
		pending_space = 0;
		started = 1;
		if (buf_append(out, &c, 1) < 0)
			return -1;
	}
	return buf_append(out, "\r\n", 2);
}

/* Hashes canonical body bytes, stopping at the l= limit. */
struct body_sink {
	br_sha256_context sha;
	long long limit;
	unsigned long long total;
	unsigned pending_blank; /* empty lines held back: only emitted if more text follows */
};

static void sink_put(struct body_sink *s, const char *data, size_t n)
{
	if (s->limit >= 0) {
		unsigned long long room = (unsigned long long)s->limit > s->total
						  ? (unsigned long long)s->limit - s->total
						  : 0;
		br_sha256_update(&s->sha, data, n < room ? n : (size_t)room);
	} else {
		br_sha256_update(&s->sha, data, n);
	}
	s->total += n;
}

static void sink_line(struct body_sink *s, const char *line, size_t n)
{
	if (n == 0) {
		s->pending_blank++;
		return;
	}
	for (; s->pending_blank; s->pending_blank--)
		sink_put(s, "\r\n", 2);
	sink_put(s, line, n);
	sink_put(s, "\r\n", 2);
}

/* One body line (without its line break) in relaxed form: WSP runs to one SP, none at the end. */
static void relaxed_line(struct body_sink *s, const char *line, size_t n)
{
	char chunk[1024];
	size_t o = 0;
	int space = 0;
	size_t end = n;
	while (end && is_wsp(line[end - 1]))
		end--;
	if (end == 0) {
		sink_line(s, "", 0);
		return;
	}
	for (; s->pending_blank; s->pending_blank--)
		sink_put(s, "\r\n", 2);
	for (size_t k = 0; k < end; k++) {
		if (is_wsp(line[k])) {
			space = 1;
			continue;
		}
		if (o + 2 > sizeof(chunk)) {
			sink_put(s, chunk, o);
			o = 0;
		}
		if (space)
			chunk[o++] = ' ';
		space = 0;
		chunk[o++] = line[k];
	}
	sink_put(s, chunk, o);
	sink_put(s, "\r\n", 2);
}

void dkim_body_hash(const char *body, size_t len, int relaxed, long long limit,
		    unsigned char digest[32], unsigned long long *canon_len)
{
	struct body_sink s = {.limit = limit};
	br_sha256_init(&s.sha);
	for (size_t p = 0; p < len;) {
		const char *nl = memchr(body + p, '\n', len - p);
		size_t end = nl ? (size_t)(nl - body) : len;
		size_t n = end - p;
		if (nl && n && body[end - 1] == '\r')
			n--;
		if (relaxed)
			relaxed_line(&s, body + p, n);
		else
			sink_line(&s, body + p, n);
		p = nl ? end + 1 : len;
	}
	if (!relaxed && s.total == 0)
		sink_put(&s, "\r\n", 2); /* 3.4.3: an empty body is one CRLF */
	br_sha256_out(&s.sha, digest);
	*canon_len = s.total;
}
