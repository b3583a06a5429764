/* test_aimx.c: unit tests for the AIMX/1 codec (lib/control/aimx.h); every frame is decoded whole
 * and byte by byte. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "control/aimx.h"
#include "base/buf.h"
#include "tests/fuzz/fuzz_aimx.h"
#include "unit.h"

#define S(lit) lit, sizeof(lit) - 1
#define WHOLE  ((size_t)-1)
#define CAP    AIMX_BODY_MAX

static const size_t steps[] = {WHOLE, 1};
#define NSTEPS (sizeof(steps) / sizeof(steps[0]))

/* ---- spec section 11 ---- */

#define SEND_BODY                                                                                  \
	"From: alice@example.com\r\nTo: bob@example.org\r\nSubject: Hi\r\n\r\nHello **Bob**\r\n"
#define SEND_FRAME "AIMX/1 SEND\nContent-Length: 76\n\n" SEND_BODY
#define SEND_ID    "<5d0c2f7e-1a4b-4c1e-9f0a-2b7d9e3c4a11@example.com>"
#define MARK_FRAME                                                                                 \
	"AIMX/1 MARK-READ\nMailbox: alice\nId: 2025-06-01-120000-hello\nContent-Length: 0\n\n"
#define CREATE_FRAME "AIMX/1 MAILBOX-CREATE\nName: reports\nOwner: alice\nContent-Length: 0\n\n"
#define DELETE_FRAME "AIMX/1 MAILBOX-DELETE\nName: reports\nForce: true\nContent-Length: 0\n\n"
#define HOOK_BODY                                                                                  \
	"{\"cmd\":[\"/usr/local/bin/"                                                              \
	"notify\",\"--quiet\"],\"fire_on_untrusted\":false,\"type\":\"cmd\"}"
#define HOOK_FRAME                                                                                 \
	"AIMX/1 HOOK-CREATE\nMailbox: alice\nEvent: on_receive\nName: alice_notify\n"              \
	"Content-Length: 82\n\n" HOOK_BODY
#define LIST_FRAME    "AIMX/1 MAILBOX-LIST\n\n"
#define VERSION_FRAME "AIMX/1 VERSION\n\n"
#define LIST_JSON                                                                                  \
	"[{\"name\":\"alice\",\"address\":\"alice@example.com\",\"inbox_path\":"                   \
	"\"/var/lib/aimx/inbox/alice\",\"sent_path\":\"/var/lib/aimx/sent/alice\",\"total\":3,"    \
	"\"unread\":1,\"sent_count\":2,\"registered\":true}]"
#define VERSION_JSON                                                                               \
	"{\"tag\":\"v1.2.3\",\"git_hash\":\"abcdef12\",\"target\":\"x86_64-unknown-linux-gnu\","   \
	"\"build_date\":\"2026-04-28\"}"

/* ---- driving the decoder (tests/fuzz/fuzz_aimx.h fuzz_aimx_decode) ---- */

static void label_failure(int failed_before, const char *in, size_t len, size_t step)
{
	if (unit_failed > failed_before)
		fprintf(stderr, "    input (%s): %.*s\n", step == WHOLE ? "whole" : "byte by byte",
		        (int)(len > 120 ? 120 : len), in);
}

static void expect_error(const char *in, size_t len, const char *code, const char *reason)
{
	for (size_t k = 0; k < NSTEPS; k++) {
		int before = unit_failed;
		struct fuzz_aimx_run r;
		fuzz_aimx_decode(in, len, steps[k], &r);
		CHECK(!r.broken);
		CHECK(r.st == AIMX_DECODE_ERROR);
		CHECK_STR(r.d.err_code, code);
		CHECK_STR(r.d.err_reason, reason);
		label_failure(before, in, len, steps[k]);
		aimx_decoder_free(&r.d);
	}
}

#define MALFORMED(in_lit, detail) expect_error(S(in_lit), "MALFORMED", "malformed request: " detail)

/* The frame must decode to DONE the same way whole and byte by byte, consuming exactly
 * `frame` bytes; the whole-input run is left in *out for the caller's field checks. */
static void expect_done(const char *in, size_t len, size_t frame, struct fuzz_aimx_run *out)
{
	struct buf first = BUF_INIT;
	for (size_t k = 0; k < NSTEPS; k++) {
		int before = unit_failed;
		struct fuzz_aimx_run r;
		struct buf enc = BUF_INIT;
		fuzz_aimx_decode(in, len, steps[k], &r);
		CHECK(!r.broken);
		CHECK(r.st == AIMX_DECODE_DONE);
		CHECK(r.used == frame);
		if (r.st != AIMX_DECODE_DONE)
			fprintf(stderr, "    reason: %s\n", r.d.err_reason);
		CHECK(aimx_request_encode(&enc, &r.d.req) == 0);
		if (k == 0)
			first = enc;
		else {
			CHECK(enc.len == first.len && memcmp(enc.data, first.data, enc.len) == 0);
			buf_free(&enc);
		}
		label_failure(before, in, len, steps[k]);
		if (k == 0)
			*out = r;
		else
			aimx_decoder_free(&r.d);
	}
	buf_free(&first);
}

/* DONE with nothing else to check. */
static void expect_ok(const char *in, size_t len)
{
	struct fuzz_aimx_run r;
	expect_done(in, len, len, &r);
	aimx_decoder_free(&r.d);
}

#define OK_FRAME(lit) expect_ok(S(lit))

static void check_body(const struct buf *b, const char *want, size_t len)
{
	CHECK(b->len == len);
	CHECK(len == 0 || (b->data && memcmp(b->data, want, len) == 0));
}

/* ---- request line and line reader ---- */

static void test_request_line(void)
{
	expect_error(S("HELLO\n"), "MALFORMED",
	             "malformed request: expected 'AIMX/1 <verb>', got \"HELLO\"");
	expect_error(S("AIMX/1 PING\n\n"), "PROTOCOL", "unknown verb 'PING'");
	expect_error(S("AIMX/1 SEND \nContent-Length: 0\n\n"), "PROTOCOL", "unknown verb 'SEND '");
	expect_error(S("AIMX/1 send\n\n"), "PROTOCOL", "unknown verb 'send'");
	expect_error(S("AIMX/1  SEND\n\n"), "PROTOCOL", "unknown verb ' SEND'");
	expect_error(S("AIMX/1 \n\n"), "PROTOCOL", "unknown verb ''");
	expect_error(S("AIMX/1 SEND\tX\n"), "PROTOCOL", "unknown verb 'SEND\tX'");
	MALFORMED("aimx/1 SEND\n", "expected 'AIMX/1 <verb>', got \"aimx/1 SEND\"");
	MALFORMED("AIMX/1\n", "expected 'AIMX/1 <verb>', got \"AIMX/1\"");
	MALFORMED("AIMX/2 SEND\n", "expected 'AIMX/1 <verb>', got \"AIMX/2 SEND\"");
	MALFORMED(" AIMX/1 SEND\n", "expected 'AIMX/1 <verb>', got \" AIMX/1 SEND\"");
	MALFORMED("\n", "expected 'AIMX/1 <verb>', got \"\"");
	MALFORMED("\r\n", "expected 'AIMX/1 <verb>', got \"\"");
	MALFORMED("GET / HTTP/1.1\r\n", "expected 'AIMX/1 <verb>', got \"GET / HTTP/1.1\"");
	/* trailing CRs are stripped from the request line too */
	OK_FRAME("AIMX/1 VERSION\r\n\r\n");
	OK_FRAME("AIMX/1 VERSION\r\r\n\n");
}

static void test_quoting(void)
{
	MALFORMED("a\"b\\c\td\x01"
	          "e\x7f\n",
	          "expected 'AIMX/1 <verb>', got \"a\\\"b\\\\c\\td\\x01e\\x7f\"");
	MALFORMED("x\ry\n", "expected 'AIMX/1 <verb>', got \"x\\ry\"");
	MALFORMED("caf\xc3\xa9\n", "expected 'AIMX/1 <verb>', got \"caf\xc3\xa9\"");
	MALFORMED("AIMX/1 SEND\nno colon \"here\"\n\n",
	          "invalid header line: \"no colon \\\"here\\\"\"");
	MALFORMED("AIMX/1 VERSION\n\x1b[31m\n", "VERSION takes no headers, got \"\\x1b[31m\"");
}

