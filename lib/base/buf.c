/* buf.c: growable byte buffer used for every string and message the program builds. */
#include "base/buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf_cache.h"

static void release(char *p, size_t cap)
{
	if (!buf_cache_give(p, cap))
		free(p);
}

/* Moves the contents into a kept block of at least need bytes; 0 if there is none. */
static int buf_take_cached(struct buf *b, size_t need)
{
	size_t cap;
	char *p = buf_cache_take(need, &cap);
	if (!p)
		return 0;
	if (b->data)
		memcpy(p, b->data, b->len + 1);
	else
		p[0] = '\0';
	release(b->data, b->cap);
	b->data = p;
	b->cap = cap;
	return 1;
}

int buf_reserve(struct buf *b, size_t extra)
{
	if (extra > (size_t)-1 - b->len - 1) {
		errno = ENOMEM;
		return -1;
	}
	size_t need = b->len + extra + 1;
	if (b->limit && b->len + extra > b->limit) {
		errno = E2BIG;
		return -1;
	}
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > (size_t)-1 / 2 ? need : cap * 2;
	if (cap >= BUF_CACHE_MIN && buf_take_cached(b, need))
		return 0;
	char *p = realloc(b->data, cap);
	if (!p)
		return -1;
	if (!b->data)
		p[0] = '\0';
	b->data = p;
	b->cap = cap;
	return 0;
}

int buf_append(struct buf *b, const void *data, size_t len)
{
	if (buf_reserve(b, len) < 0)
		return -1;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int buf_append_str(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int buf_append_char(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return -1;
	if (buf_reserve(b, (size_t)n) < 0)
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void buf_free(struct buf *b)
{
	release(b->data, b->cap);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

char *buf_steal(struct buf *b)
{
	if (!b->data && buf_reserve(b, 0) < 0)
		return NULL;
	char *p = b->data;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}
