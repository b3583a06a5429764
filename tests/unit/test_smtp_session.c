/* test_smtp_session.c: unit tests for lib/smtp/smtp_session.c; every script runs whole and byte by byte.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/buf.h"
#include "smtp/smtp_session.h"
#include "tests/fuzz/fuzz_smtp_session.h"
#include "unit.h"

#define DOMAIN "mx.example.com"
#define BANNER "220 " DOMAIN " ESMTP aimx\r\n"
#define EHLO_TLS                                                                                   \
	"250-" DOMAIN " Hello c.example\r\n250-SIZE 26214400\r\n250-8BITMIME\r\n"                  \
	"250-PIPELINING\r\n250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250 SMTPUTF8\r\n"
#define EHLO_PLAIN                                                                                 \
	"250-" DOMAIN " Hello c.example\r\n250-SIZE 26214400\r\n250-8BITMIME\r\n"                  \
	"250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250 SMTPUTF8\r\n"
#define ENVELOPE "EHLO c.example\r\nMAIL FROM:<a@x.org>\r\nRCPT TO:<b@" DOMAIN ">\r\nDATA\r\n"
#define ENVELOPE_OK                                                                                \
	EHLO_TLS "250 2.1.0 OK\r\n250 2.1.5 OK\r\n354 Start mail input; end with "                 \
	         "<CRLF>.<CRLF>\r\n"
#define ACCEPTED "250 2.0.0 OK message accepted\r\n"
#define BARE     "554 5.6.0 Message contains bare LF or bare CR (RFC 5321 2.3.8)\r\n"
#define S(lit)   lit, sizeof(lit) - 1

/* One driven session: what a driver would have sent, and what the callbacks saw. */
struct run {
	struct buf out;        /* replies, plus "<TLS>" where the handshake would happen */
	struct buf log;        /* one line per callback call */
	struct buf msg;        /* the last delivered message */
	int data_fail;         /* the data callback answers 451 */
	enum smtp_state state; /* at the end */
	int failed;            /* a feed misreported what it used, or memory ran out */
};

static int rec_rcpt(void *ctx, const char *addr, char reply[SMTP_REPLY_MAX])
{
	struct run *r = ctx;
	r->failed |= buf_printf(&r->log, "RCPT %s\n", addr) < 0;
	if (strncmp(addr, "unknown", 7) == 0) {
		snprintf(reply, SMTP_REPLY_MAX,
		         "550 5.1.1 <%s>: Recipient address rejected: User unknown", addr);
		return -1;
	}
	if (strncmp(addr, "garbage", 7) == 0) {
		snprintf(reply, SMTP_REPLY_MAX, "oops\r\n250 injected");
		return -1;
	}
	return 0;
}

static int rec_data(void *ctx, const struct smtp_envelope *env, const char *msg, size_t len,
                    char reply[SMTP_REPLY_MAX])
{
	struct run *r = ctx;
	r->failed |= buf_printf(&r->log, "DATA helo=%s from=<%s> tls=%d len=%zu rcpts=", env->helo,
	                        env->mail_from, env->tls, len) < 0;
	for (size_t i = 0; i < env->nrcpts; i++)
		r->failed |= buf_printf(&r->log, "%s%s", i ? "," : "", env->rcpts[i]) < 0;
	r->failed |= buf_append_char(&r->log, '\n') < 0;
	buf_reset(&r->msg);
	r->failed |= buf_append(&r->msg, msg, len) < 0;
	snprintf(reply, SMTP_REPLY_MAX, "%s",
	         r->data_fail ? "451 4.3.0 Temporary failure, please retry"
	                      : "250 2.0.0 OK message accepted");
	return r->data_fail ? -1 : 0;
}

/* Moves the queued replies into the transcript. */
static void collect(struct run *r, struct smtp_session *s)
{
	r->failed |= buf_append(&r->out, s->out.data, s->out.len) < 0;
	buf_reset(&s->out);
}

/* Feeds `in` in chunks of `chunk` bytes as the listener would. After SMTP_STARTTLS the rest
 * of the input is fed after the handshake, as if it had arrived over TLS. */
static void drive(struct run *r, const char *in, size_t len, size_t chunk, int tls,
                  const struct smtp_limits *lim)
{
	struct smtp_callbacks cb = {r, rec_rcpt, rec_data};
	struct smtp_session s;
	CHECK(smtp_session_init(&s, DOMAIN, tls, lim, &cb) == 0);
	size_t off = 0;
	enum smtp_action act = SMTP_CONTINUE;
	while (off < len && act != SMTP_CLOSE) {
		size_t n = len - off < chunk ? len - off : chunk, used = 0;
		act = smtp_session_feed(&s, in + off, n, &used);
		r->failed |= used > n || (act == SMTP_CONTINUE && used != n);
		off += used;
		collect(r, &s);
		if (act == SMTP_STARTTLS) {
			r->failed |= buf_append_str(&r->out, "<TLS>") < 0;
			smtp_session_tls_started(&s);
		}
	}
	collect(r, &s);
	if (act == SMTP_CLOSE)
		r->failed |= buf_append_str(&r->out, "<CLOSE>") < 0;
	r->state = s.state;
	smtp_session_free(&s);
}

static void run_free(struct run *r)
{
	buf_free(&r->out);
	buf_free(&r->log);
	buf_free(&r->msg);
}

static int same(const struct buf *a, const struct buf *b)
{
	return a->len == b->len && (!a->len || memcmp(a->data, b->data, a->len) == 0);
}

