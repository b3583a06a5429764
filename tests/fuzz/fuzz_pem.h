/* fuzz_pem.h: the PEM and private-key DER fuzz target, for libFuzzer (make fuzz) and the corpus
 * replay. */
#ifndef AIMX_FUZZ_PEM_H
#define AIMX_FUZZ_PEM_H

#include <stddef.h>

/* Decodes the bytes as PEM and loads a private key from the objects; 0 when the outcome is
 * consistent. */
int fuzz_pem_one(const unsigned char *data, size_t len);

#endif