static void test_line_reader(void)
{
	MALFORMED("AIMX/1 SEND\nX-A: \xff\n\n", "header line contains invalid UTF-8");
	MALFORMED("AIMX/1 SEND\nX-A: \xc0\xaf\n\n", "header line contains invalid UTF-8");
	MALFORMED("AIMX/1 SEND\nX-A: \xed\xa0\x80\n\n", "header line contains invalid UTF-8");
	MALFORMED("AIMX/1 SEND\nX-A: \xf4\x90\x80\x80\n\n", "header line contains invalid UTF-8");
	MALFORMED("AIMX/1 SEND\nX-A: \xe2\x82\n\n", "header line contains invalid UTF-8");
	MALFORMED("AIMX/\xff\n", "header line contains invalid UTF-8");
	MALFORMED("AIMX/1 SEND\nX-A: a\0b\n\n", "header line contains a NUL byte");
	OK_FRAME("AIMX/1 SEND\nX-Note: \xe2\x9c\x93 \xf0\x9f\x93\xa7\nContent-Length: 0\n\n");
	MALFORMED("AIMX/1 SEND", "unexpected EOF mid-line (no terminator)");
	MALFORMED("AIMX/1 SEND\nContent-Len", "unexpected EOF mid-line (no terminator)");
	MALFORMED("AIMX/1 SEND\nContent-Length: 3\r", "unexpected EOF mid-line (no terminator)");
	MALFORMED("AIMX/1 SEND\nContent-Length: 3\n", "unexpected EOF in headers");
	MALFORMED("AIMX/1 SEND\n", "unexpected EOF in headers");
	MALFORMED("AIMX/1 VERSION\n", "unexpected EOF in headers");
	MALFORMED("AIMX/1 MARK-READ\nMailbox: a\nId: b\n", "unexpected EOF in headers");
	for (size_t k = 0; k < NSTEPS; k++) {
		struct fuzz_aimx_run r;
		fuzz_aimx_decode("", 0, steps[k], &r);
		CHECK(r.st == AIMX_DECODE_EMPTY);
		aimx_decoder_free(&r.d);
	}
}

static int repeat(struct buf *b, const char *s, size_t times)
{
	for (size_t k = 0; k < times; k++)
		if (buf_append_str(b, s) < 0)
			return -1;
	return 0;
}

/* A header line of exactly n bytes before its terminator (CRs included). */
static void long_line(struct buf *b, size_t n, const char *terminator)
{
	buf_reset(b);
	CHECK(buf_append_str(b, "AIMX/1 SEND\nContent-Length: 0\nX-Pad: ") == 0);
	size_t pad = n - 7 - strlen(terminator); /* "X-Pad: " + pad + CRs = n */
	CHECK(buf_reserve(b, pad) == 0);
	memset(b->data + b->len, 'p', pad);
	b->len += pad;
	CHECK(buf_append_str(b, terminator) == 0);
	CHECK(buf_append_str(b, "\n\n") == 0);
}

static void test_line_cap(void)
{
	struct buf b = BUF_INIT;
	long_line(&b, AIMX_LINE_MAX, "");
	expect_ok(b.data, b.len);
	long_line(&b, AIMX_LINE_MAX, "\r");
	expect_ok(b.data, b.len);
	long_line(&b, AIMX_LINE_MAX + 1, "");
	expect_error(b.data, b.len, "MALFORMED",
	             "malformed request: header line exceeds 8192 bytes");
	long_line(&b, AIMX_LINE_MAX + 1, "\r"); /* 8192 bytes of text plus CR: CRs count */
	expect_error(b.data, b.len, "MALFORMED",
	             "malformed request: header line exceeds 8192 bytes");
	/* the cap fires before any terminator arrives, so a peer cannot make the line grow */
	buf_reset(&b);
	CHECK(buf_reserve(&b, AIMX_LINE_MAX + 1) == 0);
	memset(b.data, 'A', AIMX_LINE_MAX + 1);
	b.len = AIMX_LINE_MAX + 1;
	struct aimx_decoder d;
	size_t used;
	aimx_decoder_init(&d);
	CHECK(aimx_decoder_feed(&d, b.data, AIMX_LINE_MAX, &used) == AIMX_DECODE_MORE);
	CHECK(used == AIMX_LINE_MAX && d.line.len == AIMX_LINE_MAX);
	CHECK(aimx_decoder_feed(&d, b.data, 1, &used) == AIMX_DECODE_ERROR);
	CHECK(d.line.len <= AIMX_LINE_MAX);
	CHECK_STR(d.err_reason, "malformed request: header line exceeds 8192 bytes");
	aimx_decoder_free(&d);
	expect_error(b.data, b.len, "MALFORMED",
	             "malformed request: header line exceeds 8192 bytes");
	/* a long request line is echoed cut short, still valid UTF-8, and still fits the reason */
	buf_reset(&b);
	CHECK(repeat(&b, "\xc3\xa9", 3000) == 0);
	CHECK(buf_append_char(&b, '\n') == 0);
	struct fuzz_aimx_run r;
	fuzz_aimx_decode(b.data, b.len, WHOLE, &r);
	CHECK(r.st == AIMX_DECODE_ERROR);
	CHECK(strncmp(r.d.err_reason, "malformed request: expected 'AIMX/1 <verb>', got \"\xc3\xa9",
	              50) == 0);
	size_t rl = strlen(r.d.err_reason);
	CHECK(rl > 4 && strcmp(r.d.err_reason + rl - 4, "\"...") == 0);
	CHECK(strstr(r.d.err_reason, "\xc3\"") == NULL);
	aimx_decoder_free(&r.d);
	buf_reset(&b);
	CHECK(buf_append_str(&b, "AIMX/1 ") == 0);
	CHECK(repeat(&b, "\xe2\x82\xac", 2000) == 0);
	CHECK(buf_append_str(&b, "\n\n") == 0);
	fuzz_aimx_decode(b.data, b.len, WHOLE, &r);
	CHECK(r.st == AIMX_DECODE_ERROR);
	CHECK_STR(r.d.err_code, "PROTOCOL");
	rl = strlen(r.d.err_reason);
	CHECK(rl < AIMX_REASON_MAX - 1 && strcmp(r.d.err_reason + rl - 4, "'...") == 0);
	CHECK(strncmp(r.d.err_reason + rl - 7, "\xe2\x82\xac", 3) == 0);
	aimx_decoder_free(&r.d);
	buf_free(&b);
}

/* ---- header block ---- */

static void test_header_syntax(void)
{
	MALFORMED("AIMX/1 SEND\nContent-Length 3\n\n", "invalid header line: \"Content-Length 3\"");
	MALFORMED("AIMX/1 SEND\nC\xc3\xb6nt: 1\nContent-Length: 0\n\n",
	          "non-ascii header name: \"C\xc3\xb6nt\"");
	struct fuzz_aimx_run r;
	/* names trimmed and case-insensitive, values trimmed, CRLF and LF mixed */
	expect_done(
	    S("AIMX/1 SEND\r\n  content-LENGTH \t:   3 \t\r\nX-Other: a:b:c\n\r\nabcEXTRA"),
	    sizeof("AIMX/1 SEND\r\n  content-LENGTH \t:   3 \t\r\nX-Other: a:b:c\n\r\nabc") - 1,
	    &r);
	check_body(&r.d.req.body, "abc", 3);
	aimx_decoder_free(&r.d);
	expect_done(
	    S("AIMX/1 MARK-UNREAD\nmailbox:alice\nID:   x y \nContent-Length:0\n\n"),
	    sizeof("AIMX/1 MARK-UNREAD\nmailbox:alice\nID:   x y \nContent-Length:0\n\n") - 1, &r);
	CHECK(r.d.req.verb == AIMX_MARK_UNREAD);
	CHECK_STR(r.d.req.mailbox, "alice");
	CHECK_STR(r.d.req.id, "x y");
	aimx_decoder_free(&r.d);
	/* unknown headers are ignored, also when repeated; so are known names the verb does not
	 * take */
	expect_done(S("AIMX/1 MARK-READ\nX-A: 1\nX-A: 2\nOwner: NOT VALID\nForce: maybe\n"
	              "Mailbox: a\nId: b\n\n"),
	            sizeof("AIMX/1 MARK-READ\nX-A: 1\nX-A: 2\nOwner: NOT VALID\nForce: maybe\n"
	                   "Mailbox: a\nId: b\n\n") -
	                1,
	            &r);
	CHECK(r.d.req.owner == NULL && !r.d.req.has_force);
	aimx_decoder_free(&r.d);
	OK_FRAME("AIMX/1 SEND\nFolder: sent\nName: x\nContent-Length: 0\n\n");
	OK_FRAME("AIMX/1 SEND\nContent-Length: 0\n: empty name\n\n");
}

