/* test_mime_parse.c: unit tests for lib/mime/mime_parse.c (structure, body choice, attachments, limits).
 */
#include <stdlib.h>

#include "mime/mime.h"
#include "unit.h"

static int parse(const char *raw, struct mime_message *m)
{
	return mime_parse(raw, strlen(raw), m);
}

static const char *att_name(const struct mime_message *m, size_t k)
{
	return k < m->nattachments && m->attachments[k].filename ? m->attachments[k].filename
	                                                         : "(none)";
}

static const char *att_type(const struct mime_message *m, size_t k)
{
	return k < m->nattachments ? m->attachments[k].content_type : "(none)";
}

static const char *att_data(const struct mime_message *m, size_t k)
{
	return k < m->nattachments ? m->attachments[k].data.data : "(none)";
}

static void headers(void)
{
	struct mime_message m;
	CHECK(parse("From: a@b.c\nSubject: folded\n\tline\nsubject: second\nX-Empty:\n\nbody\n",
	            &m) == 0);
	CHECK(m.nheaders == 4);
	CHECK_STR(mime_header_get(&m, "SUBJECT"), "folded\tline");
	CHECK_STR(mime_header_get(&m, "x-empty"), "");
	CHECK(mime_header_get(&m, "To") == NULL);
	CHECK(m.nheaders == 4 && strcmp(m.headers[2].name, "subject") == 0);
	CHECK_STR(m.body, "body\n");
	CHECK(!m.malformed && !m.truncated && m.nattachments == 0 && !m.body_from_html);
	mime_message_free(&m);

	CHECK(parse("Subject: crlf\r\n\r\nline 1\r\nline 2\r\n", &m) == 0);
	CHECK_STR(m.body, "line 1\r\nline 2\r\n");
	mime_message_free(&m);

	CHECK(parse("Subject: no separator\r\nHello there.\r\n", &m) == 0);
	CHECK_STR(mime_header_get(&m, "Subject"), "no separator");
	CHECK_STR(m.body, "Hello there.\r\n");
	mime_message_free(&m);

	CHECK(parse("From someone@example.com Mon Jan  1 00:00:00 2025\nSubject: mbox\n\nx", &m) ==
	      0);
	CHECK_STR(mime_header_get(&m, "Subject"), "mbox");
	mime_message_free(&m);

	CHECK(parse("just text, no header", &m) == 0);
	CHECK(m.nheaders == 0);
	CHECK_STR(m.body, "just text, no header");
	mime_message_free(&m);

	CHECK(mime_parse(NULL, 0, &m) == 0);
	CHECK(m.body && m.body[0] == '\0' && m.nheaders == 0);
	mime_message_free(&m);

	CHECK(parse("Subject: only headers\n", &m) == 0);
	CHECK_STR(m.body, "");
	mime_message_free(&m);

	CHECK(mime_parse("Subject: nul\n\na\0b", 17, &m) == 0);
	CHECK_STR(m.body, "a\xEF\xBF\xBD"
	                  "b");
	mime_message_free(&m);
}

static void single_parts(void)
{
	struct mime_message m;
	CHECK(parse("Content-Type: text/plain; charset=iso-8859-1\n"
	            "Content-Transfer-Encoding: quoted-printable\n\n"
	            "Caf=E9 au lait, soft=\nbreak =XY\n",
	            &m) == 0);
	CHECK_STR(m.body, "Caf\xC3\xA9 au lait, softbreak =XY\n");
	mime_message_free(&m);

	CHECK(parse("Content-Type: text/plain; charset=Shift_JIS\n"
	            "Content-Transfer-Encoding: BASE64\n\ngrGC8YLJgr+CzZCiikU=\n",
	            &m) == 0);
	CHECK_STR(m.body, "\xE3\x81\x93\xE3\x82\x93\xE3\x81\xAB\xE3\x81\xA1\xE3\x81\xAF\xE4\xB8"
	                  "\x96\xE7\x95\x8C");
	CHECK(!m.malformed);
	mime_message_free(&m);

	CHECK(parse("Content-Type: text/html; charset=utf-8\n\n<h1>Hi</h1><p>there</p>", &m) == 0);
	CHECK_STR(m.body, "# Hi\n\nthere");
	CHECK(m.body_from_html == 1 && m.nattachments == 0);
	mime_message_free(&m);

	CHECK(parse("Content-Type: application/pdf; name=x.pdf\n"
	            "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQgZmFrZQ==\n",
	            &m) == 0);
	CHECK_STR(m.body, "");
	CHECK(m.nattachments == 1);
	CHECK_STR(att_name(&m, 0), "x.pdf");
	CHECK_STR(att_type(&m, 0), "application/pdf");
	CHECK_STR(att_data(&m, 0), "%PDF-1.4 fake");
	mime_message_free(&m);

	CHECK(parse("Content-Type: bogus\n\nplain after all", &m) == 0);
	CHECK_STR(m.body, "plain after all");
	mime_message_free(&m);

	CHECK(parse("Content-Type: text/plain; charset=utf-8\n"
	            "Content-Transfer-Encoding: base64\n\nSGVsbG8gV29y\n",
	            &m) == 0);
	CHECK_STR(m.body, "Hello Wor");
	CHECK(!m.malformed);
	mime_message_free(&m);
}

