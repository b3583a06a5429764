/* fuzz_spf.h: the SPF record and macro fuzz target, for libFuzzer (make fuzz) and the corpus
 * replay. */
#ifndef AIMX_FUZZ_SPF_H
#define AIMX_FUZZ_SPF_H

#include <stddef.h>

/* Evaluates the bytes as every name's SPF record and expands them as a macro string; 0 when
 * results and expansions hold their bounds. */
int fuzz_spf_one(const unsigned char *data, size_t len);

#endif
