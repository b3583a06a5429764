/* test_buf_cache.c: unit tests for lib/base/buf_cache.c, run in a child so the cache
 * stays off for every other suite. */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/buf_cache.h"
#include "unit.h"

#define BIG 100000

static void fill(struct buf *b, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (buf_append_char(b, (char)('a' + k % 26)) < 0)
			return;
}

static int same_fill(const struct buf *b, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (b->data[k] != (char)('a' + k % 26))
			return 0;
	return b->len == n && b->data[n] == '\0';
}

/* A freed 100 KB buffer is the block the next buffer grows into, its bytes moved along. */
static void reuse(void)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	fill(&a, BIG);
	char *block = a.data;
	size_t cap = a.cap;
	buf_free(&a);
	fill(&b, BUF_CACHE_MIN + 1);
	CHECK(b.data == block && b.cap == cap);
	CHECK(same_fill(&b, BUF_CACHE_MIN + 1));
	fill(&b, BIG - BUF_CACHE_MIN - 1);
	CHECK(b.data == block); /* it was big enough: no more growth */
	buf_free(&b);
	size_t got;
	char *p = buf_cache_take(1, &got);
	CHECK(p == block && got == cap);
	free(p);
	CHECK(buf_cache_take(1, &got) == NULL);
}

/* Too small or too big blocks are refused, and at most BUF_CACHE_BYTES are kept. */
static void bounds(void)
{
	char *small = malloc(BUF_CACHE_MIN - 1), *huge = malloc(BUF_CACHE_BLOCK + 1);
	CHECK(buf_cache_give(small, BUF_CACHE_MIN - 1) == 0);
	CHECK(buf_cache_give(huge, BUF_CACHE_BLOCK + 1) == 0);
	free(small);
	free(huge);
	size_t n = BUF_CACHE_BYTES / BUF_CACHE_BLOCK, kept = 0;
	for (size_t k = 0; k <= n; k++) {
		char *p = malloc(BUF_CACHE_BLOCK);
		int in = buf_cache_give(p, BUF_CACHE_BLOCK);
		kept += (size_t)in;
		if (!in)
			free(p);
	}
	CHECK(kept == n);
	size_t got;
	for (char *p; (p = buf_cache_take(BUF_CACHE_BLOCK, &got)); kept--)
		free(p);
	CHECK(kept == 0);
}

void suite_buf_cache(void)
{
	size_t got;
	char *p = malloc(BUF_CACHE_MIN);
	CHECK(buf_cache_give(p, BUF_CACHE_MIN) == 0); /* off until enabled */
	free(p);
	CHECK(buf_cache_take(1, &got) == NULL);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		int failed = unit_failed;
		buf_cache_enable();
		reuse();
		bounds();
		_exit(unit_failed != failed);
	}
	int status = 0;
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
