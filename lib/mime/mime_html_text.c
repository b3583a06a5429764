/* mime_html_text.c: readable Markdown-ish text from an HTML body (headings, links, lists, breaks). */

#include "mime/mime.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "base/utf8.h"

#define LINK_TEXT_MAX 4096 /* link text kept to compare with its URL */

struct html_state {
	struct buf *out;
	size_t start;    /* out->len on entry; the result is trimmed back to here */
	int has_text;    /* some text was written */
	int breaks;      /* pending line breaks before the next text: 1 newline, 2 blank line */
	int blank;       /* pending blank between words */
	char prefix[16]; /* "- " or "## " for the next text */
	int pre;         /* inside <pre>: blanks kept */
	int lists;       /* open <ul>/<ol> */
	int in_link;
	struct buf href;
	struct buf link_text;
	int rc;
};

struct tag {
	char name[12]; /* lowercase; "" when unknown or too long */
	int end;       /* </name> */
	const char *href;
	size_t href_len;
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static void put(struct html_state *st, const char *s, size_t n)
{
	if (st->rc == 0 && buf_append(st->out, s, n) < 0)
		st->rc = -1;
}

/* Writes a run of visible text, after whatever breaks, blank or prefix are pending. */
static void text_emit(struct html_state *st, const char *s, size_t n)
{
	if (st->has_text && st->breaks)
		put(st, "\n\n", (size_t)st->breaks);
	else if (st->has_text && st->blank && !st->prefix[0])
		put(st, " ", 1);
	if (st->in_link && st->link_text.len + n + 1 < LINK_TEXT_MAX) {
		if (st->blank && st->link_text.len && buf_append_char(&st->link_text, ' ') < 0)
			st->rc = -1;
		if (buf_append(&st->link_text, s, n) < 0)
			st->rc = -1;
	}
	put(st, st->prefix, strlen(st->prefix));
	put(st, s, n);
	st->prefix[0] = '\0';
	st->breaks = 0;
	st->blank = 0;
	st->has_text = 1;
}

static void breaks_at_least(struct html_state *st, int n)
{
	if (st->breaks < n)
		st->breaks = n;
}

/* The link's URL after its text, unless the text already says it. */
static void link_end(struct html_state *st)
{
	if (!st->in_link)
		return;
	st->in_link = 0;
	const char *url = st->href.data ? st->href.data : "";
	const char *text = st->link_text.data ? st->link_text.data : "";
	size_t ulen = strlen(url);
	if (!ulen || url[0] == '#' || strncasecmp(url, "javascript:", 11) == 0 ||
	    strcmp(text, url) == 0 ||
	    (strncasecmp(url, "mailto:", 7) == 0 && strcmp(text, url + 7) == 0))
		return;
	if (!text[0]) {
		text_emit(st, url, ulen);
		return;
	}
	struct buf b = BUF_INIT;
	if (buf_printf(&b, "(%s)", url) < 0)
		st->rc = -1;
	else {
		st->blank = 1;
		text_emit(st, b.data, b.len);
	}
	buf_free(&b);
}

/* Appends s with character references decoded to out. */
static int entities_decode(const char *s, size_t n, struct buf *out)
{
	for (size_t k = 0; k < n;) {
		unsigned long cp;
		size_t used = s[k] == '&' ? mime_html_entity_at(s + k, n - k, &cp) : 0;
		char enc[4];
		if (used ? buf_append(out, enc, utf8_encode((uint32_t)cp, enc)) < 0
		         : buf_append_char(out, s[k]) < 0)
			return -1;
		k += used ? used : 1;
	}
	return 0;
}

static void link_start(struct html_state *st, const struct tag *t)
{
	link_end(st);
	buf_reset(&st->href);
	buf_reset(&st->link_text);
	if (t->href) {
		const char *h = t->href, *e = t->href + t->href_len;
		while (h < e && is_space(*h))
			h++;
		while (e > h && is_space(e[-1]))
			e--;
		if (entities_decode(h, (size_t)(e - h), &st->href) < 0)
			st->rc = -1;
	}
	st->in_link = 1;
}

static int name_in(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(name, *list) == 0)
			return 1;
	return 0;
}

