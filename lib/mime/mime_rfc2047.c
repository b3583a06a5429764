/* mime_rfc2047.c: header values with RFC 2047 encoded words (=?charset?B|Q?text?=) to UTF-8. */
#include "mime/mime.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/base64.h"

struct encoded_word {
	char charset[64];
	char encoding; /* 'B' or 'Q' */
	const char *text;
	size_t text_len;
	const char *end; /* just past "?=" */
};

/* Parses "=?charset[*lang]?B|Q?text?=" at p; 0 when p is not a well-formed encoded word. */
static int encoded_word_parse(const char *p, struct encoded_word *w)
{
	size_t n = 0;
	p += 2;
	while (*p && *p != '?' && !isspace((unsigned char)*p)) {
		if (n == sizeof(w->charset) - 1)
			return 0;
		w->charset[n++] = *p++;
	}
	w->charset[n] = '\0';
	char *lang = strchr(w->charset, '*');
	if (lang)
		*lang = '\0';
	if (!w->charset[0] || p[0] != '?' || !strchr("BbQq", p[1]) || !p[1] || p[2] != '?')
		return 0;
	w->encoding = (char)toupper((unsigned char)p[1]);
	w->text = p + 3;
	const char *q = w->text;
	while (*q && *q != '?' && !isspace((unsigned char)*q))
		q++;
	if (q[0] != '?' || q[1] != '=')
		return 0;
	w->text_len = (size_t)(q - w->text);
	w->end = q + 2;
	return 1;
}

/* Literal text between encoded words: line breaks of folding removed, made valid UTF-8. */
static int literal_append(const char *s, size_t len, struct buf *out)
{
	while (len) {
		size_t run = 0;
		while (run < len && s[run] != '\r' && s[run] != '\n')
			run++;
		if (mime_charset_to_utf8(NULL, s, run, out) < 0)
			return -1;
		s += run;
		len -= run;
		while (len && (*s == '\r' || *s == '\n'))
			s++, len--;
	}
	return 0;
}

static int only_space(const char *s, size_t len)
{
	for (size_t k = 0; k < len; k++)
		if (!strchr(" \t\r\n", s[k]))
			return 0;
	return 1;
}

struct decoder {
	struct buf out;
	struct buf pending; /* bytes of adjacent encoded words in one charset, not yet converted */
	char charset[64];
	int after_word; /* the last thing seen was an encoded word */
};

static int pending_flush(struct decoder *d)
{
	int rc = mime_charset_to_utf8(d->charset, d->pending.data ? d->pending.data : "", d->pending.len,
	                         &d->out);
	buf_reset(&d->pending);
	return rc;
}

static int word_append(struct decoder *d, const struct encoded_word *w)
{
	if (d->after_word && strcasecmp(d->charset, w->charset) != 0 && pending_flush(d) < 0)
		return -1;
	memcpy(d->charset, w->charset, sizeof(d->charset));
	d->after_word = 1;
	if (w->encoding == 'Q')
		return mime_qp_decode(w->text, w->text_len, 1, &d->pending);
	int malformed = 0;
	return base64_decode(w->text, w->text_len, &d->pending, &malformed);
}

static int text_append(struct decoder *d, const char *s, size_t len)
{
	if (d->after_word && only_space(s, len))
		return 0;
	if (d->after_word && pending_flush(d) < 0)
		return -1;
	d->after_word = 0;
	return literal_append(s, len, &d->out);
}

char *mime_decode_header(const char *value)
{
	struct decoder d = {BUF_INIT, BUF_INIT, "", 0};
	const char *lit = value, *p = value;
	int rc = 0;
	while (rc == 0 && (p = strstr(p, "=?"))) {
		struct encoded_word w;
		if (!encoded_word_parse(p, &w)) {
			p += 2;
			continue;
		}
		rc =
		    text_append(&d, lit, (size_t)(p - lit)) < 0 || word_append(&d, &w) < 0 ? -1 : 0;
		p = lit = w.end;
	}
	if (rc == 0)
		rc = text_append(&d, lit, strlen(lit));
	if (rc == 0 && d.after_word)
		rc = pending_flush(&d);
	buf_free(&d.pending);
	char *s = rc == 0 ? buf_steal(&d.out) : NULL;
	buf_free(&d.out);
	return s;
}
