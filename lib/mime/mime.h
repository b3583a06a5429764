/* mime.h: bounded MIME parsing of one received message: headers, parts, decoded body and attachments. */
#ifndef AIMX_MIME_H
#define AIMX_MIME_H

#include <stddef.h>

#include "base/buf.h"

#define MIME_MAX_DEPTH   32    /* multipart / message/rfc822 nesting; deeper parts are kept raw */
#define MIME_MAX_PARTS   1000  /* leaf parts examined; the rest are dropped (truncated = 1) */
#define MIME_MAX_HEADERS 1000  /* header fields kept per part */

struct mime_header {
	char *name;  /* as received, e.g. "Subject" */
	char *value; /* unfolded (CRLF removed, the folding whitespace kept), not decoded */
};

struct mime_attachment {
	char *filename;     /* the sender's name, RFC 2231/2047-decoded to UTF-8; NULL if none */
	char *content_type; /* lowercase "type/subtype"; "application/octet-stream" by default */
	struct buf data;    /* transfer-decoded bytes; text parts re-encoded as UTF-8;
			       message/rfc822 parts as their raw bytes */
};

struct mime_message {
	struct mime_header *headers; /* top-level header fields, in order */
	size_t nheaders;
	char *body;         /* the chosen text body as UTF-8 ("" when none), see mime_parse */
	size_t body_cap;    /* bytes allocated to body */
	int body_from_html; /* the body was derived from text/html */
	struct mime_attachment *attachments; /* every non-body leaf, in MIME order */
	size_t nattachments;
	int truncated;      /* a limit was hit; what could be parsed is kept */
	int malformed;      /* the structure was broken (missing boundary, bad base64, ...) */
};

/* Parse raw message bytes (CRLF or LF line endings). Never fails on malformed input: it
 * recovers and sets `malformed`. Body choice (mail.md 2.4): the first inline text part,
 * where a multipart/alternative counts as its text/plain alternative; an HTML body is
 * converted by mime_html_to_text; other inline text parts are dropped. Returns 0, or -1 with
 * errno ENOMEM. */
int mime_parse(const char *raw, size_t len, struct mime_message *out);
void mime_message_free(struct mime_message *m);

/* First header with this name (case-insensitive), or NULL. */
const char *mime_header_get(const struct mime_message *m, const char *name);

/* Unfold and decode RFC 2047 encoded words (B and Q, any charset iconv knows) to UTF-8;
 * adjacent encoded words separated only by whitespace are joined. Malloc'd, NULL on ENOMEM. */
char *mime_decode_header(const char *value);

struct mime_address {
	char *name; /* decoded display name without quotes, NULL when there is none */
	char *addr; /* addr-spec, e.g. "a@example.com" (may be "" for a group with no members) */
};

/* Parse an RFC 5322 address-list (groups flattened, comments dropped, quoted names
 * unquoted and RFC 2047-decoded). Returns 0 (n may be 0), -1 on ENOMEM. */
int mime_parse_addresses(const char *value, struct mime_address **out, size_t *n);
void mime_addresses_free(struct mime_address *list, size_t n);
/* "Name <addr>" when there is a display name, else "addr". Malloc'd. */
char *mime_address_format(const struct mime_address *a);

/* RFC 5322 date-time (obsolete forms and zone names too) to RFC 3339 keeping the sender's
 * offset: "2025-01-01T12:00:00Z" for +0000, else "...+05:30". 0, or -1 if unparseable. */
int mime_date_to_rfc3339(const char *value, char out[40]);

/* Convert text in `charset` (NULL or unknown: treated as UTF-8) to valid UTF-8, invalid
 * sequences replaced by U+FFFD. Appends to out. 0, or -1 on ENOMEM. */
int mime_charset_to_utf8(const char *charset, const char *in, size_t len, struct buf *out);

/* Readable Markdown-ish text from HTML: headings as "# ", links as "text (url)", list
 * items as "- ", paragraphs and <br> as line breaks, entities decoded, script/style/head
 * skipped, whitespace runs collapsed. Appends to out. 0, or -1 on ENOMEM. */
int mime_html_to_text(const char *html, size_t len, struct buf *out);

/* Building blocks shared by lib/mime*.c, rfc2047.c, address.c and html_*.c; tested on their own. */

#define MIME_TYPE_MAX      128   /* "type/subtype" buffer */
#define MIME_MAX_ADDRESSES 10000 /* addresses kept per mime_parse_addresses call */
#define MIME_TOKEN_MAX     32    /* disposition type / transfer encoding buffer */

/* One header field as found in raw bytes; the value is raw (folding kept, not trimmed). */
struct mime_field {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
};

/* Reads the field at *pos of raw[0..len): 1 with f filled and *pos past it; 0 at the end of
 * the header block, *pos then at the first body byte (a blank line is consumed; a line that
 * is no field, e.g. a missing separator, is left for the body). */
int mime_field_next(const char *raw, size_t len, size_t *pos, struct mime_field *f);
/* Unfolded copy of a raw field value: line breaks and NUL removed, outer blanks trimmed.
 * Malloc'd, NULL on ENOMEM. */
char *mime_field_unfold(const char *value, size_t len);

/* Lowercase "type/subtype" of a Content-Type value; NULL, or anything but two RFC 2045 tokens
 * (ASCII, so it is safe in frontmatter), gives dflt. */
void mime_content_type(const char *value, const char *dflt, char out[MIME_TYPE_MAX]);
/* Lowercase leading token (disposition type, transfer encoding); "" when there is none. */
void mime_token(const char *value, char out[MIME_TOKEN_MAX]);
/* Parameter `name` of a Content-Type / Content-Disposition value: quotes removed, RFC 2231
 * continuations joined and %XX decoded. With `utf8` the result is UTF-8 (the RFC 2231
 * charset, else RFC 2047 words, else lossy), for file names; otherwise the bytes as sent
 * (boundary, charset). 1 with *out malloc'd, 0 when absent, -1 on ENOMEM. */
int mime_param(const char *value, const char *name, int utf8, char **out);

/* Quoted-printable (RFC 2045: soft line breaks, trailing blanks dropped, bad escapes kept
 * as they are); with header_q the RFC 2047 "Q" form ('_' is a space). 0, or -1 on ENOMEM. */
int mime_qp_decode(const char *in, size_t len, int header_q, struct buf *out);
/* RFC 2231 %XX decoding (a bad escape is kept as it is). 0, or -1 on ENOMEM. */
int mime_pct_decode(const char *in, size_t len, struct buf *out);

/* The HTML character reference at s ("&amp;", "&#233;", "&#xE9;"): bytes it spans with *cp
 * set (bad numbers as U+FFFD, &#128;-&#159; as Windows-1252), or 0 when there is none. */
size_t mime_html_entity_at(const char *s, size_t len, unsigned long *cp);

/* p at '(': past the RFC 5322 comment (nested, with quoted-pairs), or at the end of input. */
const char *mime_comment_skip(const char *p);

#endif
