/* x509.c: a fresh key pair and a self-signed X.509 v3 certificate, DER by hand. */
#include "crypto/x509.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include <bearssl.h>

#include "base/err.h"
#include "base/fileio.h"
#include "crypto/pem.h"
#include "crypto/entropy.h"

#define RSA_BITS            2048
#define RSA_E               65537
#define RSA_PRIVATE_DER_MAX 2048 /* PKCS#1 for RSA-2048 is about 1200 bytes */
#define SERIAL_LEN          16
#define KEY_ID_LEN          20 /* SHA-1, RFC 5280 4.2.1.2 method (1) */
#define DER_DEPTH           8
#define VALIDITY_YEARS      10
#define BACKDATE_SECONDS    3600

/* DER tags (X.690) used below. */
enum {
	TAG_BOOLEAN = 0x01,
	TAG_INTEGER = 0x02,
	TAG_BIT_STRING = 0x03,
	TAG_OCTET_STRING = 0x04,
	TAG_UTF8_STRING = 0x0C,
	TAG_UTC_TIME = 0x17,
	TAG_GENERALIZED_TIME = 0x18,
	TAG_SEQUENCE = 0x30,
	TAG_SET = 0x31,
	TAG_CONTEXT_0_PRIM = 0x80, /* [0] IMPLICIT OCTET STRING (keyIdentifier) */
	TAG_CONTEXT_2_PRIM = 0x82, /* [2] IMPLICIT IA5String (dNSName) */
	TAG_CONTEXT_0_CONS = 0xA0, /* [0] EXPLICIT (version) */
	TAG_CONTEXT_3_CONS = 0xA3, /* [3] EXPLICIT (extensions) */
};

/* Whole TLVs, copied as they are. */
static const unsigned char OID_SHA256_WITH_RSA[] = {0x06, 0x09, 0x2A, 0x86, 0x48, 0x86,
                                                    0xF7, 0x0D, 0x01, 0x01, 0x0B};
static const unsigned char OID_RSA_ENCRYPTION[] = {0x06, 0x09, 0x2A, 0x86, 0x48, 0x86,
                                                   0xF7, 0x0D, 0x01, 0x01, 0x01};
static const unsigned char OID_ECDSA_WITH_SHA256[] = {0x06, 0x08, 0x2A, 0x86, 0x48,
                                                      0xCE, 0x3D, 0x04, 0x03, 0x02};
static const unsigned char OID_EC_PUBLIC_KEY[] = {0x06, 0x07, 0x2A, 0x86, 0x48,
                                                  0xCE, 0x3D, 0x02, 0x01};
static const unsigned char OID_PRIME256V1[] = {0x06, 0x08, 0x2A, 0x86, 0x48,
                                               0xCE, 0x3D, 0x03, 0x01, 0x07};
static const unsigned char OID_COMMON_NAME[] = {0x06, 0x03, 0x55, 0x04, 0x03};
static const unsigned char OID_SUBJECT_KEY_ID[] = {0x06, 0x03, 0x55, 0x1D, 0x0E};
static const unsigned char OID_SUBJECT_ALT_NAME[] = {0x06, 0x03, 0x55, 0x1D, 0x11};
static const unsigned char OID_BASIC_CONSTRAINTS[] = {0x06, 0x03, 0x55, 0x1D, 0x13};
static const unsigned char OID_AUTHORITY_KEY_ID[] = {0x06, 0x03, 0x55, 0x1D, 0x23};
static const unsigned char DER_NULL[] = {0x05, 0x00};
static const unsigned char DER_TRUE[] = {TAG_BOOLEAN, 0x01, 0xFF};
static const unsigned char VERSION_V3[] = {TAG_CONTEXT_0_CONS, 0x03, TAG_INTEGER, 0x01, 0x02};

/* A DER writer: constructed elements are opened, filled, and closed, which inserts their
 * length. The first failure sticks; check `failed` once at the end. */
struct der {
	struct buf b;
	size_t open[DER_DEPTH]; /* where the contents of each open element start */
	int depth;
	int failed;
};

#define DER_INIT                                                                                   \
	{                                                                                          \
		BUF_INIT, {0}, 0, 0                                                                \
	}

