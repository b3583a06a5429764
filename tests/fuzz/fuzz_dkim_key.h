/* fuzz_dkim_key.h: the DKIM key record fuzz target, for libFuzzer (make fuzz) and the corpus
 * replay. */
#ifndef AIMX_FUZZ_DKIM_KEY_H
#define AIMX_FUZZ_DKIM_KEY_H

#include <stddef.h>

/* Parses the bytes as a DKIM key record; 0 when the outcome is consistent. */
int fuzz_dkim_key_one(const unsigned char *data, size_t len);

#endif
