/* private_key.c: decode a PEM private key with BearSSL and keep an owned copy of it. */
#include "crypto/private_key.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "crypto/pem.h"

int private_key_curve_supported(int curve)
{
	return curve == BR_EC_secp256r1 || curve == BR_EC_secp384r1 || curve == BR_EC_secp521r1;
}

static const struct pem_object *find_key_object(const struct pem_list *pems)
{
	static const char *const labels[] = {"RSA PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY",
	                                     "ENCRYPTED PRIVATE KEY"};
	for (size_t i = 0; i < pems->count; i++)
		for (size_t j = 0; j < sizeof(labels) / sizeof(labels[0]); j++)
			if (strcmp(pems->obj[i].label, labels[j]) == 0)
				return &pems->obj[i];
	return NULL;
}

/* Copy `n` bytes to *dst, advancing it; returns where they went. */
static unsigned char *put(unsigned char **dst, const unsigned char *src, size_t n)
{
	unsigned char *at = *dst;
	if (n)
		memcpy(at, src, n);
	*dst += n;
	return at;
}

static int own_rsa_key(struct private_key *key, const br_rsa_private_key *k)
{
	size_t total = k->plen + k->qlen + k->dplen + k->dqlen + k->iqlen;
	key->data = malloc(total ? total : 1);
	if (!key->data)
		return -1;
	key->data_len = total;
	unsigned char *p = key->data;
	br_rsa_private_key *r = &key->rsa;
	*r = *k;
	r->p = put(&p, k->p, k->plen);
	r->q = put(&p, k->q, k->qlen);
	r->dp = put(&p, k->dp, k->dplen);
	r->dq = put(&p, k->dq, k->dqlen);
	r->iq = put(&p, k->iq, k->iqlen);
	key->type = BR_KEYTYPE_RSA;
	return 0;
}

static int own_ec_key(struct private_key *key, const br_ec_private_key *k)
{
	key->data = malloc(k->xlen ? k->xlen : 1);
	if (!key->data)
		return -1;
	key->data_len = k->xlen;
	unsigned char *p = key->data;
	key->ec = *k;
	key->ec.x = put(&p, k->x, k->xlen);
	key->type = BR_KEYTYPE_EC;
	return 0;
}

static int own_key(struct private_key *key, const br_skey_decoder_context *dec)
{
	const br_ec_private_key *ec = br_skey_decoder_get_ec(dec);
	return ec ? own_ec_key(key, ec) : own_rsa_key(key, br_skey_decoder_get_rsa(dec));
}

/* Decode the key DER with br_skey_decoder and copy it into creds. */
static int decode_key(struct private_key *key, const struct pem_object *obj, const char *path,
                      char err[ERR_SIZE])
{
	br_skey_decoder_context dec;
	br_skey_decoder_init(&dec);
	br_skey_decoder_push(&dec, obj->der, obj->len);
	int e = br_skey_decoder_last_error(&dec);
	const br_ec_private_key *ec = br_skey_decoder_get_ec(&dec);
	int rc = -1;
	if (e == BR_ERR_X509_UNSUPPORTED || (ec && !private_key_curve_supported(ec->curve)))
		err_set(err, "key file %s: %s", path,
		        "unsupported key type (RSA or EC P-256/P-384/P-521 only)");
	else if (e != 0)
		err_set(err, "key file %s: invalid %s (BearSSL error %d)", path, obj->label, e);
	else if (own_key(key, &dec) < 0)
		err_set(err, "key file %s: out of memory", path);
	else
		rc = 0;
	explicit_bzero(&dec, sizeof(dec));
	return rc;
}

int private_key_from_pems(const struct pem_list *pems, const char *path, struct private_key *key,
                          char err[ERR_SIZE])
{
	const struct pem_object *obj = find_key_object(pems);
	if (!obj)
		return err_set(err, "key file %s: %s", path,
		               "no RSA PRIVATE KEY, EC PRIVATE KEY or PRIVATE KEY block");
	if (strcmp(obj->label, "ENCRYPTED PRIVATE KEY") == 0)
		return err_set(err, "key file %s: encrypted keys are not supported", path);
	return decode_key(key, obj, path, err);
}

int private_key_load(const char *path, struct private_key *key, char err[ERR_SIZE])
{
	struct pem_list pems = PEM_LIST_INIT;
	if (pem_read_file(path, "key", &pems, err) < 0)
		return -1;
	int rc = private_key_from_pems(&pems, path, key, err);
	pem_list_free(&pems);
	return rc;
}

void private_key_free(struct private_key *key)
{
	if (key->data) {
		explicit_bzero(key->data, key->data_len);
		free(key->data);
	}
	explicit_bzero(key, sizeof(*key));
}
