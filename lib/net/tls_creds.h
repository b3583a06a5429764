/* tls_creds.h: the server's certificate chain and private key, loaded once before sessions start. */
#ifndef AIMX_TLS_CREDS_H
#define AIMX_TLS_CREDS_H

#include <stddef.h>

#include <bearssl.h>

#include "base/err.h"
#include "crypto/private_key.h"

/* A certificate chain and its private key, loaded once (in the master, before fork) and then
 * shared read-only by every session. All pointers are owned (malloc'd) by the struct, so it
 * may be copied as a value; free it once. */
struct tls_creds {
	br_x509_certificate *chain; /* DER certificates, leaf first */
	size_t chain_len;
	unsigned issuer_key_type; /* key type that signed the leaf: matters for ECDH_* suites */
	struct private_key key;
};

/* Read `cert_path` (PEM: one or more CERTIFICATE blocks, leaf first; other blocks are
 * ignored) and `key_path` (PEM: "RSA PRIVATE KEY" (PKCS#1), "EC PRIVATE KEY" (SEC1) or
 * unencrypted "PRIVATE KEY" (PKCS#8); RSA, or EC on P-256, P-384 or P-521; the two paths
 * may name the same file), and check that the key belongs to the leaf certificate.
 * 0, or -1 with a message naming the file and the problem in `err` (creds left empty). */
int tls_creds_load(struct tls_creds *creds, const char *cert_path, const char *key_path,
                   char err[ERR_SIZE]);

/* Wipe the private key and release everything; the struct is left empty (free again is a no-op). */
void tls_creds_free(struct tls_creds *creds);

#endif
