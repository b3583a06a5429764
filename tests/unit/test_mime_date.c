/* test_mime_date.c: unit tests for lib/mime/mime_date.c (RFC 5322 dates to RFC 3339). */
#include "mime/mime.h"
#include "unit.h"

#define CHECK_DATE(in, want)                                                                       \
	do {                                                                                       \
		char out_[40] = "(unparsed)";                                                      \
		CHECK(mime_date_to_rfc3339(in, out_) == 0);                                        \
		CHECK_STR(out_, want);                                                             \
	} while (0)

#define CHECK_BAD_DATE(in)                                                                         \
	do {                                                                                       \
		char out_[40];                                                                     \
		CHECK(mime_date_to_rfc3339(in, out_) == -1);                                       \
	} while (0)

static void current_forms(void)
{
	CHECK_DATE("Wed, 1 Jan 2025 12:00:00 +0000", "2025-01-01T12:00:00Z");
	CHECK_DATE("Tue, 01 Jul 2003 10:52:37 +0200", "2003-07-01T10:52:37+02:00");
	CHECK_DATE("Fri, 21 Nov 1997 09:55:06 -0600", "1997-11-21T09:55:06-06:00");
	CHECK_DATE("Thu, 2 Oct 2025 23:59:59 +0530", "2025-10-02T23:59:59+05:30");
	CHECK_DATE("Sat, 4 Jan 2025 00:00:00 -0000", "2025-01-04T00:00:00Z");
	CHECK_DATE("Mon, 6 Jan 2025 08:00:00 -0330", "2025-01-06T08:00:00-03:30");
	CHECK_DATE("  Mon,  6  Jan  2025  08:00:00  +0100  ", "2025-01-06T08:00:00+01:00");
	CHECK_DATE("Thu, 29 Feb 2024 10:00:00 +0000", "2024-02-29T10:00:00Z");
	CHECK_DATE("Sun, 1 Dec 2024 10:00:60 +0000", "2024-12-01T10:00:60Z"); /* leap second */
	CHECK_DATE("Mon, 6 Jan 2025 08:00:00 +0100 (CET)", "2025-01-06T08:00:00+01:00");
}

static void obsolete_forms(void)
{
	CHECK_DATE("1 Jan 2025 12:00:00 +0000", "2025-01-01T12:00:00Z"); /* no weekday */
	CHECK_DATE("Wed 1 Jan 2025 12:00:00 +0000", "2025-01-01T12:00:00Z");
	CHECK_DATE("1 Jan 2025 12:00 -0800", "2025-01-01T12:00:00-08:00"); /* no seconds */
	CHECK_DATE("Fri, 21 Nov 97 09:55:06 GMT", "1997-11-21T09:55:06Z");
	CHECK_DATE("21 Nov 03 09:55:06 EST", "2003-11-21T09:55:06-05:00");
	CHECK_DATE("1 Jan 49 00:00:00 +0000", "2049-01-01T00:00:00Z");
	CHECK_DATE("1 Jan 50 00:00:00 +0000", "1950-01-01T00:00:00Z");
	CHECK_DATE("1 Jan 103 00:00:00 +0000", "2003-01-01T00:00:00Z");
	CHECK_DATE("1 Jul 2025 12:00:00 EDT", "2025-07-01T12:00:00-04:00");
	CHECK_DATE("1 Jul 2025 12:00:00 CST", "2025-07-01T12:00:00-06:00");
	CHECK_DATE("1 Jul 2025 12:00:00 CDT", "2025-07-01T12:00:00-05:00");
	CHECK_DATE("1 Jul 2025 12:00:00 MST", "2025-07-01T12:00:00-07:00");
	CHECK_DATE("1 Jul 2025 12:00:00 MDT", "2025-07-01T12:00:00-06:00");
	CHECK_DATE("1 Jul 2025 12:00:00 PST", "2025-07-01T12:00:00-08:00");
	CHECK_DATE("1 Jul 2025 12:00:00 pdt", "2025-07-01T12:00:00-07:00");
	CHECK_DATE("1 Jul 2025 12:00:00 UT", "2025-07-01T12:00:00Z");
	CHECK_DATE("1 Jul 2025 12:00:00 UTC", "2025-07-01T12:00:00Z");
	CHECK_DATE("1 Jul 2025 12:00:00 A", "2025-07-01T12:00:00Z"); /* military: -0000 */
	CHECK_DATE("1 Jul 2025 12:00:00", "2025-07-01T12:00:00Z");   /* no zone */
	CHECK_DATE("1 Jul 2025 12:00:00 +01:00", "2025-07-01T12:00:00+01:00");
	CHECK_DATE("mon, 6 JAN 2025 8:05:09 +0000", "2025-01-06T08:05:09Z");
	CHECK_DATE("6 January 2025 08:05 +0000", "2025-01-06T08:05:00Z");
	CHECK_DATE("6-Jan-2025 08:05:00 +0000", "2025-01-06T08:05:00Z");
	CHECK_DATE("(sent) Mon, 6 Jan 2025 08:05:00 +0000", "2025-01-06T08:05:00Z");
}

static void unparseable(void)
{
	CHECK_BAD_DATE(NULL);
	CHECK_BAD_DATE("");
	CHECK_BAD_DATE("garbage");
	CHECK_BAD_DATE("2025-01-01T12:00:00Z");
	CHECK_BAD_DATE("32 Jan 2025 12:00:00 +0000");
	CHECK_BAD_DATE("0 Jan 2025 12:00:00 +0000");
	CHECK_BAD_DATE("29 Feb 2023 12:00:00 +0000");
	CHECK_BAD_DATE("31 Apr 2025 12:00:00 +0000");
	CHECK_BAD_DATE("1 Foo 2025 12:00:00 +0000");
	CHECK_BAD_DATE("1 Jan 2025 24:00:00 +0000");
	CHECK_BAD_DATE("1 Jan 2025 12:60:00 +0000");
	CHECK_BAD_DATE("1 Jan 2025 12:00:61 +0000");
	CHECK_BAD_DATE("1 Jan 2025 12 +0000");
	CHECK_BAD_DATE("1 Jan 2025 12:00:00 +2500");
	CHECK_BAD_DATE("1 Jan 2025 12:00:00 +0075");
	CHECK_BAD_DATE("1 Jan 2025 12:00:00 +01");
	CHECK_BAD_DATE("1 Jan 20251 12:00:00 +0000");
	CHECK_BAD_DATE("1 Jan 5 12:00:00 +0000");
	CHECK_BAD_DATE("Mon, Jan 2025 12:00:00 +0000");
}

void suite_mime_date(void)
{
	current_forms();
	obsolete_forms();
	unparseable();
}
