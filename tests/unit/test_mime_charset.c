/* test_mime_charset.c: unit tests for lib/mime/mime_charset.c (mime_charset_to_utf8 over libc iconv). */
#include <stdlib.h>

#include "mime/mime.h"
#include "unit.h"

/* mime_charset_to_utf8 of n bytes, as a malloc'd string ("(error)" on failure). */
static char *conv(const char *charset, const char *in, size_t n)
{
	struct buf b = BUF_INIT;
	if (buf_append_str(&b, "") < 0 || mime_charset_to_utf8(charset, in, n, &b) < 0) {
		buf_free(&b);
		return strdup("(error)");
	}
	return buf_steal(&b);
}

#define CHECK_CONV(charset, in, want)                                                              \
	do {                                                                                       \
		char *got_ = conv(charset, in, sizeof(in) - 1);                                    \
		CHECK_STR(got_, want);                                                             \
		free(got_);                                                                        \
	} while (0)

static void utf8_and_unknown(void)
{
	CHECK_CONV(NULL, "plain caf\xC3\xA9 \xE2\x82\xAC", "plain caf\xC3\xA9 \xE2\x82\xAC");
	CHECK_CONV("utf-8", "a\xFFz", "a\xEF\xBF\xBDz");
	CHECK_CONV("UTF8", "a\xC3", "a\xEF\xBF\xBD");
	CHECK_CONV("utf-8", "\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); /* surrogate */
	CHECK_CONV("utf-8", "\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD");                 /* overlong */
	CHECK_CONV("utf-8", "keep \xEF\xBF\xBD", "keep \xEF\xBF\xBD");
	CHECK_CONV("us-ascii", "ascii says caf\xC3\xA9", "ascii says caf\xC3\xA9");
	CHECK_CONV("x-no-such-charset", "abc\xFF", "abc\xEF\xBF\xBD");
	CHECK_CONV("", "abc", "abc");
	char *nul = conv("utf-8", "a\0b", 3);
	CHECK(nul[0] == 'a' && nul[1] == '\0' && nul[2] == 'b');
	free(nul);

	struct buf b = BUF_INIT;
	CHECK(buf_append_str(&b, "keep:") == 0);
	CHECK(mime_charset_to_utf8("iso-8859-1", "", 0, &b) == 0);
	CHECK(mime_charset_to_utf8("iso-8859-1", "\xE9", 1, &b) == 0);
	CHECK_STR(b.data, "keep:\xC3\xA9");
	buf_free(&b);
}

static void single_byte(void)
{
	CHECK_CONV("ISO-8859-1", "caf\xE9", "caf\xC3\xA9");
	CHECK_CONV("latin1",
	           "\xFC"
	           "ber",
	           "\xC3\xBC"
	           "ber");
	/* ISO-8859-1 is read as Windows-1252 (WHATWG): 0x80 is the euro sign, not a C1 control. */
	CHECK_CONV("iso-8859-1", "\x80", "\xE2\x82\xAC");
	CHECK_CONV("Windows-1252", "\x93hi\x94 \x96", "\xE2\x80\x9Chi\xE2\x80\x9D \xE2\x80\x93");
	CHECK_CONV("cp1252", "\x80", "\xE2\x82\xAC");
	CHECK_CONV("x-cp1252", "\x80", "\xE2\x82\xAC");
	CHECK_CONV("windows-1252", "a\x81z", "a\xEF\xBF\xBDz"); /* no character at 0x81 */
	CHECK_CONV("\"windows-1251\"", "\xCF\xF0\xE8", "\xD0\x9F\xD1\x80\xD0\xB8");
	CHECK_CONV("windows-1250", "\x9A", "\xC5\xA1");
	CHECK_CONV("KOI8-R", "\xF0\xD2\xC9", "\xD0\x9F\xD1\x80\xD0\xB8");
	CHECK_CONV("koi8-u", "\xA4", "\xD1\x94");
	CHECK_CONV("iso-8859-2", "\xB1", "\xC4\x85");
	CHECK_CONV("ISO_8859-15", "\xA4", "\xE2\x82\xAC");
	CHECK_CONV("latin2", "\xB1", "\xC4\x85");
	CHECK_CONV("iso-8859-7", "\xE1", "\xCE\xB1");
	CHECK_CONV("ibm866", "\x8F", "\xD0\x9F");
}

static void multi_byte(void)
{
	/* Shift_JIS 0x5C/0x7E differ between libcs (yen vs backslash); the tests avoid them. */
	CHECK_CONV("Shift_JIS", "\x82\xA0\x93\xFA\x96\x7B", "\xE3\x81\x82\xE6\x97\xA5\xE6\x9C\xAC");
	CHECK_CONV("x-sjis", "\x82\xA0", "\xE3\x81\x82");
	CHECK_CONV("ms_kanji", "\x82\xA0", "\xE3\x81\x82");
	CHECK_CONV("windows-31j", "\x82\xA0", "\xE3\x81\x82");
	CHECK_CONV("shift_jis", "a\x82", "a\xEF\xBF\xBD"); /* cut in the middle of a character */
	CHECK_CONV("EUC-JP", "\xA4\xA2", "\xE3\x81\x82");
	CHECK_CONV("x-euc-jp", "\xA4\xA2", "\xE3\x81\x82");
	CHECK_CONV("ISO-2022-JP", "\x1B$B$\"F|\x1B(B!", "\xE3\x81\x82\xE6\x97\xA5!");
	CHECK_CONV("gb2312", "\xC4\xE3\xBA\xC3", "\xE4\xBD\xA0\xE5\xA5\xBD");
	CHECK_CONV("GB2312", "\x81\x40", "\xE4\xB8\x82"); /* a GBK character under a GB2312 label */
	CHECK_CONV("gbk", "\xC4\xE3", "\xE4\xBD\xA0");
	CHECK_CONV("GB18030", "\x81\x30\x81\x30", "\xC2\x80");
	CHECK_CONV("Big5", "\xA4\xA4\xA4\xE5", "\xE4\xB8\xAD\xE6\x96\x87");
	CHECK_CONV("EUC-KR", "\xB0\xA1", "\xEA\xB0\x80");
	CHECK_CONV("ks_c_5601-1987", "\xB0\xA1", "\xEA\xB0\x80");
	CHECK_CONV("euc-kr", "\x81\x41", "\xEA\xB0\x82"); /* a CP949 extension */
	CHECK_CONV("utf-16le", "a\0", "a");
#ifndef __GLIBC__
	/* musl (what ships) has no UTF-7: the label is unknown, the bytes pass as UTF-8. glibc
	 * decodes it, so this assertion runs only on musl. */
	CHECK_CONV("utf-7", "a+AOk-", "a+AOk-");
#endif
}

void suite_mime_charset(void)
{
	utf8_and_unknown();
	single_byte();
	multi_byte();
}
