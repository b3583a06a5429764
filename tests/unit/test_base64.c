/* test_base64.c: unit tests for lib/base/base64.c (RFC 4648 10 vectors, line breaking). */
#include "base/base64.h"
#include "unit.h"

static void check(const char *in, size_t line_len, const char *want)
{
	struct buf b = BUF_INIT;
	CHECK(base64_encode(&b, in, strlen(in), line_len) == 0);
	CHECK_STR(b.data ? b.data : "", want);
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
}
