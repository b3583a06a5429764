/* test_ingest_parts.c: unit tests for routing, slugs, attachment names, message ids and frontmatter. */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "conf/config_load.h"
#include "store/filename.h"
#include "store/frontmatter.h"
#include "mime/msgid.h"
#include "store/route.h"
#include "unit.h"

static const char route_cfg[] = "domain = \"test.com\"\n"
				 "[mailboxes.catchall]\naddress = \"*@test.com\"\nowner = \"nobody\"\n"
				 "[mailboxes.alice]\naddress = \"Alice@test.com\"\nowner = \"nobody\"\n"
				 "[mailboxes.support-team]\naddress = \"help@test.com\"\nowner = \"nobody\"\n"
				 "[mailboxes.ghost]\naddress = \"ghost@test.com\"\nowner = \"no-such-user-x\"\n";

static void test_route(void)
{
	struct config cfg;
	struct config_report rep = {0};
	CHECK(config_parse(route_cfg, strlen(route_cfg), "t", &cfg, &rep) == 0);
	config_report_free(&rep);
	const struct mailbox *mb;
	CHECK(route_recipient(&cfg, "alice@test.com", &mb) == ROUTE_OK && strcmp(mb->name, "alice") == 0);
	CHECK(route_recipient(&cfg, "ALICE@TEST.COM", &mb) == ROUTE_OK && strcmp(mb->name, "alice") == 0);
	/* DECISIONS 1: by address, not by name */
	CHECK(route_recipient(&cfg, "help@test.com", &mb) == ROUTE_OK &&
	      strcmp(mb->name, "support-team") == 0);
	CHECK(route_recipient(&cfg, "support-team@test.com", &mb) == ROUTE_OK &&
	      strcmp(mb->name, "catchall") == 0);
	/* inactive owner never matches: falls to the catchall */
	CHECK(route_recipient(&cfg, "ghost@test.com", &mb) == ROUTE_OK &&
	      strcmp(mb->name, "catchall") == 0);
	CHECK(route_recipient(&cfg, "a@other.com", &mb) == ROUTE_FOREIGN && mb == NULL);
	CHECK(route_recipient(&cfg, "a@sub.test.com", &mb) == ROUTE_FOREIGN);
	CHECK(route_recipient(&cfg, "test.com", &mb) == ROUTE_FOREIGN);
	CHECK(route_recipient(&cfg, "x@y@test.com", &mb) == ROUTE_OK);
	CHECK(route_recipient(&cfg, "", &mb) == ROUTE_EMPTY);
	/* without a catchall: unknown user */
	cfg.mailboxes[0].inactive = 1;
	CHECK(route_recipient(&cfg, "bob@test.com", &mb) == ROUTE_UNKNOWN_USER);
	config_free(&cfg);
}

static void test_slug(void)
{
	char s[SLUG_BUF];
	struct { const char *in, *want; } cases[] = {
		{"Hello World", "hello-world"},
		{"Invoice #123 for 2025", "invoice-123-for-2025"},
		{"This is a very long subject line indeed", "this-is-a-very-long"},
		{"!!!", "no-subject"},
		{"", "no-subject"},
		{NULL, "no-subject"},
		{"(no subject)", "no-subject"},
		{"  --Ünïcödé Straße--  ", "ünïcödé-straße"},
		{"日本語の件名です", "日本語の件名です"},
		{"Re: [list] Weekly  report", "re-list-weekly-repor"},
		{"a\xff\xfe" "b", "a-b"},
		{"12345678901234567890123", "12345678901234567890"},
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		filename_slug(cases[k].in, s);
		CHECK_STR(s, cases[k].want);
	}
}

static void test_attachment_names(void)
{
	char out[ATTACHMENT_NAME_BUF];
	struct { const char *in, *want; } cases[] = {
		{"report.pdf", "report.pdf"},
		{"../../etc/passwd", "passwd"},
		{"..\\..\\windows\\system.ini", "system.ini"},
		{".hidden", "hidden"},
		{"..", "attachment-3"},
		{"", "attachment-3"},
		{"  spaced name .txt  ", "spaced name .txt"},
		{"a\x01\x02" "b.txt", "a_b.txt"},
		{"evil\xe2\x80\xae" "fdp.exe", "evil_fdp.exe"},
		{"zero\xe2\x80\x8bwidth", "zero_width"},
		{"_-._x_-.", "x"},
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		filename_attachment(cases[k].in, strlen(cases[k].in), 3, out);
		CHECK_STR(out, cases[k].want);
	}
	filename_attachment(NULL, 0, 7, out);
	CHECK_STR(out, "attachment-7");
	char nul_name[] = {'a', '\0', 'b', '.', 't', 'x', 't'};
	filename_attachment(nul_name, sizeof(nul_name), 0, out);
	CHECK_STR(out, "a_b.txt");
	char longname[600];
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	filename_attachment(longname, strlen(longname), 0, out);
	CHECK(strlen(out) == ATTACHMENT_NAME_MAX);
	/* the cap never splits a UTF-8 character */
	char wide[600] = "";
	for (int k = 0; k < 150; k++)
		strcat(wide, "\xc3\xa9");
	filename_attachment(wide, strlen(wide), 0, out);
	CHECK(strlen(out) == ATTACHMENT_NAME_MAX && (unsigned char)out[ATTACHMENT_NAME_MAX - 2] == 0xc3);
	CHECK(filename_with_counter("notes.txt", 2, out) == 0);
	CHECK_STR(out, "notes-2.txt");
	CHECK(filename_with_counter("README", 1, out) == 0);
	CHECK_STR(out, "README-1");
	CHECK(filename_with_counter("a.tar.gz", 3, out) == 0);
	CHECK_STR(out, "a.tar-3.gz");
}

