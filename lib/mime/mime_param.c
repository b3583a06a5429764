/* mime_param.c: Content-Type / Content-Disposition values: type token, parameters (RFC 2231). */
#include "mime/mime.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PARAM_MAX_SEGMENTS 64 /* RFC 2231 continuations joined per parameter */

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Lowercase token at the start of value (blanks skipped) into out[cap]; its length. */
static size_t lead_token(const char *value, char *out, size_t cap)
{
	size_t n = 0;
	while (is_blank(*value))
		value++;
	for (; *value && *value != ';' && *value != '(' && !is_blank(*value); value++)
		if (n + 1 < cap)
			out[n++] = (char)tolower((unsigned char)*value);
	out[n] = '\0';
	return n;
}

/* 1 when s is "type/subtype", both RFC 2045 tokens (printable ASCII without tspecials). */
static int is_type_subtype(const char *s)
{
	const char *slash = strchr(s, '/');
	if (!slash || slash == s || !slash[1])
		return 0;
	for (; *s; s++)
		if (s != slash && (*s <= 0x20 || *s >= 0x7F || strchr("()<>@,;:\\\"/[]?=", *s)))
			return 0;
	return 1;
}

void mime_content_type(const char *value, const char *dflt, char out[MIME_TYPE_MAX])
{
	if (value && lead_token(value, out, MIME_TYPE_MAX) < MIME_TYPE_MAX - 1 &&
	    is_type_subtype(out))
		return;
	snprintf(out, MIME_TYPE_MAX, "%s", dflt);
}

void mime_token(const char *value, char out[MIME_TOKEN_MAX])
{
	lead_token(value ? value : "", out, MIME_TOKEN_MAX);
}

struct segment {
	unsigned index;
	int encoded; /* "name*N*": charset'lang'%XX (first) or %XX (later) */
	struct buf text;
};

struct param_state {
	const char *name;
	size_t name_len;
	struct buf plain; /* name=value */
	int have_plain;
	struct segment seg[PARAM_MAX_SEGMENTS]; /* name*=value is segment 0, encoded */
	size_t nseg;
};

/* One parameter value at *p (quoted string unescaped, or token up to ';' trimmed) into v. */
static int value_read(const char **p, struct buf *v)
{
	const char *s = *p;
	int rc = 0;
	if (*s == '"') {
		for (s++; *s && *s != '"' && rc == 0; s++) {
			if (*s == '\\' && s[1])
				s++;
			rc = buf_append_char(v, *s);
		}
		while (*s && *s != ';')
			s++;
	} else {
		const char *start = s;
		while (*s && *s != ';')
			s++;
		const char *end = s;
		while (end > start && is_blank(end[-1]))
			end--;
		rc = buf_append(v, start, (size_t)(end - start));
	}
	*p = s;
	return rc;
}

/* Which form of our parameter the attribute is: 0 other, 1 plain, 2 segment (index, encoded). */
static int attribute_kind(const struct param_state *st, const char *attr, size_t len,
                          unsigned *index, int *encoded)
{
	if (len < st->name_len || strncasecmp(attr, st->name, st->name_len) != 0)
		return 0;
	if (len == st->name_len)
		return 1;
	const char *r = attr + st->name_len, *end = attr + len;
	if (*r++ != '*')
		return 0;
	*index = 0;
	*encoded = r == end;
	if (r == end)
		return 2;
	if (!isdigit((unsigned char)*r))
		return 0;
	for (; r < end && isdigit((unsigned char)*r); r++)
		*index = *index > 100000 ? *index : *index * 10 + (unsigned)(*r - '0');
	*encoded = r < end && *r == '*';
	return r + *encoded == end ? 2 : 0;
}

static int attribute_take(struct param_state *st, const char *attr, size_t len, const char **p)
{
	unsigned index;
	int encoded;
	struct buf scratch = BUF_INIT;
	int kind = attribute_kind(st, attr, len, &index, &encoded);
	struct buf *v = &scratch;
	if (kind == 1 && !st->have_plain) {
		v = &st->plain;
		st->have_plain = 1;
	} else if (kind == 2 && st->nseg < PARAM_MAX_SEGMENTS) {
		struct segment *s = &st->seg[st->nseg++];
		s->index = index;
		s->encoded = encoded;
		s->text = (struct buf)BUF_INIT;
		v = &s->text;
	}
	int rc = value_read(p, v);
	buf_free(&scratch);
	return rc;
}

