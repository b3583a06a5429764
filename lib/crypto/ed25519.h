/* ed25519.h: Ed25519 signature verification (RFC 8032) for DKIM ed25519-sha256 (RFC 8463). */
#ifndef AIMX_ED25519_H
#define AIMX_ED25519_H

#include <stddef.h>

#define ED25519_PUBLIC_KEY_LEN 32
#define ED25519_SIGNATURE_LEN  64

/* Returns 1 when sig is a valid signature of msg under pub, 0 otherwise (including a
 * public key that does not decode to a curve point, a non-canonical S, and, as libsodium
 * decides, a key or R of small order). */
int ed25519_verify(const unsigned char sig[ED25519_SIGNATURE_LEN], const unsigned char *msg,
		   size_t len, const unsigned char pub[ED25519_PUBLIC_KEY_LEN]);

#endif