static const char alternative[] = "Content-Type: multipart/alternative; boundary=\"alt\"\n"
                                  "\n"
                                  "preamble text\n"
                                  "--alt\n"
                                  "Content-Type: text/html\n"
                                  "\n"
                                  "<p>html version</p>\n"
                                  "--alt  \n"
                                  "Content-Type: text/plain; charset=utf-8\n"
                                  "\n"
                                  "plain version\n"
                                  "--alt--\n"
                                  "epilogue text\n";

static void bodies(void)
{
	struct mime_message m;
	CHECK(parse(alternative, &m) == 0);
	CHECK_STR(m.body, "plain version");
	CHECK(!m.body_from_html && m.nattachments == 0 && !m.malformed);
	mime_message_free(&m);

	CHECK(parse("Content-Type: multipart/alternative; boundary=b\n\n"
	            "--b\nContent-Type: text/html\n\n<b>only</b> html\n--b--\n",
	            &m) == 0);
	CHECK_STR(m.body, "only html");
	CHECK(m.body_from_html == 1);
	mime_message_free(&m);

	/* spec mail.md 2.4: the first inline text part, a multipart/alternative counting as
	 * its text/plain; later inline text parts are dropped */
	CHECK(parse("Content-Type: multipart/mixed; boundary=m\n\n"
	            "--m\nContent-Type: text/plain\n\nfirst\n"
	            "--m\nContent-Type: multipart/alternative; boundary=a\n\n"
	            "--a\nContent-Type: text/plain\n\nalt plain\n"
	            "--a\nContent-Type: text/html\n\n<p>alt html</p>\n--a--\n"
	            "--m\nContent-Type: text/plain\n\nthird\n--m--\n",
	            &m) == 0);
	CHECK_STR(m.body, "first");
	CHECK(m.nattachments == 0);
	mime_message_free(&m);

	CHECK(parse("Content-Type: multipart/mixed; boundary=m\n\n"
	            "--m\nContent-Type: text/html\n\n<p>html first</p>\n"
	            "--m\nContent-Type: text/plain\n\nplain second\n--m--\n",
	            &m) == 0);
	CHECK_STR(m.body, "html first");
	CHECK(m.body_from_html == 1 && m.nattachments == 0);
	mime_message_free(&m);

	/* alternative > related > html + inline image: the plain alternative wins */
	CHECK(parse("Content-Type: multipart/alternative; boundary=a\n\n"
	            "--a\nContent-Type: multipart/related; boundary=r\n\n"
	            "--r\nContent-Type: text/html\n\n<p>rich <img src=cid:i1></p>\n"
	            "--r\nContent-Type: image/png\nContent-Disposition: inline\n"
	            "Content-ID: <i1>\nContent-Transfer-Encoding: base64\n\niVBORw==\n--r--\n"
	            "--a\nContent-Type: text/plain\n\nplain\n--a--\n",
	            &m) == 0);
	CHECK_STR(m.body, "plain");
	CHECK(m.nattachments == 1);
	CHECK_STR(att_type(&m, 0), "image/png");
	CHECK_STR(att_name(&m, 0), "(none)");
	CHECK(m.nattachments == 1 && m.attachments[0].data.len == 4 &&
	      memcmp(m.attachments[0].data.data, "\x89PNG", 4) == 0);
	mime_message_free(&m);

	CHECK(parse("Content-Type: multipart/mixed; boundary=m\n\n--m--\n", &m) == 0);
	CHECK_STR(m.body, "");
	CHECK(m.nattachments == 0 && !m.malformed);
	mime_message_free(&m);
}

