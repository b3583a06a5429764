/* mime_html_entity.c: HTML character references (&name; and &#N; / &#xN;) to code points. */
#include "mime/mime.h"

#include <ctype.h>
#include <string.h>

/* Names of U+00A0 .. U+00FF, in order (HTML 4 Latin-1 set). */
static const char *const latin1_names[96] = {
    "nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar", "sect",   "uml",
    "copy",   "ordf",   "laquo",  "not",    "shy",    "reg",    "macr",   "deg",    "plusmn",
    "sup2",   "sup3",   "acute",  "micro",  "para",   "middot", "cedil",  "sup1",   "ordm",
    "raquo",  "frac14", "frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc",  "Atilde",
    "Auml",   "Aring",  "AElig",  "Ccedil", "Egrave", "Eacute", "Ecirc",  "Euml",   "Igrave",
    "Iacute", "Icirc",  "Iuml",   "ETH",    "Ntilde", "Ograve", "Oacute", "Ocirc",  "Otilde",
    "Ouml",   "times",  "Oslash", "Ugrave", "Uacute", "Ucirc",  "Uuml",   "Yacute", "THORN",
    "szlig",  "agrave", "aacute", "acirc",  "atilde", "auml",   "aring",  "aelig",  "ccedil",
    "egrave", "eacute", "ecirc",  "euml",   "igrave", "iacute", "icirc",  "iuml",   "eth",
    "ntilde", "ograve", "oacute", "ocirc",  "otilde", "ouml",   "divide", "oslash", "ugrave",
    "uacute", "ucirc",  "uuml",   "yacute", "thorn",  "yuml",
};

static const struct {
	const char *name;
	unsigned long cp;
} other_names[] = {
    {"quot", 34},     {"amp", 38},      {"apos", 39},     {"lt", 60},       {"gt", 62},
    {"OElig", 338},   {"oelig", 339},   {"Scaron", 352},  {"scaron", 353},  {"Yuml", 376},
    {"fnof", 402},    {"circ", 710},    {"tilde", 732},   {"ensp", 8194},   {"emsp", 8195},
    {"thinsp", 8201}, {"zwnj", 8204},   {"zwj", 8205},    {"lrm", 8206},    {"rlm", 8207},
    {"ndash", 8211},  {"mdash", 8212},  {"lsquo", 8216},  {"rsquo", 8217},  {"sbquo", 8218},
    {"ldquo", 8220},  {"rdquo", 8221},  {"bdquo", 8222},  {"dagger", 8224}, {"Dagger", 8225},
    {"bull", 8226},   {"hellip", 8230}, {"permil", 8240}, {"prime", 8242},  {"Prime", 8243},
    {"lsaquo", 8249}, {"rsaquo", 8250}, {"euro", 8364},   {"trade", 8482},  {"larr", 8592},
    {"uarr", 8593},   {"rarr", 8594},   {"darr", 8595},   {"harr", 8596},   {"minus", 8722},
    {"le", 8804},     {"ge", 8805},     {"ne", 8800},     {"infin", 8734},  {"hearts", 9829},
};

/* What HTML5 reads &#128; .. &#159; as: Windows-1252 (0 where that has no character). */
static const unsigned short c1_as_cp1252[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

static unsigned long named_lookup(const char *name, size_t n)
{
	for (size_t k = 0; k < 96; k++)
		if (strlen(latin1_names[k]) == n && memcmp(latin1_names[k], name, n) == 0)
			return 0xA0 + k;
	for (size_t k = 0; k < sizeof(other_names) / sizeof(other_names[0]); k++)
		if (strlen(other_names[k].name) == n && memcmp(other_names[k].name, name, n) == 0)
			return other_names[k].cp;
	return 0;
}

static unsigned long numeric_fix(unsigned long v)
{
	if (v >= 0x80 && v <= 0x9F && c1_as_cp1252[v - 0x80])
		return c1_as_cp1252[v - 0x80];
	if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0xFFFD;
	return v;
}

/* "&#N;" / "&#xN;" (the ';' optional) at s; bytes used, 0 when there is none. */
static size_t numeric_at(const char *s, size_t len, unsigned long *cp)
{
	size_t k = 2;
	int hex = k < len && (s[k] == 'x' || s[k] == 'X');
	k += (size_t)hex;
	size_t digits = k;
	unsigned long v = 0;
	for (; k < len && (hex ? isxdigit((unsigned char)s[k]) : isdigit((unsigned char)s[k]));
	     k++) {
		int d = isdigit((unsigned char)s[k]) ? s[k] - '0'
		                                     : tolower((unsigned char)s[k]) - 'a' + 10;
		v = v > 0x10FFFF ? v : v * (hex ? 16 : 10) + (unsigned long)d;
	}
	if (k == digits)
		return 0;
	*cp = numeric_fix(v);
	return k < len && s[k] == ';' ? k + 1 : k;
}

size_t mime_html_entity_at(const char *s, size_t len, unsigned long *cp)
{
	if (len < 3 || s[0] != '&')
		return 0;
	if (s[1] == '#')
		return numeric_at(s, len, cp);
	size_t k = 1;
	while (k < len && k < 12 && isalnum((unsigned char)s[k]))
		k++;
	if (k == len || s[k] != ';' || !(*cp = named_lookup(s + 1, k - 1)))
		return 0;
	return k + 1;
}
