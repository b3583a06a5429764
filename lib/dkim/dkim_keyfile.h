/* dkim_keyfile.h: the DKIM key pair files in <config>/dkim/ and the TXT record they publish. */
#ifndef AIMX_DKIM_KEYFILE_H
#define AIMX_DKIM_KEYFILE_H

#include "base/err.h"
#include "base/buf.h"

/* A fresh RSA-2048 pair: private_path (0600, PKCS#1 "RSA PRIVATE KEY" PEM) and public_path
 * (0644, SPKI "PUBLIC KEY" PEM), each written atomically; the SPKI DER is appended to spki.
 * 0, or -1 with err. */
int dkim_keyfile_generate(const char *private_path, const char *public_path, struct buf *spki,
                          char err[ERR_SIZE]);

/* Append the SPKI DER of the first "PUBLIC KEY" block of public_path to spki. 0, or -1. */
int dkim_keyfile_read_public(const char *public_path, struct buf *spki, char err[ERR_SIZE]);

/* Append the TXT value "v=DKIM1; k=rsa; p=<base64 SPKI DER>" to out. 0, or -1 (ENOMEM). */
int dkim_keyfile_record(const struct buf *spki, struct buf *out);

/* <config>/dkim/ made (0755) when missing, keys generated when private.key is missing,
 * then the public key read into spki; *created says whether keys were generated. 0, or -1. */
int dkim_keyfile_ensure(struct buf *spki, int *created, char err[ERR_SIZE]);

#endif