/* What a tag does to the layout. */
static void tag_apply(struct html_state *st, const struct tag *t)
{
	static const char *const paragraph[] = {"p",  "table", "blockquote", "pre",
	                                        "hr", "dl",    NULL};
	static const char *const line[] = {
	    "div",     "tr",     "li",       "dt",     "dd",      "section", "article",
	    "header",  "footer", "nav",      "aside",  "main",    "figure",  "figcaption",
	    "address", "form",   "fieldset", "center", "caption", "h1",      "h2",
	    "h3",      "h4",     "h5",       "h6",     NULL};
	const char *n = t->name;
	if (strcmp(n, "br") == 0)
		st->breaks = st->breaks < 2 ? st->breaks + 1 : 2;
	else if (name_in(n, paragraph) || (n[0] == 'h' && n[1] >= '1' && n[1] <= '6' && !n[2]))
		breaks_at_least(st, 2);
	else if (name_in(n, line))
		breaks_at_least(st, 1);
	else if (strcmp(n, "td") == 0 || strcmp(n, "th") == 0)
		st->blank = 1;
	if (strcmp(n, "ul") == 0 || strcmp(n, "ol") == 0) {
		st->lists += t->end ? (st->lists > 0 ? -1 : 0) : 0;
		breaks_at_least(st, st->lists ? 1 : 2); /* a nested list is no new paragraph */
		st->lists += t->end ? 0 : 1;
	} else if (strcmp(n, "pre") == 0)
		st->pre += t->end ? (st->pre > 0 ? -1 : 0) : 1;
	else if (strcmp(n, "a") == 0 && t->end)
		link_end(st);
	else if (strcmp(n, "a") == 0)
		link_start(st, t);
	else if (strcmp(n, "li") == 0 || (n[0] == 'h' && n[1] >= '1' && n[1] <= '6' && !n[2])) {
		st->prefix[0] = '\0';
		if (!t->end && n[0] == 'l') {
			int indent = st->lists > 1 ? (st->lists - 1 < 6 ? st->lists - 1 : 6) : 0;
			memset(st->prefix, ' ', (size_t)indent * 2);
			strcpy(st->prefix + indent * 2, "- ");
		} else if (!t->end) {
			memset(st->prefix, '#', (size_t)(n[1] - '0'));
			strcpy(st->prefix + (n[1] - '0'), " ");
		}
	}
}

/* Attributes up to '>' (quoted values may hold '>'); the href is noted. Index after '>'. */
static size_t attributes_read(const char *h, size_t len, size_t k, struct tag *t)
{
	while (k < len && h[k] != '>') {
		if (is_space(h[k]) || h[k] == '/') {
			k++;
			continue;
		}
		size_t name = k;
		while (k < len && !is_space(h[k]) && h[k] != '=' && h[k] != '>' && h[k] != '/')
			k++;
		size_t name_len = k == name ? 1 : k - name;
		k += k == name;
		while (k < len && is_space(h[k]))
			k++;
		if (k >= len || h[k] != '=')
			continue;
		for (k++; k < len && is_space(h[k]); k++)
			;
		size_t v = k, vend;
		if (k < len && (h[k] == '"' || h[k] == '\'')) {
			const char *q = memchr(h + k + 1, h[k], len - k - 1);
			v = k + 1;
			vend = q ? (size_t)(q - h) : len;
			k = q ? vend + 1 : len;
		} else {
			while (k < len && !is_space(h[k]) && h[k] != '>')
				k++;
			vend = k;
		}
		if (name_len == 4 && strncasecmp(h + name, "href", 4) == 0 && !t->href) {
			t->href = h + v;
			t->href_len = vend - v;
		}
	}
	return k < len ? k + 1 : len;
}

/* A tag at h[k] == '<' followed by a letter or "/letter"; index after it. */
static size_t tag_read(const char *h, size_t len, size_t k, struct tag *t)
{
	memset(t, 0, sizeof(*t));
	k++;
	if (h[k] == '/') {
		t->end = 1;
		k++;
	}
	size_t n = 0;
	for (; k < len && isalnum((unsigned char)h[k]); k++)
		if (n < sizeof(t->name) - 1)
			t->name[n++] = (char)tolower((unsigned char)h[k]);
		else
			t->name[0] = '\0', n = sizeof(t->name);
	if (n < sizeof(t->name))
		t->name[n] = '\0';
	return attributes_read(h, len, k, t);
}

static int starts_ci(const char *h, size_t len, size_t k, const char *s)
{
	size_t n = strlen(s);
	return len - k >= n && strncasecmp(h + k, s, n) == 0;
}

