/* fuzz_aimx.h: the AIMX/1 codec fuzz target, for libFuzzer (make fuzz) and the unit tests. */
#ifndef AIMX_FUZZ_AIMX_H
#define AIMX_FUZZ_AIMX_H

#include <stddef.h>

/* Decodes data as a request fed whole and in several splits, re-encodes what decodes and parses
 * data as a reply to every verb; 0 when every split agrees, the round trip holds and every failed
 * parse left a reason. */
int fuzz_aimx_one(const unsigned char *data, size_t len);

#endif