/* Runs the script whole and byte by byte; both must give the same replies and deliveries. */
static void session(struct run *r, const char *in, size_t len, int tls,
                    const struct smtp_limits *lim)
{
	struct run bytes = {BUF_INIT, BUF_INIT, BUF_INIT, r->data_fail, SMTP_S_FRESH, 0};
	drive(r, in, len, len ? len : 1, tls, lim);
	drive(&bytes, in, len, 1, tls, lim);
	CHECK(r->failed == 0 && bytes.failed == 0);
	CHECK(same(&r->out, &bytes.out));
	CHECK(same(&r->log, &bytes.log));
	CHECK(same(&r->msg, &bytes.msg));
	CHECK(r->state == bytes.state);
	run_free(&bytes);
}

/* The common case: TLS available, default limits, compare the whole reply stream. */
static void expect(const char *in, size_t len, const char *want)
{
	struct run r = {BUF_INIT, BUF_INIT, BUF_INIT, 0, SMTP_S_FRESH, 0};
	session(&r, in, len, 1, NULL);
	CHECK_STR(r.out.data ? r.out.data : "", want);
	run_free(&r);
}

static void test_greeting_and_helo(void)
{
	expect(S(""), BANNER);
	expect(S("EHLO c.example\r\n"), BANNER EHLO_TLS);
	expect(S("ehlo   c.example  \r\n"), BANNER EHLO_TLS);
	expect(S("HELO c.example\r\n"), BANNER "250 " DOMAIN " Hello c.example\r\n");
	expect(S("hElO c.example\n"), BANNER "250 " DOMAIN " Hello c.example\r\n");
	expect(S("EHLO\r\nHELO \r\n"),
	       BANNER "501 EHLO requires domain argument\r\n501 HELO requires domain argument\r\n");
	expect(S("EHLO a\x01"
	         "b\r\nHELO a\rb\r\n"),
	       BANNER "501 Invalid EHLO argument\r\n501 Invalid HELO argument\r\n");

	struct run r = {BUF_INIT, BUF_INIT, BUF_INIT, 0, SMTP_S_FRESH, 0};
	session(&r, S("EHLO c.example\r\n"), 0, NULL);
	CHECK_STR(r.out.data, BANNER EHLO_PLAIN);
	run_free(&r);

	struct smtp_limits lim = {1000, 0, 0};
	struct run small = {BUF_INIT, BUF_INIT, BUF_INIT, 0, SMTP_S_FRESH, 0};
	session(&small, S("EHLO c.example\r\n"), 1, &lim);
	CHECK_CONTAINS(small.out.data, "\r\n250-SIZE 1000\r\n");
	run_free(&small);
}

static void test_mail(void)
{
	expect(S("MAIL FROM:<a@x.org>\r\n"), BANNER "503 5.5.1 Send EHLO/HELO first\r\n");
	expect(S("HELO c\r\nMAIL FROM:<a@x.org>\r\nMAIL FROM:<a@x.org>\r\n"),
	       BANNER "250 " DOMAIN " Hello c\r\n250 2.1.0 OK\r\n"
	              "503 5.5.1 MAIL FROM already given\r\n");
	expect(S("HELO c\r\nMAIL <a@x.org>\r\nMAIL\r\nmail from:<a@x.org>\r\n"),
	       BANNER "250 " DOMAIN " Hello c\r\n501 5.5.4 Syntax: MAIL FROM:<address>\r\n"
	              "501 5.5.4 Syntax: MAIL FROM:<address>\r\n250 2.1.0 OK\r\n");
	/* SIZE= is honoured, other parameters ignored, SIZE equal to the cap is fine */
	expect(S("HELO c\r\nMAIL FROM:<a@x.org> SIZE=26214401\r\n"
	         "MAIL FROM:<a@x.org> BODY=8BITMIME size=99999999999999999999999999\r\n"
	         "MAIL FROM:<a@x.org> BODY=8BITMIME SMTPUTF8 SIZE=26214400\r\n"),
	       BANNER "250 " DOMAIN " Hello c\r\n"
	              "552 5.3.4 Message size exceeds fixed maximum message size\r\n"
	              "552 5.3.4 Message size exceeds fixed maximum message size\r\n"
	              "250 2.1.0 OK\r\n");
	expect(S("HELO c\r\nMAIL FROM:<a@x.org> SIZE=12x\r\n"),
	       BANNER "250 " DOMAIN " Hello c\r\n250 2.1.0 OK\r\n");
	char long_from[700];
	int n = snprintf(long_from, sizeof(long_from), "HELO c\r\nMAIL FROM:<%0600d@x>\r\n", 0);
	expect(long_from, (size_t)n,
	       BANNER "250 " DOMAIN " Hello c\r\n501 5.1.7 Bad sender address syntax\r\n");

	/* null sender, bracket-less address, blanks inside brackets */
	struct run r = {BUF_INIT, BUF_INIT, BUF_INIT, 0, SMTP_S_FRESH, 0};
	session(&r,
	        S("HELO c\r\nMAIL FROM:<>\r\nRCPT TO:<b@d>\r\nDATA\r\n.\r\n"
	          "MAIL FROM: plain@x.org\r\nRCPT TO: < b2@d >\r\nDATA\r\nhi\r\n.\r\n"),
	        1, NULL);
	CHECK_STR(r.log.data, "RCPT b@d\nDATA helo=c from=<> tls=0 len=0 rcpts=b@d\n"
	                      "RCPT b2@d\nDATA helo=c from=<plain@x.org> tls=0 len=4 rcpts=b2@d\n");
	run_free(&r);
}

