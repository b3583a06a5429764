/* test_outbound.c: unit tests for Markdown rendering, MIME encodings, SEND checks and assembly. */
#include <stdlib.h>

#include "base/err.h"
#include "conf/config_load.h"
#include "mime/markdown.h"
#include "mime/mime_encode.h"
#include "mime/outbound.h"
#include "control/verb_send_request.h"
#include "unit.h"

static void test_markdown(void)
{
	struct buf out = BUF_INIT;
	static const char md[] = "# Title\n\nSome *text* and <b>raw</b> and ~~gone~~.\n\n"
				 "- [x] done\n- [ ] open\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
				 "see https://example.org\n";
	CHECK(markdown_to_html(md, strlen(md), &out) == 0);
	CHECK_CONTAINS(out.data, "<h1 style=\"font-size: 1.75em;");
	CHECK_CONTAINS(out.data, "&lt;b&gt;raw&lt;/b&gt;"); /* raw HTML escaped (DECISIONS 32) */
	CHECK_CONTAINS(out.data, "<del>gone</del>");
	CHECK_CONTAINS(out.data, "type=\"checkbox\"");
	CHECK_CONTAINS(out.data, "<table style=");
	CHECK_CONTAINS(out.data, "<th style=");
	CHECK_CONTAINS(out.data, "<a style=\"color: #0b66c2; text-decoration: none;\" href=\"https://example.org\"");
	CHECK(strstr(out.data, "<b>") == NULL && strstr(out.data, "<style") == NULL);
	buf_free(&out);
}

static void test_encodings(void)
{
	CHECK(mime_is_7bit("plain\r\ntext\r\n", 13));
	CHECK(!mime_is_7bit("caf\xc3\xa9", 5));
	char long_line[1100];
	memset(long_line, 'a', sizeof(long_line));
	CHECK(!mime_is_7bit(long_line, sizeof(long_line)));
	struct buf b = BUF_INIT;
	CHECK(mime_qp_encode("a=b\tc caf\xc3\xa9\r\nnext", strlen("a=b\tc caf\xc3\xa9\r\nnext"), &b) == 0);
	CHECK_STR(b.data, "a=3Db=09c caf=C3=A9\r\nnext");
	buf_reset(&b);
	CHECK(mime_qp_encode(long_line, 200, &b) == 0);
	CHECK(strstr(b.data, "=\r\n") != NULL && strlen(b.data) < 210);
	for (char *line = b.data; line; line = strstr(line, "\r\n") ? strstr(line, "\r\n") + 2 : NULL)
		CHECK((strstr(line, "\r\n") ? (size_t)(strstr(line, "\r\n") - line) : strlen(line)) <= 76);
	buf_reset(&b);
	CHECK(mime_param_encode(&b, "filename", "a \"q\".pdf") == 0);
	CHECK_STR(b.data, "filename=\"a \\\"q\\\".pdf\"");
	buf_reset(&b);
	CHECK(mime_param_encode(&b, "filename", "r\xc3\xa9sum\xc3\xa9 1.pdf") == 0);
	CHECK_STR(b.data, "filename*=utf-8''r%C3%A9sum%C3%A9%201.pdf");
	buf_reset(&b);
	CHECK(mime_to_crlf("a\nb\r\nc\rd", 8, &b) == 0);
	CHECK_STR(b.data, "a\r\nb\r\nc\r\nd");
	buf_free(&b);
}

static struct config *test_config(void)
{
	static const char text[] =
		"domain = \"aimx.test\"\n\n[mailboxes.alice]\naddress = \"alice@aimx.test\"\n"
		"owner = \"daemon\"\n\n[mailboxes.catchall]\naddress = \"*@aimx.test\"\n"
		"owner = \"daemon\"\n";
	static struct config cfg;
	struct config_report rep = {0};
	int rc = config_parse(text, strlen(text), "t.toml", &cfg, &rep);
	if (rc == 0)
		rc = config_validate(&cfg, "t.toml", &rep);
	config_report_free(&rep);
	return rc == 0 ? &cfg : NULL;
}

static void check_send(const struct config *cfg, const char *msg, const char *code,
		       const char *reason)
{
	struct verb_send_request s;
	struct ops_result r = {"", ""};
	int rc = verb_send_request_check(cfg, 0, msg, strlen(msg), &s, &r);
	CHECK(code ? rc == -1 : rc == 0);
	CHECK_STR(r.code, code ? code : "");
	if (reason)
		CHECK_CONTAINS(r.reason, reason);
	verb_send_request_free(&s);
}

