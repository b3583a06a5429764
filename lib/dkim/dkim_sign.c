/* dkim_sign.c: DKIM-sign an outbound message: rsa-sha256, relaxed/relaxed (mail.md 5.6, DECISIONS 31). */
#include "dkim/dkim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base64.h"
#include "bearssl_hash.h"
#include "bearssl_rsa.h"

#define DKIM_FOLD_COLUMN 72

/* Signed and over-signed (listed once more than present, absent ones once), DECISIONS 31. */
static const char *const signed_names[] = {"From", "To", "Cc", "Subject", "Date", "Message-ID",
					   "In-Reply-To", "References"};
#define NSIGNED (sizeof(signed_names) / sizeof(signed_names[0]))

static int is_signed_name(const struct dkim_field *f)
{
	for (size_t k = 0; k < NSIGNED; k++)
		if (dkim_field_is(f, signed_names[k], strlen(signed_names[k])))
			return 1;
	return 0;
}

/* h=: every present signed field in message order, original casing, then each name once
 * more in lowercase. */
static int build_h(const struct dkim_message *m, struct buf *h)
{
	for (size_t k = 0; k < m->n; k++)
		if (is_signed_name(&m->f[k]) &&
		    buf_printf(h, "%s%.*s", h->len ? ":" : "", (int)m->f[k].name_len,
			       m->f[k].start) < 0)
			return -1;
	for (size_t k = 0; k < NSIGNED; k++) {
		if (buf_append_str(h, h->len ? ":" : "") < 0)
			return -1;
		for (const char *c = signed_names[k]; *c; c++)
			if (buf_append_char(h, (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c)) < 0)
				return -1;
	}
	return 0;
}

/* Appends text folded with CRLF TAB so no line passes DKIM_FOLD_COLUMN (breaking only
 * where the grammar allows FWS: at ':' in h=, anywhere in base64). */
static int append_folded(struct buf *out, const char *text, size_t *column, int at_colons)
{
	for (const char *p = text; *p; p++) {
		int may_break = at_colons ? p[0] == ':' : 1;
		if (*column >= DKIM_FOLD_COLUMN && may_break) {
			if (buf_append(out, "\r\n\t", 3) < 0)
				return -1;
			*column = 1;
		}
		if (buf_append_char(out, *p) < 0)
			return -1;
		(*column)++;
	}
	return 0;
}

static int sign_hash(const unsigned char digest[32], const br_rsa_private_key *key,
		     struct buf *b64)
{
	unsigned char sig[512];
	size_t siglen = (key->n_bitlen + 7) / 8;
	if (siglen > sizeof(sig) ||
	    !br_rsa_pkcs1_sign_get_default()(BR_HASH_OID_SHA256, digest, 32, key, sig))
		return -1;
	return base64_encode(b64, sig, siglen, 0);
}

/* The field up to and including "b=", folded. */
static int signature_field(const struct dkim_message *m, const char *domain,
			   const char *selector, time_t now, struct buf *field)
{
	struct buf h = BUF_INIT, bh = BUF_INIT;
	unsigned char digest[32];
	unsigned long long canon_len;
	dkim_body_hash(m->body, m->body_len, 1, -1, digest, &canon_len);
	int rc = -1;
	if (build_h(m, &h) == 0 && base64_encode(&bh, digest, sizeof(digest), 0) == 0 &&
	    buf_printf(field, "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=%s;\r\n"
			      "\ts=%s; t=%lld;\r\n\th=", domain, selector, (long long)now) == 0) {
		size_t column = 3;
		rc = append_folded(field, h.data, &column, 1);
		if (rc == 0)
			rc = buf_printf(field, ";\r\n\tbh=%s;\r\n\tb=", bh.data);
	}
	buf_free(&h);
	buf_free(&bh);
	return rc;
}

int dkim_sign(const char *msg, size_t len, const char *domain, const char *selector,
	      const br_rsa_private_key *key, time_t now, struct buf *out)
{
	struct dkim_message m;
	if (dkim_message_index(msg, len, &m) < 0)
		return -1;
	struct buf field = BUF_INIT, data = BUF_INIT, b = BUF_INIT;
	const char *h = NULL;
	int rc = signature_field(&m, domain, selector, now, &field);
	if (rc == 0) {
		h = strstr(field.data, "h=") + 2;
		char *hcopy = strndup(h, (size_t)(strchr(h, ';') - h));
		rc = hcopy ? dkim_header_input(&m, hcopy, 1, field.data, field.len, &data) : -1;
		free(hcopy);
	}
	if (rc == 0) {
		unsigned char digest[32];
		br_sha256_context sha;
		br_sha256_init(&sha);
		br_sha256_update(&sha, data.data, data.len);
		br_sha256_out(&sha, digest);
		rc = sign_hash(digest, key, &b);
	}
	if (rc == 0) {
		size_t column = 3;
		rc = append_folded(&field, b.data, &column, 0);
	}
	if (rc == 0)
		rc = buf_append(out, field.data, field.len) == 0 && buf_append(out, "\r\n", 2) == 0
			     ? 0
			     : -1;
	buf_free(&field);
	buf_free(&data);
	buf_free(&b);
	dkim_message_free(&m);
	return rc;
}