static void test_rcpt(void)
{
	expect(S("HELO c\r\nRCPT TO:<b@d>\r\n"),
	       BANNER "250 " DOMAIN " Hello c\r\n503 5.5.1 Send MAIL FROM first\r\n");
	expect(S("HELO c\r\nMAIL FROM:<a@x>\r\nRCPT <b@d>\r\nRCPT TO:<>\r\nRCPT TO:\r\n"),
	       BANNER "250 " DOMAIN " Hello c\r\n250 2.1.0 OK\r\n"
	              "501 5.5.4 Syntax: RCPT TO:<address>\r\n"
	              "501 5.5.4 Syntax: RCPT TO:<address>\r\n"
	              "501 5.5.4 Syntax: RCPT TO:<address>\r\n");
	expect(S("HELO c\r\nMAIL FROM:<a@x>\r\nRCPT TO:<unknown@d>\r\nRCPT TO:<garbage@d>\r\n"
	         "rcpt to:<ok@d>\r\n"),
	       BANNER "250 " DOMAIN " Hello c\r\n250 2.1.0 OK\r\n"
	              "550 5.1.1 <unknown@d>: Recipient address rejected: User unknown\r\n"
	              "550 5.1.1 Recipient address rejected\r\n250 2.1.5 OK\r\n");
	expect(S("HELO c\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b\x7f@d>\r\n"),
	       BANNER "250 " DOMAIN " Hello c\r\n250 2.1.0 OK\r\n"
	              "501 5.1.3 Bad recipient address syntax\r\n");

	/* the cap counts accepted recipients only; duplicates are kept in order */
	struct smtp_limits lim = {0, 2, 0};
	struct run r = {BUF_INIT, BUF_INIT, BUF_INIT, 0, SMTP_S_FRESH, 0};
	session(&r,
	        S("HELO c\r\nMAIL FROM:<a@x>\r\nRCPT TO:<unknown@d>\r\nRCPT TO:<b@d>\r\n"
	          "RCPT TO:<b@d>\r\nRCPT TO:<c@d>\r\nDATA\r\n.\r\n"),
	        1, &lim);
	CHECK_STR(r.out.data,
	          BANNER "250 " DOMAIN " Hello c\r\n250 2.1.0 OK\r\n"
	                 "550 5.1.1 <unknown@d>: Recipient address rejected: User unknown\r\n"
	                 "250 2.1.5 OK\r\n250 2.1.5 OK\r\n"
	                 "452 4.5.3 Too many recipients\r\n"
	                 "354 Start mail input; end with <CRLF>.<CRLF>\r\n" ACCEPTED);
	CHECK_CONTAINS(r.log.data, "rcpts=b@d,b@d\n");
	CHECK(strstr(r.log.data, "RCPT c@d") == NULL);
	run_free(&r);
}

static void test_data_rset_noop_quit_unknown(void)
{
	expect(S("DATA\r\nHELO c\r\nDATA\r\nMAIL FROM:<a@x>\r\nDATA\r\n"),
	       BANNER "503 5.5.1 Send RCPT TO first\r\n250 " DOMAIN " Hello c\r\n"
	              "503 5.5.1 Send RCPT TO first\r\n250 2.1.0 OK\r\n"
	              "503 5.5.1 Send RCPT TO first\r\n");
	expect(S("HELO c\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@d>\r\nRSET\r\nDATA\r\nRCPT TO:<b@d>\r\n"
	         "MAIL FROM:<a@x>\r\n"),
	       BANNER "250 " DOMAIN " Hello c\r\n250 2.1.0 OK\r\n250 2.1.5 OK\r\n250 2.0.0 OK\r\n"
	              "503 5.5.1 Send RCPT TO first\r\n503 5.5.1 Send MAIL FROM first\r\n"
	              "250 2.1.0 OK\r\n");
	/* RSET before any greeting does not greet */
	expect(S("RSET\r\nNOOP\r\nnoop hello\r\nMAIL FROM:<a@x>\r\n"),
	       BANNER "250 2.0.0 OK\r\n250 2.0.0 OK\r\n250 2.0.0 OK\r\n"
	              "503 5.5.1 Send EHLO/HELO first\r\n");
	/* EHLO in the middle of a transaction resets it */
	expect(S("HELO c\r\nMAIL FROM:<a@x>\r\nHELO c\r\nRCPT TO:<b@d>\r\n"),
	       BANNER "250 " DOMAIN " Hello c\r\n250 2.1.0 OK\r\n250 " DOMAIN " Hello c\r\n"
	              "503 5.5.1 Send MAIL FROM first\r\n");
	expect(S("VRFY root\r\nEXPN staff\r\nAUTH PLAIN AGF\r\nBDAT 10 LAST\r\nHELP\r\nX\r\n"
	         "EHLOX c\r\n"),
	       BANNER "500 5.5.1 Unrecognized command\r\n500 5.5.1 Unrecognized command\r\n"
	              "500 5.5.1 Unrecognized command\r\n500 5.5.1 Unrecognized command\r\n"
	              "500 5.5.1 Unrecognized command\r\n500 5.5.1 Unrecognized command\r\n"
	              "500 5.5.1 Unrecognized command\r\n");
	/* QUIT closes; nothing after it is executed */
	expect(S("NOOP\r\nQuit\r\nNOOP\r\n"), BANNER "250 2.0.0 OK\r\n221 2.0.0 Bye\r\n<CLOSE>");
	expect(S("\r\n\n  \r\n\t\r\nNOOP\r\n"), BANNER "250 2.0.0 OK\r\n");
	/* a NUL inside a command line refuses the line rather than cutting it short */
	expect(S("NOOP\0junk\r\n\0\r\nNOOP\r\n"),
	       BANNER "500 5.5.1 Unrecognized command\r\n500 5.5.1 Unrecognized command\r\n"
	              "250 2.0.0 OK\r\n");

	struct run r = {BUF_INIT, BUF_INIT, BUF_INIT, 0, SMTP_S_FRESH, 0};
	session(&r, S("QUIT\r\n"), 1, NULL);
	CHECK(r.state == SMTP_S_CLOSED);
	run_free(&r);
}