static void test_msgid(void)
{
	struct strlist l = {0};
	CHECK(msgid_list("<a@x> <b@y>\r\n\t<c@z>", &l) == 0);
	CHECK(l.n == 3 && strcmp(l.v[0], "a@x") == 0 && strcmp(l.v[2], "c@z") == 0);
	strlist_free(&l);
	CHECK(msgid_list("  bare@id  ", &l) == 0 && l.n == 1 && strcmp(l.v[0], "bare@id") == 0);
	strlist_free(&l);
	CHECK(msgid_list("<>", &l) == 0 && l.n == 0);
	CHECK(msgid_list(NULL, &l) == 0 && l.n == 0);
	char t[THREAD_ID_LEN + 1];
	msgid_thread_id(NULL, NULL, "abc123@example.com", t);
	CHECK_STR(t, "5e8ba5eb6cc1fd88");
	msgid_thread_id(NULL, NULL, "", t);
	CHECK_STR(t, "e3b0c44298fc1c14");
	/* DECISIONS 5: the first References id is the root, before In-Reply-To */
	msgid_thread_id("abc123@example.com", "later@x", "own@x", t);
	CHECK_STR(t, "5e8ba5eb6cc1fd88");
	msgid_thread_id("", "abc123@example.com", "own@x", t);
	CHECK_STR(t, "5e8ba5eb6cc1fd88");
}

static void test_frontmatter(void)
{
	struct fm_attachment att = {"notes.txt", "text/plain", 19, "notes.txt"};
	struct inbound_meta m = {
		.id = "2025-01-01-120001-with-attachment", .message_id = "att123@example.com",
		.thread_id = "56d0910221c60fa2", .from = "sender@example.com",
		.to = "alice@test.com", .cc = "", .delivered_to = "alice@test.com",
		.subject = "With Attachment", .date = "2025-01-01T12:00:00Z",
		.received_at = "2025-01-01T12:00:01Z", .received_from_ip = "203.0.113.5",
		.size_bytes = 472, .dkim = "none", .spf = "none", .dmarc = "none",
		.trusted = "none", .mailbox = "alice", .attachments = &att, .nattachments = 1,
	};
	struct buf b = BUF_INIT;
	CHECK(frontmatter_write_inbound(&b, &m) == 0);
	CHECK(frontmatter_append_body(&b, "Email with attachment.", 22) == 0);
	CHECK_STR(b.data, "+++\n"
			  "id = \"2025-01-01-120001-with-attachment\"\n"
			  "message_id = \"att123@example.com\"\n"
			  "thread_id = \"56d0910221c60fa2\"\n"
			  "from = \"sender@example.com\"\n"
			  "to = \"alice@test.com\"\n"
			  "delivered_to = \"alice@test.com\"\n"
			  "subject = \"With Attachment\"\n"
			  "date = \"2025-01-01T12:00:00Z\"\n"
			  "received_at = \"2025-01-01T12:00:01Z\"\n"
			  "received_from_ip = \"203.0.113.5\"\n"
			  "size_bytes = 472\n"
			  "dkim = \"none\"\n"
			  "spf = \"none\"\n"
			  "dmarc = \"none\"\n"
			  "trusted = \"none\"\n"
			  "mailbox = \"alice\"\n"
			  "read = false\n"
			  "\n[[attachments]]\n"
			  "filename = \"notes.txt\"\n"
			  "content_type = \"text/plain\"\n"
			  "size = 19\n"
			  "path = \"notes.txt\"\n"
			  "+++\n\nEmail with attachment.\n");
	buf_reset(&b);
	struct inbound_meta q = {.subject = "say \"hi\"", .from = "it's \"x\"\nnext", .cc = "a@b"};
	CHECK(frontmatter_write_inbound(&b, &q) == 0);
	CHECK_CONTAINS(b.data, "subject = 'say \"hi\"'\n");
	CHECK_CONTAINS(b.data, "from = \"it's \\\"x\\\"\\nnext\"\n");
	CHECK_CONTAINS(b.data, "cc = \"a@b\"\n");
	CHECK(strstr(b.data, "received_from_ip") == NULL);
	buf_reset(&b);
	CHECK(frontmatter_append_body(&b, "ends\n", 5) == 0 && strcmp(b.data, "ends\n") == 0);
	buf_free(&b);
}

void suite_ingest_parts(void)
{
	setlocale(LC_CTYPE, "C.UTF-8"); /* glibc's wctype needs it; musl's is always Unicode */
	test_route();
	test_slug();
	test_attachment_names();
	test_msgid();
	test_frontmatter();
}
