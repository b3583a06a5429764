/* x509.h: generate a key pair and a self-signed X.509 v3 certificate for a domain. */
#ifndef AIMX_X509_H
#define AIMX_X509_H

#include <time.h>

#include "base/err.h"
#include "base/buf.h"

#define X509_CN_MAX     64  /* RFC 5280 ub-common-name */
#define X509_DOMAIN_MAX 253 /* a DNS name */
#define X509_LONG_CN    "aimx" /* the CN when the domain does not fit in one */

enum x509_key_kind {
	X509_KEY_RSA2048, /* RSA-2048, e = 65537, sha256WithRSAEncryption */
	X509_KEY_EC_P256, /* ECDSA on P-256, ecdsa-with-SHA256 */
};

/* "rsa" or "ec" to the kind; -1 for anything else. */
int x509_key_kind_parse(const char *name);

/* A generated certificate and its private key, both DER. */
struct x509_selfsigned {
	struct buf cert_der;
	struct buf key_der;        /* PKCS#1 RSAPrivateKey or SEC1 ECPrivateKey (with public key) */
	const char *key_pem_label; /* "RSA PRIVATE KEY" or "EC PRIVATE KEY" */
};

#define X509_SELFSIGNED_INIT {BUF_INIT, BUF_INIT, NULL}

/* Generate a fresh key of `kind` from the system randomness and a certificate with
 * subject = issuer = CN=<domain> (CN=X509_LONG_CN for a domain longer than X509_CN_MAX: clients
 * match the name in the subjectAltName), subjectAltName dNSName <domain>, basicConstraints CA:FALSE
 * (critical), subject and authority key identifiers, a random positive 16-byte serial, and
 * validity from `now` - 1 hour to `now` + 10 years (UTCTime before 2050, GeneralizedTime
 * from 2050). `domain` must be a hostname (letters, digits, '-', dots) of at most
 * X509_DOMAIN_MAX characters. 0, or -1 with a message in `err` (`out` is then empty). */
int x509_selfsigned_make(struct x509_selfsigned *out, const char *domain, enum x509_key_kind kind,
                         time_t now, char err[ERR_SIZE]);

/* A fresh RSA-2048 key (e = 65537) from the system randomness, as PKCS#1 RSAPrivateKey DER
 * and SubjectPublicKeyInfo DER (for DKIM). 0, or -1 with a message in err. */
int x509_rsa_keypair(struct buf *private_der, struct buf *spki_der, char err[ERR_SIZE]);

/* Wipe the private key and release both buffers; back to X509_SELFSIGNED_INIT. */
void x509_selfsigned_free(struct x509_selfsigned *out);

/* x509_selfsigned_make() for the current time, then write the key as PEM to `key_path`
 * (mode 0600) and the certificate as PEM to `cert_path` (0644), each atomically and durably
 * (lib/base/fileio.h), key first. 0, or -1 with a message in `err`; a failure writing the
 * certificate can leave a new key next to the old certificate. */
int x509_selfsigned_write(const char *domain, enum x509_key_kind kind, const char *cert_path,
                          const char *key_path, char err[ERR_SIZE]);

#endif