static const char mixed[] =
    "From: Ann <ann@example.com>\r\n"
    "Content-Type: multipart/mixed; boundary=\"==outer==\"\r\n"
    "\r\n"
    "--==outer==\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "See attached.\r\n"
    "--==outer==\r\n"
    "Content-Type: application/pdf\r\n"
    "Content-Disposition: attachment; filename*=UTF-8''%E2%82%AC%20report.pdf\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "JVBERi0x\r\n"
    "LjQgZmFrZQ==\r\n"
    "--==outer==\r\n"
    "Content-Type: text/plain; name=\"=?UTF-8?B?4oKsLnBkZg==?=\"; charset=iso-8859-1\r\n"
    "\r\n"
    "caf\xE9\r\n"
    "--==outer==\r\n"
    "Content-Type: text/calendar; charset=windows-1252\r\n"
    "\r\n"
    "\x93meeting\x94\r\n"
    "--==outer==\r\n"
    "Content-Type: text/csv\r\n"
    "Content-Disposition: inline\r\n"
    "\r\n"
    "a,\xFF\r\n"
    "--==outer==\r\n"
    "Content-Type: text/html\r\n"
    "Content-Disposition: attachment; filename=page.html\r\n"
    "\r\n"
    "<p>page</p>\r\n"
    "--==outer==\r\n"
    "Content-Type: application/octet-stream\r\n"
    "Content-Disposition: attachment; filename=\"../../etc/passwd\"\r\n"
    "\r\n"
    "root:x:0:0\r\n"
    "--==outer==\r\n"
    "Content-Disposition: attachment; filename=untyped.bin\r\n"
    "\r\n"
    "raw\r\n"
    "--==outer==\r\n"
    "Content-Type: image/gif\r\n"
    "Content-Disposition: x-weird; name=ignored\r\n"
    "\r\n"
    "GIF89a\r\n"
    "--==outer==--\r\n";

static void attachments(void)
{
	struct mime_message m;
	CHECK(parse(mixed, &m) == 0);
	CHECK_STR(m.body, "See attached.");
	CHECK(m.nattachments == 8 && !m.malformed && !m.truncated);
	CHECK_STR(att_name(&m, 0), "\xE2\x82\xAC report.pdf");
	CHECK_STR(att_type(&m, 0), "application/pdf");
	CHECK_STR(att_data(&m, 0), "%PDF-1.4 fake");
	CHECK_STR(att_name(&m, 1), "\xE2\x82\xAC.pdf");
	CHECK_STR(att_type(&m, 1), "text/plain");
	CHECK_STR(att_data(&m, 1), "caf\xC3\xA9");
	CHECK_STR(att_name(&m, 2), "(none)");
	CHECK_STR(att_type(&m, 2), "text/calendar");
	CHECK_STR(att_data(&m, 2), "\xE2\x80\x9Cmeeting\xE2\x80\x9D");
	CHECK_STR(att_type(&m, 3), "text/csv");
	CHECK_STR(att_data(&m, 3), "a,\xFF"); /* no charset declared: bytes as sent */
	CHECK_STR(att_name(&m, 4), "page.html");
	CHECK_STR(att_type(&m, 4), "text/html");
	CHECK_STR(att_data(&m, 4), "<p>page</p>");
	CHECK_STR(att_name(&m, 5), "../../etc/passwd");
	CHECK_STR(att_data(&m, 5), "root:x:0:0");
	CHECK_STR(att_name(&m, 6), "untyped.bin");
	CHECK_STR(att_type(&m, 6), "application/octet-stream");
	CHECK_STR(att_type(&m, 7), "image/gif");
	CHECK_STR(att_name(&m, 7), "(none)");
	mime_message_free(&m);

	/* a named text/plain inside an alternative is still a body candidate */
	CHECK(parse("Content-Type: multipart/alternative; boundary=a\n\n"
	            "--a\nContent-Type: text/plain; name=body.txt\n\nnamed body\n--a--\n",
	            &m) == 0);
	CHECK_STR(m.body, "named body");
	CHECK(m.nattachments == 0);
	mime_message_free(&m);

	/* a filename on Content-Disposition wins over name on Content-Type */
	CHECK(parse("Content-Type: multipart/mixed; boundary=m\n\n"
	            "--m\nContent-Type: image/png; name=ct.png\n"
	            "Content-Disposition: attachment; filename=cd.png\n\nx\n--m--\n",
	            &m) == 0);
	CHECK_STR(att_name(&m, 0), "cd.png");
	mime_message_free(&m);
}

