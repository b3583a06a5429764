/* test_buf.c: unit tests for lib/base/buf.c. */
#include <errno.h>
#include <stdlib.h>

#include "base/buf.h"
#include "unit.h"

void suite_buf(void)
{
	struct buf b = BUF_INIT;
	CHECK(buf_append_str(&b, "hello") == 0);
	CHECK(buf_append_char(&b, ' ') == 0);
	CHECK(buf_printf(&b, "%d-%s", 42, "x") == 0);
	CHECK_STR(b.data, "hello 42-x");
	CHECK(b.len == 10);
	CHECK(buf_append(&b, "\0z", 2) == 0);
	CHECK(b.len == 12 && b.data[10] == '\0' && b.data[11] == 'z' && b.data[12] == '\0');
	buf_reset(&b);
	CHECK(b.len == 0 && b.data[0] == '\0');
	int grow_failures = 0;
	for (int i = 0; i < 10000; i++)
		grow_failures += buf_append_char(&b, 'a') != 0;
	CHECK(grow_failures == 0 && b.len == 10000);
	buf_free(&b);
	CHECK(b.data == NULL && b.len == 0);

	struct buf lim = BUF_INIT;
	lim.limit = 4;
	CHECK(buf_append_str(&lim, "abcd") == 0);
	errno = 0;
	CHECK(buf_append_str(&lim, "e") == -1 && errno == E2BIG);
	CHECK_STR(lim.data, "abcd");
	char *s = buf_steal(&lim);
	CHECK_STR(s, "abcd");
	CHECK(lim.data == NULL);
	free(s);

	struct buf empty = BUF_INIT;
	char *e = buf_steal(&empty);
	CHECK(e && e[0] == '\0');
	free(e);
}