static void test_duplicates(void)
{
	MALFORMED("AIMX/1 SEND\nContent-Length: 1\ncontent-length: 1\n\nx",
	          "duplicate Content-Length header");
	MALFORMED("AIMX/1 SEND\nText-Only: true\nText-Only: true\nContent-Length: 0\n\n",
	          "duplicate Text-Only header");
	MALFORMED("AIMX/1 SEND\nContent-Length: 0\nHtml-Body-Length: 0\nHTML-BODY-LENGTH: 0\n\n",
	          "duplicate Html-Body-Length header");
	MALFORMED("AIMX/1 MARK-READ\nMailbox: a\nMailbox: a\nId: b\n\n",
	          "duplicate Mailbox header");
	MALFORMED("AIMX/1 MARK-READ\nMailbox: a\nId: b\nId: c\n\n", "duplicate Id header");
	MALFORMED("AIMX/1 MAILBOX-CREATE\nName: a\nName: b\n\n", "duplicate Name header");
	MALFORMED("AIMX/1 MAILBOX-CREATE\nName: a\nOwner: a\nOwner: b\n\n",
	          "duplicate Owner header");
	MALFORMED("AIMX/1 MAILBOX-DELETE\nName: a\nForce: true\nForce: false\n\n",
	          "duplicate Force header");
	MALFORMED("AIMX/1 HOOK-CREATE\nMailbox: a\nEvent: on_receive\nEvent: after_send\n"
	          "Content-Length: 0\n\n",
	          "duplicate Event header");
	MALFORMED("AIMX/1 HOOK-DELETE\nHook-Name: a\nhook-name: a\n\n",
	          "duplicate Hook-Name header");
	MALFORMED("AIMX/1 HOOK-DELETE\nHook-Name: a\nContent-Length: 0\nContent-Length: 0\n\n",
	          "duplicate Content-Length header");
}

static void test_integers(void)
{
	MALFORMED("AIMX/1 SEND\nContent-Length: abc\n\n", "non-integer Content-Length: \"abc\"");
	MALFORMED("AIMX/1 SEND\nContent-Length:\n\n", "non-integer Content-Length: \"\"");
	MALFORMED("AIMX/1 SEND\nContent-Length: -1\n\n", "non-integer Content-Length: \"-1\"");
	MALFORMED("AIMX/1 SEND\nContent-Length: +\n\n", "non-integer Content-Length: \"+\"");
	MALFORMED("AIMX/1 SEND\nContent-Length: ++1\n\n", "non-integer Content-Length: \"++1\"");
	MALFORMED("AIMX/1 SEND\nContent-Length: 1 2\n\n", "non-integer Content-Length: \"1 2\"");
	MALFORMED("AIMX/1 SEND\nContent-Length: 0x10\n\n", "non-integer Content-Length: \"0x10\"");
	MALFORMED("AIMX/1 SEND\nContent-Length: 99999999999999999999999\n\n",
	          "non-integer Content-Length: \"99999999999999999999999\"");
	MALFORMED("AIMX/1 SEND\nContent-Length: 0\nHtml-Body-Length: 1.5\n\n",
	          "non-integer Html-Body-Length: \"1.5\"");
	MALFORMED("AIMX/1 MARK-READ\nMailbox: a\nId: b\nContent-Length: zero\n\n",
	          "non-integer Content-Length: \"zero\"");
	struct fuzz_aimx_run r;
	expect_done(S("AIMX/1 SEND\nContent-Length: +3\n\nabc"),
	            sizeof("AIMX/1 SEND\nContent-Length: +3\n\nabc") - 1, &r);
	check_body(&r.d.req.body, "abc", 3);
	aimx_decoder_free(&r.d);
	expect_done(S("AIMX/1 SEND\nContent-Length: 0003\n\nabc"),
	            sizeof("AIMX/1 SEND\nContent-Length: 0003\n\nabc") - 1, &r);
	check_body(&r.d.req.body, "abc", 3);
	aimx_decoder_free(&r.d);
	OK_FRAME("AIMX/1 MARK-READ\nMailbox: a\nId: b\nContent-Length: +0\n\n");
	OK_FRAME("AIMX/1 MARK-READ\nMailbox: a\nId: b\nContent-Length: 000\n\n");
}

static void test_caps(void)
{
	MALFORMED("AIMX/1 SEND\nContent-Length: 26214401\n\n",
	          "Content-Length 26214401 exceeds cap 26214400");
	MALFORMED("AIMX/1 SEND\nContent-Length: +026214401\n\n",
	          "Content-Length 26214401 exceeds cap 26214400");
	MALFORMED("AIMX/1 SEND\nContent-Length: 99999999999\n\n",
	          "Content-Length 99999999999 exceeds cap 26214400");
	MALFORMED("AIMX/1 SEND\nContent-Length: 0\nHtml-Body-Length: 26214401\n\n",
	          "Html-Body-Length 26214401 exceeds cap 26214400");
	MALFORMED("AIMX/1 HOOK-CREATE\nMailbox: a\nEvent: on_receive\nContent-Length: 26214401\n\n",
	          "Content-Length 26214401 exceeds cap 26214400");
	/* exactly the cap passes the header checks: EOF then finds the body missing */
	MALFORMED("AIMX/1 SEND\nContent-Length: 26214400\n\n",
	          "body truncated: expected 26214400 bytes");
	MALFORMED("AIMX/1 SEND\nContent-Length: 26214400\nHtml-Body-Length: 26214400\n\nabc",
	          "body truncated: expected 26214400 bytes");
	MALFORMED(
	    "AIMX/1 HOOK-CREATE\nMailbox: a\nEvent: on_receive\nContent-Length: 26214400\n\n{",
	    "body truncated: expected 26214400 bytes");
	MALFORMED("AIMX/1 SEND\nContent-Length: 0\nHtml-Body-Length: 26214400\n\n<p>",
	          "html body truncated: expected 26214400 bytes after main body");
}

/* A declared body is stored without over-allocating, and 2 x 25 MiB SEND frames go through. */
static void test_body_at_cap(void)
{
	static const char head[] =
	    "AIMX/1 SEND\nContent-Length: 26214400\nHtml-Body-Length: 26214400\n\n";
	size_t hl = sizeof(head) - 1, total = hl + 2 * (size_t)CAP, used;
	char *frame = malloc(total + 5);
	CHECK(frame != NULL);
	if (!frame)
		return;
	memcpy(frame, head, hl);
	memset(frame + hl, 'm', CAP);
	memset(frame + hl + CAP, 'h', CAP);
	memcpy(frame + total, "NEXT!", 5);
	struct aimx_decoder d;
	aimx_decoder_init(&d);
	CHECK(aimx_decoder_feed(&d, frame, hl + 1, &used) == AIMX_DECODE_MORE && used == hl + 1);
	CHECK(d.req.body.cap <= 4096); /* one body byte does not reserve 25 MiB */
	enum aimx_decode_status st = AIMX_DECODE_MORE;
	for (size_t off = hl + 1; st == AIMX_DECODE_MORE && off < total + 5; off += used) {
		size_t n = total + 5 - off < 1000003 ? total + 5 - off : 1000003;
		st = aimx_decoder_feed(&d, frame + off, n, &used);
		if (st == AIMX_DECODE_DONE)
			CHECK(off + used == total);
	}
	CHECK(st == AIMX_DECODE_DONE);
	CHECK(d.req.body.len == (size_t)CAP && d.req.html_body.len == (size_t)CAP);
	CHECK(d.req.body.cap <= (size_t)CAP + 1 && d.req.html_body.cap <= (size_t)CAP + 1);
	CHECK(d.req.body.data && d.req.body.data[CAP - 1] == 'm');
	CHECK(d.req.html_body.data && d.req.html_body.data[0] == 'h');
	aimx_decoder_free(&d);
	/* the same frame in one call stops right after the HTML body */
	aimx_decoder_init(&d);
	CHECK(aimx_decoder_feed(&d, frame, total + 5, &used) == AIMX_DECODE_DONE && used == total);
	CHECK(aimx_decoder_eof(&d) == AIMX_DECODE_DONE);
	aimx_decoder_free(&d);
	free(frame);
}

