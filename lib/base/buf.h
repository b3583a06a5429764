/* buf.h: a growable byte buffer with an optional size limit, always NUL-terminated. */
#ifndef AIMX_BUF_H
#define AIMX_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;   /* NUL-terminated when non-NULL; may also hold NUL bytes */
	size_t len;   /* bytes used, not counting the terminator */
	size_t cap;   /* bytes allocated */
	size_t limit; /* 0 = unlimited; appends that would exceed it fail with E2BIG */
};

#define BUF_INIT {NULL, 0, 0, 0}

/* All return 0 on success, -1 with errno set (ENOMEM, E2BIG) on failure;
 * on failure the buffer is left as it was. */
int buf_reserve(struct buf *b, size_t extra);
int buf_append(struct buf *b, const void *data, size_t len);
int buf_append_str(struct buf *b, const char *s);
int buf_append_char(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);

void buf_reset(struct buf *b);          /* len = 0, memory kept */
void buf_free(struct buf *b);           /* releases memory, back to BUF_INIT (limit kept) */
char *buf_steal(struct buf *b);         /* returns data (never NULL on success), buffer emptied */

#endif
