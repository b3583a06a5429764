/* test_base64.c: unit tests for lib/base/base64.c (RFC 4648 10 vectors, lines, both decoders). */
#include <stdlib.h>

#include "base/base64.h"
#include "unit.h"

static void check(const char *in, size_t line_len, const char *want)
{
	struct buf b = BUF_INIT;
	CHECK(base64_encode(&b, in, strlen(in), line_len) == 0);
	CHECK_STR(b.data ? b.data : "", want);
	buf_free(&b);
}

/* What the lenient (strict: the strict) decoder appended to "x", without the "x"; "(error)"
 * when it returned -1 (the strict one must then leave "x" alone). */
static char *decoded(const char *in, int strict, int *malformed)
{
	struct buf b = BUF_INIT;
	int m = 0;
	CHECK(buf_append_str(&b, "x") == 0);
	int rc = strict ? base64_decode_strict(in, strlen(in), &b)
	                : base64_decode(in, strlen(in), &b, &m);
	*malformed = m;
	char *got = strdup(rc < 0 ? "(error)" : b.data + 1);
	if (rc < 0)
		CHECK_STR(b.data, "x");
	buf_free(&b);
	return got;
}

#define CHECK_DECODE(strict, in, want, want_malformed)                                             \
	do {                                                                                       \
		int m_ = -1;                                                                       \
		char *got_ = decoded(in, strict, &m_);                                             \
		CHECK_STR(got_, want);                                                             \
		CHECK(m_ == (want_malformed));                                                     \
		free(got_);                                                                        \
	} while (0)
#define CHECK_LENIENT(in, want, want_malformed) CHECK_DECODE(0, in, want, want_malformed)
#define CHECK_STRICT(in, want)                  CHECK_DECODE(1, in, want, 0)

/* MIME bodies and RFC 2047 words: whitespace and junk skipped, damage flagged, bytes kept. */
static void lenient(void)
{
	CHECK_LENIENT("", "", 0);
	CHECK_LENIENT("SGVsbG8=", "Hello", 0);
	CHECK_LENIENT("SGVs\r\nbG8g\n  V29y bGQ=\r\n", "Hello World", 0);
	CHECK_LENIENT("SGVsbG8gV29ybGQh", "Hello World!", 0);
	CHECK_LENIENT("QQ==QQ==", "AA", 0);   /* concatenated encodings */
	CHECK_LENIENT("SGVsbG8", "Hello", 1); /* unpadded: the whole bytes there */
	CHECK_LENIENT("SGVsbA", "Hell", 1);
	CHECK_LENIENT("SGVsb", "Hel", 1);
	CHECK_LENIENT("SGV*sbG8=", "Hello", 1);  /* junk byte skipped */
	CHECK_LENIENT("SGV\vsbG8=", "Hello", 1); /* whitespace is space, tab, CR, LF only */
	CHECK_LENIENT("S===", "", 1);
	CHECK_LENIENT("====", "", 0);
	struct buf b = BUF_INIT;
	int m = 0;
	CHECK(base64_decode("AAEC/w==", 8, &b, &m) == 0 && m == 0);
	CHECK(b.len == 4 && memcmp(b.data, "\x00\x01\x02\xFF", 4) == 0);
	buf_free(&b);
}

/* DKIM tags (RFC 6376 2.4): whitespace anywhere, padding only at the end, groups of four. */
static void strict(void)
{
	CHECK_STRICT("", "");
	CHECK_STRICT("YQ==", "a");
	CHECK_STRICT(" YW\r\n\tJj ", "abc");
	CHECK_STRICT("SGVs\r\nbG8g\n  V29y bGQ=\r\n", "Hello World");
	CHECK_STRICT("YQ= =", "a"); /* folding inside the padding */
	CHECK_STRICT("Y=Q=", "(error)");
	CHECK_STRICT("YQ=", "(error)");
	CHECK_STRICT("Y===", "(error)");
	CHECK_STRICT("====", "(error)");
	CHECK_STRICT("YW\xe9j", "(error)");
	CHECK_STRICT("SGV*sbG8=", "(error)"); /* what the lenient decoder skips */
	CHECK_STRICT("SGV\vsbG8=", "(error)");
	CHECK_STRICT("SGVsbG8", "(error)");
	CHECK_STRICT("QQ==QQ==", "(error)");
	CHECK_STRICT("QQ==AAAA", "(error)"); /* padding inside, though every group is whole */
	struct buf b = BUF_INIT;
	CHECK(base64_decode_strict("AAEC/w==", 8, &b) == 0);
	CHECK(b.len == 4 && memcmp(b.data, "\x00\x01\x02\xFF", 4) == 0);
	buf_free(&b);
}

void suite_base64(void)
{
	check("", 0, "");
	check("f", 0, "Zg==");
	check("fo", 0, "Zm8=");
	check("foo", 0, "Zm9v");
	check("foob", 0, "Zm9vYg==");
	check("fooba", 0, "Zm9vYmE=");
	check("foobar", 0, "Zm9vYmFy");
	check("foobar", 4, "Zm9v\r\nYmFy\r\n");
	check("fooba", 4, "Zm9v\r\nYmE=\r\n");
	check("\xff\xfe\xfd", 0, "//79");
	lenient();
	strict();
}
