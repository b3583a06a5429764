/* dkim_key.h: DKIM public key records (RFC 6376 3.6.1, RFC 8463) and their RSA/Ed25519 keys. */
#ifndef AIMX_DKIM_KEY_H
#define AIMX_DKIM_KEY_H

#include <stddef.h>

#include "bearssl_rsa.h"

#define DKIM_RSA_MIN_BITS 1024 /* RFC 8301 */
#define DKIM_RSA_MAX_BITS 4096
#define DKIM_RSA_MAX_BYTES (DKIM_RSA_MAX_BITS / 8)

enum dkim_key_type { DKIM_KEY_RSA, DKIM_KEY_ED25519 };

struct dkim_key {
	enum dkim_key_type type;
	int testing;  /* t=y */
	int strict_i; /* t=s: i= must be exactly d= */
	unsigned char n[DKIM_RSA_MAX_BYTES];
	size_t nlen;
	unsigned char e[8];
	size_t elen;
	unsigned char ed25519[32];
	br_rsa_public_key rsa; /* points into n and e */
};

enum dkim_key_error {
	DKIM_KEY_OK = 0,
	DKIM_KEY_SYNTAX,   /* not a tag-list, wrong v=, no p= */
	DKIM_KEY_REVOKED,  /* empty p= */
	DKIM_KEY_UNSUPPORTED, /* k= unknown, h= without sha256, s= not email */
	DKIM_KEY_BAD_DATA, /* bad base64 or DER */
	DKIM_KEY_SIZE,     /* RSA outside 1024..4096 bits */
};

/* Parses one TXT key record. */
enum dkim_key_error dkim_key_parse(const char *record, size_t len, struct dkim_key *key);
const char *dkim_key_error_text(enum dkim_key_error e);

#endif