static void test_pipelining(void)
{
	struct run r = {BUF_INIT, BUF_INIT, BUF_INIT, 0, SMTP_S_FRESH, 0};
	session(&r,
	        S("EHLO c.example\r\nMAIL FROM:<a@x.org> BODY=8BITMIME\r\nRCPT TO:<b@d>\r\n"
	          "RCPT TO:<unknown@d>\r\nRCPT TO:<c@d>\r\nDATA\r\nSubject: hi\r\n\r\nbody\r\n.\r\n"
	          "MAIL FROM:<z@x.org>\r\nRCPT TO:<b@d>\r\nDATA\r\nsecond\r\n.\r\nQUIT\r\n"),
	        1, NULL);
	CHECK_STR(r.out.data, BANNER EHLO_TLS
	          "250 2.1.0 OK\r\n250 2.1.5 OK\r\n"
	          "550 5.1.1 <unknown@d>: Recipient address rejected: User unknown\r\n"
	          "250 2.1.5 OK\r\n354 Start mail input; end with <CRLF>.<CRLF>\r\n" ACCEPTED
	          "250 2.1.0 OK\r\n250 2.1.5 OK\r\n"
	          "354 Start mail input; end with <CRLF>.<CRLF>\r\n" ACCEPTED
	          "221 2.0.0 Bye\r\n<CLOSE>");
	CHECK_STR(r.log.data,
	          "RCPT b@d\nRCPT unknown@d\nRCPT c@d\n"
	          "DATA helo=c.example from=<a@x.org> tls=0 len=21 rcpts=b@d,c@d\n"
	          "RCPT b@d\nDATA helo=c.example from=<z@x.org> tls=0 len=8 rcpts=b@d\n");
	CHECK_STR(r.msg.data, "second\r\n");
	run_free(&r);
}

static void test_starttls(void)
{
	expect(S("EHLO c.example\r\nSTARTTLS\r\n"),
	       BANNER EHLO_TLS "220 2.0.0 Ready to start TLS\r\n<TLS>");
	struct run plain = {BUF_INIT, BUF_INIT, BUF_INIT, 0, SMTP_S_FRESH, 0};
	session(&plain, S("STARTTLS\r\nEHLO c.example\r\n"), 0, NULL);
	CHECK_STR(plain.out.data, BANNER "502 5.5.1 STARTTLS not available\r\n" EHLO_PLAIN);
	run_free(&plain);

	/* after the handshake: not greeted, envelope gone, STARTTLS no longer offered, a second
	 * STARTTLS refused, deliveries marked tls */
	struct run r = {BUF_INIT, BUF_INIT, BUF_INIT, 0, SMTP_S_FRESH, 0};
	session(&r,
	        S("EHLO c.example\r\nMAIL FROM:<a@x>\r\nSTARTTLS\r\nMAIL FROM:<a@x>\r\n"
	          "EHLO c.example\r\nRCPT TO:<b@d>\r\nSTARTTLS\r\nMAIL FROM:<a@x>\r\n"
	          "RCPT TO:<b@d>\r\nDATA\r\nx\r\n.\r\n"),
	        1, NULL);
	CHECK_STR(r.out.data, BANNER EHLO_TLS
	          "250 2.1.0 OK\r\n220 2.0.0 Ready to start TLS\r\n<TLS>"
	          "503 5.5.1 Send EHLO/HELO first\r\n" EHLO_PLAIN
	          "503 5.5.1 Send MAIL FROM first\r\n503 5.5.1 TLS already active\r\n"
	          "250 2.1.0 OK\r\n250 2.1.5 OK\r\n"
	          "354 Start mail input; end with <CRLF>.<CRLF>\r\n" ACCEPTED);
	CHECK_STR(r.log.data, "RCPT b@d\nDATA helo=c.example from=<a@x> tls=1 len=3 rcpts=b@d\n");
	run_free(&r);
}

/* CVE-2011-0411: commands pipelined after STARTTLS in the same plaintext packet. */
static void test_starttls_injection(void)
{
	struct run r = {BUF_INIT, BUF_INIT, BUF_INIT, 0, SMTP_S_FRESH, 0};
	struct smtp_callbacks cb = {&r, rec_rcpt, rec_data};
	struct smtp_session s;
	CHECK(smtp_session_init(&s, DOMAIN, 1, NULL, &cb) == 0);
	const char head[] = "EHLO c\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@d>\r\nSTARTTLS\r\n";
	const char in[] = "EHLO c\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@d>\r\nSTARTTLS\r\n"
	                  "RSET\r\nEHLO evil\r\nMAIL FROM:<evil@x>\r\nRCPT TO:<evil@d>\r\n";
	size_t used = 0;
	buf_reset(&s.out);
	CHECK(smtp_session_feed(&s, in, sizeof(in) - 1, &used) == SMTP_STARTTLS);
	CHECK(used == sizeof(head) - 1);
	CHECK(strstr(s.out.data, "250 2.1.5 OK\r\n220 2.0.0 Ready to start TLS\r\n") != NULL);
	CHECK(strstr(s.out.data, "evil") == NULL && strstr(s.out.data, "2.0.0 OK") == NULL);
	CHECK_STR(r.log.data, "RCPT b@d\n");
	buf_reset(&s.out);
	smtp_session_tls_started(&s);
	CHECK(s.state == SMTP_S_FRESH && s.tls_active == 1);
	CHECK(s.mail_from[0] == '\0' && s.nrcpts == 0 && s.helo[0] == '\0');
	CHECK(smtp_session_feed(&s, S("MAIL FROM:<a@x>\r\n"), &used) == SMTP_CONTINUE);
	CHECK_STR(s.out.data, "503 5.5.1 Send EHLO/HELO first\r\n");
	smtp_session_free(&s);
	run_free(&r);
}

