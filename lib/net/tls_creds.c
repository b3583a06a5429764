/* tls_creds.c: load the server's PEM certificate chain and private key, and check they match. */
#include "net/tls_creds.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/buf.h"
#include "base/fileio.h"
#include "crypto/pem.h"
#include "crypto/private_key.h"

#define RSA_MAX_BITS 4096 /* BearSSL's RSA limit */

/* What the leaf certificate says about its key and its signer. */
struct leaf_info {
	br_x509_decoder_context dec;
	const br_x509_pkey *pkey;
};

static int is_cert_label(const char *label)
{
	return strcmp(label, "CERTIFICATE") == 0 || strcmp(label, "X509 CERTIFICATE") == 0;
}

/* Move the CERTIFICATE objects of `pems` into creds->chain, in file order. */
static int take_chain(struct tls_creds *creds, struct pem_list *pems)
{
	size_t n = 0;
	for (size_t i = 0; i < pems->count; i++)
		n += is_cert_label(pems->obj[i].label);
	if (n == 0)
		return 0;
	creds->chain = calloc(n, sizeof(*creds->chain));
	if (!creds->chain)
		return -1;
	for (size_t i = 0; i < pems->count; i++) {
		if (!is_cert_label(pems->obj[i].label))
			continue;
		br_x509_certificate *c = &creds->chain[creds->chain_len++];
		c->data = pems->obj[i].der;
		c->data_len = pems->obj[i].len;
		pems->obj[i].der = NULL;
		pems->obj[i].len = 0;
	}
	return 0;
}

static int decode_cert(br_x509_decoder_context *dec, const br_x509_certificate *cert)
{
	br_x509_decoder_init(dec, NULL, NULL);
	br_x509_decoder_push(dec, cert->data, cert->data_len);
	return br_x509_decoder_last_error(dec);
}

static int leaf_key_supported(const br_x509_pkey *pk)
{
	if (!pk)
		return 0;
	return pk->key_type == BR_KEYTYPE_RSA ||
	       (pk->key_type == BR_KEYTYPE_EC && private_key_curve_supported(pk->key.ec.curve));
}

/* Every certificate must parse; the leaf's key must be one we can serve with. */
static int check_chain(const struct tls_creds *creds, struct leaf_info *leaf, const char *path,
                       char err[ERR_SIZE])
{
	for (size_t i = creds->chain_len; i-- > 0;) {
		int e = decode_cert(&leaf->dec, &creds->chain[i]);
		if (e != 0)
			return err_set(err, "certificate file %s: %s #%zu (BearSSL error %d)", path,
			               "not valid X.509: certificate", i + 1, e);
	}
	/* The loop ends on the leaf, so the decoder now describes it. */
	leaf->pkey = br_x509_decoder_get_pkey(&leaf->dec);
	if (!leaf_key_supported(leaf->pkey))
		return err_set(err, "certificate file %s: %s", path,
		               "unsupported public key (RSA or EC P-256/P-384/P-521 only)");
	return 0;
}

static int load_chain(struct tls_creds *creds, struct leaf_info *leaf, const char *path,
                      char err[ERR_SIZE])
{
	struct pem_list pems = PEM_LIST_INIT;
	if (pem_read_file(path, "certificate", &pems, err) < 0)
		return -1;
	int rc = take_chain(creds, &pems);
	pem_list_free(&pems);
	if (rc < 0)
		return err_set(err, "certificate file %s: out of memory", path);
	if (creds->chain_len == 0)
		return err_set(err, "certificate file %s: no CERTIFICATE block", path);
	return check_chain(creds, leaf, path, err);
}

/* Big-endian integers compare equal, ignoring leading zero bytes. */
static int same_integer(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
	while (alen > 0 && a[0] == 0) {
		a++;
		alen--;
	}
	while (blen > 0 && b[0] == 0) {
		b++;
		blen--;
	}
	return alen == blen && memcmp(a, b, alen) == 0;
}

static int rsa_key_matches(const br_rsa_private_key *sk, const br_rsa_public_key *pk)
{
	unsigned char n[RSA_MAX_BITS / 8];
	br_rsa_compute_modulus modulus = br_rsa_compute_modulus_get_default();
	size_t nlen = modulus(NULL, sk);
	if (nlen == 0 || nlen > sizeof(n) || modulus(n, sk) != nlen)
		return 0;
	return same_integer(n, nlen, pk->n, pk->nlen);
}

static int ec_key_matches(const br_ec_private_key *sk, const br_ec_public_key *pk)
{
	unsigned char q[BR_EC_KBUF_PUB_MAX_SIZE];
	br_ec_public_key computed;
	if (sk->curve != pk->curve)
		return 0;
	size_t qlen = br_ec_compute_pub(br_ec_get_default(), &computed, q, sk);
	return qlen != 0 && qlen == pk->qlen && memcmp(q, pk->q, qlen) == 0;
}

static int key_matches(const struct tls_creds *creds, const br_x509_pkey *pkey)
{
	if (creds->key.type != pkey->key_type)
		return 0;
	if (creds->key.type == BR_KEYTYPE_RSA)
		return rsa_key_matches(&creds->key.rsa, &pkey->key.rsa);
	return ec_key_matches(&creds->key.ec, &pkey->key.ec);
}

int tls_creds_load(struct tls_creds *creds, const char *cert_path, const char *key_path,
                   char err[ERR_SIZE])
{
	struct leaf_info leaf;
	memset(creds, 0, sizeof(*creds));
	err[0] = '\0';
	if (load_chain(creds, &leaf, cert_path, err) < 0 || private_key_load(key_path, &creds->key, err) < 0)
		goto fail;
	if (!key_matches(creds, leaf.pkey)) {
		err_set(err, "key file %s does not match the certificate in %s", key_path,
		        cert_path);
		goto fail;
	}
	creds->issuer_key_type = (unsigned)br_x509_decoder_get_signer_key_type(&leaf.dec);
	if (creds->issuer_key_type == 0)
		creds->issuer_key_type = (unsigned)leaf.pkey->key_type;
	return 0;
fail:
	tls_creds_free(creds);
	return -1;
}

void tls_creds_free(struct tls_creds *creds)
{
	for (size_t i = 0; i < creds->chain_len; i++)
		free(creds->chain[i].data);
	free(creds->chain);
	private_key_free(&creds->key);
	explicit_bzero(creds, sizeof(*creds));
}
