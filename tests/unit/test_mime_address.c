/* test_mime_address.c: unit tests for lib/mime/mime_address.c (address lists and their formatting). */
#include <stdlib.h>

#include "mime/mime.h"
#include "unit.h"

/* Parses value and returns the formatted entries joined with " | " (malloc'd). */
static char *formatted(const char *value, size_t *count)
{
	struct mime_address *list = NULL;
	size_t n = 99;
	struct buf b = BUF_INIT;
	if (mime_parse_addresses(value, &list, &n) < 0)
		return strdup("(error)");
	buf_append_str(&b, "");
	for (size_t k = 0; k < n; k++) {
		char *one = mime_address_format(&list[k]);
		buf_printf(&b, "%s%s", k ? " | " : "", one ? one : "(null)");
		free(one);
	}
	mime_addresses_free(list, n);
	if (count)
		*count = n;
	return buf_steal(&b);
}

#define CHECK_ADDRS(value, want)                                                                   \
	do {                                                                                       \
		char *got_ = formatted(value, NULL);                                               \
		CHECK_STR(got_, want);                                                             \
		free(got_);                                                                        \
	} while (0)

static void mailboxes(void)
{
	CHECK_ADDRS("a@example.com", "a@example.com");
	CHECK_ADDRS("John Doe <john@example.com>", "John Doe <john@example.com>");
	CHECK_ADDRS("<john@example.com>", "john@example.com");
	CHECK_ADDRS("\"Doe, John\" <j@x.org>, b@y.org", "Doe, John <j@x.org> | b@y.org");
	CHECK_ADDRS("\"a \\\"q\\\" b\" <a@b.c>", "a \"q\" b <a@b.c>");
	CHECK_ADDRS("Joe Q. Public <jqp@x.net>", "Joe Q. Public <jqp@x.net>");
	CHECK_ADDRS("John   (the man)  Smith <js@x.net>", "John Smith <js@x.net>");
	CHECK_ADDRS("j@x.net (John)", "j@x.net");
	CHECK_ADDRS("john . doe @ example . com", "john.doe@example.com");
	CHECK_ADDRS("\"john doe\"@example.com", "\"john doe\"@example.com");
	CHECK_ADDRS("<@route.a,@route.b:user@host.c>", "user@host.c");
	CHECK_ADDRS("Pete <pete(his account)@silly.test(his host)>", "Pete <pete@silly.test>");
	CHECK_ADDRS("a@[IPv6:::1]", "a@[IPv6:::1]");
	CHECK_ADDRS("Mail Delivery <>", "Mail Delivery");
	CHECK_ADDRS("a@x.org,,, b@y.org ,", "a@x.org | b@y.org");
}

static void encoded_names(void)
{
	CHECK_ADDRS("=?UTF-8?Q?J=C3=B6rg?= <j@x.de>", "J\xC3\xB6rg <j@x.de>");
	CHECK_ADDRS("\"=?utf-8?B?w4lsb2RpZQ==?=\" <e@x.fr>", "\xC3\x89lodie <e@x.fr>");
	CHECK_ADDRS("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>",
	            "Andr\xC3\xA9 Pirard <PIRARD@vm1.ulg.ac.be>");
	CHECK_ADDRS("=?UTF-8?Q?a?= =?UTF-8?Q?b?= <ab@x.org>", "ab <ab@x.org>");
	CHECK_ADDRS("=?Shift_JIS?B?gqCCoA==?= <jp@x.jp>", "\xE3\x81\x82\xE3\x81\x82 <jp@x.jp>");
	CHECK_ADDRS("caf\xE9 <c@x.org>", "caf\xEF\xBF\xBD <c@x.org>");
	CHECK_ADDRS("b\xFF@x.org", "b\xEF\xBF\xBD@x.org");
}

static void groups(void)
{
	CHECK_ADDRS("A Group: a@x.org, B <b@y.org>; c@z.org", "a@x.org | B <b@y.org> | c@z.org");
	CHECK_ADDRS("undisclosed-recipients:;", "undisclosed-recipients");
	CHECK_ADDRS("Team:a@x.org", "a@x.org"); /* unterminated group */
	struct mime_address *list = NULL;
	size_t n = 0;
	CHECK(mime_parse_addresses("undisclosed-recipients:;", &list, &n) == 0 && n == 1);
	CHECK(n == 1 && list[0].addr[0] == '\0');
	CHECK(n == 1 && list[0].name && strcmp(list[0].name, "undisclosed-recipients") == 0);
	mime_addresses_free(list, n);
}

static void garbage(void)
{
	size_t n = 99;
	char *s = formatted(NULL, &n);
	CHECK(n == 0 && s[0] == '\0');
	free(s);
	s = formatted("   ", &n);
	CHECK(n == 0);
	free(s);
	CHECK_ADDRS("\"unterminated <a@b.c>", "\"unterminated <a@b.c>");
	CHECK_ADDRS("Name <a@b.c", "Name <a@b.c>");
	CHECK_ADDRS("(never closed a@b.c", "");
	CHECK_ADDRS("<<<>>>", ">> <<<>");
	CHECK_ADDRS(":;:;,,;", ";");

	struct buf many = BUF_INIT;
	for (int k = 0; k < MIME_MAX_ADDRESSES + 50; k++)
		buf_printf(&many, "u%d@x.org,", k);
	struct mime_address *list = NULL;
	CHECK(mime_parse_addresses(many.data, &list, &n) == 0 && n == MIME_MAX_ADDRESSES);
	CHECK(n && strcmp(list[n - 1].addr, "u9999@x.org") == 0);
	mime_addresses_free(list, n);
	buf_free(&many);
}

static void format(void)
{
	struct mime_address named = {"Ann", "ann@x.org"}, bare = {NULL, "b@x.org"};
	struct mime_address empty_name = {"", "c@x.org"};
	char *s = mime_address_format(&named);
	CHECK_STR(s, "Ann <ann@x.org>");
	free(s);
	s = mime_address_format(&bare);
	CHECK_STR(s, "b@x.org");
	free(s);
	s = mime_address_format(&empty_name);
	CHECK_STR(s, "c@x.org");
	free(s);
}

void suite_mime_address(void)
{
	mailboxes();
	encoded_names();
	groups();
	garbage();
	format();
}
