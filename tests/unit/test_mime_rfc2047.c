/* test_mime_rfc2047.c: unit tests for lib/mime/mime_rfc2047.c (mime_decode_header). */
#include <stdlib.h>

#include "mime/mime.h"
#include "unit.h"

#define CHECK_DECODE(in, want)                                                                     \
	do {                                                                                       \
		char *got_ = mime_decode_header(in);                                               \
		CHECK_STR(got_, want);                                                             \
		free(got_);                                                                        \
	} while (0)

static void words(void)
{
	CHECK_DECODE("plain subject", "plain subject");
	CHECK_DECODE("", "");
	CHECK_DECODE("=?UTF-8?B?SGVsbG8gV29ybGQ=?=", "Hello World");
	CHECK_DECODE("=?utf-8?b?w6k=?=", "\xC3\xA9");
	CHECK_DECODE("=?UTF-8?Q?caf=C3=A9_au_lait?=", "caf\xC3\xA9 au lait");
	CHECK_DECODE("=?utf-8?q?a=3Fb=3d?=", "a?b=");
	CHECK_DECODE("Re: =?ISO-8859-1?Q?Gr=FC=DFe?= from me", "Re: Gr\xC3\xBC\xC3\x9F"
	                                                       "e from me");
	CHECK_DECODE("=?UTF-8*en?Q?hi?=", "hi");
	CHECK_DECODE("=?UTF-8?Q?\?=", "");
	CHECK_DECODE("=?x-unknown?Q?abc=FF?=", "abc\xEF\xBF\xBD");
	CHECK_DECODE("a=?UTF-8?Q?b?=c", "abc"); /* not blank-delimited, still decoded */
}

static void adjacency(void)
{
	CHECK_DECODE("=?UTF-8?Q?a?= =?UTF-8?Q?b?=", "ab");
	CHECK_DECODE("=?UTF-8?Q?a?=\r\n =?UTF-8?Q?b?=", "ab");
	CHECK_DECODE("=?UTF-8?Q?a?=\n\t=?UTF-8?Q?b?=", "ab");
	CHECK_DECODE("=?UTF-8?Q?a?= x =?UTF-8?Q?b?=", "a x b");
	CHECK_DECODE("x =?UTF-8?Q?a?=", "x a");
	/* one character split over two words is joined before conversion */
	CHECK_DECODE("=?UTF-8?Q?=C3?= =?UTF-8?Q?=A9?=", "\xC3\xA9");
	CHECK_DECODE("=?UTF-8?B?4oI=?= =?UTF-8?B?rA==?=", "\xE2\x82\xAC");
	CHECK_DECODE("=?ISO-8859-1?Q?caf=E9?= =?UTF-8?Q?=E2=82=AC?=", "caf\xC3\xA9\xE2\x82\xAC");
	CHECK_DECODE("long\r\n subject", "long subject");
}

static void malformed(void)
{
	CHECK_DECODE("=?UTF-8?X?abc?=", "=?UTF-8?X?abc?=");
	CHECK_DECODE("=?UTF-8?Q?abc", "=?UTF-8?Q?abc");
	CHECK_DECODE("=??Q?x?=", "=??Q?x?=");
	CHECK_DECODE("=?UTF-8?Q?a b?=", "=?UTF-8?Q?a b?=");
	CHECK_DECODE("50% =? off", "50% =? off");
	CHECK_DECODE("=?UTF-8?Q?=ZZ?=", "=ZZ");
	CHECK_DECODE("=?=?UTF-8?Q?ok?=", "=?ok");
	CHECK_DECODE("raw \xFF byte", "raw \xEF\xBF\xBD byte");
	CHECK_DECODE("raw utf-8 \xC3\xA9", "raw utf-8 \xC3\xA9");
}

static void charsets(void)
{
	CHECK_DECODE("=?Shift_JIS?B?gqCCoA==?=", "\xE3\x81\x82\xE3\x81\x82");
	CHECK_DECODE("=?ISO-2022-JP?B?GyRCJCIbKEI=?=", "\xE3\x81\x82");
	CHECK_DECODE("=?EUC-JP?B?pKI=?=", "\xE3\x81\x82");
	CHECK_DECODE("=?KOI8-R?Q?=F0=D2=C9?=", "\xD0\x9F\xD1\x80\xD0\xB8");
	CHECK_DECODE("=?windows-1252?Q?=93q=94?=", "\xE2\x80\x9Cq\xE2\x80\x9D");
	CHECK_DECODE("=?GB2312?B?xOO6ww==?=", "\xE4\xBD\xA0\xE5\xA5\xBD");
	CHECK_DECODE("=?big5?B?pKQ=?=", "\xE4\xB8\xAD");
	CHECK_DECODE("=?EUC-KR?B?sKE=?=", "\xEA\xB0\x80");
	CHECK_DECODE("=?iso-8859-2?q?=B1?=", "\xC4\x85");
}

void suite_mime_rfc2047(void)
{
	words();
	adjacency();
	malformed();
	charsets();
}