/* A key pair and what the certificate needs to say about its public half. */
struct keypair {
	enum x509_key_kind kind;
	br_rsa_private_key rsa_sk;
	br_rsa_public_key rsa_pk;
	unsigned char rsa_priv[BR_RSA_KBUF_PRIV_SIZE(RSA_BITS)];
	unsigned char rsa_pub[BR_RSA_KBUF_PUB_SIZE(RSA_BITS)];
	br_ec_private_key ec_sk;
	br_ec_public_key ec_pk;
	unsigned char ec_priv[BR_EC_KBUF_PRIV_MAX_SIZE];
	unsigned char ec_pub[BR_EC_KBUF_PUB_MAX_SIZE];
	struct der spk; /* subjectPublicKey BIT STRING contents, unused-bits octet excluded */
	unsigned char key_id[KEY_ID_LEN];
};

static void der_bytes(struct der *d, const void *p, size_t len)
{
	if (!d->failed && buf_append(&d->b, p, len) < 0)
		d->failed = 1;
}

/* Definite-form length octets for `len`; returns how many were written. */
static size_t der_length(unsigned char out[1 + sizeof(size_t)], size_t len)
{
	if (len < 0x80) {
		out[0] = (unsigned char)len;
		return 1;
	}
	size_t n = 0;
	for (size_t v = len; v; v >>= 8)
		n++;
	out[0] = (unsigned char)(0x80 | n);
	for (size_t i = 0; i < n; i++)
		out[1 + i] = (unsigned char)(len >> (8 * (n - 1 - i)));
	return 1 + n;
}

static void der_prim(struct der *d, unsigned char tag, const void *p, size_t len)
{
	unsigned char hdr[2 + sizeof(size_t)];
	hdr[0] = tag;
	der_bytes(d, hdr, 1 + der_length(hdr + 1, len));
	der_bytes(d, p, len);
}

/* A non-negative INTEGER from big-endian bytes: minimal, with a 0x00 when the top bit is set. */
static void der_uint(struct der *d, const unsigned char *p, size_t len)
{
	while (len > 1 && p[0] == 0) {
		p++;
		len--;
	}
	int pad = len == 0 || (p[0] & 0x80) != 0;
	unsigned char hdr[3 + sizeof(size_t)];
	hdr[0] = TAG_INTEGER;
	size_t h = 1 + der_length(hdr + 1, len + (size_t)pad);
	if (pad)
		hdr[h++] = 0x00;
	der_bytes(d, hdr, h);
	der_bytes(d, p, len);
}

static void der_open(struct der *d, unsigned char tag)
{
	if (d->depth == DER_DEPTH) {
		d->failed = 1;
		return;
	}
	der_bytes(d, &tag, 1);
	d->open[d->depth++] = d->b.len;
}

static void der_close(struct der *d)
{
	if (d->failed || d->depth == 0) {
		d->failed = 1;
		return;
	}
	size_t start = d->open[--d->depth];
	size_t content = d->b.len - start;
	unsigned char len[1 + sizeof(size_t)];
	size_t n = der_length(len, content);
	if (buf_reserve(&d->b, n) < 0) {
		d->failed = 1;
		return;
	}
	memmove(d->b.data + start + n, d->b.data + start, content);
	memcpy(d->b.data + start, len, n);
	d->b.len += n;
	d->b.data[d->b.len] = '\0';
}

static void der_close_n(struct der *d, int n)
{
	while (n-- > 0)
		der_close(d);
}

static void der_wipe(struct der *d)
{
	if (d->b.data)
		explicit_bzero(d->b.data, d->b.cap);
	buf_free(&d->b);
}

static int is_ldh(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-';
}

/* A hostname: dot-separated labels of 1-63 letters, digits and inner hyphens. */
static int domain_valid(const char *domain)
{
	size_t len = strlen(domain), label = 0;
	if (len == 0 || len > X509_DOMAIN_MAX)
		return 0;
	for (size_t i = 0; i <= len; i++) {
		char c = domain[i];
		if (c == '.' || c == '\0') {
			if (label == 0 || domain[i - 1] == '-')
				return 0;
			label = 0;
		} else if (!is_ldh(c) || (label == 0 && c == '-') || ++label > 63) {
			return 0;
		}
	}
	return 1;
}

int x509_key_kind_parse(const char *name)
{
	if (strcmp(name, "rsa") == 0)
		return X509_KEY_RSA2048;
	if (strcmp(name, "ec") == 0)
		return X509_KEY_EC_P256;
	return -1;
}

