/* test_mime_html.c: unit tests for lib/mime/mime_html_text.c and lib/mime/mime_html_entity.c (HTML to text). */
#include <stdlib.h>

#include "mime/mime.h"
#include "unit.h"

static char *text_of(const char *html)
{
	struct buf b = BUF_INIT;
	if (mime_html_to_text(html, strlen(html), &b) < 0) {
		buf_free(&b);
		return strdup("(error)");
	}
	return buf_steal(&b);
}

#define CHECK_HTML(html, want)                                                                     \
	do {                                                                                       \
		char *got_ = text_of(html);                                                        \
		CHECK_STR(got_, want);                                                             \
		free(got_);                                                                        \
	} while (0)

static void blocks(void)
{
	CHECK_HTML("", "");
	CHECK_HTML("<h1>Title</h1><p>Body</p>", "# Title\n\nBody");
	CHECK_HTML("<p>intro</p><h3>Sub</h3>text", "intro\n\n### Sub\n\ntext");
	CHECK_HTML("<H2 class=x>Up</H2>", "## Up");
	CHECK_HTML("<p>a</p><p>b</p>", "a\n\nb");
	CHECK_HTML("a<br>b<br/>c", "a\nb\nc");
	CHECK_HTML("a<br><br><br><br>b", "a\n\nb");
	CHECK_HTML("<div>a</div><div>b</div>", "a\nb");
	CHECK_HTML("<div><p>a</p></div><div><div><p>b</p></div></div>", "a\n\nb");
	CHECK_HTML("<ul><li>one</li><li>two</li></ul>after", "- one\n- two\n\nafter");
	CHECK_HTML("<ol><li>x<ul><li>y</li></ul></li></ol>", "- x\n  - y");
	CHECK_HTML("<li></li><li>z</li>", "- z");
	CHECK_HTML("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc");
	CHECK_HTML("<pre>a\n  b  c</pre>", "a\n  b  c");
	CHECK_HTML("<P>A</P><BR>B", "A\n\nB");
}

static void links(void)
{
	CHECK_HTML("<a href=\"https://x.com/\">site</a>", "site (https://x.com/)");
	CHECK_HTML("see <a href='https://x.com'>https://x.com</a>.", "see https://x.com.");
	CHECK_HTML("<a href=mailto:a@b.c>a@b.c</a>", "a@b.c");
	CHECK_HTML("<a href=\"https://x.com/?a=1&amp;b=2\">q</a>", "q (https://x.com/?a=1&b=2)");
	CHECK_HTML("<a href=\"x>y\">t</a>", "t (x>y)");
	CHECK_HTML("<a href=\"#top\">top</a>", "top");
	CHECK_HTML("<a href=\"javascript:void(0)\">js</a>", "js");
	CHECK_HTML("<a name=x>anchor</a>", "anchor");
	CHECK_HTML("<a href=\"https://i.x/\"><img src=logo.png></a>", "https://i.x/");
	CHECK_HTML("<a href=\"u1\">a</a><a href=\"u2\">b</a>", "a (u1)b (u2)");
	CHECK_HTML("<a href=u>two words</a>", "two words (u)");
	CHECK_HTML("<a href=u>unclosed", "unclosed (u)");
}

static void skipped(void)
{
	CHECK_HTML("<html><head><title>T</title><style>p{color:red}</style></head><body>x</body>",
	           "x");
	CHECK_HTML("a<script>if (a<b) document.write('<p>no</p>')</script>b", "ab");
	CHECK_HTML("a<SCRIPT type=x>hidden</SCRIPT >b", "ab");
	CHECK_HTML("a<!-- hidden <p>x</p> -->b", "ab");
	CHECK_HTML("a<!-- never closed", "a");
	CHECK_HTML("<template><p>t</p></template>shown", "shown");
	CHECK_HTML("<head><meta charset=utf-8><body>unclosed head", "unclosed head");
	CHECK_HTML("<!DOCTYPE html><?xml x?>text", "text");
	CHECK_HTML("<style>never closed", "");
}

static void text_and_entities(void)
{
	CHECK_HTML("  a \n\t b  ", "a b");
	CHECK_HTML("a < b and 1<2 <", "a < b and 1<2 <");
	CHECK_HTML("abc<div", "abc");
	CHECK_HTML("<b>bold</b><i>it</i> x", "boldit x");
	CHECK_HTML("&amp; &lt; &gt; &quot; &apos; &#39; &#x41;&#66;", "& < > \" ' ' AB");
	CHECK_HTML("caf&eacute; &euro;5 &copy; &hellip; &mdash; &Uuml;",
	           "caf\xC3\xA9 \xE2\x82\xAC"
	           "5 \xC2\xA9 \xE2\x80\xA6 \xE2\x80\x94 \xC3\x9C");
	CHECK_HTML("a&nbsp;&nbsp;b", "a b");
	CHECK_HTML("a\xC2\xA0\xC2\xA0"
	           "b \xC3\xA9",
	           "a b \xC3\xA9");
	CHECK_HTML("x&zwnj;&shy;y", "xy");
	CHECK_HTML("&#150;&#0;&#x110000;&#xD800;",
	           "\xE2\x80\x93\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	CHECK_HTML("&foo; & &amp &#; &#x;", "&foo; & &amp &#; &#x;");
	CHECK_HTML("&#233", "\xC3\xA9");

	struct buf b = BUF_INIT;
	CHECK(buf_append_str(&b, "kept ") == 0);
	CHECK(mime_html_to_text("  <p> x </p> ", 13, &b) == 0);
	CHECK_STR(b.data, "kept x");
	buf_free(&b);

	unsigned long cp = 0;
	CHECK(mime_html_entity_at("&amp;rest", 9, &cp) == 5 && cp == '&');
	CHECK(mime_html_entity_at("&#x20AC;", 8, &cp) == 8 && cp == 0x20AC);
	CHECK(mime_html_entity_at("&#128;", 6, &cp) == 6 && cp == 0x20AC);
	CHECK(mime_html_entity_at("&yuml;", 6, &cp) == 6 && cp == 0xFF);
	CHECK(mime_html_entity_at("&nbsp;", 6, &cp) == 6 && cp == 0xA0);
	CHECK(mime_html_entity_at("&nbsp", 5, &cp) == 0);
	CHECK(mime_html_entity_at("&AMP;", 5, &cp) == 0);
}

void suite_mime_html(void)
{
	blocks();
	links();
	skipped();
	text_and_entities();
}