static void test_bare_lf_cr(void)
{
	/* bare LF: read to the real end, 554, callback never called, session in sync */
	struct run r = {BUF_INIT, BUF_INIT, BUF_INIT, 0, SMTP_S_FRESH, 0};
	session(&r,
	        S(ENVELOPE "line one\nMAIL FROM:<smuggled@x>\r\n.\r\n"
	                   "MAIL FROM:<a@x.org>\r\nRCPT TO:<c@d>\r\nDATA\r\nok\r\n.\r\n"),
	        1, NULL);
	CHECK_STR(r.out.data,
	          BANNER ENVELOPE_OK BARE "250 2.1.0 OK\r\n250 2.1.5 OK\r\n354 Start mail input; "
	                                  "end with <CRLF>.<CRLF>\r\n" ACCEPTED);
	CHECK_STR(r.log.data, "RCPT b@" DOMAIN "\nRCPT c@d\n"
	                      "DATA helo=c.example from=<a@x.org> tls=0 len=4 rcpts=c@d\n");
	run_free(&r);

	expect(S(ENVELOPE "a\rb\r\n.\r\nNOOP\r\n"), BANNER ENVELOPE_OK BARE "250 2.0.0 OK\r\n");
	expect(S(ENVELOPE "ab\r\r\n.\r\nNOOP\r\n"), BANNER ENVELOPE_OK BARE "250 2.0.0 OK\r\n");
	expect(S(ENVELOPE "ab\r\n.\r.\r\n.\r\nNOOP\r\n"),
	       BANNER ENVELOPE_OK BARE "250 2.0.0 OK\r\n");
	/* "." ended by a bare LF, or after a bare LF, is not the end of data (SMTP smuggling) */
	expect(S(ENVELOPE "ab\r\n.\nMAIL FROM:<smuggled@x>\r\n.\r\nNOOP\r\n"),
	       BANNER ENVELOPE_OK BARE "250 2.0.0 OK\r\n");
	expect(S(ENVELOPE "ab\n.\r\nMAIL FROM:<smuggled@x>\r\n.\r\nNOOP\r\n"),
	       BANNER ENVELOPE_OK BARE "250 2.0.0 OK\r\n");
	expect(S(ENVELOPE "ab\r.\r\nMAIL FROM:<smuggled@x>\r\n.\r\nNOOP\r\n"),
	       BANNER ENVELOPE_OK BARE "250 2.0.0 OK\r\n");
	expect(S(ENVELOPE ".\nNOOP\r\n.\r\nNOOP\r\n"), BANNER ENVELOPE_OK BARE "250 2.0.0 OK\r\n");
	/* an unfinished message answers nothing */
	expect(S(ENVELOPE "ab\r\n.\n"), BANNER ENVELOPE_OK);
}

static void test_data_bytes(void)
{
	struct run r = {BUF_INIT, BUF_INIT, BUF_INIT, 0, SMTP_S_FRESH, 0};
	session(&r, S(ENVELOPE "..a\r\n...\r\n.b\r\n..\r\nx..\r\n\r\n.\r\n"), 1, NULL);
	CHECK_STR(r.out.data, BANNER ENVELOPE_OK ACCEPTED);
	CHECK_STR(r.msg.data, ".a\r\n..\r\n.b\r\n.\r\nx..\r\n\r\n");
	run_free(&r);

	static const char bin[] = "\x00\xff\xc3\xa9\x80 \x00z\r\n\x00\r\n";
	struct buf in = BUF_INIT;
	CHECK(buf_append_str(&in, ENVELOPE) == 0);
	CHECK(buf_append(&in, bin, sizeof(bin) - 1) == 0);
	CHECK(buf_append_str(&in, ".\r\n") == 0);
	struct run b = {BUF_INIT, BUF_INIT, BUF_INIT, 0, SMTP_S_FRESH, 0};
	session(&b, in.data, in.len, 1, NULL);
	CHECK(b.msg.len == sizeof(bin) - 1 && memcmp(b.msg.data, bin, b.msg.len) == 0);
	CHECK_CONTAINS(b.log.data, " len=13 ");
	run_free(&b);
	buf_free(&in);

	struct run empty = {BUF_INIT, BUF_INIT, BUF_INIT, 0, SMTP_S_FRESH, 0};
	session(&empty, S(ENVELOPE ".\r\n"), 1, NULL);
	CHECK_CONTAINS(empty.log.data, " len=0 ");
	CHECK(empty.msg.len == 0);
	run_free(&empty);
}

