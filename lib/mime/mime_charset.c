/* mime_charset.c: text in a declared charset to valid UTF-8 through libc iconv, bad bytes as
 * U+FFFD. */
#include "mime/mime.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <string.h>

#include "base/utf8.h"

#define REPLACEMENT "\xEF\xBF\xBD"

/* Labels mail uses that musl's iconv does not know, or that mail means more widely than the
 * label says (WHATWG Encoding Standard): ISO-8859-1 is read as Windows-1252, GB2312/GBK as
 * GB18030, EUC-KR as its superset CP949. "utf-8" stands for our own lossy UTF-8 path. */
static const struct {
	const char *label, *iconv_name;
} charset_aliases[] = {
    {"utf-8", "utf-8"},
    {"utf8", "utf-8"},
    {"unicode-1-1-utf-8", "utf-8"},
    {"us-ascii", "utf-8"},
    {"ascii", "utf-8"},
    {"ansi_x3.4-1968", "utf-8"},
    {"iso646-us", "utf-8"},
    {"iso-8859-1", "WINDOWS-1252"},
    {"iso8859-1", "WINDOWS-1252"},
    {"iso_8859-1", "WINDOWS-1252"},
    {"latin1", "WINDOWS-1252"},
    {"l1", "WINDOWS-1252"},
    {"cp819", "WINDOWS-1252"},
    {"ibm819", "WINDOWS-1252"},
    {"latin2", "ISO-8859-2"},
    {"latin3", "ISO-8859-3"},
    {"latin4", "ISO-8859-4"},
    {"latin5", "ISO-8859-9"},
    {"latin6", "ISO-8859-10"},
    {"latin7", "ISO-8859-13"},
    {"latin8", "ISO-8859-14"},
    {"latin9", "ISO-8859-15"},
    {"latin10", "ISO-8859-16"},
    {"iso-8859-8-i", "ISO-8859-8"},
    {"sjis", "SHIFT_JIS"},
    {"x-sjis", "SHIFT_JIS"},
    {"shift-jis", "SHIFT_JIS"},
    {"ms_kanji", "SHIFT_JIS"},
    {"csshiftjis", "SHIFT_JIS"},
    {"windows-31j", "SHIFT_JIS"},
    {"cp932", "SHIFT_JIS"},
    {"x-ms-cp932", "SHIFT_JIS"},
    {"x-euc-jp", "EUC-JP"},
    {"cseucpkdfmtjapanese", "EUC-JP"},
    {"csiso2022jp", "ISO-2022-JP"},
    {"gb2312", "GB18030"},
    {"gbk", "GB18030"},
    {"x-gbk", "GB18030"},
    {"cp936", "GB18030"},
    {"euc-cn", "GB18030"},
    {"x-euc-cn", "GB18030"},
    {"csgb2312", "GB18030"},
    {"chinese", "GB18030"},
    {"big5", "BIG5-HKSCS"},
    {"x-x-big5", "BIG5-HKSCS"},
    {"cn-big5", "BIG5-HKSCS"},
    {"csbig5", "BIG5-HKSCS"},
    {"cp950", "BIG5-HKSCS"},
    {"euc-kr", "CP949"},
    {"ks_c_5601-1987", "CP949"},
    {"ks_c_5601-1989", "CP949"},
    {"ksc5601", "CP949"},
    {"ksc_5601", "CP949"},
    {"korean", "CP949"},
    {"csksc56011987", "CP949"},
    {"windows-949", "CP949"},
    {"uhc", "CP949"},
    {"windows-874", "TIS-620"},
    {"x-cp874", "TIS-620"},
    {"ibm866", "CP866"},
    {"csibm866", "CP866"},
};

/* Lowercase, unquoted, trimmed label into out (empty when it does not fit). */
static void charset_label(const char *charset, char out[64])
{
	size_t n = 0;
	out[0] = '\0';
	while (*charset == ' ' || *charset == '\t' || *charset == '"')
		charset++;
	for (; *charset && *charset != '"' && *charset != ' ' && *charset != '\t'; charset++) {
		if (n == 63)
			return (void)(out[0] = '\0');
		out[n++] = (char)tolower((unsigned char)*charset);
	}
	out[n] = '\0';
}

/* The name to hand iconv for a label: our alias, "x-cp1252" as "cp1252", else the label. */
static const char *charset_iconv_name(const char *label)
{
	for (size_t k = 0; k < sizeof(charset_aliases) / sizeof(charset_aliases[0]); k++)
		if (strcmp(label, charset_aliases[k].label) == 0)
			return charset_aliases[k].iconv_name;
	if (strncmp(label, "x-", 2) == 0 && label[2])
		return label + 2;
	return label;
}

/* UTF-8 as received, every invalid sequence one U+FFFD. */
static int utf8_lossy(const char *in, size_t len, struct buf *out)
{
	size_t k = 0;
	while (k < len) {
		size_t run = k;
		while (run < len && (unsigned char)in[run] < 0x80)
			run++;
		if (buf_append(out, in + k, run - k) < 0)
			return -1;
		k = run;
		if (k == len)
			break;
		size_t used;
		uint32_t cp = utf8_decode(in + k, len - k, &used);
		int bad = cp == UTF8_REPLACEMENT && used == 1;
		if (buf_append(out, bad ? REPLACEMENT : in + k, bad ? 3 : used) < 0)
			return -1;
		k += used;
	}
	return 0;
}

/* Runs cd over the input; each byte iconv refuses becomes one U+FFFD and is skipped. */
static int iconv_lossy(iconv_t cd, const char *in, size_t len, struct buf *out)
{
	char chunk[4096];
	char *ip = (char *)in;
	size_t left = len;
	int flushing = 0;
	for (;;) {
		char *op = chunk;
		size_t room = sizeof(chunk);
		size_t r = flushing ? iconv(cd, NULL, NULL, &op, &room)
		                    : iconv(cd, &ip, &left, &op, &room);
		int err = r == (size_t)-1 ? errno : 0;
		if (buf_append(out, chunk, (size_t)(op - chunk)) < 0)
			return -1;
		if (err == E2BIG)
			continue;
		if (flushing)
			break;
		if (err && left) {
			if (buf_append(out, REPLACEMENT, 3) < 0)
				return -1;
			ip++;
			left--;
			continue;
		}
		flushing = 1;
	}
	return 0;
}

int mime_charset_to_utf8(const char *charset, const char *in, size_t len, struct buf *out)
{
	char label[64];
	if (!len)
		return 0;
	charset_label(charset ? charset : "", label);
	const char *name = charset_iconv_name(label);
	if (!name[0] || strcmp(name, "utf-8") == 0)
		return utf8_lossy(in, len, out);
	iconv_t cd = iconv_open("UTF-8", name);
	if (cd == (iconv_t)-1)
		return utf8_lossy(in, len, out);
	/* Some iconvs copy a charset they take for UTF-8 without checking it: check what this
	 * call appended, and only in that rare case redo it byte by byte. */
	size_t start = out->len;
	int rc = iconv_lossy(cd, in, len, out);
	iconv_close(cd);
	if (rc == 0 && !utf8_valid(out->data + start, out->len - start)) {
		out->len = start;
		out->data[start] = '\0';
		rc = utf8_lossy(in, len, out);
	}
	return rc;
}
