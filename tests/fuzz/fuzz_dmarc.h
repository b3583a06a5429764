/* fuzz_dmarc.h: the DMARC record fuzz target, for libFuzzer (make fuzz) and the corpus replay. */
#ifndef AIMX_FUZZ_DMARC_H
#define AIMX_FUZZ_DMARC_H

#include <stddef.h>

/* Parses the bytes as a DMARC record, evaluates them as the published one and aligns their
 * two lines; 0 when results hold their ranges. */
int fuzz_dmarc_one(const unsigned char *data, size_t len);

#endif
