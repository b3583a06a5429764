/* utf8.h: decoding and encoding single UTF-8 code points. */
#ifndef AIMX_UTF8_H
#define AIMX_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define UTF8_REPLACEMENT 0xFFFDu

/* Decode the code point at s[0..len). Sets *used (>= 1 when len > 0). Invalid, overlong,
 * surrogate or truncated sequences give U+FFFD with *used = 1. */
uint32_t utf8_decode(const char *s, size_t len, size_t *used);

/* Encode cp (invalid ones as U+FFFD) into out; returns bytes written (1..4). */
size_t utf8_encode(uint32_t cp, char out[4]);

/* Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF); NUL is valid. */
int utf8_valid(const char *s, size_t len);

#endif
