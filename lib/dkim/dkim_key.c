/* dkim_key.c: parse DKIM key records and the RSA SubjectPublicKeyInfo / RSAPublicKey DER in p=. */
#include "dkim/dkim_key.h"

#include <string.h>
#include <strings.h>

#include "base/base64.h"
#include "base/buf.h"
#include "dkim/dkim.h"

struct der {
	const unsigned char *p;
	size_t len;
};

/* Reads one TLV of tag `tag` from d into *inner; d advances past it. */
static int der_take(struct der *d, unsigned char tag, struct der *inner)
{
	if (d->len < 2 || d->p[0] != tag)
		return -1;
	size_t hdr = 2, n = d->p[1];
	if (n & 0x80) {
		size_t bytes = n & 0x7F;
		if (bytes == 0 || bytes > 2 || d->len < 2 + bytes)
			return -1;
		n = 0;
		for (size_t k = 0; k < bytes; k++)
			n = n << 8 | d->p[2 + k];
		hdr += bytes;
	}
	if (n > d->len - hdr)
		return -1;
	inner->p = d->p + hdr;
	inner->len = n;
	d->p += hdr + n;
	d->len -= hdr + n;
	return 0;
}

/* An unsigned INTEGER's magnitude without leading zero bytes. */
static int der_uint(struct der *d, const unsigned char **v, size_t *n)
{
	struct der i;
	if (der_take(d, 0x02, &i) < 0 || i.len == 0 || (i.p[0] & 0x80))
		return -1;
	while (i.len > 1 && i.p[0] == 0) {
		i.p++;
		i.len--;
	}
	*v = i.p;
	*n = i.len;
	return 0;
}

static enum dkim_key_error rsa_public_key(struct der d, struct dkim_key *key)
{
	struct der seq;
	const unsigned char *n, *e;
	size_t nl, el;
	if (der_take(&d, 0x30, &seq) < 0 || der_uint(&seq, &n, &nl) < 0 ||
	    der_uint(&seq, &e, &el) < 0 || el > sizeof(key->e))
		return DKIM_KEY_BAD_DATA;
	size_t bits = nl * 8;
	for (unsigned char top = n[0]; bits && !(top & 0x80); top = (unsigned char)(top << 1))
		bits--;
	if (bits < DKIM_RSA_MIN_BITS || bits > DKIM_RSA_MAX_BITS)
		return DKIM_KEY_SIZE;
	memcpy(key->n, n, nl);
	memcpy(key->e, e, el);
	key->nlen = nl;
	key->elen = el;
	key->rsa = (br_rsa_public_key){key->n, nl, key->e, el};
	return DKIM_KEY_OK;
}

/* SubjectPublicKeyInfo with rsaEncryption, or a bare RSAPublicKey. */
static enum dkim_key_error rsa_from_der(const unsigned char *p, size_t len, struct dkim_key *key)
{
	static const unsigned char rsa_oid[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
	struct der d = {p, len}, spki, alg, oid, bits;
	if (der_take(&d, 0x30, &spki) < 0)
		return DKIM_KEY_BAD_DATA;
	struct der probe = spki;
	if (der_take(&probe, 0x30, &alg) < 0)
		return rsa_public_key((struct der){p, len}, key);
	if (der_take(&alg, 0x06, &oid) < 0 || oid.len != sizeof(rsa_oid) ||
	    memcmp(oid.p, rsa_oid, sizeof(rsa_oid)) != 0)
		return DKIM_KEY_UNSUPPORTED;
	if (der_take(&probe, 0x03, &bits) < 0 || bits.len < 1 || bits.p[0] != 0)
		return DKIM_KEY_BAD_DATA;
	return rsa_public_key((struct der){bits.p + 1, bits.len - 1}, key);
}

static enum dkim_key_error check_tags(const struct dkim_tags *t, struct dkim_key *key)
{
	const char *v = dkim_tags_get(t, "v"), *k = dkim_tags_get(t, "k");
	const char *h = dkim_tags_get(t, "h"), *s = dkim_tags_get(t, "s");
	const char *flags = dkim_tags_get(t, "t");
	if (v && (strcmp(v, "DKIM1") != 0 || strcmp(t->tag[0].name, "v") != 0))
		return DKIM_KEY_SYNTAX;
	if (!k || strcasecmp(k, "rsa") == 0)
		key->type = DKIM_KEY_RSA;
	else if (strcasecmp(k, "ed25519") == 0)
		key->type = DKIM_KEY_ED25519;
	else
		return DKIM_KEY_UNSUPPORTED;
	if ((h && !dkim_list_has(h, "sha256")) ||
	    (s && !dkim_list_has(s, "*") && !dkim_list_has(s, "email")))
		return DKIM_KEY_UNSUPPORTED;
	key->testing = flags && dkim_list_has(flags, "y");
	key->strict_i = flags && dkim_list_has(flags, "s");
	return DKIM_KEY_OK;
}

/* p= (RFC 6376 3.6.1): empty when the key is revoked. */
static enum dkim_key_error decode_p(const char *p, struct dkim_key *key)
{
	struct buf der = BUF_INIT;
	enum dkim_key_error rc = DKIM_KEY_BAD_DATA;
	if (base64_decode_strict(p, strlen(p), &der) < 0)
		rc = DKIM_KEY_BAD_DATA;
	else if (der.len == 0)
		rc = DKIM_KEY_REVOKED;
	else if (key->type == DKIM_KEY_RSA)
		rc = rsa_from_der((const unsigned char *)der.data, der.len, key);
	else if (der.len == sizeof(key->ed25519))
		rc = DKIM_KEY_OK;
	if (rc == DKIM_KEY_OK && key->type == DKIM_KEY_ED25519)
		memcpy(key->ed25519, der.data, der.len);
	buf_free(&der);
	return rc;
}

enum dkim_key_error dkim_key_parse(const char *record, size_t len, struct dkim_key *key)
{
	memset(key, 0, sizeof(*key));
	struct dkim_tags t;
	if (dkim_tags_parse(record, len, &t) < 0)
		return DKIM_KEY_SYNTAX;
	enum dkim_key_error rc = check_tags(&t, key);
	const char *p = dkim_tags_get(&t, "p");
	if (rc == DKIM_KEY_OK)
		rc = p ? decode_p(p, key) : DKIM_KEY_SYNTAX;
	dkim_tags_free(&t);
	return rc;
}

const char *dkim_key_error_text(enum dkim_key_error e)
{
	static const char *text[] = {"ok", "key record syntax error", "key revoked",
				     "key type or hash not supported", "key data malformed",
				     "RSA key size outside 1024-4096 bits"};
	return text[e];
}