static int keygen_rsa(struct keypair *kp, const br_prng_class **rng)
{
	br_rsa_keygen keygen = br_rsa_keygen_get_default();
	if (!keygen(rng, &kp->rsa_sk, kp->rsa_priv, &kp->rsa_pk, kp->rsa_pub, RSA_BITS, RSA_E))
		return -1;
	/* RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } */
	der_open(&kp->spk, TAG_SEQUENCE);
	der_uint(&kp->spk, kp->rsa_pk.n, kp->rsa_pk.nlen);
	der_uint(&kp->spk, kp->rsa_pk.e, kp->rsa_pk.elen);
	der_close(&kp->spk);
	return kp->spk.failed ? -1 : 0;
}

static int keygen_ec(struct keypair *kp, const br_prng_class **rng)
{
	const br_ec_impl *ec = br_ec_get_default();
	if (!br_ec_keygen(rng, ec, &kp->ec_sk, kp->ec_priv, BR_EC_secp256r1) ||
	    !br_ec_compute_pub(ec, &kp->ec_pk, kp->ec_pub, &kp->ec_sk))
		return -1;
	/* ECPoint: the uncompressed point is the whole BIT STRING content. */
	der_bytes(&kp->spk, kp->ec_pk.q, kp->ec_pk.qlen);
	return kp->spk.failed ? -1 : 0;
}

static int keygen(struct keypair *kp, const br_prng_class **rng)
{
	int rc = kp->kind == X509_KEY_RSA2048 ? keygen_rsa(kp, rng) : keygen_ec(kp, rng);
	if (rc < 0)
		return -1;
	br_sha1_context sha1;
	br_sha1_init(&sha1);
	br_sha1_update(&sha1, kp->spk.b.data, kp->spk.b.len);
	br_sha1_out(&sha1, kp->key_id);
	return 0;
}

static void put_signature_algorithm(struct der *d, enum x509_key_kind kind)
{
	der_open(d, TAG_SEQUENCE);
	if (kind == X509_KEY_RSA2048) {
		der_bytes(d, OID_SHA256_WITH_RSA, sizeof(OID_SHA256_WITH_RSA));
		der_bytes(d, DER_NULL, sizeof(DER_NULL));
	} else {
		der_bytes(d, OID_ECDSA_WITH_SHA256, sizeof(OID_ECDSA_WITH_SHA256));
	}
	der_close(d);
}

/* Name ::= SEQUENCE OF SET OF { type, value }: here the single RDN CN=<domain>, or
 * CN=X509_LONG_CN when the domain is longer than a CN may be. */
static void put_name(struct der *d, const char *domain)
{
	const char *cn = strlen(domain) <= X509_CN_MAX ? domain : X509_LONG_CN;
	der_open(d, TAG_SEQUENCE);
	der_open(d, TAG_SET);
	der_open(d, TAG_SEQUENCE);
	der_bytes(d, OID_COMMON_NAME, sizeof(OID_COMMON_NAME));
	der_prim(d, TAG_UTF8_STRING, cn, strlen(cn));
	der_close_n(d, 3);
}

/* RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, always UTC, seconds. */
static void put_time(struct der *d, const struct tm *tm)
{
	char s[32];
	int year = tm->tm_year + 1900;
	int utc = year >= 1950 && year < 2050;
	int n = snprintf(s, sizeof(s), "%0*d%02d%02d%02d%02d%02dZ", utc ? 2 : 4,
	                 utc ? year % 100 : year, tm->tm_mon + 1, tm->tm_mday, tm->tm_hour,
	                 tm->tm_min, tm->tm_sec);
	if (n < 0 || (size_t)n >= sizeof(s)) {
		d->failed = 1;
		return;
	}
	der_prim(d, utc ? TAG_UTC_TIME : TAG_GENERALIZED_TIME, s, (size_t)n);
}

static int is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static void put_validity(struct der *d, time_t now)
{
	struct tm from, until;
	time_t start = now - BACKDATE_SECONDS;
	if (!gmtime_r(&start, &from) || !gmtime_r(&now, &until)) {
		d->failed = 1;
		return;
	}
	until.tm_year += VALIDITY_YEARS;
	if (until.tm_mon == 1 && until.tm_mday == 29 && !is_leap(until.tm_year + 1900))
		until.tm_mday = 28;
	der_open(d, TAG_SEQUENCE);
	put_time(d, &from);
	put_time(d, &until);
	der_close(d);
}