static void test_booleans(void)
{
	MALFORMED("AIMX/1 SEND\nText-Only: yes\nContent-Length: 0\n\n",
	          "invalid Text-Only value: \"yes\" (expected 'true' or 'false')");
	MALFORMED("AIMX/1 SEND\nText-Only:\nContent-Length: 0\n\n",
	          "invalid Text-Only value: \"\" (expected 'true' or 'false')");
	MALFORMED("AIMX/1 MAILBOX-DELETE\nName: a\nForce: 1\n\n",
	          "invalid Force value: \"1\" (expected 'true' or 'false')");
	struct fuzz_aimx_run r;
	expect_done(S("AIMX/1 SEND\nText-Only: TRUE\nContent-Length: 1\n\nx"),
	            sizeof("AIMX/1 SEND\nText-Only: TRUE\nContent-Length: 1\n\nx") - 1, &r);
	CHECK(r.d.req.has_text_only && r.d.req.text_only && !r.d.req.has_html_body);
	aimx_decoder_free(&r.d);
	expect_done(S("AIMX/1 MAILBOX-DELETE\nName: a\nForce: False\n\n"),
	            sizeof("AIMX/1 MAILBOX-DELETE\nName: a\nForce: False\n\n") - 1, &r);
	CHECK(r.d.req.has_force && !r.d.req.force);
	aimx_decoder_free(&r.d);
}

static void test_send_bodies(void)
{
	MALFORMED("AIMX/1 SEND\nText-Only: true\nContent-Length: 1\nHtml-Body-Length: 1\n\nab",
	          "AIMX/1 SEND: --text-only and --html-body are mutually exclusive");
	MALFORMED("AIMX/1 SEND\nHtml-Body-Length: 0\nContent-Length: 0\nText-Only: tRuE\n\n",
	          "AIMX/1 SEND: --text-only and --html-body are mutually exclusive");
	struct fuzz_aimx_run r;
	static const char both[] = "AIMX/1 SEND\nText-Only: false\nContent-Length: "
	                           "3\nHtml-Body-Length: 8\n\nabc<p>x</p>more";
	expect_done(both, sizeof(both) - 1, sizeof(both) - 1 - 4, &r);
	check_body(&r.d.req.body, "abc", 3);
	check_body(&r.d.req.html_body, "<p>x</p>", 8);
	CHECK(r.d.req.has_html_body && r.d.req.has_text_only && !r.d.req.text_only);
	aimx_decoder_free(&r.d);
	static const char html_only[] = "AIMX/1 SEND\nContent-Length: 0\nHtml-Body-Length: 2\n\nhi";
	expect_done(html_only, sizeof(html_only) - 1, sizeof(html_only) - 1, &r);
	check_body(&r.d.req.html_body, "hi", 2);
	CHECK(r.d.req.body.len == 0);
	aimx_decoder_free(&r.d);
	static const char empty_html[] = "AIMX/1 SEND\nContent-Length: 1\nHtml-Body-Length: 0\n\nx";
	expect_done(empty_html, sizeof(empty_html) - 1, sizeof(empty_html) - 1, &r);
	CHECK(r.d.req.has_html_body && r.d.req.html_body.len == 0);
	aimx_decoder_free(&r.d);
	MALFORMED("AIMX/1 SEND\nContent-Length: 10\n\nabc", "body truncated: expected 10 bytes");
	MALFORMED("AIMX/1 SEND\nContent-Length: 4\nHtml-Body-Length: 5\n\nabc",
	          "body truncated: expected 4 bytes");
	MALFORMED("AIMX/1 SEND\nContent-Length: 2\nHtml-Body-Length: 5\n\nabcd",
	          "html body truncated: expected 5 bytes after main body");
	MALFORMED("AIMX/1 SEND\nContent-Length: 2\nHtml-Body-Length: 5\n\nab",
	          "html body truncated: expected 5 bytes after main body");
	/* body bytes are opaque: newlines, NULs and invalid UTF-8 pass */
	static const char raw[] = "AIMX/1 SEND\nContent-Length: 6\n\n\n\0\xff\r\n.";
	expect_done(raw, sizeof(raw) - 1, sizeof(raw) - 1, &r);
	check_body(&r.d.req.body, "\n\0\xff\r\n.", 6);
	aimx_decoder_free(&r.d);
}

static void test_verb_rules(void)
{
	MALFORMED("AIMX/1 SEND\n\n", "missing required header: Content-Length");
	MALFORMED("AIMX/1 SEND\nText-Only: true\n\n", "missing required header: Content-Length");
	MALFORMED("AIMX/1 MARK-READ\n\n", "missing required header: Mailbox");
	MALFORMED("AIMX/1 MARK-READ\nId: x\n\n", "missing required header: Mailbox");
	MALFORMED("AIMX/1 MARK-UNREAD\nMailbox: a\nContent-Length: 0\n\n",
	          "missing required header: Id");
	MALFORMED("AIMX/1 MAILBOX-CREATE\nOwner: alice\n\n", "missing required header: Name");
	MALFORMED("AIMX/1 MAILBOX-DELETE\nForce: true\n\n", "missing required header: Name");
	MALFORMED("AIMX/1 HOOK-CREATE\nContent-Length: 0\n\n", "missing required header: Mailbox");
	MALFORMED("AIMX/1 HOOK-CREATE\nMailbox: a\nContent-Length: 0\n\n",
	          "missing required header: Event");
	MALFORMED("AIMX/1 HOOK-CREATE\nMailbox: a\nEvent: on_receive\nName: n\n\n",
	          "missing required header: Content-Length");
	MALFORMED("AIMX/1 HOOK-DELETE\nContent-Length: 0\n\n",
	          "missing required header: Hook-Name");
	MALFORMED("AIMX/1 MARK-READ\nMailbox: \nId: b\n\n", "empty Mailbox value");
	MALFORMED("AIMX/1 MARK-READ\nMailbox: a\nId:\n\n", "empty Id value");
	MALFORMED("AIMX/1 MAILBOX-CREATE\nName: \t \n\n", "empty Name value");
	MALFORMED("AIMX/1 MAILBOX-DELETE\nName:\n\n", "empty Name value");
	MALFORMED("AIMX/1 MAILBOX-CREATE\nName: a\nOwner:\n\n", "empty Owner value");
	MALFORMED("AIMX/1 HOOK-CREATE\nMailbox: a\nEvent:\nContent-Length: 0\n\n",
	          "empty Event value");
	MALFORMED("AIMX/1 HOOK-CREATE\nMailbox: a\nEvent: e\nName: \nContent-Length: 0\n\n",
	          "empty Name value");
	MALFORMED("AIMX/1 HOOK-DELETE\nHook-Name:  \n\n", "empty Hook-Name value");
	MALFORMED("AIMX/1 MARK-READ\nMailbox: a\nId: b\nContent-Length: 5\n\n",
	          "MARK verb must have Content-Length: 0, got 5");
	MALFORMED("AIMX/1 MARK-UNREAD\nContent-Length: 99999999999\nMailbox: a\nId: b\n\n",
	          "MARK verb must have Content-Length: 0, got 99999999999");
	MALFORMED("AIMX/1 MAILBOX-CREATE\nName: a\nContent-Length: 1\n\nx",
	          "MAILBOX verb must have Content-Length: 0, got 1");
	MALFORMED("AIMX/1 MAILBOX-DELETE\nName: a\nContent-Length: 2\n\n",
	          "MAILBOX verb must have Content-Length: 0, got 2");
	MALFORMED("AIMX/1 HOOK-DELETE\nHook-Name: a\nContent-Length: 1\n\n",
	          "HOOK-DELETE must have Content-Length: 0, got 1");
	/* Content-Length is optional on the bodyless verbs */
	OK_FRAME("AIMX/1 MARK-READ\nMailbox: a\nId: b\n\n");
	OK_FRAME("AIMX/1 MAILBOX-CREATE\nName: a\n\n");
	OK_FRAME("AIMX/1 HOOK-DELETE\nHook-Name: a\n\n");
	OK_FRAME("AIMX/1 HOOK-CREATE\nMailbox: a\nEvent: on_receive\nContent-Length: 0\n\n");
}

static void test_forbidden(void)
{
	MALFORMED("AIMX/1 MARK-READ\nMailbox: a\nId: b\nFolder: sent\n\n",
	          "Folder header is not allowed on MARK verbs (sent-mail mark removed; inbox is "
	          "the only target)");
	MALFORMED("AIMX/1 MARK-UNREAD\nfolder: inbox\n\n",
	          "Folder header is not allowed on MARK verbs (sent-mail mark removed; inbox is "
	          "the only target)");
	MALFORMED("AIMX/1 MAILBOX-CREATE\nName: a\nForce: true\n\n",
	          "Force header is only valid on MAILBOX-DELETE");
	MALFORMED("AIMX/1 MAILBOX-CREATE\nFORCE: false\nName: a\n\n",
	          "Force header is only valid on MAILBOX-DELETE");
}

