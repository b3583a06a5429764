/* private_key.h: load an RSA or EC private key from a PEM file (PKCS#1, SEC1 or PKCS#8). */
#ifndef AIMX_PRIVATE_KEY_H
#define AIMX_PRIVATE_KEY_H

#include "base/err.h"
#include <stddef.h>

#include <bearssl.h>

struct private_key {
	int type;               /* BR_KEYTYPE_RSA or BR_KEYTYPE_EC */
	br_rsa_private_key rsa; /* valid for RSA; points into data */
	br_ec_private_key ec;   /* valid for EC; points into data */
	unsigned char *data;
	size_t data_len;
};

/* 1 for the curves we accept (P-256, P-384, P-521). */
int private_key_curve_supported(int curve);

/* Reads path ("RSA PRIVATE KEY", "EC PRIVATE KEY" or unencrypted "PRIVATE KEY"). 0, or -1
 * with err naming the file and the problem. */
int private_key_load(const char *path, struct private_key *key, char err[ERR_SIZE]);
/* The same from PEM objects already decoded: the first key block among pems, named path in
 * err. */
struct pem_list;
int private_key_from_pems(const struct pem_list *pems, const char *path, struct private_key *key,
                          char err[ERR_SIZE]);
/* Wipes and frees; the struct is zeroed. */
void private_key_free(struct private_key *key);

#endif
