/* markdown.c: md4c rendering plus the inline stylesheet mail clients need (no <style> blocks). */
#include "mime/markdown.h"

#include <string.h>

#include "md4c-html.h"

#define MONO "font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; "
#define RULE "1px solid #d0d7de"

/* Per-element styles; the values follow upstream's rendering so mail looks the same. */
static const struct {
	const char *tag;
	const char *style;
} styles[] = {
	{"h1", "font-size: 1.75em; margin: 1.2em 0 0.5em; line-height: 1.25;"},
	{"h2", "font-size: 1.4em; margin: 1.1em 0 0.5em; line-height: 1.3;"},
	{"h3", "font-size: 1.2em; margin: 1em 0 0.4em; line-height: 1.3;"},
	{"h4", "font-size: 1.05em; margin: 1em 0 0.4em; line-height: 1.3;"},
	{"p", "margin: 0.6em 0;"},
	{"ul", "margin: 0.6em 0; padding-left: 1.4em;"},
	{"ol", "margin: 0.6em 0; padding-left: 1.4em;"},
	{"li", "margin: 0.2em 0;"},
	{"a", "color: #0b66c2; text-decoration: none;"},
	{"code", MONO "background: #f3f4f6; padding: 0.1em 0.3em; border-radius: 3px; "
		      "font-size: 0.95em;"},
	{"pre", MONO "background: #f3f4f6; padding: 12px; border-radius: 5px; overflow-x: auto; "
		     "font-size: 0.95em; line-height: 1.45;"},
	{"blockquote", "border-left: 3px solid #d0d7de; padding: 0 0.9em; color: #57606a; "
		       "margin: 0.6em 0;"},
	{"table", "border-collapse: collapse; margin: 0.8em 0; border: " RULE ";"},
	{"th", "border: " RULE "; padding: 6px 10px; background: #f6f8fa; text-align: left;"},
	{"td", "border: " RULE "; padding: 6px 10px;"},
	{"hr", "border: 0; border-top: " RULE "; margin: 1.4em 0;"},
};

struct sink {
	struct buf b;
	int failed;
};

static void collect(const MD_CHAR *text, MD_SIZE size, void *ctx)
{
	struct sink *s = ctx;
	if (buf_append(&s->b, text, size) < 0)
		s->failed = 1;
}

/* The style for the opening tag at p ("<name" then ' ', '>' or '/'), or NULL. md4c escapes
 * '<' in text, so every '<' in its output starts a tag it wrote. */
static const char *style_at(const char *p, size_t *name_len)
{
	for (size_t k = 0; k < sizeof(styles) / sizeof(styles[0]); k++) {
		size_t n = strlen(styles[k].tag);
		if (strncmp(p + 1, styles[k].tag, n) == 0 && strchr(" >/", p[1 + n])) {
			*name_len = n;
			return styles[k].style;
		}
	}
	return NULL;
}

static int add_styles(const struct buf *html, struct buf *out)
{
	const char *p = html->data ? html->data : "", *end = p + html->len;
	while (p < end) {
		const char *lt = memchr(p, '<', (size_t)(end - p));
		if (!lt)
			return buf_append(out, p, (size_t)(end - p));
		size_t n = 0;
		const char *style = style_at(lt, &n);
		if (buf_append(out, p, (size_t)(lt - p)) < 0)
			return -1;
		if (style) {
			if (buf_append(out, lt, n + 1) < 0 ||
			    buf_printf(out, " style=\"%s\"", style) < 0)
				return -1;
			p = lt + n + 1;
		} else {
			if (buf_append(out, lt, 1) < 0)
				return -1;
			p = lt + 1;
		}
	}
	return 0;
}

int markdown_to_html(const char *md, size_t len, struct buf *out)
{
	struct sink html = {BUF_INIT, 0};
	unsigned flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_TASKLISTS |
			 MD_FLAG_PERMISSIVEAUTOLINKS | MD_FLAG_NOHTML;
	int rc = md_html(md, (MD_SIZE)len, collect, &html, flags, 0);
	if (rc == 0 && html.failed)
		rc = -1;
	if (rc == 0)
		rc = add_styles(&html.b, out);
	buf_free(&html.b);
	return rc == 0 ? 0 : -1;
}
