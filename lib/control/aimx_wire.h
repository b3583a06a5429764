/* aimx_wire.h: what the AIMX/1 codec files share: the status-line prefix, quoting, trimming, sizes
 * and CR/LF-free appends. */
#ifndef AIMX_AIMX_WIRE_H
#define AIMX_AIMX_WIRE_H

#include <stddef.h>

#include "base/buf.h"

#define AIMX_PREFIX     "AIMX/1 "
#define AIMX_PREFIX_LEN 7

/* The longest prefix of s[0..n) of at most max bytes that does not split a UTF-8 sequence. */
size_t aimx_wire_cut(const char *s, size_t n, size_t max);

/* Trims blanks off both ends of s[0..*n): returns the new start and shrinks *n. */
const char *aimx_wire_trim(const char *s, size_t *n);

/* s[0..n) double-quoted with C escapes into out (always valid UTF-8); a fragment too long for
 * outsz is cut at a character boundary and followed by "...". */
void aimx_wire_quote(const char *s, size_t n, char *out, size_t outsz);

/* Unsigned decimal with at most one leading '+' (upstream's usize parser); -1 if not a number
 * or beyond size_t. */
int aimx_wire_parse_size(const char *v, size_t n, size_t *out);

/* Appends s without its CR and LF bytes. */
int aimx_wire_put_clean(struct buf *out, const char *s);

/* On failure (rc < 0), drops what a writer appended to out since mark; returns 0 or -1. */
int aimx_wire_settle(struct buf *out, size_t mark, int rc);

#endif
