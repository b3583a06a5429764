/* fuzz_mime_header.h: the MIME header-value decoders' fuzz target, for libFuzzer (make fuzz) and
 * the corpus replay. */
#ifndef AIMX_FUZZ_MIME_HEADER_H
#define AIMX_FUZZ_MIME_HEADER_H

#include <stddef.h>

/* Runs every header-value decoder over the bytes; 0 when all output is valid UTF-8 within its
 * bounds and every field split stays inside the input. */
int fuzz_mime_header_one(const unsigned char *data, size_t len);

#endif
