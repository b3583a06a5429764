/* ed25519.c: Ed25519 verification (RFC 8032 5.1.7) through libsodium's detached verify. */
#include "crypto/ed25519.h"

#include "sodium/crypto_sign_ed25519.h"

int ed25519_verify(const unsigned char sig[ED25519_SIGNATURE_LEN], const unsigned char *msg,
		   size_t len, const unsigned char pub[ED25519_PUBLIC_KEY_LEN])
{
	return crypto_sign_ed25519_verify_detached(sig, msg, (unsigned long long)len, pub) == 0;
}