static void test_owner(void)
{
	static const char *const good[] = {"alice", "_svc",   "a",
	                                   "bob$",  "x-y_z9", "abcdefghijklmnopqrstuvwxyz012345"};
	static const char *const bad[] = {"Alice",
	                                  "1abc",
	                                  "-a",
	                                  "$",
	                                  "a$b",
	                                  "a b",
	                                  "al.ice",
	                                  "a$$",
	                                  "\xc3\xa9t\xc3\xa9",
	                                  "abcdefghijklmnopqrstuvwxyz0123456"};
	struct buf b = BUF_INIT;
	for (size_t k = 0; k < sizeof(good) / sizeof(good[0]); k++) {
		buf_reset(&b);
		CHECK(buf_printf(&b, "AIMX/1 MAILBOX-CREATE\nName: n\nOwner: %s\n\n", good[k]) ==
		      0);
		struct fuzz_aimx_run r;
		expect_done(b.data, b.len, b.len, &r);
		CHECK_STR(r.d.req.owner, good[k]);
		aimx_decoder_free(&r.d);
	}
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		char want[200];
		buf_reset(&b);
		CHECK(buf_printf(&b, "AIMX/1 MAILBOX-DELETE\nName: n\nOwner: %s\n\n", bad[k]) == 0);
		snprintf(want, sizeof(want),
		         "malformed request: invalid Owner value: \"%s\" (must match "
		         "[a-z_][a-z0-9_-]*[$]?, at most 32 bytes)",
		         bad[k]);
		expect_error(b.data, b.len, "MALFORMED", want);
	}
	buf_free(&b);
}

static void test_bare_verbs(void)
{
	MALFORMED("AIMX/1 HOOK-LIST\nOwner: alice\n\n",
	          "HOOK-LIST takes no headers, got \"Owner: alice\"");
	MALFORMED("AIMX/1 VERSION\nContent-Length: 0\n\n",
	          "VERSION takes no headers, got \"Content-Length: 0\"");
	MALFORMED("AIMX/1 MAILBOX-LIST\nX-Anything\n\n",
	          "MAILBOX-LIST takes no headers, got \"X-Anything\"");
	MALFORMED("AIMX/1 MAILBOX-LIST\n \n\n", "MAILBOX-LIST takes no headers, got \" \"");
	OK_FRAME("AIMX/1 HOOK-LIST\n\n");
	OK_FRAME("AIMX/1 MAILBOX-LIST\r\n\r\n");
}

/* ---- the example frames of protocol.md 11, and their replies ---- */

static void check_write(int rc, struct buf *out, const char *want, size_t len)
{
	CHECK(rc == 0);
	CHECK(out->len == len && memcmp(out->data, want, len) == 0);
	if (out->len != len || memcmp(out->data, want, len) != 0)
		fprintf(stderr, "    got: %.*s\n", (int)out->len, out->data);
	buf_reset(out);
}

#define CHECK_WRITE(call, out, lit) check_write(call, out, S(lit))

static void test_spec_frames(void)
{
	struct fuzz_aimx_run r;
	struct buf out = BUF_INIT;
	expect_done(S(SEND_FRAME), sizeof(SEND_FRAME) - 1, &r);
	CHECK(r.d.req.verb == AIMX_SEND && !r.d.req.has_text_only && !r.d.req.has_html_body);
	check_body(&r.d.req.body, SEND_BODY, 76);
	aimx_decoder_free(&r.d);
	CHECK_WRITE(aimx_write_ok_id(&out, SEND_ID), &out, "AIMX/1 OK " SEND_ID "\n");
	CHECK_WRITE(aimx_write_err(&out, "EACCES", "not authorized"), &out,
	            "AIMX/1 ERR EACCES not authorized\nCode: EACCES\n\n");

	expect_done(S(MARK_FRAME), sizeof(MARK_FRAME) - 1, &r);
	CHECK(r.d.req.verb == AIMX_MARK_READ);
	CHECK_STR(r.d.req.mailbox, "alice");
	CHECK_STR(r.d.req.id, "2025-06-01-120000-hello");
	aimx_decoder_free(&r.d);
	CHECK_WRITE(aimx_write_ok(&out), &out, "AIMX/1 OK\n");

	expect_done(S(CREATE_FRAME), sizeof(CREATE_FRAME) - 1, &r);
	CHECK(r.d.req.verb == AIMX_MAILBOX_CREATE && !r.d.req.has_force);
	CHECK_STR(r.d.req.name, "reports");
	CHECK_STR(r.d.req.owner, "alice");
	aimx_decoder_free(&r.d);

	expect_done(S(DELETE_FRAME), sizeof(DELETE_FRAME) - 1, &r);
	CHECK(r.d.req.verb == AIMX_MAILBOX_DELETE && r.d.req.has_force && r.d.req.force);
	CHECK_STR(r.d.req.name, "reports");
	CHECK(r.d.req.owner == NULL);
	aimx_decoder_free(&r.d);

	expect_done(S(HOOK_FRAME), sizeof(HOOK_FRAME) - 1, &r);
	CHECK(r.d.req.verb == AIMX_HOOK_CREATE);
	CHECK_STR(r.d.req.mailbox, "alice");
	CHECK_STR(r.d.req.event, "on_receive");
	CHECK_STR(r.d.req.name, "alice_notify");
	check_body(&r.d.req.body, HOOK_BODY, 82);
	aimx_decoder_free(&r.d);

	expect_done(S(LIST_FRAME), sizeof(LIST_FRAME) - 1, &r);
	CHECK(r.d.req.verb == AIMX_MAILBOX_LIST);
	aimx_decoder_free(&r.d);
	CHECK(sizeof(LIST_JSON) - 1 == 182);
	CHECK_WRITE(aimx_write_ok_json(&out, S(LIST_JSON)), &out,
	            "AIMX/1 OK\nContent-Length: 182\n\n" LIST_JSON);

	expect_done(S(VERSION_FRAME), sizeof(VERSION_FRAME) - 1, &r);
	CHECK(r.d.req.verb == AIMX_VERSION);
	aimx_decoder_free(&r.d);
	CHECK(sizeof(VERSION_JSON) - 1 == 100);
	CHECK_WRITE(aimx_write_ok_json(&out, S(VERSION_JSON)), &out,
	            "AIMX/1 OK\nContent-Length: 100\n\n" VERSION_JSON);
	buf_free(&out);
}

/* A decode failure, then the exact reply the daemon writes for it. */
static void expect_reply(const char *in, size_t len, const char *want, size_t want_len)
{
	for (size_t k = 0; k < NSTEPS; k++) {
		struct fuzz_aimx_run r;
		struct buf out = BUF_INIT;
		fuzz_aimx_decode(in, len, steps[k], &r);
		CHECK(r.st == AIMX_DECODE_ERROR);
		check_write(aimx_write_err(&out, r.d.err_code, r.d.err_reason), &out, want,
		            want_len);
		buf_free(&out);
		aimx_decoder_free(&r.d);
	}
}

static void test_spec_error_replies(void)
{
	expect_reply(
	    S("HELLO\n"),
	    S("AIMX/1 ERR MALFORMED malformed request: expected 'AIMX/1 <verb>', got \"HELLO\"\n"
	      "Code: MALFORMED\n\n"));
	expect_reply(S("AIMX/1 PING\n\n"),
	             S("AIMX/1 ERR PROTOCOL unknown verb 'PING'\nCode: PROTOCOL\n\n"));
	expect_reply(S("AIMX/1 HOOK-LIST\nOwner: alice\n\n"),
	             S("AIMX/1 ERR MALFORMED malformed request: HOOK-LIST takes no headers, got "
	               "\"Owner: alice\"\nCode: MALFORMED\n\n"));
}

static void test_writers(void)
{
	struct buf out = BUF_INIT;
	CHECK_WRITE(aimx_write_err(&out, "IO", "line one\r\nline two\n"), &out,
	            "AIMX/1 ERR IO line oneline two\nCode: IO\n\n");
	CHECK_WRITE(aimx_write_err(&out, "TEMP", ""), &out, "AIMX/1 ERR TEMP \nCode: TEMP\n\n");
	CHECK_WRITE(aimx_write_ok_id(&out, "<a\r\n@b>\r\n"), &out, "AIMX/1 OK <a@b>\n");
	CHECK_WRITE(aimx_write_ok_json(&out, "", 0), &out, "AIMX/1 OK\nContent-Length: 0\n\n");
	CHECK_WRITE(aimx_write_ok_json(&out, "[\n]", 3), &out,
	            "AIMX/1 OK\nContent-Length: 3\n\n[\n]");
	/* writers append */
	CHECK(aimx_write_ok(&out) == 0 && aimx_write_ok(&out) == 0);
	CHECK_STR(out.data, "AIMX/1 OK\nAIMX/1 OK\n");
	/* a full buffer leaves it as it was */
	buf_reset(&out);
	out.limit = 12;
	CHECK(aimx_write_ok(&out) == 0);
	CHECK(aimx_write_err(&out, "IO", "x") < 0);
	CHECK_STR(out.data, "AIMX/1 OK\n");
	buf_free(&out);
}