static void test_size_limit(void)
{
	/* the limit counts bytes after unstuffing: "..abc\r\n" is 6 */
	struct smtp_limits lim = {6, 0, 0};
	struct run r = {BUF_INIT, BUF_INIT, BUF_INIT, 0, SMTP_S_FRESH, 0};
	session(&r,
	        S(ENVELOPE "..abc\r\n.\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@d>\r\nDATA\r\nabcde\r\n"
	                   ".\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@d>\r\nDATA\r\nok\r\n.\r\n"),
	        1, &lim);
	CHECK_CONTAINS(r.out.data, "\r\n250-SIZE 6\r\n");
	CHECK_CONTAINS(r.out.data,
	               ACCEPTED "250 2.1.0 OK\r\n250 2.1.5 OK\r\n"
	                        "354 Start mail input; end with <CRLF>.<CRLF>\r\n"
	                        "552 5.3.4 Message exceeds maximum size\r\n"
	                        "250 2.1.0 OK\r\n250 2.1.5 OK\r\n"
	                        "354 Start mail input; end with <CRLF>.<CRLF>\r\n" ACCEPTED);
	CHECK_CONTAINS(r.log.data, "len=6 ");
	CHECK_CONTAINS(r.log.data, "len=4 ");
	CHECK(strstr(r.log.data, "len=7 ") == NULL);
	CHECK_STR(r.msg.data, "ok\r\n");
	run_free(&r);
}

/* A driver that moves DATA out (a spool): the callback gets only the bytes since the last
 * move, the size cap counts the moved ones, a failed move answers 452, and a new transaction
 * starts from nothing. */
static void test_data_moved(void)
{
	struct smtp_limits lim = {10, 0, 0};
	struct run r = {BUF_INIT, BUF_INIT, BUF_INIT, 0, SMTP_S_FRESH, 0};
	struct smtp_callbacks cb = {&r, rec_rcpt, rec_data};
	struct smtp_session s;
	size_t used;
	CHECK(smtp_session_init(&s, DOMAIN, 0, &lim, &cb) == 0);
	CHECK(smtp_session_feed(&s, S(ENVELOPE "abcd\r\n"), &used) == SMTP_CONTINUE);
	CHECK(s.data.len == 6);
	smtp_session_data_moved(&s);
	CHECK(s.data.len == 0 && s.data_moved == 6);
	CHECK(smtp_session_feed(&s, S("ef\r\n.\r\n"), &used) == SMTP_CONTINUE);
	CHECK_STR(r.msg.data, "ef\r\n");
	CHECK_CONTAINS(s.out.data, ACCEPTED);
	buf_reset(&s.out);
	/* 6 moved + 6 held > 10: 552, though memory never held more than 6 */
	CHECK(smtp_session_feed(&s, S("MAIL FROM:<a@x>\r\nRCPT TO:<b@d>\r\nDATA\r\nabcd\r\n"),
				&used) == SMTP_CONTINUE);
	CHECK(s.data_moved == 0);
	smtp_session_data_moved(&s);
	CHECK(smtp_session_feed(&s, S("efgh\r\n.\r\n"), &used) == SMTP_CONTINUE);
	CHECK_CONTAINS(s.out.data, "552 5.3.4 Message exceeds maximum size\r\n");
	buf_reset(&s.out);
	CHECK(smtp_session_feed(&s, S("MAIL FROM:<a@x>\r\nRCPT TO:<b@d>\r\nDATA\r\nab"), &used) ==
	      SMTP_CONTINUE);
	smtp_session_data_failed(&s, ENOSPC);
	CHECK(smtp_session_feed(&s, S("cd\r\n.\r\n"), &used) == SMTP_CONTINUE);
	CHECK_CONTAINS(s.out.data, "452 4.3.1 Insufficient system storage\r\n");
	smtp_session_free(&s);
	run_free(&r);
}

/* A 10 MiB line inside a 25 MiB cap: only the bounded data buffer holds it. */
static void test_huge_line(void)
{
	size_t body = 10u << 20;
	struct buf in = BUF_INIT;
	CHECK(buf_append_str(&in, ENVELOPE) == 0);
	CHECK(buf_reserve(&in, body + 16) == 0);
	memset(in.data + in.len, 'x', body);
	in.len += body;
	CHECK(buf_append_str(&in, "\r\n.\r\nQUIT\r\n") == 0);
	struct run r = {BUF_INIT, BUF_INIT, BUF_INIT, 0, SMTP_S_FRESH, 0};
	session(&r, in.data, in.len, 1, NULL);
	CHECK_STR(r.out.data, BANNER ENVELOPE_OK ACCEPTED "221 2.0.0 Bye\r\n<CLOSE>");
	CHECK(r.msg.len == body + 2 && r.msg.data[0] == 'x' && r.msg.data[body - 1] == 'x' &&
	      memcmp(r.msg.data + body, "\r\n", 2) == 0);
	run_free(&r);
	buf_free(&in);
}

