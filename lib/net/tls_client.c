/* tls_client.c: trust anchors from the CA bundle, and a client engine that records the check. */
#include "net/tls_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/log.h"
#include "crypto/pem.h"

/* ---- trust anchors ---- */

static void dn_append(void *ctx, const void *data, size_t len)
{
	buf_append(ctx, data, len);
}

static void *copy(const void *p, size_t n)
{
	void *q = malloc(n ? n : 1);
	if (q && n)
		memcpy(q, p, n);
	return q;
}

/* One CA certificate as a trust anchor (deep copies); 0, or -1 to skip it. */
static int anchor_from(const unsigned char *der, size_t len, br_x509_trust_anchor *ta)
{
	br_x509_decoder_context dc;
	struct buf dn = BUF_INIT;
	br_x509_decoder_init(&dc, dn_append, &dn);
	br_x509_decoder_push(&dc, der, len);
	const br_x509_pkey *pk = br_x509_decoder_get_pkey(&dc);
	int rc = -1;
	memset(ta, 0, sizeof(*ta));
	if (pk && br_x509_decoder_last_error(&dc) == 0 && dn.len) {
		ta->dn.data = copy(dn.data, dn.len);
		ta->dn.len = dn.len;
		ta->flags = br_x509_decoder_isCA(&dc) ? BR_X509_TA_CA : 0;
		ta->pkey.key_type = pk->key_type;
		if (pk->key_type == BR_KEYTYPE_RSA) {
			ta->pkey.key.rsa.n = copy(pk->key.rsa.n, pk->key.rsa.nlen);
			ta->pkey.key.rsa.nlen = pk->key.rsa.nlen;
			ta->pkey.key.rsa.e = copy(pk->key.rsa.e, pk->key.rsa.elen);
			ta->pkey.key.rsa.elen = pk->key.rsa.elen;
			rc = ta->dn.data && ta->pkey.key.rsa.n && ta->pkey.key.rsa.e ? 0 : -1;
		} else {
			ta->pkey.key.ec.curve = pk->key.ec.curve;
			ta->pkey.key.ec.q = copy(pk->key.ec.q, pk->key.ec.qlen);
			ta->pkey.key.ec.qlen = pk->key.ec.qlen;
			rc = ta->dn.data && ta->pkey.key.ec.q ? 0 : -1;
		}
	}
	buf_free(&dn);
	return rc;
}

static void anchor_free(br_x509_trust_anchor *ta)
{
	free(ta->dn.data);
	if (ta->pkey.key_type == BR_KEYTYPE_RSA) {
		free(ta->pkey.key.rsa.n);
		free(ta->pkey.key.rsa.e);
	} else {
		free(ta->pkey.key.ec.q);
	}
}

void tls_client_trust_free(struct tls_trust *t)
{
	for (size_t k = 0; k < t->n; k++)
		anchor_free(&t->ta[k]);
	free(t->ta);
	t->ta = NULL;
	t->n = 0;
	t->loaded = 0;
}

int tls_client_trust_load(struct tls_trust *t, char err[ERR_SIZE])
{
	const char *path = getenv("AIMX_TLS_CA_FILE");
	struct pem_list pems = PEM_LIST_INIT;
	t->ta = NULL;
	t->n = 0;
	t->loaded = 1;
	if (pem_read_file(path && *path ? path : TLS_CA_BUNDLE, "CA bundle", &pems, err) < 0)
		return -1;
	t->ta = calloc(pems.count ? pems.count : 1, sizeof(*t->ta));
	for (size_t k = 0; t->ta && k < pems.count; k++)
		if (strcmp(pems.obj[k].label, "CERTIFICATE") == 0 &&
		    anchor_from(pems.obj[k].der, pems.obj[k].len, &t->ta[t->n]) == 0)
			t->n++;
		else if (t->ta)
			anchor_free(&t->ta[t->n]);
	pem_list_free(&pems);
	if (!t->ta)
		return err_set(err, "out of memory reading the CA bundle");
	return 0;
}

