/* test_smtp_client.c: unit tests for the SMTP client's reply parser (lib/net/smtp_client.c). */
#include "net/smtp_client.h"
#include "unit.h"

/* Feeds text; returns the last feed result. */
static int feed(struct smtp_reply *r, const char *text)
{
	int rc = 0;
	smtp_client_reply_reset(r);
	for (const char *p = text; *p && rc == 0; p++)
		rc = smtp_client_reply_feed(r, *p);
	return rc;
}

void suite_smtp_client(void)
{
	struct smtp_reply r;
	CHECK(feed(&r, "220 mx.example.org ESMTP ready\r\n") == 1 && r.code == 220);
	CHECK_STR(r.text, "mx.example.org ESMTP ready");
	CHECK(feed(&r, "250-mx.example.org\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 SIZE 1000\r\n") == 1);
	CHECK(r.code == 250 && r.starttls && r.pipelining);
	CHECK_STR(r.text, "mx.example.org / PIPELINING / STARTTLS / SIZE 1000");
	CHECK(feed(&r, "250-a\r\n250-STARTTLSX\r\n250 b\r\n") == 1 && !r.starttls);
	CHECK(feed(&r, "250\n") == 1 && r.code == 250); /* bare LF, no text */
	CHECK(feed(&r, "250-a\r\n251 b\r\n") == -1);     /* codes must agree */
	CHECK(feed(&r, "25x ok\r\n") == -1);
	CHECK(feed(&r, "250_ok\r\n") == -1);
	CHECK(feed(&r, "554-first\r\n") == 0 && r.code == 554); /* more lines to come */
	char longline[SMTP_CLIENT_LINE_MAX + 10];
	memset(longline, 'a', sizeof(longline));
	longline[0] = '2', longline[1] = '5', longline[2] = '0', longline[3] = ' ';
	longline[sizeof(longline) - 1] = '\0';
	CHECK(feed(&r, longline) == -1);
}