static void put_public_key_info(struct der *d, const struct keypair *kp)
{
	der_open(d, TAG_SEQUENCE);
	der_open(d, TAG_SEQUENCE);
	if (kp->kind == X509_KEY_RSA2048) {
		der_bytes(d, OID_RSA_ENCRYPTION, sizeof(OID_RSA_ENCRYPTION));
		der_bytes(d, DER_NULL, sizeof(DER_NULL));
	} else {
		der_bytes(d, OID_EC_PUBLIC_KEY, sizeof(OID_EC_PUBLIC_KEY));
		der_bytes(d, OID_PRIME256V1, sizeof(OID_PRIME256V1));
	}
	der_close(d);
	der_open(d, TAG_BIT_STRING);
	der_bytes(d, "", 1); /* no unused bits */
	der_bytes(d, kp->spk.b.data, kp->spk.b.len);
	der_close(d);
	der_close(d);
}

/* Opens Extension { extnID, [critical TRUE,] extnValue OCTET STRING { ... } }: the caller
 * writes the value and closes both. */
static void open_extension(struct der *d, const unsigned char *oid, size_t oid_len, int critical)
{
	der_open(d, TAG_SEQUENCE);
	der_bytes(d, oid, oid_len);
	if (critical)
		der_bytes(d, DER_TRUE, sizeof(DER_TRUE));
	der_open(d, TAG_OCTET_STRING);
}

/* basicConstraints, critical: cA is FALSE by DEFAULT, so the value is an empty SEQUENCE. */
static void put_basic_constraints(struct der *d)
{
	open_extension(d, OID_BASIC_CONSTRAINTS, sizeof(OID_BASIC_CONSTRAINTS), 1);
	der_prim(d, TAG_SEQUENCE, NULL, 0);
	der_close_n(d, 2);
}

/* subjectAltName: GeneralNames { dNSName <domain> } */
static void put_subject_alt_name(struct der *d, const char *domain)
{
	open_extension(d, OID_SUBJECT_ALT_NAME, sizeof(OID_SUBJECT_ALT_NAME), 0);
	der_open(d, TAG_SEQUENCE);
	der_prim(d, TAG_CONTEXT_2_PRIM, domain, strlen(domain));
	der_close_n(d, 3);
}

/* subjectKeyIdentifier, and authorityKeyIdentifier { keyIdentifier } naming the same key. */
static void put_key_identifiers(struct der *d, const unsigned char *key_id)
{
	open_extension(d, OID_SUBJECT_KEY_ID, sizeof(OID_SUBJECT_KEY_ID), 0);
	der_prim(d, TAG_OCTET_STRING, key_id, KEY_ID_LEN);
	der_close_n(d, 2);
	open_extension(d, OID_AUTHORITY_KEY_ID, sizeof(OID_AUTHORITY_KEY_ID), 0);
	der_open(d, TAG_SEQUENCE);
	der_prim(d, TAG_CONTEXT_0_PRIM, key_id, KEY_ID_LEN);
	der_close_n(d, 3);
}

static void put_extensions(struct der *d, const char *domain, const unsigned char *key_id)
{
	der_open(d, TAG_CONTEXT_3_CONS);
	der_open(d, TAG_SEQUENCE);
	put_basic_constraints(d);
	put_subject_alt_name(d, domain);
	put_key_identifiers(d, key_id);
	der_close_n(d, 2);
}

/* TBSCertificate (RFC 5280 4.1). */
static void put_tbs(struct der *d, const struct keypair *kp, const char *domain,
                    const unsigned char *serial, time_t now)
{
	der_open(d, TAG_SEQUENCE);
	der_bytes(d, VERSION_V3, sizeof(VERSION_V3));
	der_uint(d, serial, SERIAL_LEN);
	put_signature_algorithm(d, kp->kind);
	put_name(d, domain);
	put_validity(d, now);
	put_name(d, domain);
	put_public_key_info(d, kp);
	put_extensions(d, domain, kp->key_id);
	der_close(d);
}

/* Sign SHA-256(tbs); returns the signature length, 0 on failure. */
static size_t sign_tbs(const struct keypair *kp, const struct buf *tbs,
                       unsigned char sig[RSA_BITS / 8])
{
	unsigned char hash[br_sha256_SIZE];
	br_sha256_context sha;
	br_sha256_init(&sha);
	br_sha256_update(&sha, tbs->data, tbs->len);
	br_sha256_out(&sha, hash);
	if (kp->kind == X509_KEY_RSA2048) {
		br_rsa_pkcs1_sign sign = br_rsa_pkcs1_sign_get_default();
		if (!sign(BR_HASH_OID_SHA256, hash, sizeof(hash), &kp->rsa_sk, sig))
			return 0;
		return (kp->rsa_sk.n_bitlen + 7) / 8;
	}
	br_ecdsa_sign sign = br_ecdsa_sign_asn1_get_default();
	return sign(br_ec_get_default(), &br_sha256_vtable, hash, &kp->ec_sk, sig);
}

/* Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue } */
static int build_certificate(struct buf *out, const struct keypair *kp, const char *domain,
                             const unsigned char *serial, time_t now)
{
	struct der tbs = DER_INIT, cert = DER_INIT;
	unsigned char sig[RSA_BITS / 8];
	put_tbs(&tbs, kp, domain, serial, now);
	size_t sig_len = tbs.failed ? 0 : sign_tbs(kp, &tbs.b, sig);
	der_open(&cert, TAG_SEQUENCE);
	der_bytes(&cert, tbs.b.data, tbs.b.len);
	put_signature_algorithm(&cert, kp->kind);
	der_open(&cert, TAG_BIT_STRING);
	der_bytes(&cert, "", 1);
	der_bytes(&cert, sig, sig_len);
	der_close(&cert);
	der_close(&cert);
	buf_free(&tbs.b);
	if (sig_len == 0 || cert.failed) {
		buf_free(&cert.b);
		return -1;
	}
	*out = cert.b;
	return 0;
}

/* PKCS#1 RSAPrivateKey (RFC 8017 A.1.2), two-prime. Written here rather than with
 * br_encode_rsa_raw_der(), which passes NULL to memcpy for the version and so trips UBSan. */
static int encode_rsa_private(const struct keypair *kp, struct buf *out)
{
	unsigned char d[RSA_BITS / 8] = {0};
	const br_rsa_private_key *sk = &kp->rsa_sk;
	br_rsa_compute_privexp privexp = br_rsa_compute_privexp_get_default();
	size_t dlen = privexp(NULL, sk, RSA_E);
	struct der der = DER_INIT;
	/* Room for the whole key up front: no realloc leaves copies of it behind. */
	if (dlen == 0 || dlen > sizeof(d) || buf_reserve(&der.b, RSA_PRIVATE_DER_MAX) < 0)
		return -1;
	if (privexp(d, sk, RSA_E) != dlen)
		der.failed = 1;
	der_open(&der, TAG_SEQUENCE);
	der_uint(&der, (const unsigned char *)"", 1); /* version 0: two-prime */
	der_uint(&der, kp->rsa_pk.n, kp->rsa_pk.nlen);
	der_uint(&der, kp->rsa_pk.e, kp->rsa_pk.elen);
	der_uint(&der, d, dlen);
	der_uint(&der, sk->p, sk->plen);
	der_uint(&der, sk->q, sk->qlen);
	der_uint(&der, sk->dp, sk->dplen);
	der_uint(&der, sk->dq, sk->dqlen);
	der_uint(&der, sk->iq, sk->iqlen);
	der_close(&der);
	explicit_bzero(d, sizeof(d));
	if (der.failed) {
		der_wipe(&der);
		return -1;
	}
	*out = der.b;
	return 0;
}

/* SEC1 ECPrivateKey, with the curve OID and the public key. */
static int encode_ec_private(const struct keypair *kp, struct buf *out)
{
	size_t len = br_encode_ec_raw_der(NULL, &kp->ec_sk, &kp->ec_pk);
	if (len == 0 || buf_reserve(out, len) < 0)
		return -1;
	out->len = br_encode_ec_raw_der(out->data, &kp->ec_sk, &kp->ec_pk);
	out->data[out->len] = '\0';
	return 0;
}

static int encode_private(const struct keypair *kp, struct x509_selfsigned *out)
{
	if (kp->kind == X509_KEY_RSA2048) {
		out->key_pem_label = BR_ENCODE_PEM_RSA_RAW;
		return encode_rsa_private(kp, &out->key_der);
	}
	out->key_pem_label = BR_ENCODE_PEM_EC_RAW;
	return encode_ec_private(kp, &out->key_der);
}

/* Generate key and serial from the seeded DRBG, then the certificate and key DER. */
static int make_with_rng(struct x509_selfsigned *out, struct keypair *kp, const char *domain,
                         time_t now, br_hmac_drbg_context *drbg, char err[ERR_SIZE])
{
	unsigned char serial[SERIAL_LEN];
	if (keygen(kp, &drbg->vtable) < 0)
		return err_set(err, "key generation failed");
	br_hmac_drbg_generate(drbg, serial, sizeof(serial));
	/* Positive (top bit clear) and exactly 16 octets in DER (next bit set). */
	serial[0] = (unsigned char)((serial[0] & 0x3F) | 0x40);
	if (build_certificate(&out->cert_der, kp, domain, serial, now) < 0 ||
	    encode_private(kp, out) < 0) {
		return err_set(err, "certificate encoding failed (out of memory?)");
	}
	return 0;
}

