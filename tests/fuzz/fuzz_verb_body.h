/* fuzz_verb_body.h: the AIMX/1 verb bodies' fuzz target, for libFuzzer (make fuzz) and the corpus
 * replay. */
#ifndef AIMX_FUZZ_VERB_BODY_H
#define AIMX_FUZZ_VERB_BODY_H

#include <stddef.h>

/* Decodes the bytes as a HOOK-CREATE body and checks them as a SEND message; 0 when every
 * failure has its reason and every success its fields. */
int fuzz_verb_body_one(const unsigned char *data, size_t len);

#endif