static const char forwarded[] = "Subject: fwd\n"
                                "Content-Type: multipart/mixed; boundary=f\n\n"
                                "--f\n"
                                "Content-Type: message/rfc822\n\n"
                                "Subject: inner\n"
                                "Content-Type: text/plain\n\n"
                                "inner body\n"
                                "--f--\n";

static void embedded_messages(void)
{
	struct mime_message m;
	CHECK(parse(forwarded, &m) == 0);
	CHECK_STR(m.body, "");
	CHECK(m.nattachments == 1);
	CHECK_STR(att_type(&m, 0), "message/rfc822");
	CHECK_STR(att_data(&m, 0), "Subject: inner\nContent-Type: text/plain\n\ninner body");
	CHECK_STR(mime_header_get(&m, "Subject"), "fwd");
	CHECK(m.nheaders == 2);
	mime_message_free(&m);

	CHECK(parse("Content-Type: multipart/digest; boundary=d\n\n"
	            "--d\n\nSubject: one\n\nfirst\n"
	            "--d\nContent-Type: text/plain\n\nnot a message\n--d--\n",
	            &m) == 0);
	CHECK(m.nattachments == 1);
	CHECK_STR(att_type(&m, 0), "message/rfc822");
	CHECK_STR(att_data(&m, 0), "Subject: one\n\nfirst");
	CHECK_STR(m.body, "not a message");
	mime_message_free(&m);
}

static void malformed(void)
{
	struct mime_message m;
	CHECK(parse("Content-Type: multipart/mixed\n\nno boundary parameter\n", &m) == 0);
	CHECK(m.malformed == 1);
	CHECK_STR(m.body, "no boundary parameter\n");
	mime_message_free(&m);

	CHECK(parse("Content-Type: multipart/mixed; boundary=\"\"\n\nempty boundary\n", &m) == 0);
	CHECK(m.malformed == 1);
	CHECK_STR(m.body, "empty boundary\n");
	mime_message_free(&m);

	CHECK(parse("Content-Type: multipart/mixed; boundary=zz\n\nboundary never used\n", &m) ==
	      0);
	CHECK(m.malformed == 1);
	CHECK_STR(m.body, "boundary never used\n");
	mime_message_free(&m);

	CHECK(parse("Content-Type: multipart/mixed; boundary=b\n\n"
	            "--b\nContent-Type: text/plain\n\nfirst\n"
	            "--b\nContent-Type: application/zip; name=cut.zip\n"
	            "Content-Transfer-Encoding: base64\n\nUEsDBA",
	            &m) == 0);
	CHECK(m.malformed == 1);
	CHECK_STR(m.body, "first");
	CHECK(m.nattachments == 1 && m.attachments[0].data.len == 4 &&
	      memcmp(m.attachments[0].data.data, "PK\x03\x04", 4) == 0);
	mime_message_free(&m);

	/* "--bX" is no delimiter of "b"; a delimiter must start a line */
	CHECK(parse("Content-Type: multipart/mixed; boundary=b\n\n"
	            "--b\n\nkeep --b inline\n--bX not a delimiter\n--b--\n",
	            &m) == 0);
	CHECK_STR(m.body, "keep --b inline\n--bX not a delimiter");
	CHECK(!m.malformed);
	mime_message_free(&m);

	/* a nested part without the outer boundary is cut by the outer close delimiter */
	CHECK(parse("Content-Type: multipart/mixed; boundary=o\n\n"
	            "--o\nContent-Type: multipart/alternative; boundary=i\n\n"
	            "--i\nContent-Type: text/plain\n\ninner\n"
	            "--o--\n",
	            &m) == 0);
	CHECK_STR(m.body, "inner");
	CHECK(m.malformed == 1);
	mime_message_free(&m);

	CHECK(parse("Content-Type: multipart/mixed; boundary=b\n\n--b\n", &m) == 0);
	CHECK(m.malformed == 1);
	CHECK_STR(m.body, "");
	mime_message_free(&m);
}

void suite_mime_parse(void)
{
	headers();
	single_parts();
	bodies();
	attachments();
	embedded_messages();
	malformed();
}

static void wide_bomb(void)
{
	struct buf raw = BUF_INIT;
	buf_append_str(&raw, "Content-Type: multipart/mixed; boundary=w\n\n");
	for (int k = 0; k < 10000; k++)
		buf_printf(&raw, "--w\nContent-Type: application/x-%d\n\n%d\n", k, k);
	buf_append_str(&raw, "--w--\n");
	struct mime_message m;
	CHECK(mime_parse(raw.data, raw.len, &m) == 0);
	CHECK(m.truncated == 1);
	CHECK(m.nattachments == MIME_MAX_PARTS);
	CHECK_STR(att_type(&m, MIME_MAX_PARTS - 1), "application/x-999");
	mime_message_free(&m);
	buf_free(&raw);
}

