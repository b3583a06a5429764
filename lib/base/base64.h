/* base64.h: base64 (RFC 4648) encoding, in lines or not, and decoding, lenient or strict. */
#ifndef AIMX_BASE64_H
#define AIMX_BASE64_H

#include <stddef.h>

#include "base/buf.h"

/* Appends the encoding of data to out; line_len 0 gives one unbroken line, otherwise lines
 * of line_len characters each ending in CRLF (the last one too). 0, or -1 on ENOMEM. */
int base64_encode(struct buf *out, const void *data, size_t len, size_t line_len);

/* The lenient decoder for MIME bodies and RFC 2047 words: whitespace skipped; junk bytes or a
 * final partial group set *malformed (the whole bytes a partial group holds are kept), and
 * '=' ends a group, so concatenated encodings decode. Appends to out. 0, or -1 on ENOMEM. */
int base64_decode(const char *in, size_t len, struct buf *out, int *malformed);

/* The strict decoder for DKIM tags (RFC 6376 2.4): space, tab, CR and LF are allowed anywhere;
 * otherwise only the alphabet, then at most two '=', in a multiple of four characters.
 * Appends to out. 0, or -1 when malformed (out untouched) or on ENOMEM. */
int base64_decode_strict(const char *in, size_t len, struct buf *out);

#endif
