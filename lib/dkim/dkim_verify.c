/* dkim_verify.c: verify every DKIM-Signature of a received message (RFC 6376 6, 8301, 8463). */
#include "dkim/dkim.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/base64.h"
#include "bearssl_hash.h"
#include "bearssl_rsa.h"
#include "dkim/dkim_key.h"
#include "crypto/ed25519.h"

/* What one signature asks for, decoded from its tags. */
struct sig {
	int rsa;                 /* rsa-sha256, else ed25519-sha256 */
	int relaxed_header, relaxed_body;
	const char *h;           /* the h= list */
	const char *i;           /* i=, NULL when absent */
	long long length;        /* l=, -1 */
	unsigned char bh[32];
	unsigned char b[DKIM_RSA_MAX_BYTES];
	size_t blen;
};

static enum dkim_sig_status sig_fail(struct dkim_sig_result *r, enum dkim_sig_status st,
				     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static enum dkim_sig_status sig_fail(struct dkim_sig_result *r, enum dkim_sig_status st,
				     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
	return r->status = st;
}

/* A base64 tag value into out; -1 when malformed or not `want` bytes (want 0: any length up
 * to cap). */
static int decode_b64(const char *value, unsigned char *out, size_t cap, size_t want, size_t *got)
{
	struct buf b = BUF_INIT;
	int rc = -1;
	if (base64_decode_strict(value, strlen(value), &b) == 0 && b.len <= cap &&
	    (want == 0 || b.len == want)) {
		memcpy(out, b.data, b.len);
		*got = b.len;
		rc = 0;
	}
	buf_free(&b);
	return rc;
}

static int parse_number(const char *s, long long *out)
{
	if (!s || !*s || strlen(s) > 18)
		return -1;
	long long v = 0;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return 0;
}

static int parse_canon(const char *c, struct sig *s)
{
	if (!c)
		return 0;
	const char *slash = strchr(c, '/');
	size_t hl = slash ? (size_t)(slash - c) : strlen(c);
	const char *body = slash ? slash + 1 : "simple";
	if ((hl == 6 && strncmp(c, "simple", 6) == 0) || (hl == 7 && strncmp(c, "relaxed", 7) == 0))
		s->relaxed_header = (hl == 7);
	else
		return -1;
	if (strcmp(body, "simple") != 0 && strcmp(body, "relaxed") != 0)
		return -1;
	s->relaxed_body = strcmp(body, "relaxed") == 0;
	return 0;
}

/* Counts the h= entries and checks that From is one of them. */
static int check_h(const char *h, size_t *count)
{
	int from = 0;
	*count = 0;
	for (const char *p = h; *p;) {
		while (*p == ':' || isspace((unsigned char)*p))
			p++;
		size_t n = strcspn(p, ": \t");
		if (n == 0)
			break;
		from |= (n == 4 && strncasecmp(p, "from", 4) == 0);
		(*count)++;
		p += n;
	}
	return from ? 0 : -1;
}

static int domain_within(const char *sub, const char *domain)
{
	size_t ls = strlen(sub), ld = strlen(domain);
	if (ls == ld)
		return strcasecmp(sub, domain) == 0;
	return ls > ld && sub[ls - ld - 1] == '.' && strcasecmp(sub + ls - ld, domain) == 0;
}

/* The domain part of an i= value (after its last "@"; a local-part may hold a quoted "@"). */
static const char *i_domain(const char *i)
{
	const char *at = strrchr(i, '@');
	return at ? at + 1 : "";
}

static enum dkim_sig_status read_tags(const struct dkim_tags *t, time_t now, struct sig *s,
				      struct dkim_sig_result *r)
{
	const char *v = dkim_tags_get(t, "v"), *a = dkim_tags_get(t, "a");
	const char *b = dkim_tags_get(t, "b"), *bh = dkim_tags_get(t, "bh");
	const char *d = dkim_tags_get(t, "d"), *sel = dkim_tags_get(t, "s");
	const char *q = dkim_tags_get(t, "q");
	s->h = dkim_tags_get(t, "h");
	s->i = dkim_tags_get(t, "i");
	if (!v || !a || !b || !bh || !d || !sel || !s->h)
		return sig_fail(r, DKIM_SIG_PERMERROR, "required tag missing");
	snprintf(r->algorithm, sizeof(r->algorithm), "%s", a);
	snprintf(r->domain, sizeof(r->domain), "%s", d);
	for (char *c = r->domain; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	snprintf(r->selector, sizeof(r->selector), "%s", sel);
	if (strcmp(v, "1") != 0)
		return sig_fail(r, DKIM_SIG_PERMERROR, "unsupported version v=%.16s", v);
	if (!*d || !*sel)
		return sig_fail(r, DKIM_SIG_PERMERROR, "empty d= or s=");
	if (q && !dkim_list_has(q, "dns/txt")) /* the only method (RFC 6376 3.5) */
		return sig_fail(r, DKIM_SIG_PERMERROR, "no supported query method in q=");
	if (strcasecmp(a, "rsa-sha1") == 0)
		return sig_fail(r, DKIM_SIG_FAIL, "rsa-sha1 not accepted (RFC 8301)");
	s->rsa = strcasecmp(a, "rsa-sha256") == 0;
	if (!s->rsa && strcasecmp(a, "ed25519-sha256") != 0)
		return sig_fail(r, DKIM_SIG_PERMERROR, "unknown algorithm");
	if (parse_canon(dkim_tags_get(t, "c"), s) < 0)
		return sig_fail(r, DKIM_SIG_PERMERROR, "unknown canonicalization");
	size_t nh, got;
	if (check_h(s->h, &nh) < 0)
		return sig_fail(r, DKIM_SIG_PERMERROR, "h= does not sign From");
	if (nh > DKIM_MAX_HEADERS)
		return sig_fail(r, DKIM_SIG_PERMERROR, "h= lists more than %d fields", DKIM_MAX_HEADERS);
	if (s->i && !domain_within(i_domain(s->i), r->domain))
		return sig_fail(r, DKIM_SIG_PERMERROR, "i= not within d=");
	const char *l = dkim_tags_get(t, "l"), *x = dkim_tags_get(t, "x"), *ts = dkim_tags_get(t, "t");
	long long xv = -1, tv = -1;
	s->length = -1;
	if ((l && parse_number(l, &s->length) < 0) || (x && parse_number(x, &xv) < 0) ||
	    (ts && parse_number(ts, &tv) < 0))
		return sig_fail(r, DKIM_SIG_PERMERROR, "bad l=, x= or t= value");
	r->body_length = s->length;
	if (x && ts && xv < tv)
		return sig_fail(r, DKIM_SIG_PERMERROR, "x= earlier than t=");
	if (x && xv < (long long)now)
		return sig_fail(r, DKIM_SIG_FAIL, "signature expired");
	if (decode_b64(bh, s->bh, sizeof(s->bh), sizeof(s->bh), &got) < 0)
		return sig_fail(r, DKIM_SIG_PERMERROR, "bh= malformed");
	if (decode_b64(b, s->b, sizeof(s->b), 0, &s->blen) < 0 || s->blen == 0)
		return sig_fail(r, DKIM_SIG_PERMERROR, "b= malformed");
	return DKIM_SIG_PASS;
}

static enum dkim_sig_status fetch_key(const struct dns_lookup *dns, const struct sig *s,
				      struct dkim_sig_result *r, struct dkim_key *key)
{
	char name[2 * DNS_NAME_MAX];
	if (snprintf(name, sizeof(name), "%s._domainkey.%s", r->selector, r->domain) >= DNS_NAME_MAX)
		return sig_fail(r, DKIM_SIG_PERMERROR, "key name too long");
	struct dns_result res = {0};
	dns->query(dns->ctx, name, DNS_T_TXT, &res);
	enum dkim_key_error err = DKIM_KEY_SYNTAX;
	for (size_t k = 0; res.status == DNS_OK && k < res.n && err != DKIM_KEY_OK; k++)
		err = dkim_key_parse(res.rr[k].text, res.rr[k].text_len, key);
	enum dns_status st = res.status;
	dns_result_free(&res);
	if (st == DNS_TEMPFAIL)
		return sig_fail(r, DKIM_SIG_TEMPERROR, "key lookup failed temporarily");
	if (st != DNS_OK)
		return sig_fail(r, DKIM_SIG_PERMERROR, "no key for selector");
	if (err != DKIM_KEY_OK)
		return sig_fail(r, err == DKIM_KEY_REVOKED ? DKIM_SIG_FAIL : DKIM_SIG_PERMERROR, "%s",
				dkim_key_error_text(err));
	if ((key->type == DKIM_KEY_RSA) != s->rsa)
		return sig_fail(r, DKIM_SIG_PERMERROR, "key type does not match a=");
	if (key->strict_i && s->i && strcasecmp(i_domain(s->i), r->domain) != 0)
		return sig_fail(r, DKIM_SIG_PERMERROR, "key t=s forbids a subdomain i=");
	return DKIM_SIG_PASS;
}

/* The signature field with its b= value removed (RFC 6376 3.7), malloc'd. When b= is the
 * last tag its final line break goes too, which canonicalisation would drop anyway. */
static char *without_b(const struct dkim_field *f, size_t *len)
{
	const char *v = memchr(f->start, ':', f->len);
	char *out = malloc(f->len + 1);
	if (!v || !out) {
		free(out);
		return NULL;
	}
	size_t o = 0, p = 0, end = f->len;
	while (p < end) {
		size_t seg_end = p;
		while (seg_end < end && f->start[seg_end] != ';')
			seg_end++;
		const char *seg = f->start + p;
		size_t seg_len = seg_end - p;
		const char *eq = memchr(seg, '=', seg_len);
		size_t a = (p == 0) ? (size_t)(v - f->start) + 1 : 0, z = eq ? (size_t)(eq - seg) : 0;
		while (a < z && isspace((unsigned char)seg[a]))
			a++;
		while (z > a && isspace((unsigned char)seg[z - 1]))
			z--;
		int is_b = eq && z - a == 1 && seg[a] == 'b';
		size_t keep = is_b ? (size_t)(eq - seg) + 1 : seg_len;
		memcpy(out + o, seg, keep);
		o += keep;
		if (seg_end < end)
			out[o++] = ';';
		p = seg_end + 1;
	}
	*len = o;
	return out;
}

/* The header hash input for the signature at sig_index: its b= value removed. */
static int header_data(const struct dkim_message *m, size_t sig_index, const struct sig *s,
		       struct buf *out)
{
	size_t blen;
	char *sig = without_b(&m->f[sig_index], &blen);
	if (!sig)
		return -1;
	int rc = dkim_header_input(m, s->h, s->relaxed_header, sig, blen, out);
	free(sig);
	return rc;
}

static enum dkim_sig_status check_crypto(const struct dkim_message *m, size_t idx,
					 const struct sig *s,
					 const struct dkim_key *key, struct dkim_sig_result *r)
{
	struct buf data = BUF_INIT;
	if (header_data(m, idx, s, &data) < 0) {
		buf_free(&data);
		return sig_fail(r, DKIM_SIG_TEMPERROR, "out of memory");
	}
	unsigned char digest[32];
	br_sha256_context sha;
	br_sha256_init(&sha);
	br_sha256_update(&sha, data.data, data.len);
	br_sha256_out(&sha, digest);
	buf_free(&data);
	int ok;
	if (s->rsa) {
		unsigned char recovered[32];
		ok = s->blen == key->nlen &&
		     br_rsa_pkcs1_vrfy_get_default()(s->b, s->blen, BR_HASH_OID_SHA256, sizeof(recovered),
					   &key->rsa, recovered) &&
		     memcmp(recovered, digest, sizeof(digest)) == 0;
	} else {
		ok = s->blen == ED25519_SIGNATURE_LEN &&
		     ed25519_verify(s->b, digest, sizeof(digest), key->ed25519);
	}
	return ok ? (r->status = DKIM_SIG_PASS) : sig_fail(r, DKIM_SIG_FAIL, "signature mismatch");
}

static enum dkim_sig_status check_body_and_key(const struct dkim_message *m, size_t idx,
						const struct sig *s, const struct dns_lookup *dns,
						struct dkim_sig_result *r)
{
	unsigned char digest[32];
	unsigned long long canon_len;
	dkim_body_hash(m->body, m->body_len, s->relaxed_body, s->length, digest, &canon_len);
	if (s->length >= 0 && (unsigned long long)s->length > canon_len)
		return sig_fail(r, DKIM_SIG_FAIL, "l= is longer than the body");
	if (memcmp(digest, s->bh, sizeof(digest)) != 0)
		return sig_fail(r, DKIM_SIG_FAIL, "body hash mismatch");
	struct dkim_key *key = malloc(sizeof(*key));
	if (!key)
		return sig_fail(r, DKIM_SIG_TEMPERROR, "out of memory");
	enum dkim_sig_status st = fetch_key(dns, s, r, key);
	if (st == DKIM_SIG_PASS)
		st = check_crypto(m, idx, s, key, r);
	free(key);
	return st;
}

static enum dkim_sig_status verify_one(const struct dkim_message *m, size_t idx,
				       const struct dns_lookup *dns, time_t now,
				       struct dkim_sig_result *r)
{
	const struct dkim_field *f = &m->f[idx];
	const char *colon = memchr(f->start, ':', f->len);
	struct dkim_tags tags;
	struct sig s = {0};
	if (!colon || dkim_tags_parse(colon + 1, f->len - (size_t)(colon + 1 - f->start), &tags) < 0)
		return sig_fail(r, DKIM_SIG_PERMERROR, "signature tag-list malformed");
	enum dkim_sig_status st = read_tags(&tags, now, &s, r); /* s points into tags */
	if (st == DKIM_SIG_PASS)
		st = check_body_and_key(m, idx, &s, dns, r);
	dkim_tags_free(&tags);
	return st;
}

/* Whether the header section ends with an empty line (CRLF CRLF, or LF LF as stored): without
 * one the message cannot be split into header and body, and nothing is verified. */
static int header_section_closed(const char *msg, const struct dkim_message *m)
{
	size_t end = (size_t)(m->body - msg);
	if (end == 0 || msg[end - 1] != '\n')
		return 0;
	end--;
	if (end && msg[end - 1] == '\r')
		end--;
	return end == 0 || msg[end - 1] == '\n';
}

int dkim_verify(const char *msg, size_t len, const struct dns_lookup *dns, time_t now,
		struct dkim_result *out)
{
	memset(out, 0, sizeof(*out));
	struct dkim_message m;
	if (dkim_message_index(msg, len, &m) < 0)
		return -1;
	int closed = header_section_closed(msg, &m);
	for (size_t k = 0; closed && k < m.n && out->nsigs < DKIM_MAX_SIGNATURES; k++) {
		if (!dkim_field_is(&m.f[k], "DKIM-Signature", 14))
			continue;
		struct dkim_sig_result *r = &out->sig[out->nsigs++];
		r->body_length = -1;
		verify_one(&m, k, dns, now, r);
	}
	dkim_message_free(&m);
	return 0;
}

const char *dkim_verdict(const struct dkim_result *r)
{
	if (r->nsigs == 0)
		return "none";
	for (size_t k = 0; k < r->nsigs; k++)
		if (r->sig[k].status == DKIM_SIG_PASS)
			return "pass";
	return "fail";
}