static void deep_bomb(void)
{
	struct buf raw = BUF_INIT;
	int depth = 1000;
	for (int k = 0; k < depth; k++)
		buf_printf(&raw, "Content-Type: multipart/mixed; boundary=d%d\n\n--d%d\n", k, k);
	buf_append_str(&raw, "Content-Type: text/plain\n\ndeepest\n");
	for (int k = depth - 1; k >= 0; k--)
		buf_printf(&raw, "--d%d--\n", k);
	struct mime_message m;
	CHECK(mime_parse(raw.data, raw.len, &m) == 0);
	CHECK(m.truncated == 1);
	CHECK(!m.malformed);
	CHECK(m.nattachments == 1);
	CHECK_STR(att_type(&m, 0), "multipart/mixed");
	CHECK(m.nattachments == 1 && strstr(att_data(&m, 0), "deepest") != NULL);
	CHECK_STR(m.body, "");
	mime_message_free(&m);

	/* exactly at the limit everything is parsed */
	buf_reset(&raw);
	for (int k = 0; k < MIME_MAX_DEPTH; k++)
		buf_printf(&raw, "Content-Type: multipart/mixed; boundary=d%d\n\n--d%d\n", k, k);
	buf_append_str(&raw, "Content-Type: text/plain\n\ndeepest\n");
	CHECK(mime_parse(raw.data, raw.len, &m) == 0);
	CHECK_STR(m.body, "deepest\n"); /* no close delimiters: the part runs to the end */
	CHECK(!m.truncated && m.nattachments == 0);
	mime_message_free(&m);
	buf_free(&raw);
}

static void header_bomb(void)
{
	struct buf raw = BUF_INIT;
	for (int k = 0; k < MIME_MAX_HEADERS + 10; k++)
		buf_printf(&raw, "X-H%d: %d\n", k, k);
	buf_append_str(&raw, "Subject: late\n\nbody");
	struct mime_message m;
	CHECK(mime_parse(raw.data, raw.len, &m) == 0);
	CHECK(m.nheaders == MIME_MAX_HEADERS && m.truncated == 1);
	CHECK(mime_header_get(&m, "Subject") == NULL);
	CHECK_STR(m.body, "body");
	mime_message_free(&m);
	buf_free(&raw);
}

/* Many lines that almost match the boundary: the search stays linear (no timing is
 * asserted here; bench/ measures it), and every near miss stays in the part. */
static void near_misses(void)
{
	struct buf raw = BUF_INIT;
	buf_append_str(&raw, "Content-Type: multipart/mixed; boundary=bb\n\n--bb\n\n");
	for (int k = 0; k < 200000; k++)
		buf_append_str(&raw, "--bbx\n");
	buf_append_str(&raw, "--bb--\n");
	struct mime_message m;
	CHECK(mime_parse(raw.data, raw.len, &m) == 0);
	CHECK(m.body && strlen(m.body) == 200000 * 6 - 1);
	mime_message_free(&m);
	buf_free(&raw);
}

static void large_attachment(void)
{
	size_t size = 4u << 20;
	struct buf raw = BUF_INIT;
	buf_append_str(&raw, "Content-Type: multipart/mixed; boundary=L\n\n--L\n\nbody\n--L\n"
	                     "Content-Type: application/octet-stream; name=big.bin\n"
	                     "Content-Transfer-Encoding: base64\n\n");
	for (size_t k = 0; k < size / 57; k++)
		buf_append_str(&raw,
		               "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2"
		               "d3h5ejAxMjM0\n");
	buf_append_str(&raw, "--L--\n");
	struct mime_message m;
	CHECK(mime_parse(raw.data, raw.len, &m) == 0);
	CHECK_STR(m.body, "body");
	CHECK(m.nattachments == 1 && m.attachments[0].data.len == size / 57 * 57);
	CHECK(m.nattachments == 1 &&
	      memcmp(m.attachments[0].data.data + 57, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 26) == 0);
	mime_message_free(&m);
	buf_free(&raw);
}

void suite_mime_limits(void)
{
	wide_bomb();
	deep_bomb();
	header_bomb();
	near_misses();
	large_attachment();
}