/* ---- client side: encoder ---- */

static void encode_expect(const struct aimx_request *req, const char *want, size_t len)
{
	struct buf out = BUF_INIT;
	check_write(aimx_request_encode(&out, req), &out, want, len);
	buf_free(&out);
}

static void set_body(struct buf *b, const char *s)
{
	buf_free(b);
	CHECK(buf_append_str(b, s) == 0);
}

static void test_encoder(void)
{
	struct aimx_request q = {0};
	q.verb = AIMX_SEND;
	set_body(&q.body, SEND_BODY);
	encode_expect(&q, S(SEND_FRAME));
	q.has_text_only = q.text_only = 1;
	encode_expect(&q, S("AIMX/1 SEND\nText-Only: true\nContent-Length: 76\n\n" SEND_BODY));
	q.text_only = 0;
	q.has_html_body = 1;
	set_body(&q.html_body, "<p>hi</p>");
	encode_expect(&q, S("AIMX/1 SEND\nContent-Length: 76\nHtml-Body-Length: 9\n\n" SEND_BODY
	                    "<p>hi</p>"));
	aimx_request_free(&q);

	q.verb = AIMX_MARK_READ;
	q.mailbox = strdup("alice");
	q.id = strdup("2025-06-01-120000-hello");
	encode_expect(&q, S(MARK_FRAME));
	q.verb = AIMX_MARK_UNREAD;
	free(q.id);
	q.id = strdup("x\r\ny\n");
	encode_expect(&q, S("AIMX/1 MARK-UNREAD\nMailbox: alice\nId: xy\nContent-Length: 0\n\n"));
	aimx_request_free(&q);

	q.verb = AIMX_MAILBOX_CREATE;
	q.name = strdup("reports");
	q.owner = strdup("alice");
	q.has_force = q.force = 1; /* never sent on CREATE: the daemon would refuse it */
	encode_expect(&q, S(CREATE_FRAME));
	q.verb = AIMX_MAILBOX_DELETE;
	free(q.owner);
	q.owner = NULL;
	encode_expect(&q, S(DELETE_FRAME));
	q.force = 0;
	encode_expect(&q, S("AIMX/1 MAILBOX-DELETE\nName: reports\nContent-Length: 0\n\n"));
	aimx_request_free(&q);

	q.verb = AIMX_HOOK_CREATE;
	q.mailbox = strdup("alice");
	q.event = strdup("on_receive");
	q.name = strdup("alice_notify");
	set_body(&q.body, HOOK_BODY);
	encode_expect(&q, S(HOOK_FRAME));
	aimx_request_free(&q);

	q.verb = AIMX_HOOK_DELETE;
	q.hook_name = strdup("alice_notify");
	encode_expect(&q, S("AIMX/1 HOOK-DELETE\nHook-Name: alice_notify\nContent-Length: 0\n\n"));
	aimx_request_free(&q);

	q.verb = AIMX_MAILBOX_LIST;
	encode_expect(&q, S(LIST_FRAME));
	q.verb = AIMX_HOOK_LIST;
	encode_expect(&q, S("AIMX/1 HOOK-LIST\n\n"));
	q.verb = AIMX_VERSION;
	encode_expect(&q, S(VERSION_FRAME));

	/* a required field left NULL is the caller's bug: no frame, EINVAL */
	struct buf out = BUF_INIT;
	q.verb = AIMX_MARK_READ;
	q.mailbox = strdup("alice");
	errno = 0;
	CHECK(aimx_request_encode(&out, &q) < 0 && errno == EINVAL);
	CHECK(out.len == 0);
	aimx_request_free(&q);
	q.verb = (enum aimx_verb)99;
	CHECK(aimx_request_encode(&out, &q) < 0 && out.len == 0);
	buf_free(&out);
	CHECK_STR(aimx_verb_name(AIMX_HOOK_DELETE), "HOOK-DELETE");
	CHECK_STR(aimx_verb_name(AIMX_MAILBOX_LIST), "MAILBOX-LIST");
}

/* Encode, then decode whole and byte by byte: the same request comes back. */
static void round_trip(const struct aimx_request *q)
{
	struct buf frame = BUF_INIT;
	struct fuzz_aimx_run r;
	CHECK(aimx_request_encode(&frame, q) == 0);
	expect_done(frame.data, frame.len, frame.len, &r);
	const struct aimx_request *g = &r.d.req;
	CHECK(g->verb == q->verb);
	CHECK((!g->mailbox && !q->mailbox) ||
	      (g->mailbox && q->mailbox && !strcmp(g->mailbox, q->mailbox)));
	CHECK((!g->id && !q->id) || (g->id && q->id && !strcmp(g->id, q->id)));
	CHECK((!g->name && !q->name) || (g->name && q->name && !strcmp(g->name, q->name)));
	CHECK((!g->owner && !q->owner) || (g->owner && q->owner && !strcmp(g->owner, q->owner)));
	CHECK((!g->event && !q->event) || (g->event && q->event && !strcmp(g->event, q->event)));
	CHECK((!g->hook_name && !q->hook_name) ||
	      (g->hook_name && q->hook_name && !strcmp(g->hook_name, q->hook_name)));
	CHECK((g->has_force && g->force) == (q->has_force && q->force));
	CHECK((g->has_text_only && g->text_only) == (q->has_text_only && q->text_only));
	CHECK(g->has_html_body == q->has_html_body);
	check_body(&g->body, q->body.data, q->body.len);
	check_body(&g->html_body, q->html_body.data, q->html_body.len);
	aimx_decoder_free(&r.d);
	buf_free(&frame);
}

static void test_round_trips(void)
{
	struct aimx_request q = {0};
	q.verb = AIMX_SEND;
	set_body(&q.body, "From: a@b\r\n\r\nline\nAIMX/1 SEND\n\n");
	round_trip(&q);
	q.has_text_only = q.text_only = 1;
	round_trip(&q);
	q.text_only = 0;
	q.has_html_body = 1;
	set_body(&q.html_body, "<b>\0</b>");
	round_trip(&q);
	aimx_request_free(&q);
	for (int v = AIMX_MARK_READ; v <= AIMX_MARK_UNREAD; v++) {
		q.verb = (enum aimx_verb)v;
		q.mailbox = strdup("alice");
		q.id = strdup("2025-06-01-120000-hello");
		round_trip(&q);
		aimx_request_free(&q);
	}
	q.verb = AIMX_MAILBOX_CREATE;
	q.name = strdup("reports");
	round_trip(&q);
	q.owner = strdup("alice");
	round_trip(&q);
	q.verb = AIMX_MAILBOX_DELETE;
	q.has_force = q.force = 1;
	round_trip(&q);
	aimx_request_free(&q);
	q.verb = AIMX_HOOK_CREATE;
	q.mailbox = strdup("alice");
	q.event = strdup("after_send");
	set_body(&q.body, HOOK_BODY);
	round_trip(&q);
	q.name = strdup("n1");
	round_trip(&q);
	aimx_request_free(&q);
	q.verb = AIMX_HOOK_DELETE;
	q.hook_name = strdup("n1");
	round_trip(&q);
	aimx_request_free(&q);
	for (int v = AIMX_MAILBOX_LIST; v <= AIMX_VERSION; v++) {
		if (v == AIMX_HOOK_CREATE || v == AIMX_HOOK_DELETE)
			continue;
		q.verb = (enum aimx_verb)v;
		round_trip(&q);
	}
}

/* ---- client side: reply parser ---- */

static void expect_bad_reply(const char *in, size_t len, enum aimx_verb v, const char *why_want)
{
	struct aimx_response resp;
	char why[ERR_SIZE];
	CHECK(aimx_response_parse(in, len, v, &resp, why) < 0);
	CHECK_STR(why, why_want);
	aimx_response_free(&resp);
}