int x509_selfsigned_make(struct x509_selfsigned *out, const char *domain, enum x509_key_kind kind,
                         time_t now, char err[ERR_SIZE])
{
	struct x509_selfsigned empty = X509_SELFSIGNED_INIT;
	*out = empty;
	if (!domain_valid(domain))
		return err_set(err, "\"%.80s\" is not a hostname of at most %d characters", domain,
		               X509_DOMAIN_MAX);
	if (kind != X509_KEY_RSA2048 && kind != X509_KEY_EC_P256)
		return err_set(err, "unknown key kind %d", (int)kind);
	struct keypair kp = {.kind = kind, .spk = DER_INIT};
	br_hmac_drbg_context drbg;
	int rc = -1;
	if (entropy_seed_drbg(&drbg) < 0)
		err_set(err, "no system randomness");
	else
		rc = make_with_rng(out, &kp, domain, now, &drbg, err);
	der_wipe(&kp.spk);
	explicit_bzero(&kp, sizeof(kp));
	explicit_bzero(&drbg, sizeof(drbg));
	if (rc < 0)
		x509_selfsigned_free(out);
	return rc;
}

int x509_rsa_keypair(struct buf *private_der, struct buf *spki_der, char err[ERR_SIZE])
{
	struct keypair kp = {.kind = X509_KEY_RSA2048, .spk = DER_INIT};
	struct der spki = DER_INIT;
	br_hmac_drbg_context drbg;
	int rc = -1;
	err[0] = '\0';
	if (entropy_seed_drbg(&drbg) < 0)
		err_set(err, "no system randomness");
	else if (keygen(&kp, &drbg.vtable) < 0)
		err_set(err, "key generation failed");
	else if (encode_rsa_private(&kp, private_der) < 0)
		err_set(err, "key encoding failed (out of memory?)");
	else
		put_public_key_info(&spki, &kp);
	if (private_der->len && !spki.failed) {
		*spki_der = spki.b;
		rc = 0;
	} else {
		if (!err[0])
			err_set(err, "key encoding failed (out of memory?)");
		buf_free(&spki.b);
	}
	der_wipe(&kp.spk);
	explicit_bzero(&kp, sizeof(kp));
	explicit_bzero(&drbg, sizeof(drbg));
	return rc;
}

void x509_selfsigned_free(struct x509_selfsigned *out)
{
	if (out->key_der.data)
		explicit_bzero(out->key_der.data, out->key_der.cap);
	buf_free(&out->key_der);
	buf_free(&out->cert_der);
	out->key_pem_label = NULL;
}

static int write_pems(const struct x509_selfsigned *ss, const char *cert_path, const char *key_path,
                      char err[ERR_SIZE])
{
	struct buf key_pem = BUF_INIT, cert_pem = BUF_INIT;
	int rc = -1;
	if (pem_encode(&key_pem, ss->key_pem_label, ss->key_der.data, ss->key_der.len) < 0 ||
	    pem_encode(&cert_pem, "CERTIFICATE", ss->cert_der.data, ss->cert_der.len) < 0)
		err_set(err, "out of memory");
	else if (fileio_write_atomic(key_path, key_pem.data, key_pem.len, 0600, (uid_t)-1,
	                           (gid_t)-1) < 0)
		err_set(err, "key file %s: %s", key_path, strerror(errno));
	else if (fileio_write_atomic(cert_path, cert_pem.data, cert_pem.len, 0644, (uid_t)-1,
	                           (gid_t)-1) < 0)
		err_set(err, "certificate file %s: %s", cert_path, strerror(errno));
	else
		rc = 0;
	if (key_pem.data)
		explicit_bzero(key_pem.data, key_pem.cap);
	buf_free(&key_pem);
	buf_free(&cert_pem);
	return rc;
}

int x509_selfsigned_write(const char *domain, enum x509_key_kind kind, const char *cert_path,
                          const char *key_path, char err[ERR_SIZE])
{
	struct x509_selfsigned ss;
	if (x509_selfsigned_make(&ss, domain, kind, time(NULL), err) < 0)
		return -1;
	int rc = write_pems(&ss, cert_path, key_path, err);
	x509_selfsigned_free(&ss);
	return rc;
}