static void test_send_checks(void)
{
	struct config *cfg = test_config();
	CHECK(cfg != NULL);
	if (!cfg)
		return;
	check_send(cfg, "To: b@x.test\r\n\r\nbody", "MALFORMED", "missing required header: From");
	check_send(cfg, "From: nobody\r\nTo: b@x.test\r\n\r\nb", "MALFORMED", "sender address");
	check_send(cfg, "From: a@other.test\r\nTo: b@x.test\r\n\r\nb", "DOMAIN",
		   "sender domain 'other.test' does not match aimx domain 'aimx.test'");
	check_send(cfg, "From: zed@aimx.test\r\nTo: b@x.test\r\n\r\nb", "MAILBOX", "zed@aimx.test");
	check_send(cfg, "From: Alice <ALICE@aimx.test>\r\n\r\nb", "MALFORMED",
		   "missing required header: To");
	check_send(cfg, "From: alice@aimx.test\r\nTo: undisclosed:;\r\n\r\nb", "MALFORMED",
		   "could not extract recipient");
	struct verb_send_request s;
	struct ops_result r = {"", ""};
	static const char ok[] = "From: \"A, B\" <alice@aimx.test>\r\nTo: b@x.test, c@y.test\r\n"
				 "Cc: b@x.test\r\nBcc: d@z.test\r\n\r\nbody";
	CHECK(verb_send_request_check(cfg, 0, ok, strlen(ok), &s, &r) == 0);
	CHECK_STR(s.from_addr, "alice@aimx.test");
	CHECK(s.rcpts.n == 3 && s.bcc_addrs.n == 1);
	CHECK(strncmp(s.msg.data, "Message-ID: <", 13) == 0 && strstr(s.message_id, "@aimx.test>"));
	verb_send_request_free(&s);
	config_free(cfg);
}

static void test_assembly(void)
{
	static const char msg[] = "From: a@aimx.test\r\nTo: b@x.test\r\nSubject: s\r\n"
				  "MIME-Version: 1.0\r\nBcc: hidden@z.test\r\n\r\n# Hi\r\n\r\n";
	struct outbound_input in = {msg, strlen(msg), OUTBOUND_MARKDOWN, NULL, 0, "-- \nme"};
	struct outbound_message m;
	const char *code = NULL;
	char err[ERR_SIZE];
	CHECK(outbound_assemble(&in, &m, &code, err) == 0);
	CHECK_CONTAINS(m.wire.data, "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"aimx-");
	CHECK(strstr(m.wire.data, "hidden@z.test") == NULL);
	CHECK(strstr(m.wire.data, "MIME-Version: 1.0\r\nBcc") == NULL);
	CHECK_CONTAINS(m.wire.data, "<h1 style=");
	CHECK_STR(m.text.data, "# Hi\r\n\r\n-- \r\nme\r\n");
	outbound_message_free(&m);
	in.format = OUTBOUND_TEXT;
	in.signature = NULL;
	CHECK(outbound_assemble(&in, &m, &code, err) == 0);
	CHECK_CONTAINS(m.wire.data, "Content-Type: text/plain; charset=utf-8\r\n"
				    "Content-Transfer-Encoding: 7bit\r\n\r\n# Hi\r\n");
	outbound_message_free(&m);
	static const char bad[] = "From: a@aimx.test\r\nTo: b@x.test";
	in.msg = bad;
	in.len = strlen(bad);
	CHECK(outbound_assemble(&in, &m, &code, err) == -1);
	CHECK_STR(code, "MALFORMED");
	outbound_message_free(&m);
}

static void test_too_large(void)
{
	size_t n = OUTBOUND_MARKDOWN_MAX + 100;
	char *msg = malloc(n + 32);
	if (!msg)
		return;
	int h = snprintf(msg, 32, "From: a@x\r\n\r\n");
	memset(msg + h, 'x', n);
	struct outbound_input in = {msg, (size_t)h + n, OUTBOUND_MARKDOWN, NULL, 0, NULL};
	struct outbound_message m;
	const char *code = NULL;
	char err[ERR_SIZE];
	CHECK(outbound_assemble(&in, &m, &code, err) == -1);
	CHECK_STR(code, "BODY_TOO_LARGE");
	CHECK_CONTAINS(err, "markdown body exceeds 5 MiB");
	outbound_message_free(&m);
	free(msg);
}

void suite_outbound(void)
{
	test_markdown();
	test_encodings();
	test_send_checks();
	test_assembly();
	test_too_large();
}
