/* base64.h: base64 encoding (RFC 4648), unbroken or in CRLF-terminated lines (RFC 2045). */
#ifndef AIMX_BASE64_H
#define AIMX_BASE64_H

#include <stddef.h>

#include "base/buf.h"

/* Appends the encoding of data to out; line_len 0 gives one unbroken line, otherwise lines
 * of line_len characters each ending in CRLF (the last one too). 0, or -1 on ENOMEM. */
int base64_encode(struct buf *out, const void *data, size_t len, size_t line_len);

#endif
