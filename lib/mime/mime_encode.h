/* mime_encode.h: the encodings outbound MIME parts need (7bit check, quoted-printable, RFC 2231). */
#ifndef AIMX_MIME_ENCODE_H
#define AIMX_MIME_ENCODE_H

#include <stddef.h>

#include "base/buf.h"

#define MIME_LINE_MAX 998 /* RFC 5322 2.1.1, without the CRLF */

/* 1 when text (CRLF line ends) is all 7-bit with lines of at most MIME_LINE_MAX bytes. */
int mime_is_7bit(const char *text, size_t len);

/* Quoted-printable (RFC 2045 6.7) of text with CRLF line ends: '=', TAB and bytes outside
 * 0x20-0x7E encoded, soft breaks keep lines under 76 columns, CRLF kept. */
int mime_qp_encode(const char *text, size_t len, struct buf *out);

/* `name="value"` for ASCII values (quotes and backslashes escaped), else the RFC 2231
 * form `name*=utf-8''percent-encoded`. Appended to out. */
int mime_param_encode(struct buf *out, const char *name, const char *value);

/* Text with every line ending (LF, CR or CRLF) made CRLF. */
int mime_to_crlf(const char *text, size_t len, struct buf *out);

#endif
