/* entropy.h: system randomness for BearSSL: kernel bytes, and a seeded HMAC_DRBG. */
#ifndef AIMX_ENTROPY_H
#define AIMX_ENTROPY_H

#include <stddef.h>

#include <bearssl.h>

/* Fill `buf` from getrandom(2) (falling back to /dev/urandom where the call does not exist).
 * 0, or -1 with errno set. */
int entropy_get(void *buf, size_t len);

/* Initialise `drbg` (HMAC_DRBG over SHA-256) from entropy_get(), then stir in BearSSL's
 * own system seeder when the build has one. 0 when at least one source delivered, else -1. */
int entropy_seed_drbg(br_hmac_drbg_context *drbg);

#endif