static void test_command_cap(void)
{
	struct smtp_limits lim = {0, 0, 3};
	/* empty lines do not count; the 4th command is refused and the session closes */
	struct run r = {BUF_INIT, BUF_INIT, BUF_INIT, 0, SMTP_S_FRESH, 0};
	session(&r, S("NOOP\r\n\r\nNOOP\r\n\r\nNOOP\r\nNOOP\r\nNOOP\r\n"), 1, &lim);
	CHECK_STR(r.out.data, BANNER "250 2.0.0 OK\r\n250 2.0.0 OK\r\n250 2.0.0 OK\r\n"
	                             "421 4.7.0 Too many commands\r\n<CLOSE>");
	CHECK(r.state == SMTP_S_CLOSED);
	run_free(&r);

	/* a delivered message renews the budget (our deviation); data lines are not commands */
	struct smtp_limits four = {0, 0, 4};
	const char script[] =
	    ENVELOPE "a\r\nb\r\nc\r\n.\r\nNOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\n";
	struct run ok = {BUF_INIT, BUF_INIT, BUF_INIT, 0, SMTP_S_FRESH, 0};
	session(&ok, script, sizeof(script) - 1, 1, &four);
	CHECK_STR(ok.out.data, BANNER ENVELOPE_OK ACCEPTED
	          "250 2.0.0 OK\r\n250 2.0.0 OK\r\n250 2.0.0 OK\r\n250 2.0.0 OK\r\n"
	          "421 4.7.0 Too many commands\r\n<CLOSE>");
	run_free(&ok);

	/* a refused message (451 from the store, or 554) does not; RCPT lines are not counted
	 * (the recipient cap bounds them), so the envelope costs 3 of a budget of 3 */
	struct smtp_limits three = {0, 0, 3};
	struct run fail = {BUF_INIT, BUF_INIT, BUF_INIT, 1, SMTP_S_FRESH, 0};
	session(&fail, script, sizeof(script) - 1, 1, &three);
	CHECK_STR(fail.out.data, BANNER ENVELOPE_OK "451 4.3.0 Temporary failure, please retry\r\n"
	                                            "421 4.7.0 Too many commands\r\n<CLOSE>");
	run_free(&fail);
	const char bare[] = ENVELOPE "a\nb\r\n.\r\nNOOP\r\n";
	struct run bl = {BUF_INIT, BUF_INIT, BUF_INIT, 0, SMTP_S_FRESH, 0};
	session(&bl, bare, sizeof(bare) - 1, 1, &three);
	CHECK_STR(bl.out.data, BANNER ENVELOPE_OK BARE "421 4.7.0 Too many commands\r\n<CLOSE>");
	run_free(&bl);

	/* the default cap is 50 */
	struct buf many = BUF_INIT;
	for (int i = 0; i < 51; i++)
		CHECK(buf_append_str(&many, "NOOP\r\n") == 0);
	struct run d = {BUF_INIT, BUF_INIT, BUF_INIT, 0, SMTP_S_FRESH, 0};
	session(&d, many.data, many.len, 1, NULL);
	CHECK(d.out.len == strlen(BANNER) + 50 * strlen("250 2.0.0 OK\r\n") +
	                       strlen("421 4.7.0 Too many commands\r\n<CLOSE>"));
	CHECK_CONTAINS(d.out.data, "250 2.0.0 OK\r\n421 4.7.0 Too many commands\r\n<CLOSE>");
	run_free(&d);
	buf_free(&many);
}

static void test_line_too_long(void)
{
	struct buf in = BUF_INIT;
	/* 1022 bytes + CRLF = 1024: fits (unknown command); 1023 + CRLF: too long */
	CHECK(buf_printf(&in, "%01022d\r\n%01023d\r\nNOOP\r\n", 0, 0) == 0);
	CHECK(buf_printf(&in, "MAIL FROM:<%05000d>\r\nNOOP\r\n", 0) == 0);
	struct run r = {BUF_INIT, BUF_INIT, BUF_INIT, 0, SMTP_S_FRESH, 0};
	session(&r, in.data, in.len, 1, NULL);
	CHECK_STR(r.out.data, BANNER "500 5.5.1 Unrecognized command\r\n500 5.5.2 Line too long\r\n"
	                             "250 2.0.0 OK\r\n500 5.5.2 Line too long\r\n250 2.0.0 OK\r\n");
	run_free(&r);
	buf_free(&in);
	/* a bare-LF command line may use the whole 1024 */
	struct buf lf = BUF_INIT;
	CHECK(buf_printf(&lf, "%01023d\n%01024d\nNOOP\r\n", 0, 0) == 0);
	expect(lf.data, lf.len,
	       BANNER "500 5.5.1 Unrecognized command\r\n500 5.5.2 Line too long\r\n"
	              "250 2.0.0 OK\r\n");
	buf_free(&lf);
}

static void test_timeout_shutdown(void)
{
	struct run r = {BUF_INIT, BUF_INIT, BUF_INIT, 0, SMTP_S_FRESH, 0};
	struct smtp_callbacks cb = {&r, rec_rcpt, rec_data};
	struct smtp_session s;
	size_t used = 99;
	CHECK(smtp_session_init(&s, DOMAIN, 1, NULL, &cb) == 0);
	CHECK(smtp_session_feed(&s, S(ENVELOPE "partial"), &used) == SMTP_CONTINUE);
	buf_reset(&s.out);
	CHECK(smtp_session_timeout(&s) == SMTP_CLOSE);
	CHECK_STR(s.out.data, "421 4.4.2 " DOMAIN " Idle timeout exceeded\r\n");
	CHECK(s.state == SMTP_S_CLOSED);
	buf_reset(&s.out);
	CHECK(smtp_session_feed(&s, S("NOOP\r\n"), &used) == SMTP_CLOSE && used == 0);
	CHECK(smtp_session_shutdown(&s, NULL) == SMTP_CLOSE && s.out.len == 0);
	CHECK(r.log.len == strlen("RCPT b@" DOMAIN "\n"));
	smtp_session_free(&s);

	CHECK(smtp_session_init(&s, DOMAIN, 0, NULL, &cb) == 0);
	buf_reset(&s.out);
	CHECK(smtp_session_shutdown(&s, NULL) == SMTP_CLOSE);
	CHECK_STR(s.out.data, "421 4.3.2 " DOMAIN " Service shutting down\r\n");
	smtp_session_free(&s);

	CHECK(smtp_session_init(&s, DOMAIN, 0, NULL, &cb) == 0);
	buf_reset(&s.out);
	CHECK(smtp_session_shutdown(&s, "Too many connections, try again later\r\n250 x") ==
	      SMTP_CLOSE);
	CHECK_STR(s.out.data, "421 4.3.2 " DOMAIN " Too many connections, try again later\r\n");
	smtp_session_free(&s);
	run_free(&r);

	struct smtp_callbacks none = {NULL, NULL, NULL};
	errno = 0;
	CHECK(smtp_session_init(&s, DOMAIN, 0, NULL, &none) == -1 && errno == EINVAL);
	smtp_session_free(&s);
}