/* Where the content of a skipped element ends: the '<' of its end tag (or of <body> for an
 * unclosed <head>), or len. */
static size_t skipped_content_end(const char *h, size_t len, size_t k, const char *name)
{
	char end[16];
	end[0] = '<';
	end[1] = '/';
	strcpy(end + 2, name);
	for (;;) {
		const char *lt = memchr(h + k, '<', len - k);
		if (!lt)
			return len;
		k = (size_t)(lt - h);
		if (starts_ci(h, len, k, end) ||
		    (strcmp(name, "head") == 0 && starts_ci(h, len, k, "<body")))
			return k;
		k++;
	}
}

/* Markup at h[k] == '<': comment, declaration, or tag. Returns the next index. */
static size_t markup_handle(struct html_state *st, const char *h, size_t len, size_t k)
{
	static const char *const skipped[] = {"script", "style", "head", "template", "title", NULL};
	if (starts_ci(h, len, k, "<!--")) {
		const char *e = memmem(h + k + 4, len - k - 4, "-->", 3);
		return e ? (size_t)(e - h) + 3 : len;
	}
	if (h[k + 1] == '!' || h[k + 1] == '?') {
		const char *e = memchr(h + k, '>', len - k);
		return e ? (size_t)(e - h) + 1 : len;
	}
	struct tag t;
	k = tag_read(h, len, k, &t);
	if (!t.end && name_in(t.name, skipped))
		return skipped_content_end(h, len, k, t.name);
	tag_apply(st, &t);
	return k;
}

static int markup_starts(const char *h, size_t len, size_t k)
{
	if (k + 1 >= len)
		return 0;
	char c = h[k + 1];
	if (c == '/')
		return k + 2 < len && isalpha((unsigned char)h[k + 2]);
	return isalpha((unsigned char)c) || c == '!' || c == '?';
}

/* Blank in text: collapsed, or inside <pre> kept (line breaks as breaks). */
static void blank_handle(struct html_state *st, char c)
{
	if (!st->pre)
		st->blank = 1;
	else if (c == '\n')
		st->breaks = st->breaks < 2 ? st->breaks + 1 : 2;
	else if (c != '\r')
		text_emit(st, &c, 1);
}

static size_t text_handle(struct html_state *st, const char *h, size_t len, size_t k)
{
	unsigned long cp;
	size_t used = mime_html_entity_at(h + k, len - k, &cp);
	if (used) {
		char enc[4];
		if (cp == 0xA0)
			st->blank = 1;
		else if (cp != 0xAD && cp != 0x200B && cp != 0x200C && cp != 0x200D && cp != 0xFEFF)
			text_emit(st, enc, utf8_encode((uint32_t)cp, enc));
		return k + used;
	}
	if ((unsigned char)h[k] == 0xC2 && k + 1 < len && (unsigned char)h[k + 1] == 0xA0) {
		st->blank = 1;
		return k + 2;
	}
	size_t e = k + 1;
	while (e < len && h[e] != '<' && h[e] != '&' && !is_space(h[e]) &&
	       (unsigned char)h[e] != 0xC2)
		e++;
	text_emit(st, h + k, e - k);
	return e;
}

/* Removes the whitespace at both ends of what was appended. */
static void trim_appended(struct buf *out, size_t start)
{
	size_t a = start;
	while (a < out->len && is_space(out->data[a]))
		a++;
	size_t n = out->len;
	while (n > a && is_space(out->data[n - 1]))
		n--;
	memmove(out->data + start, out->data + a, n - a);
	out->len = start + (n - a);
	out->data[out->len] = '\0';
}

int mime_html_to_text(const char *html, size_t len, struct buf *out)
{
	struct html_state st = {.out = out, .start = out->len};
	st.href = (struct buf)BUF_INIT;
	st.link_text = (struct buf)BUF_INIT;
	size_t k = 0;
	while (k < len && st.rc == 0) {
		char c = html[k];
		if (c == '<' && markup_starts(html, len, k))
			k = markup_handle(&st, html, len, k);
		else if (is_space(c))
			blank_handle(&st, c), k++;
		else
			k = text_handle(&st, html, len, k);
	}
	link_end(&st);
	buf_free(&st.href);
	buf_free(&st.link_text);
	if (st.rc == 0 && buf_reserve(out, 0) == 0) {
		trim_appended(out, st.start);
		return 0;
	}
	return -1;
}