void tls_client_trust_need(struct tls_trust *t)
{
	char err[ERR_SIZE];
	if (t->loaded)
		return;
	if (tls_client_trust_load(t, err) < 0)
		log_event(LOG_WARN, "tls.ca_bundle", "error", err, "effect",
			  "server certificates are recorded as unverified", NULL);
	t->loaded = 1;
}

/* ---- the recording X.509 engine ---- */

static struct tls_peer_check *self(const br_x509_class **ctx)
{
	return (struct tls_peer_check *)(void *)ctx;
}

static void check_start_chain(const br_x509_class **ctx, const char *server_name)
{
	struct tls_peer_check *p = self(ctx);
	p->cert_index = 0;
	p->minimal.vtable->start_chain(&p->minimal.vtable, server_name);
}

static void check_start_cert(const br_x509_class **ctx, uint32_t length)
{
	struct tls_peer_check *p = self(ctx);
	if (p->cert_index == 0)
		br_x509_decoder_init(&p->leaf, NULL, NULL);
	p->minimal.vtable->start_cert(&p->minimal.vtable, length);
}

static void check_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
	struct tls_peer_check *p = self(ctx);
	if (p->cert_index == 0)
		br_x509_decoder_push(&p->leaf, buf, len);
	p->minimal.vtable->append(&p->minimal.vtable, buf, len);
}

static void check_end_cert(const br_x509_class **ctx)
{
	struct tls_peer_check *p = self(ctx);
	p->cert_index++;
	p->minimal.vtable->end_cert(&p->minimal.vtable);
}

/* Keeps a copy of the leaf's key so the handshake can go on whatever the verdict. */
static int keep_leaf_key(struct tls_peer_check *p)
{
	const br_x509_pkey *pk = br_x509_decoder_get_pkey(&p->leaf);
	if (!pk)
		return -1;
	p->pkey = *pk;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		if (pk->key.rsa.nlen + pk->key.rsa.elen > sizeof(p->key_bytes))
			return -1;
		memcpy(p->key_bytes, pk->key.rsa.n, pk->key.rsa.nlen);
		memcpy(p->key_bytes + pk->key.rsa.nlen, pk->key.rsa.e, pk->key.rsa.elen);
		p->pkey.key.rsa.n = p->key_bytes;
		p->pkey.key.rsa.e = p->key_bytes + pk->key.rsa.nlen;
	} else {
		if (pk->key.ec.qlen > sizeof(p->key_bytes))
			return -1;
		memcpy(p->key_bytes, pk->key.ec.q, pk->key.ec.qlen);
		p->pkey.key.ec.q = p->key_bytes;
	}
	return 0;
}

static unsigned check_end_chain(const br_x509_class **ctx)
{
	struct tls_peer_check *p = self(ctx);
	unsigned r = p->minimal.vtable->end_chain(&p->minimal.vtable);
	p->verified = (r == BR_ERR_OK);
	p->error = (int)r;
	return keep_leaf_key(p) == 0 ? BR_ERR_OK : (r ? r : BR_ERR_X509_INVALID_VALUE);
}

static const br_x509_pkey *check_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
	struct tls_peer_check *p = self((const br_x509_class **)ctx);
	if (usages)
		*usages = BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN;
	return &p->pkey;
}

static const br_x509_class check_vtable = {
	sizeof(struct tls_peer_check), check_start_chain, check_start_cert, check_append,
	check_end_cert, check_end_chain, check_get_pkey,
};

int tls_client_start(struct tls_conn *c, struct tls_peer_check *check,
			  const struct tls_trust *trust, const char *server_name, int fd)
{
	br_ssl_client_context *cc = &c->ctx.client;
	memset(check, 0, sizeof(*check));
	br_ssl_client_init_full(cc, &check->minimal, trust->ta, trust->n);
	check->vtable = &check_vtable;
	br_ssl_engine_set_x509(&cc->eng, &check->vtable);
	if (tls_conn_prepare(c, &cc->eng, fd) < 0)
		return -1;
	c->check = check;
	br_ssl_engine_set_versions(c->eng, BR_TLS10, BR_TLS12);
	if (!br_ssl_client_reset(cc, server_name, 0)) {
		c->err = br_ssl_engine_last_error(c->eng);
		return -1;
	}
	return 0;
}
