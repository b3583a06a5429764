/* dkim.h: DKIM (RFC 6376, 8301, 8463): tag lists, canonicalisation and signature verification. */
#ifndef AIMX_DKIM_H
#define AIMX_DKIM_H

#include <stddef.h>
#include <time.h>

#include "bearssl_rsa.h"
#include "base/buf.h"
#include "net/dns.h"

#define DKIM_MAX_SIGNATURES 8  /* signatures evaluated per message; more are ignored */
#define DKIM_MAX_TAGS       32 /* tags per tag-list; more is a permanent error */
#define DKIM_MAX_HEADERS    64 /* h= entries; more is a permanent error */
#define DKIM_TAG_NAME_MAX   16

enum dkim_sig_status { DKIM_SIG_PASS, DKIM_SIG_FAIL, DKIM_SIG_TEMPERROR, DKIM_SIG_PERMERROR };

struct dkim_sig_result {
	enum dkim_sig_status status;
	char domain[DNS_NAME_MAX];   /* d=, lowercased */
	char selector[DNS_NAME_MAX]; /* s= */
	char algorithm[24];          /* a= */
	long long body_length;       /* l=, or -1 */
	char reason[96];             /* why it did not pass */
};

struct dkim_result {
	size_t nsigs;
	struct dkim_sig_result sig[DKIM_MAX_SIGNATURES];
};

/* Verifies every DKIM-Signature of the message exactly as received. 0, or -1 on ENOMEM. */
int dkim_verify(const char *msg, size_t len, const struct dns_lookup *dns, time_t now,
		struct dkim_result *out);

/* mail.md 3.1: "none" without signatures, "pass" when one passes, else "fail". */
const char *dkim_verdict(const struct dkim_result *r);

/* Signs msg (CRLF line ends) for d=domain, s=selector with rsa-sha256 relaxed/relaxed and
 * t=now, over From, To, Cc, Subject, Date, Message-ID, In-Reply-To and References (each
 * listed once more than present), and appends the folded "DKIM-Signature: ...\r\n" field
 * to out, to be put before the message. 0, or -1 on ENOMEM or a signing failure. */
int dkim_sign(const char *msg, size_t len, const char *domain, const char *selector,
	      const br_rsa_private_key *key, time_t now, struct buf *out);

/* A tag-list (RFC 6376 3.2): names as written, values with line breaks removed and outer
 * whitespace trimmed. */
struct dkim_tags {
	size_t n;
	struct {
		char name[DKIM_TAG_NAME_MAX];
		char *value;
	} tag[DKIM_MAX_TAGS];
};

/* 0, or -1 on a syntax error, a duplicate tag, too many tags or ENOMEM (tags freed). */
int dkim_tags_parse(const char *text, size_t len, struct dkim_tags *out);
const char *dkim_tags_get(const struct dkim_tags *t, const char *name);
void dkim_tags_free(struct dkim_tags *t);
/* Whether a colon-separated tag value (h=, k=, q=, s=, t=) lists word, case-insensitively. */
int dkim_list_has(const char *list, const char *word);

/* Header canonicalisation (RFC 6376 3.4.1, 3.4.2) of one field given as its raw bytes
 * (name, colon, value, folding, final line break), appended to out with a CRLF. */
int dkim_canon_header_simple(const char *field, size_t len, struct buf *out);
int dkim_canon_header_relaxed(const char *field, size_t len, struct buf *out);

/* A message's header fields as raw spans, and where its body starts (dkim_headers.c). */
struct dkim_field {
	const char *start; /* name ... final line break */
	size_t len;
	size_t name_len;
};

struct dkim_message {
	struct dkim_field *f;
	size_t n;
	const char *body;
	size_t body_len;
};

/* 0, or -1 on ENOMEM (nothing to free then). */
int dkim_message_index(const char *msg, size_t len, struct dkim_message *m);
void dkim_message_free(struct dkim_message *m);
int dkim_field_is(const struct dkim_field *f, const char *name, size_t len);

/* The header hash input (RFC 6376 3.7): the fields named in the h= list, each instance
 * chosen bottom-up (a name listed more often than present contributes nothing), then
 * sig_field (the DKIM-Signature field with an empty b=), canonicalised without its final
 * CRLF. Appended to out; 0 or -1 on ENOMEM. */
int dkim_header_input(const struct dkim_message *m, const char *h, int relaxed,
		      const char *sig_field, size_t sig_len, struct buf *out);

/* Body canonicalisation (3.4.3, 3.4.4) hashed with SHA-256; limit < 0: the whole body,
 * else at most limit canonical bytes. *canon_len gets the full canonical length. */
void dkim_body_hash(const char *body, size_t len, int relaxed, long long limit,
		    unsigned char digest[32], unsigned long long *canon_len);

#endif