static void expect_err_reply(const char *in, size_t len, enum aimx_verb v, const char *code,
                             const char *reason)
{
	struct aimx_response resp;
	char why[ERR_SIZE] = "";
	CHECK(aimx_response_parse(in, len, v, &resp, why) == 0);
	if (why[0])
		fprintf(stderr, "    why: %s\n", why);
	CHECK(resp.ok == 0);
	CHECK_STR(resp.code, code);
	CHECK_STR(resp.reason, reason);
	aimx_response_free(&resp);
}

static void test_reply_status(void)
{
	static const enum aimx_verb all[] = {AIMX_SEND, AIMX_MARK_READ, AIMX_MAILBOX_CREATE,
	                                     AIMX_VERSION};
	for (size_t k = 0; k < sizeof(all) / sizeof(all[0]); k++) {
		expect_bad_reply(S(""), all[k], "empty response from daemon");
		expect_bad_reply(S("\n"), all[k], "empty response from daemon");
		expect_bad_reply(S("\r\nAIMX/1 OK\n"), all[k], "empty response from daemon");
		expect_bad_reply(S("AIMX/1 OK\n\xff"), all[k], "response is not UTF-8");
		expect_bad_reply(S("\xc3"), all[k], "response is not UTF-8");
		expect_bad_reply(S("HTTP/1.1 200 OK\r\n"), all[k],
		                 "unexpected response: \"HTTP/1.1 200 OK\"");
		expect_bad_reply(S("AIMX/1OK\n"), all[k], "unexpected response: \"AIMX/1OK\"");
		expect_bad_reply(S("AIMX/1 YES\n"), all[k], "unexpected response: \"AIMX/1 YES\"");
		expect_bad_reply(S("AIMX/1 ERR\n"), all[k], "unexpected response: \"AIMX/1 ERR\"");
		expect_bad_reply(S("aimx/1 OK\n"), all[k], "unexpected response: \"aimx/1 OK\"");
		expect_err_reply(S("AIMX/1 ERR EACCES not authorized\nCode: EACCES\n\n"), all[k],
		                 "EACCES", "not authorized");
	}
	/* a long status line is cut so the reason still fits and stays UTF-8 */
	struct buf b = BUF_INIT;
	CHECK(repeat(&b, "\xc3\xa9", 500) == 0);
	struct aimx_response resp;
	char why[ERR_SIZE];
	CHECK(aimx_response_parse(b.data, b.len, AIMX_SEND, &resp, why) < 0);
	CHECK(strncmp(why, "unexpected response: \"\xc3\xa9", 24) == 0);
	CHECK(strlen(why) < 256 && strcmp(why + strlen(why) - 4, "\"...") == 0);
	buf_free(&b);
}

static void test_reply_send(void)
{
	struct aimx_response resp;
	char why[ERR_SIZE];
	CHECK(aimx_response_parse(S("AIMX/1 OK " SEND_ID "\n"), AIMX_SEND, &resp, why) == 0);
	CHECK(resp.ok == 1);
	CHECK_STR(resp.message_id, SEND_ID);
	aimx_response_free(&resp);
	CHECK(resp.message_id == NULL);
	CHECK(aimx_response_parse(S("AIMX/1 OK  <x@y> \r\n"), AIMX_SEND, &resp, why) == 0);
	CHECK_STR(resp.message_id, "<x@y>");
	aimx_response_free(&resp);
	CHECK(aimx_response_parse(S("AIMX/1 OK <no-newline@y>"), AIMX_SEND, &resp, why) == 0);
	CHECK_STR(resp.message_id, "<no-newline@y>");
	aimx_response_free(&resp);
	expect_bad_reply(S("AIMX/1 OK\n"), AIMX_SEND, "unexpected response: \"AIMX/1 OK\"");
	expect_bad_reply(S("AIMX/1 OK   \n"), AIMX_SEND, "unexpected response: \"AIMX/1 OK   \"");
	expect_err_reply(
	    S("AIMX/1 ERR TEMP All MX servers for b.org unreachable: mx: timeout\nCode: TEMP\n\n"),
	    AIMX_SEND, "TEMP", "All MX servers for b.org unreachable: mx: timeout");
}

static void test_reply_ack(void)
{
	struct aimx_response resp;
	char why[ERR_SIZE];
	static const enum aimx_verb acks[] = {AIMX_MARK_READ,      AIMX_MARK_UNREAD,
	                                      AIMX_MAILBOX_CREATE, AIMX_MAILBOX_DELETE,
	                                      AIMX_HOOK_CREATE,    AIMX_HOOK_DELETE};
	for (size_t k = 0; k < sizeof(acks) / sizeof(acks[0]); k++) {
		CHECK(aimx_response_parse(S("AIMX/1 OK\n"), acks[k], &resp, why) == 0 &&
		      resp.ok == 1);
		aimx_response_free(&resp);
		CHECK(aimx_response_parse(S("AIMX/1 OK\r\n"), acks[k], &resp, why) == 0 &&
		      resp.ok == 1);
		aimx_response_free(&resp);
		expect_bad_reply(S("AIMX/1 OK <id@x>\n"), acks[k],
		                 "unexpected response: \"AIMX/1 OK <id@x>\"");
		expect_bad_reply(S("AIMX/1 OK \n"), acks[k], "unexpected response: \"AIMX/1 OK \"");
		expect_bad_reply(S("AIMX/1 OKAY\n"), acks[k],
		                 "unexpected response: \"AIMX/1 OKAY\"");
	}
}

static void test_reply_err(void)
{
	expect_err_reply(S("AIMX/1 ERR WEIRD boom\nCode: TEMP\n\n"), AIMX_MARK_READ, "TEMP",
	                 "boom");
	expect_err_reply(S("AIMX/1 ERR IO boom\nCode: NOTFOUND\n\n"), AIMX_MARK_READ, "NOTFOUND",
	                 "boom");
	expect_err_reply(S("AIMX/1 ERR IO boom\nCode: WEIRD\n\n"), AIMX_MARK_READ, "IO", "boom");
	expect_err_reply(S("AIMX/1 ERR IO boom\nX-Other: 1\nCode:   ENOENT  \r\n\n"),
	                 AIMX_HOOK_DELETE, "ENOENT", "boom");
	expect_err_reply(S("AIMX/1 ERR IO boom\n"), AIMX_MARK_READ, "IO", "boom");
	expect_err_reply(S("AIMX/1 ERR TEMP"), AIMX_SEND, "TEMP", "");
	expect_err_reply(S("AIMX/1 ERR BODY_TOO_LARGE   spaced  out  \nCode: BODY_TOO_LARGE\n\n"),
	                 AIMX_SEND, "BODY_TOO_LARGE", "spaced  out");
	expect_err_reply(S("AIMX/1 ERR MAILBOX mailbox 'x' does not exist\nCode: MAILBOX\n\n"),
	                 AIMX_MAILBOX_LIST, "MAILBOX", "mailbox 'x' does not exist");
	expect_bad_reply(S("AIMX/1 ERR WEIRD boom\nCode: ALSO-WEIRD\n\n"), AIMX_MARK_READ,
	                 "unknown ERR code \"WEIRD\" in response");
	expect_bad_reply(S("AIMX/1 ERR WEIRD boom\n\nCode: TEMP\n"), AIMX_MARK_READ,
	                 "unknown ERR code \"WEIRD\" in response");
	expect_bad_reply(S("AIMX/1 ERR  boom\n"), AIMX_MARK_READ,
	                 "unknown ERR code \"\" in response");
	expect_bad_reply(S("AIMX/1 ERR eacces x\n"), AIMX_MARK_READ,
	                 "unknown ERR code \"eacces\" in response");
	expect_bad_reply(S("AIMX/1 ERR MALFORMEDMALFORMEDMALFORMEDMALFORMED x\n"), AIMX_SEND,
	                 "unknown ERR code \"MALFORMEDMALFORMEDMALFORMEDMALFORMED\" in response");
	/* every code of protocol.md 5 round-trips through the writer and the parser */
	static const char *const codes[] = {"MAILBOX", "DOMAIN",     "SIGN",          "DELIVERY",
	                                    "TEMP",    "MALFORMED",  "PROTOCOL",      "NOTFOUND",
	                                    "IO",      "VALIDATION", "NONEMPTY",      "ECONFLICT",
	                                    "EACCES",  "ENOENT",     "BODY_TOO_LARGE"};
	for (size_t k = 0; k < sizeof(codes) / sizeof(codes[0]); k++) {
		struct buf out = BUF_INIT;
		CHECK(aimx_code_known(codes[k]));
		CHECK(aimx_write_err(&out, codes[k], "why\r\nnot") == 0);
		expect_err_reply(out.data, out.len, AIMX_HOOK_CREATE, codes[k], "whynot");
		buf_free(&out);
	}
	CHECK(!aimx_code_known("OK") && !aimx_code_known("") && !aimx_code_known("eacces"));
}