static int params_scan(struct param_state *st, const char *value)
{
	const char *p = strchr(value, ';');
	while (p && *p) {
		while (*p == ';' || is_blank(*p))
			p++;
		const char *attr = p;
		while (*p && *p != '=' && *p != ';' && !is_blank(*p))
			p++;
		size_t attr_len = (size_t)(p - attr);
		while (is_blank(*p))
			p++;
		if (*p != '=') {
			while (*p && *p != ';')
				p++;
			continue;
		}
		for (p++; is_blank(*p); p++)
			;
		if (attribute_take(st, attr, attr_len, &p) < 0)
			return -1;
	}
	return 0;
}

static int segment_order(const void *a, const void *b)
{
	const struct segment *x = a, *y = b;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* "charset'lang'rest": copies the charset, returns rest (the whole text when malformed). */
static const char *ext_value_split(const char *text, char charset[64])
{
	const char *q1 = strchr(text, '\''), *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;
	charset[0] = '\0';
	if (!q2)
		return text;
	if ((size_t)(q1 - text) < 64) {
		memcpy(charset, text, (size_t)(q1 - text));
		charset[q1 - text] = '\0';
	}
	return q2 + 1;
}

/* Joins segments 0, 1, 2, ... (stopping at a gap) into out; the charset of segment 0. */
static int segments_join(struct param_state *st, struct buf *out, char charset[64])
{
	qsort(st->seg, st->nseg, sizeof(st->seg[0]), segment_order);
	charset[0] = '\0';
	unsigned want = 0;
	for (size_t k = 0; k < st->nseg && st->seg[k].index <= want; k++) {
		struct segment *s = &st->seg[k];
		if (s->index < want)
			continue;
		if (!s->text.data && buf_reserve(&s->text, 0) < 0)
			return -1;
		const char *text = s->text.data;
		if (s->encoded && want == 0)
			text = ext_value_split(text, charset);
		size_t n = s->text.len - (size_t)(text - s->text.data);
		if ((s->encoded ? mime_pct_decode(text, n, out) : buf_append(out, text, n)) < 0)
			return -1;
		want++;
	}
	return 0;
}

/* The value as UTF-8: the RFC 2231 charset, else RFC 2047 words, else lossy UTF-8. */
static int to_utf8(struct buf *v, const char *charset, int extended, char **out)
{
	const char *s = v->data ? v->data : "";
	if (!extended && strstr(s, "=?")) {
		*out = mime_decode_header(s);
		return *out ? 1 : -1;
	}
	struct buf u = BUF_INIT;
	if (mime_charset_to_utf8(extended ? charset : NULL, s, v->len, &u) < 0 ||
	    !(*out = buf_steal(&u))) {
		buf_free(&u);
		return -1;
	}
	return 1;
}

int mime_param(const char *value, const char *name, int utf8, char **out)
{
	struct param_state st = {.name = name, .name_len = strlen(name)};
	struct buf joined = BUF_INIT;
	char charset[64] = "";
	int rc = value ? params_scan(&st, value) : 0;
	int extended = 0;
	for (size_t k = 0; k < st.nseg && !extended; k++)
		extended = st.seg[k].index == 0;
	if (rc == 0 && extended)
		rc = segments_join(&st, &joined, charset);
	struct buf *v = extended ? &joined : &st.plain;
	*out = NULL;
	if (rc == 0 && (extended || st.have_plain)) {
		if (utf8)
			rc = to_utf8(v, charset, extended, out);
		else
			rc = (*out = buf_steal(v)) ? 1 : -1;
	}
	for (size_t k = 0; k < st.nseg; k++)
		buf_free(&st.seg[k].text);
	buf_free(&st.plain);
	buf_free(&joined);
	return rc;
}