static uint32_t lcg(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

/* A random input made of SMTP-shaped pieces (whole transactions, DATA edge cases, commands)
 * and runs of random bytes; returns its length (at most 4096). */
static size_t fuzz_input(uint32_t *seed, unsigned char in[4096])
{
	static const char *const pieces[] = {
	    "EHLO a\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n",
	    "MAIL FROM:<>\r\nRCPT TO:<c@d>\r\nRCPT TO:<x@d>\r\nDATA\r\n",
	    "EHLO a\r\n",
	    "HELO b\r\n",
	    "MAIL FROM:<a@b>\r\n",
	    "MAIL FROM:<a> SIZE=9999\r\n",
	    "RCPT TO:<c@d>\r\n",
	    "RCPT TO:<x@d>\r\n",
	    "DATA\r\n",
	    "STARTTLS\r\n",
	    "RSET\r\n",
	    "NOOP\r\n",
	    "\r\n",
	    "\n",
	    "\r",
	    ".",
	    "..",
	    ".\r\n",
	    "\r\n.\r\n",
	    "\r\n.\n",
	    "\r\n..\r\n",
	    "abc",
	    "\0",
	    "\xff",
	    "<",
	    ">",
	    " ",
	    "VRFY x\r\n"};
	size_t len = 0, parts = lcg(seed) % 80;
	for (size_t p = 0; p < parts && len < 2048; p++) {
		uint32_t pick = lcg(seed);
		if (pick % 11 == 0) {
			size_t run = (pick >> 4) % (pick % 3 ? 40 : 1500);
			for (size_t i = 0; i < run; i++)
				in[len++] = (unsigned char)lcg(seed);
			continue;
		}
		const char *piece = pick % 97 == 1
		                        ? "QUIT\r\n"
		                        : pieces[pick % (sizeof(pieces) / sizeof(pieces[0]))];
		size_t n = piece[0] ? strlen(piece) : 1;
		memcpy(in + len, piece, n);
		len += n;
	}
	return len;
}

/* The fuzz target (tests/fuzz/fuzz_smtp_session.c) must survive and agree with itself on inputs
 * that look like SMTP. */
static void test_fuzz(void)
{
	uint32_t seed = 20240611u;
	int disagreements = 0, failures = 0;
	unsigned char in[4096];
	for (int round = 0; round < 400; round++) {
		int rc = fuzz_smtp_session_one(in, fuzz_input(&seed, in));
		disagreements += rc == 1;
		failures += rc == -1;
	}
	CHECK(disagreements == 0);
	CHECK(failures == 0);
	CHECK(fuzz_smtp_session_one((const unsigned char *)"", 0) == 0);
}

static int pending_rcpt(void *ctx, const char *addr, char reply[SMTP_REPLY_MAX])
{
	(void)ctx;
	(void)addr;
	(void)reply;
	return 0;
}

static int pending_data(void *ctx, const struct smtp_envelope *env, const char *msg,
			size_t len, char reply[SMTP_REPLY_MAX])
{
	int *calls = ctx;
	(*calls)++;
	(void)reply;
	return env->nrcpts == 1 && len == 3 && memcmp(msg, "x\r\n", 3) == 0 ? SMTP_DATA_PENDING : -1;
}

/* The answer comes later: the engine stops at the terminator, keeps the pipelined rest for
 * the driver, and answers only when told (an event-loop driver's path). */
static void test_data_pending(void)
{
	struct smtp_session s;
	int calls = 0;
	struct smtp_callbacks cb = {&calls, pending_rcpt, pending_data};
	static const char in[] = ENVELOPE "x\r\n.\r\nQUIT\r\n";
	CHECK(smtp_session_init(&s, DOMAIN, 1, NULL, &cb) == 0);
	size_t used = 0;
	CHECK(smtp_session_feed(&s, in, strlen(in), &used) == SMTP_PAUSE);
	CHECK(used == strlen(in) - strlen("QUIT\r\n") && calls == 1 && s.state == SMTP_S_WAIT);
	buf_reset(&s.out);
	CHECK(smtp_session_feed(&s, in + used, strlen(in) - used, &used) == SMTP_PAUSE && used == 0);
	CHECK(s.out.len == 0); /* nothing said before the answer */
	smtp_session_data_done(&s, -1, "452 4.3.1 Insufficient system storage");
	CHECK(s.out.len && strncmp(s.out.data, "452 4.3.1", 9) == 0 && s.state == SMTP_S_GREETED);
	buf_reset(&s.out);
	CHECK(smtp_session_feed(&s, "QUIT\r\n", 6, &used) == SMTP_CLOSE);
	CHECK(s.out.len && strncmp(s.out.data, "221", 3) == 0);
	smtp_session_free(&s);
}

void suite_smtp_session(void)
{
	test_data_pending();
	test_greeting_and_helo();
	test_mail();
	test_rcpt();
	test_data_rset_noop_quit_unknown();
	test_pipelining();
	test_starttls();
	test_starttls_injection();
	test_bare_lf_cr();
	test_data_bytes();
	test_size_limit();
	test_data_moved();
	test_huge_line();
	test_command_cap();
	test_line_too_long();
	test_timeout_shutdown();
	test_fuzz();
}