static void test_reply_json(void)
{
	struct aimx_response resp;
	char why[ERR_SIZE];
	CHECK(aimx_response_parse(S("AIMX/1 OK\nContent-Length: 182\n\n" LIST_JSON),
	                          AIMX_MAILBOX_LIST, &resp, why) == 0);
	CHECK(resp.ok && resp.json.len == 182 && strcmp(resp.json.data, LIST_JSON) == 0);
	aimx_response_free(&resp);
	CHECK(aimx_response_parse(S("AIMX/1 OK\nContent-Length: 100\n\n" VERSION_JSON),
	                          AIMX_VERSION, &resp, why) == 0);
	CHECK(resp.ok && resp.json.len == 100 && strcmp(resp.json.data, VERSION_JSON) == 0);
	aimx_response_free(&resp);
	CHECK(aimx_response_parse(S("AIMX/1 OK\r\ncontent-length: +2\r\nX: y\r\n\r\n[]trailing"),
	                          AIMX_HOOK_LIST, &resp, why) == 0);
	CHECK(resp.ok && resp.json.len == 2 && strcmp(resp.json.data, "[]") == 0);
	aimx_response_free(&resp);
	CHECK(aimx_response_parse(S("AIMX/1 OK\nContent-Length: 0\n\n"), AIMX_HOOK_LIST, &resp,
	                          why) == 0);
	CHECK(resp.ok && resp.json.len == 0);
	aimx_response_free(&resp);
	expect_bad_reply(S("AIMX/1 OK\nContent-Length: 5\n\n[]"), AIMX_MAILBOX_LIST,
	                 "truncated body: expected 5 bytes, got 2");
	expect_bad_reply(S("AIMX/1 OK\n\n[]"), AIMX_MAILBOX_LIST,
	                 "missing Content-Length on OK response");
	expect_bad_reply(S("AIMX/1 OK\nContent-Length: 2\n"), AIMX_VERSION,
	                 "malformed response (no header terminator)");
	expect_bad_reply(S("AIMX/1 OK\n"), AIMX_VERSION,
	                 "malformed response (no header terminator)");
	expect_bad_reply(S("AIMX/1 OK\nContent-Length: two\n\n[]"), AIMX_VERSION,
	                 "invalid Content-Length: \"Content-Length: two\"");
	expect_bad_reply(S("AIMX/1 OK {}\n"), AIMX_VERSION,
	                 "unexpected response: \"AIMX/1 OK {}\"");
	/* the JSON shape does not leak into the other verbs */
	CHECK(aimx_response_parse(S("AIMX/1 OK\nContent-Length: 2\n\n[]"), AIMX_MARK_READ, &resp,
	                          why) == 0);
	CHECK(resp.ok && resp.json.len == 0);
	aimx_response_free(&resp);
}

/* ---- fuzzing ---- */

static uint32_t rng = 0x9e3779b9u;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static const char *const tokens[] = {
    "AIMX/1 ",
    "SEND",
    "MARK-READ",
    "MARK-UNREAD",
    "MAILBOX-CREATE",
    "MAILBOX-DELETE",
    "MAILBOX-LIST",
    "HOOK-CREATE",
    "HOOK-DELETE",
    "HOOK-LIST",
    "VERSION",
    "Content-Length",
    "Html-Body-Length",
    "Text-Only",
    "Mailbox",
    "Id",
    "Name",
    "Owner",
    "Force",
    "Event",
    "Hook-Name",
    "Folder",
    ": ",
    ":",
    "\n",
    "\r\n",
    "\n\n",
    "\r",
    "0",
    "1",
    "3",
    "+2",
    "26214401",
    "true",
    "false",
    "alice",
    "a$",
    " ",
    "\t",
    "\xff",
    "\xc3\xa9",
    "\xc3",
    "\"",
    "\\",
    "OK",
    "ERR ",
    "Code: ",
    "EACCES",
    "x",
};
#define NTOKENS (sizeof(tokens) / sizeof(tokens[0]))

/* Up to 40 tokens and random bytes, sometimes behind a valid prefix; 0 or -1 (no memory). */
static int random_input(struct buf *b)
{
	int rc = 0;
	buf_reset(b);
	size_t n = 1 + rnd() % 40;
	if (rnd() % 4 == 0)
		rc |= buf_append_str(b, "AIMX/1 ");
	for (size_t k = 0; k < n; k++) {
		if (rnd() % 5 == 0)
			rc |= buf_append_char(b, (char)(rnd() & 0xFF));
		else
			rc |= buf_append_str(b, tokens[rnd() % NTOKENS]);
	}
	return rc;
}

static void mutate(struct buf *b, const char *frame, size_t len)
{
	buf_reset(b);
	CHECK(buf_append(b, frame, len) == 0);
	size_t at = rnd() % (len + 1);
	switch (rnd() % 5) {
	case 0: /* flip a byte */
		if (at < len)
			b->data[at] = (char)(rnd() & 0xFF);
		break;
	case 1: /* truncate */
		b->len = at;
		break;
	case 2: /* delete a byte */
		if (at < len) {
			memmove(b->data + at, b->data + at + 1, len - at - 1);
			b->len--;
		}
		break;
	default: { /* insert a token */
		const char *t = tokens[rnd() % NTOKENS];
		size_t tl = strlen(t);
		CHECK(buf_reserve(b, tl) == 0);
		memmove(b->data + at + tl, b->data + at, len - at);
		memcpy(b->data + at, t, tl);
		b->len += tl;
		break;
	}
	}
}

static int fuzz_check(const struct buf *b)
{
	int bad = fuzz_aimx_one((const unsigned char *)b->data, b->len);
	if (bad) {
		fprintf(stderr, "    fuzz disagreement on %zu bytes:", b->len);
		for (size_t k = 0; k < b->len && k < 200; k++)
			fprintf(stderr, " %02x", (unsigned char)b->data[k]);
		fprintf(stderr, "\n");
	}
	return bad;
}

static void test_fuzz(void)
{
	static const struct {
		const char *s;
		size_t n;
	} frames[] = {
	    {S(SEND_FRAME)},
	    {S(MARK_FRAME)},
	    {S(CREATE_FRAME)},
	    {S(DELETE_FRAME)},
	    {S(HOOK_FRAME)},
	    {S(LIST_FRAME)},
	    {S(VERSION_FRAME)},
	    {S("AIMX/1 SEND\r\nText-Only: false\r\nContent-Length: 3\r\nHtml-Body-Length: "
	       "4\r\n\r\nabc<p/>")},
	    {S("AIMX/1 HOOK-DELETE\nHook-Name: n\nContent-Length: 0\n\n")},
	    {S("AIMX/1 OK\nContent-Length: 2\n\n[]")},
	    {S("AIMX/1 ERR EACCES not authorized\nCode: EACCES\n\n")},
	};
	struct buf b = BUF_INIT;
	int bad = 0, runs = 0;
	for (size_t k = 0; k < sizeof(frames) / sizeof(frames[0]); k++) {
		buf_reset(&b);
		CHECK(buf_append(&b, frames[k].s, frames[k].n) == 0);
		bad += fuzz_check(&b);
		runs++;
	}
	for (int k = 0; k < 400; k++, runs++) {
		bad += random_input(&b) < 0;
		bad += fuzz_check(&b);
	}
	for (int k = 0; k < 400; k++, runs++) {
		size_t f = rnd() % (sizeof(frames) / sizeof(frames[0]));
		mutate(&b, frames[f].s, frames[f].n);
		bad += fuzz_check(&b);
	}
	CHECK(runs == 811);
	CHECK(bad == 0);
	buf_free(&b);
}

void suite_aimx(void)
{
	test_request_line();
	test_quoting();
	test_line_reader();
	test_line_cap();
	test_header_syntax();
	test_duplicates();
	test_integers();
	test_caps();
	test_body_at_cap();
	test_booleans();
	test_send_bodies();
	test_verb_rules();
	test_forbidden();
	test_owner();
	test_bare_verbs();
	test_spec_frames();
	test_spec_error_replies();
	test_writers();
	test_encoder();
	test_round_trips();
	test_reply_status();
	test_reply_send();
	test_reply_ack();
	test_reply_err();
	test_reply_json();
	test_fuzz();
}
