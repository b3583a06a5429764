/* fuzz_dkim.h: the DKIM verifier's fuzz target, for libFuzzer (make fuzz) and the corpus replay. */
#ifndef AIMX_FUZZ_DKIM_H
#define AIMX_FUZZ_DKIM_H

#include <stddef.h>

/* Verifies the bytes after the first line as a message whose every key record is that first
 * line; 0 when the result holds its bounds. */
int fuzz_dkim_one(const unsigned char *data, size_t len);

#endif
