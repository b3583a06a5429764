/* aimx.c: the AIMX/1 codec (protocol.md 3-5): incremental request decoder, response writers,
 * client encoder and reply parser. */
#include "control/aimx.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/utf8.h"

#define PREFIX      "AIMX/1 "
#define PREFIX_LEN  7
#define QUOTE_MAX   400 /* a quoted fragment inside a decoder reason, quotes and escapes included */
#define VERB_ECHO   900 /* bytes of an unknown verb echoed back */
#define OWNER_MAX   32
#define BODY_GROWTH 4096

enum { S_REQLINE, S_HEADERS, S_BODY, S_HTML, S_DONE, S_ERROR };

/* ---- names and tables ---- */

enum hdr {
	H_CONTENT_LENGTH,
	H_TEXT_ONLY,
	H_HTML_BODY_LENGTH,
	H_MAILBOX,
	H_ID,
	H_NAME,
	H_OWNER,
	H_FORCE,
	H_EVENT,
	H_HOOK_NAME,
	H_FOLDER,
	H_COUNT
};

enum hdr_kind { K_STRING, K_LENGTH, K_BOOL };

static const struct {
	const char *name;
	enum hdr_kind kind;
} hdrs[H_COUNT] = {
    [H_CONTENT_LENGTH] = {"Content-Length", K_LENGTH},
    [H_TEXT_ONLY] = {"Text-Only", K_BOOL},
    [H_HTML_BODY_LENGTH] = {"Html-Body-Length", K_LENGTH},
    [H_MAILBOX] = {"Mailbox", K_STRING},
    [H_ID] = {"Id", K_STRING},
    [H_NAME] = {"Name", K_STRING},
    [H_OWNER] = {"Owner", K_STRING},
    [H_FORCE] = {"Force", K_BOOL},
    [H_EVENT] = {"Event", K_STRING},
    [H_HOOK_NAME] = {"Hook-Name", K_STRING},
    [H_FOLDER] = {"Folder", K_STRING},
};

static const char *const verb_names[] = {
    [AIMX_SEND] = "SEND",
    [AIMX_MARK_READ] = "MARK-READ",
    [AIMX_MARK_UNREAD] = "MARK-UNREAD",
    [AIMX_MAILBOX_CREATE] = "MAILBOX-CREATE",
    [AIMX_MAILBOX_DELETE] = "MAILBOX-DELETE",
    [AIMX_MAILBOX_LIST] = "MAILBOX-LIST",
    [AIMX_HOOK_CREATE] = "HOOK-CREATE",
    [AIMX_HOOK_DELETE] = "HOOK-DELETE",
    [AIMX_HOOK_LIST] = "HOOK-LIST",
    [AIMX_VERSION] = "VERSION",
};
#define NVERBS (sizeof(verb_names) / sizeof(verb_names[0]))

static const char *const known_codes[] = {
    "MAILBOX",   "DOMAIN",    "SIGN",     "DELIVERY", "TEMP",
    "MALFORMED", "PROTOCOL",  "NOTFOUND", "IO",       "VALIDATION",
    "NONEMPTY",  "ECONFLICT", "EACCES",   "ENOENT",   "BODY_TOO_LARGE",
};

/* The header set of one verb (protocol.md 3.4). Headers outside `takes` are ignored. */
struct verb_rule {
	unsigned takes;
	unsigned forbidden; /* rejected outright, with forbidden_why */
	const char *forbidden_why;
	unsigned nrequired;
	enum hdr required[3];    /* reported missing in this order */
	const char *zero_length; /* non-NULL: Content-Length must be 0; names the verb family */
	int bare;                /* no header lines at all */
};

#define B(h) (1u << (h))
#define FOLDER_WHY                                                                                 \
	"Folder header is not allowed on MARK verbs (sent-mail mark removed; inbox is the only "   \
	"target)"
#define MARK_RULE                                                                                  \
	{                                                                                          \
		B(H_MAILBOX) | B(H_ID) | B(H_CONTENT_LENGTH), B(H_FOLDER), FOLDER_WHY, 2,          \
		    {H_MAILBOX, H_ID}, "MARK verb", 0                                              \
	}
#define BARE_RULE                                                                                  \
	{                                                                                          \
		0, 0, NULL, 0, {H_COUNT}, NULL, 1                                                  \
	}
static const struct verb_rule rules[NVERBS] = {
    [AIMX_SEND] = {B(H_CONTENT_LENGTH) | B(H_TEXT_ONLY) | B(H_HTML_BODY_LENGTH),
                   0,
                   NULL,
                   1,
                   {H_CONTENT_LENGTH},
                   NULL,
                   0},
    [AIMX_MARK_READ] = MARK_RULE,
    [AIMX_MARK_UNREAD] = MARK_RULE,
    [AIMX_MAILBOX_CREATE] = {B(H_NAME) | B(H_OWNER) | B(H_CONTENT_LENGTH),
                             B(H_FORCE),
                             "Force header is only valid on MAILBOX-DELETE",
                             1,
                             {H_NAME},
                             "MAILBOX verb",
                             0},
    [AIMX_MAILBOX_DELETE] = {B(H_NAME) | B(H_OWNER) | B(H_FORCE) | B(H_CONTENT_LENGTH),
                             0,
                             NULL,
                             1,
                             {H_NAME},
                             "MAILBOX verb",
                             0},
    [AIMX_MAILBOX_LIST] = BARE_RULE,
    [AIMX_HOOK_CREATE] = {B(H_MAILBOX) | B(H_EVENT) | B(H_NAME) | B(H_CONTENT_LENGTH),
                          0,
                          NULL,
                          3,
                          {H_MAILBOX, H_EVENT, H_CONTENT_LENGTH},
                          NULL,
                          0},
    [AIMX_HOOK_DELETE] =
        {B(H_HOOK_NAME) | B(H_CONTENT_LENGTH), 0, NULL, 1, {H_HOOK_NAME}, "HOOK-DELETE", 0},
    [AIMX_HOOK_LIST] = BARE_RULE,
    [AIMX_VERSION] = BARE_RULE,
};

const char *aimx_verb_name(enum aimx_verb v)
{
	return (size_t)v < NVERBS ? verb_names[v] : "?";
}

int aimx_code_known(const char *code)
{
	for (size_t k = 0; code && k < sizeof(known_codes) / sizeof(known_codes[0]); k++)
		if (strcmp(code, known_codes[k]) == 0)
			return 1;
	return 0;
}

static int json_verb(enum aimx_verb v)
{
	return v == AIMX_MAILBOX_LIST || v == AIMX_HOOK_LIST || v == AIMX_VERSION;
}

/* ---- small text helpers ---- */

/* The longest prefix of s[0..n) of at most max bytes that does not split a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Trims blanks off both ends of s[0..*n): returns the new start and shrinks *n. */
static const char *trim_span(const char *s, size_t *n)
{
	while (*n && is_space(*s))
		s++, (*n)--;
	while (*n && is_space(s[*n - 1]))
		(*n)--;
	return s;
}

/* One byte or UTF-8 sequence of a quoted fragment, escaped; returns its input length. */
static size_t quote_piece(const char *s, size_t n, char piece[8], size_t *plen)
{
	unsigned char c = (unsigned char)s[0];
	const char *esc = c == '"'    ? "\\\""
	                  : c == '\\' ? "\\\\"
	                  : c == '\n' ? "\\n"
	                  : c == '\r' ? "\\r"
	                  : c == '\t' ? "\\t"
	                              : NULL;
	size_t used = 1;
	if (esc) {
		*plen = strlen(esc);
		memcpy(piece, esc, *plen);
	} else if (c < 0x20 || c == 0x7F ||
	           (c >= 0x80 && utf8_decode(s, n, &used) == UTF8_REPLACEMENT && used == 1)) {
		*plen = (size_t)snprintf(piece, 8, "\\x%02x", c);
	} else {
		*plen = used;
		memcpy(piece, s, used);
	}
	return used;
}

/* s[0..n) double-quoted with C escapes into out (always valid UTF-8); a fragment too long for
 * outsz is cut at a character boundary and followed by "...". */
static void quote(const char *s, size_t n, char *out, size_t outsz)
{
	size_t o = 0, k = 0;
	out[o++] = '"';
	while (k < n) {
		char piece[8];
		size_t plen, used = quote_piece(s + k, n - k, piece, &plen);
		if (o + plen + 5 > outsz) /* room for the closing quote, "..." and NUL */
			break;
		memcpy(out + o, piece, plen);
		o += plen;
		k += used;
	}
	out[o++] = '"';
	if (k < n)
		memcpy(out + o, "...", 3), o += 3;
	out[o] = '\0';
}

/* Unsigned decimal with at most one leading '+' (upstream's usize parser); -1 if not a number
 * or beyond size_t. */
static int parse_size(const char *v, size_t n, size_t *out)
{
	size_t k = n && v[0] == '+' ? 1 : 0, val = 0;
	if (k == n)
		return -1;
	for (; k < n; k++) {
		if (v[k] < '0' || v[k] > '9')
			return -1;
		size_t digit = (size_t)(v[k] - '0');
		if (val > (SIZE_MAX - digit) / 10)
			return -1;
		val = val * 10 + digit;
	}
	*out = val;
	return 0;
}

/* ---- decoder: errors ---- */

static enum aimx_decode_status fail(struct aimx_decoder *d, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum aimx_decode_status fail(struct aimx_decoder *d, const char *code, const char *fmt, ...)
{
	va_list ap;
	snprintf(d->err_code, sizeof(d->err_code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(d->err_reason, sizeof(d->err_reason), fmt, ap);
	va_end(ap);
	d->state = S_ERROR;
	return AIMX_DECODE_ERROR;
}

#define MALFORMED(d, ...) fail(d, "MALFORMED", "malformed request: " __VA_ARGS__)
#define OUT_OF_MEMORY(d)  fail(d, "IO", "out of memory while decoding the request")

/* ---- decoder: lifecycle ---- */

void aimx_decoder_init(struct aimx_decoder *d)
{
	memset(d, 0, sizeof(*d));
	d->state = S_REQLINE;
	d->line.limit = AIMX_LINE_MAX;
}

void aimx_request_free(struct aimx_request *r)
{
	free(r->mailbox);
	free(r->id);
	free(r->name);
	free(r->owner);
	free(r->event);
	free(r->hook_name);
	buf_free(&r->body);
	buf_free(&r->html_body);
	memset(r, 0, sizeof(*r));
}

void aimx_decoder_free(struct aimx_decoder *d)
{
	buf_free(&d->line);
	aimx_request_free(&d->req);
}

static enum aimx_decode_status status_of(const struct aimx_decoder *d)
{
	return d->state == S_DONE    ? AIMX_DECODE_DONE
	       : d->state == S_ERROR ? AIMX_DECODE_ERROR
	                             : AIMX_DECODE_MORE;
}

/* ---- decoder: header values ---- */

static int owner_shape_ok(const char *v)
{
	size_t n = strlen(v);
	if (n == 0 || n > OWNER_MAX || !((v[0] >= 'a' && v[0] <= 'z') || v[0] == '_'))
		return 0;
	if (n > 1 && v[n - 1] == '$')
		n--;
	for (size_t k = 1; k < n; k++) {
		char c = v[k];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

static char **string_slot(struct aimx_request *r, enum hdr h)
{
	switch (h) {
	case H_MAILBOX:
		return &r->mailbox;
	case H_ID:
		return &r->id;
	case H_NAME:
		return &r->name;
	case H_OWNER:
		return &r->owner;
	case H_EVENT:
		return &r->event;
	case H_HOOK_NAME:
		return &r->hook_name;
	default:
		return NULL;
	}
}

static enum aimx_decode_status take_length(struct aimx_decoder *d, enum hdr h, const char *v)
{
	const char *family = rules[d->req.verb].zero_length;
	size_t n;
	char q[QUOTE_MAX];
	if (parse_size(v, strlen(v), &n) < 0) {
		quote(v, strlen(v), q, sizeof(q));
		return MALFORMED(d, "non-integer %s: %s", hdrs[h].name, q);
	}
	if (family && n != 0)
		return MALFORMED(d, "%s must have Content-Length: 0, got %zu", family, n);
	if (n > AIMX_BODY_MAX)
		return MALFORMED(d, "%s %zu exceeds cap %d", hdrs[h].name, n, AIMX_BODY_MAX);
	if (h == H_HTML_BODY_LENGTH) {
		d->html_need = n;
		d->req.has_html_body = 1;
	} else {
		d->need = n;
	}
	return AIMX_DECODE_MORE;
}

static enum aimx_decode_status take_bool(struct aimx_decoder *d, enum hdr h, const char *v)
{
	int b;
	char q[QUOTE_MAX];
	if (strcasecmp(v, "true") == 0)
		b = 1;
	else if (strcasecmp(v, "false") == 0)
		b = 0;
	else {
		quote(v, strlen(v), q, sizeof(q));
		return MALFORMED(d, "invalid %s value: %s (expected 'true' or 'false')",
		                 hdrs[h].name, q);
	}
	if (h == H_TEXT_ONLY)
		d->req.has_text_only = 1, d->req.text_only = b;
	else
		d->req.has_force = 1, d->req.force = b;
	return AIMX_DECODE_MORE;
}

static enum aimx_decode_status take_string(struct aimx_decoder *d, enum hdr h, const char *v)
{
	char q[QUOTE_MAX];
	char **slot = string_slot(&d->req, h);
	if (!*v)
		return MALFORMED(d, "empty %s value", hdrs[h].name);
	if (h == H_OWNER && !owner_shape_ok(v)) {
		quote(v, strlen(v), q, sizeof(q));
		return MALFORMED(
		    d,
		    "invalid Owner value: %s (must match [a-z_][a-z0-9_-]*[$]?, at most %d bytes)",
		    q, OWNER_MAX);
	}
	if (slot && !(*slot = strdup(v)))
		return OUT_OF_MEMORY(d);
	return AIMX_DECODE_MORE;
}

static enum aimx_decode_status known_header(struct aimx_decoder *d, enum hdr h, const char *v)
{
	const struct verb_rule *r = &rules[d->req.verb];
	if (r->forbidden & B(h))
		return MALFORMED(d, "%s", r->forbidden_why);
	if (!(r->takes & B(h)))
		return AIMX_DECODE_MORE;
	if (d->seen_headers & B(h))
		return MALFORMED(d, "duplicate %s header", hdrs[h].name);
	d->seen_headers |= B(h);
	switch (hdrs[h].kind) {
	case K_LENGTH:
		return take_length(d, h, v);
	case K_BOOL:
		return take_bool(d, h, v);
	default:
		return take_string(d, h, v);
	}
}

/* ---- decoder: lines ---- */

static enum aimx_decode_status header_line(struct aimx_decoder *d, char *line, size_t len)
{
	char q[QUOTE_MAX];
	if (rules[d->req.verb].bare) {
		quote(line, len, q, sizeof(q));
		return MALFORMED(d, "%s takes no headers, got %s", verb_names[d->req.verb], q);
	}
	char *colon = memchr(line, ':', len);
	if (!colon) {
		quote(line, len, q, sizeof(q));
		return MALFORMED(d, "invalid header line: %s", q);
	}
	size_t nlen = (size_t)(colon - line), vlen = len - nlen - 1;
	for (size_t k = 0; k < nlen; k++)
		if ((unsigned char)line[k] >= 0x80) {
			quote(line, nlen, q, sizeof(q));
			return MALFORMED(d, "non-ascii header name: %s", q);
		}
	const char *name = trim_span(line, &nlen);
	char *value = (char *)trim_span(colon + 1, &vlen);
	value[vlen] = '\0';
	for (int h = 0; h < H_COUNT; h++)
		if (strlen(hdrs[h].name) == nlen && strncasecmp(name, hdrs[h].name, nlen) == 0)
			return known_header(d, (enum hdr)h, value);
	return AIMX_DECODE_MORE;
}

static enum aimx_decode_status end_of_headers(struct aimx_decoder *d)
{
	const struct verb_rule *r = &rules[d->req.verb];
	for (unsigned k = 0; k < r->nrequired; k++)
		if (!(d->seen_headers & B(r->required[k])))
			return MALFORMED(d, "missing required header: %s",
			                 hdrs[r->required[k]].name);
	if (d->req.has_text_only && d->req.text_only && d->req.has_html_body)
		return MALFORMED(d,
		                 "AIMX/1 SEND: --text-only and --html-body are mutually exclusive");
	d->state = d->need ? S_BODY : d->html_need ? S_HTML : S_DONE;
	return status_of(d);
}

static enum aimx_decode_status request_line(struct aimx_decoder *d, const char *line, size_t len)
{
	if (len < PREFIX_LEN || memcmp(line, PREFIX, PREFIX_LEN) != 0) {
		char q[QUOTE_MAX];
		quote(line, len, q, sizeof(q));
		return MALFORMED(d, "expected 'AIMX/1 <verb>', got %s", q);
	}
	const char *rest = line + PREFIX_LEN;
	size_t rn = len - PREFIX_LEN;
	for (size_t v = 0; v < NVERBS; v++)
		if (strlen(verb_names[v]) == rn && memcmp(rest, verb_names[v], rn) == 0) {
			d->req.verb = (enum aimx_verb)v;
			d->state = S_HEADERS;
			return AIMX_DECODE_MORE;
		}
	size_t echo = utf8_cut(rest, rn, VERB_ECHO);
	return fail(d, "PROTOCOL", "unknown verb '%.*s'%s", (int)echo, rest,
	            echo < rn ? "..." : "");
}

/* A whole line (without its '\n') is in d->line. */
static enum aimx_decode_status complete_line(struct aimx_decoder *d)
{
	char *line = d->line.data;
	size_t len = d->line.len;
	enum aimx_decode_status st;
	if (!utf8_valid(line, len))
		st = MALFORMED(d, "header line contains invalid UTF-8");
	else if (memchr(line, '\0', len))
		st = MALFORMED(d, "header line contains a NUL byte");
	else {
		while (len && line[len - 1] == '\r')
			len--;
		line[len] = '\0';
		if (d->state == S_REQLINE)
			st = request_line(d, line, len);
		else
			st = len == 0 ? end_of_headers(d) : header_line(d, line, len);
	}
	buf_reset(&d->line);
	return st;
}

/* Takes bytes of the current line; returns how many were used. */
static size_t take_line(struct aimx_decoder *d, const char *data, size_t len)
{
	const char *nl = memchr(data, '\n', len);
	size_t n = nl ? (size_t)(nl - data) : len;
	if (n > AIMX_LINE_MAX - d->line.len) {
		MALFORMED(d, "header line exceeds %d bytes", AIMX_LINE_MAX);
		return 0;
	}
	if (buf_append(&d->line, data, n) < 0) {
		OUT_OF_MEMORY(d);
		return 0;
	}
	if (nl)
		complete_line(d);
	return n + (nl ? 1 : 0);
}

/* ---- decoder: bodies ---- */

/* Appends to a body buffer that grows geometrically but never past its declared length. */
static int body_append(struct buf *b, const char *data, size_t n, size_t declared)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : BODY_GROWTH;
		if (cap < b->len + n + 1)
			cap = b->len + n + 1;
		if (cap > declared + 1)
			cap = declared + 1;
		char *p = realloc(b->data, cap);
		if (!p)
			return -1;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

static size_t take_body(struct aimx_decoder *d, const char *data, size_t len)
{
	int main_body = d->state == S_BODY;
	size_t *need = main_body ? &d->need : &d->html_need;
	struct buf *dst = main_body ? &d->req.body : &d->req.html_body;
	size_t n = len < *need ? len : *need;
	if (body_append(dst, data, n, dst->len + *need) < 0) {
		OUT_OF_MEMORY(d);
		return 0;
	}
	*need -= n;
	if (*need == 0)
		d->state = main_body && d->html_need ? S_HTML : S_DONE;
	return n;
}

enum aimx_decode_status aimx_decoder_feed(struct aimx_decoder *d, const char *data, size_t len,
                                          size_t *consumed)
{
	size_t i = 0;
	if (len && d->state < S_DONE)
		d->got_any = 1;
	while (i < len && d->state < S_DONE) {
		if (d->state == S_BODY || d->state == S_HTML)
			i += take_body(d, data + i, len - i);
		else
			i += take_line(d, data + i, len - i);
	}
	*consumed = i;
	return status_of(d);
}

enum aimx_decode_status aimx_decoder_eof(struct aimx_decoder *d)
{
	if (d->state >= S_DONE)
		return status_of(d);
	if (!d->got_any)
		return AIMX_DECODE_EMPTY;
	if (d->state == S_BODY)
		return MALFORMED(d, "body truncated: expected %zu bytes",
		                 d->req.body.len + d->need);
	if (d->state == S_HTML)
		return MALFORMED(d, "html body truncated: expected %zu bytes after main body",
		                 d->req.html_body.len + d->html_need);
	if (d->line.len)
		return MALFORMED(d, "unexpected EOF mid-line (no terminator)");
	return MALFORMED(d, "unexpected EOF in headers");
}

/* ---- responses (daemon side) ---- */

/* Appends s without its CR and LF bytes. */
static int put_clean(struct buf *out, const char *s)
{
	while (s && *s) {
		size_t n = strcspn(s, "\r\n");
		if (buf_append(out, s, n) < 0)
			return -1;
		s += n;
		s += strspn(s, "\r\n");
	}
	return 0;
}

/* On failure, drops what this writer appended. */
static int settle(struct buf *out, size_t mark, int rc)
{
	if (rc < 0 && out->data) {
		out->len = mark;
		out->data[mark] = '\0';
	}
	return rc < 0 ? -1 : 0;
}

int aimx_write_ok(struct buf *out)
{
	return buf_append_str(out, PREFIX "OK\n");
}

int aimx_write_ok_id(struct buf *out, const char *message_id)
{
	size_t mark = out->len;
	int rc = buf_append_str(out, PREFIX "OK ") < 0 || put_clean(out, message_id) < 0 ||
	                 buf_append_char(out, '\n') < 0
	             ? -1
	             : 0;
	return settle(out, mark, rc);
}

int aimx_write_ok_json(struct buf *out, const char *json, size_t len)
{
	size_t mark = out->len;
	int rc = buf_printf(out, PREFIX "OK\nContent-Length: %zu\n\n", len) < 0 ||
	                 buf_append(out, json, len) < 0
	             ? -1
	             : 0;
	return settle(out, mark, rc);
}

int aimx_write_err(struct buf *out, const char *code, const char *reason)
{
	size_t mark = out->len;
	int rc = buf_append_str(out, PREFIX "ERR ") < 0 || put_clean(out, code) < 0 ||
	                 buf_append_char(out, ' ') < 0 || put_clean(out, reason) < 0 ||
	                 buf_append_str(out, "\nCode: ") < 0 || put_clean(out, code) < 0 ||
	                 buf_append_str(out, "\n\n") < 0
	             ? -1
	             : 0;
	return settle(out, mark, rc);
}

/* ---- requests (client side) ---- */

/* "Name: value\n" with CR/LF removed from value; a NULL value is skipped unless required. */
static int put_header(struct buf *out, const char *name, const char *value, int required)
{
	if (!value) {
		errno = EINVAL;
		return required ? -1 : 0;
	}
	if (buf_printf(out, "%s: ", name) < 0 || put_clean(out, value) < 0)
		return -1;
	return buf_append_char(out, '\n');
}

static int put_length(struct buf *out, const char *name, size_t n)
{
	return buf_printf(out, "%s: %zu\n", name, n);
}

/* protocol.md 10.1: Text-Only before Content-Length, Html-Body-Length after. */
static int encode_send(struct buf *out, const struct aimx_request *r)
{
	if (r->has_text_only && r->text_only && buf_append_str(out, "Text-Only: true\n") < 0)
		return -1;
	if (put_length(out, "Content-Length", r->body.len) < 0)
		return -1;
	return r->has_html_body ? put_length(out, "Html-Body-Length", r->html_body.len) : 0;
}

static int encode_mailbox(struct buf *out, const struct aimx_request *r)
{
	if (put_header(out, "Name", r->name, 1) < 0 || put_header(out, "Owner", r->owner, 0) < 0)
		return -1;
	if (r->verb == AIMX_MAILBOX_DELETE && r->has_force && r->force &&
	    buf_append_str(out, "Force: true\n") < 0)
		return -1;
	return put_length(out, "Content-Length", 0);
}

static int encode_headers(struct buf *out, const struct aimx_request *r)
{
	switch (r->verb) {
	case AIMX_SEND:
		return encode_send(out, r);
	case AIMX_MARK_READ:
	case AIMX_MARK_UNREAD:
		return put_header(out, "Mailbox", r->mailbox, 1) < 0 ||
		               put_header(out, "Id", r->id, 1) < 0
		           ? -1
		           : put_length(out, "Content-Length", 0);
	case AIMX_MAILBOX_CREATE:
	case AIMX_MAILBOX_DELETE:
		return encode_mailbox(out, r);
	case AIMX_HOOK_CREATE:
		return put_header(out, "Mailbox", r->mailbox, 1) < 0 ||
		               put_header(out, "Event", r->event, 1) < 0 ||
		               put_header(out, "Name", r->name, 0) < 0
		           ? -1
		           : put_length(out, "Content-Length", r->body.len);
	case AIMX_HOOK_DELETE:
		return put_header(out, "Hook-Name", r->hook_name, 1) < 0
		           ? -1
		           : put_length(out, "Content-Length", 0);
	default:
		return 0;
	}
}

static int encode_bodies(struct buf *out, const struct aimx_request *r)
{
	if ((r->verb == AIMX_SEND || r->verb == AIMX_HOOK_CREATE) &&
	    buf_append(out, r->body.data, r->body.len) < 0)
		return -1;
	if (r->verb == AIMX_SEND && r->has_html_body &&
	    buf_append(out, r->html_body.data, r->html_body.len) < 0)
		return -1;
	return 0;
}

int aimx_request_encode(struct buf *out, const struct aimx_request *r)
{
	size_t mark = out->len;
	if ((size_t)r->verb >= NVERBS) {
		errno = EINVAL;
		return -1;
	}
	int rc = buf_printf(out, PREFIX "%s\n", verb_names[r->verb]) < 0 ||
	                 encode_headers(out, r) < 0 || buf_append_char(out, '\n') < 0 ||
	                 encode_bodies(out, r) < 0
	             ? -1
	             : 0;
	return settle(out, mark, rc);
}

/* ---- replies (client side) ---- */

#define WHY_MAX   256
#define WHY_QUOTE 200

static int say(char why[WHY_MAX], const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int say(char why[WHY_MAX], const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, WHY_MAX, fmt, ap);
	va_end(ap);
	return -1;
}

static int starts(const char *s, size_t n, const char *lit)
{
	size_t ln = strlen(lit);
	return n >= ln && memcmp(s, lit, ln) == 0;
}

static int unexpected(char why[WHY_MAX], const char *line, size_t n)
{
	char q[WHY_QUOTE];
	quote(line, n, q, sizeof(q));
	return say(why, "unexpected response: %s", q);
}

/* The line at p (up to '\n' or end) without its trailing CRs; *next is the start of the next. */
static size_t reply_line(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
	*next = nl ? nl + 1 : end;
	while (n && p[n - 1] == '\r')
		n--;
	return n;
}

/* The first "Code:" line of the header block starting at p, when it names a known code. */
static int code_header(const char *p, const char *end, char code[AIMX_CODE_MAX])
{
	while (p < end) {
		const char *next;
		size_t n = reply_line(p, end, &next);
		if (n == 0)
			return -1;
		if (n >= 5 && memcmp(p, "Code:", 5) == 0) {
			size_t vn = n - 5;
			const char *v = trim_span(p + 5, &vn);
			if (vn >= AIMX_CODE_MAX)
				return -1;
			memcpy(code, v, vn);
			code[vn] = '\0';
			return aimx_code_known(code) ? 0 : -1;
		}
		p = next;
	}
	return -1;
}

static int parse_err(const char *s, size_t n, const char *rest, const char *end,
                     struct aimx_response *o, char why[WHY_MAX])
{
	const char *sp = memchr(s, ' ', n);
	size_t cn = sp ? (size_t)(sp - s) : n;
	size_t rn = sp ? n - cn - 1 : 0;
	const char *reason = trim_span(sp ? sp + 1 : s + n, &rn);
	char inline_code[AIMX_CODE_MAX] = "";
	if (cn < AIMX_CODE_MAX) {
		memcpy(inline_code, s, cn);
		inline_code[cn] = '\0';
	}
	if (code_header(rest, end, o->code) < 0) {
		if (cn >= AIMX_CODE_MAX || !aimx_code_known(inline_code)) {
			char q[WHY_QUOTE];
			quote(s, cn, q, sizeof(q));
			o->code[0] = '\0';
			return say(why, "unknown ERR code %s in response", q);
		}
		memcpy(o->code, inline_code, cn + 1);
	}
	rn = utf8_cut(reason, rn, AIMX_REASON_MAX - 1);
	memcpy(o->reason, reason, rn);
	o->reason[rn] = '\0';
	o->ok = 0;
	return 0;
}

/* SEND: "OK <id>" with a non-empty id; line[0..n) is the whole status line. */
static int parse_send_ok(const char *line, size_t n, struct aimx_response *o, char why[WHY_MAX])
{
	const char *s = line + PREFIX_LEN;
	size_t idn = n - PREFIX_LEN > 3 ? n - PREFIX_LEN - 3 : 0;
	const char *id = trim_span(s + 3, &idn);
	if (!starts(s, n - PREFIX_LEN, "OK ") || idn == 0)
		return unexpected(why, line, n);
	o->message_id = strndup(id, idn);
	if (!o->message_id)
		return say(why, "out of memory");
	o->ok = 1;
	return 0;
}

/* JSON-OK: header lines up to a blank line, one Content-Length, then that many bytes. */
static int parse_json_ok(const char *p, const char *end, struct aimx_response *o, char why[WHY_MAX])
{
	size_t len = 0;
	int have_len = 0;
	for (;;) {
		const char *next;
		if (p >= end)
			return say(why, "malformed response (no header terminator)");
		size_t n = reply_line(p, end, &next);
		if (n == 0) {
			p = next;
			break;
		}
		if (!have_len && n >= 15 && strncasecmp(p, "Content-Length:", 15) == 0) {
			size_t vn = n - 15;
			const char *v = trim_span(p + 15, &vn);
			if (parse_size(v, vn, &len) < 0) {
				char q[WHY_QUOTE];
				quote(p, n, q, sizeof(q));
				return say(why, "invalid Content-Length: %s", q);
			}
			have_len = 1;
		}
		p = next;
	}
	if (!have_len)
		return say(why, "missing Content-Length on OK response");
	if ((size_t)(end - p) < len)
		return say(why, "truncated body: expected %zu bytes, got %zu", len,
		           (size_t)(end - p));
	if (buf_append(&o->json, p, len) < 0)
		return say(why, "out of memory");
	o->ok = 1;
	return 0;
}

int aimx_response_parse(const char *data, size_t len, enum aimx_verb v, struct aimx_response *o,
                        char why[256])
{
	const char *end = data + len, *rest;
	memset(o, 0, sizeof(*o));
	why[0] = '\0';
	if (!utf8_valid(data, len))
		return say(why, "response is not UTF-8");
	size_t n = len ? reply_line(data, end, &rest) : 0;
	if (n == 0)
		return say(why, "empty response from daemon");
	if (!starts(data, n, PREFIX))
		return unexpected(why, data, n);
	const char *s = data + PREFIX_LEN;
	size_t sn = n - PREFIX_LEN;
	if (starts(s, sn, "ERR "))
		return parse_err(s + 4, sn - 4, rest, end, o, why);
	if (v == AIMX_SEND)
		return parse_send_ok(data, n, o, why);
	if (sn != 2 || memcmp(s, "OK", 2) != 0)
		return unexpected(why, data, n);
	if (json_verb(v))
		return parse_json_ok(rest, end, o, why);
	o->ok = 1;
	return 0;
}

void aimx_response_free(struct aimx_response *r)
{
	free(r->message_id);
	r->message_id = NULL;
	buf_free(&r->json);
}

/* ---- fuzzing ---- */

struct fuzz_run {
	struct aimx_decoder d;
	enum aimx_decode_status st;
	size_t used; /* bytes consumed in all */
	int broken;  /* an invariant of the feed contract did not hold */
};

/* Decodes data fed in chunks of step bytes, then EOF if the decoder still wants more. */
static void fuzz_decode(const unsigned char *data, size_t len, size_t step, struct fuzz_run *r)
{
	aimx_decoder_init(&r->d);
	r->st = AIMX_DECODE_MORE;
	r->used = 0;
	r->broken = 0;
	while (r->st == AIMX_DECODE_MORE && r->used < len) {
		size_t n = len - r->used < step ? len - r->used : step, used = n + 1;
		r->st = aimx_decoder_feed(&r->d, (const char *)data + r->used, n, &used);
		r->broken |= used > n || (r->st == AIMX_DECODE_MORE && used != n) ||
		             r->d.line.len > AIMX_LINE_MAX ||
		             r->d.req.body.cap > AIMX_BODY_MAX + 1 ||
		             r->d.req.html_body.cap > AIMX_BODY_MAX + 1;
		r->used += used > n ? n : used;
	}
	if (r->st == AIMX_DECODE_MORE)
		r->st = aimx_decoder_eof(&r->d);
}

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int same_buf(const struct buf *a, const struct buf *b)
{
	return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

static int same_request(const struct aimx_request *a, const struct aimx_request *b)
{
	return a->verb == b->verb && same_str(a->mailbox, b->mailbox) && same_str(a->id, b->id) &&
	       same_str(a->name, b->name) && same_str(a->owner, b->owner) &&
	       same_str(a->event, b->event) && same_str(a->hook_name, b->hook_name) &&
	       (a->has_force && a->force) == (b->has_force && b->force) &&
	       (a->has_text_only && a->text_only) == (b->has_text_only && b->text_only) &&
	       a->has_html_body == b->has_html_body && same_buf(&a->body, &b->body) &&
	       same_buf(&a->html_body, &b->html_body);
}

static int same_outcome(const struct fuzz_run *a, const struct fuzz_run *b)
{
	if (a->st != b->st || a->broken || b->broken)
		return 0;
	if (a->st == AIMX_DECODE_ERROR)
		return strcmp(a->d.err_code, b->d.err_code) == 0 &&
		       strcmp(a->d.err_reason, b->d.err_reason) == 0;
	return a->st != AIMX_DECODE_DONE ||
	       (a->used == b->used && same_request(&a->d.req, &b->d.req));
}

static int has_cr(const char *s)
{
	return s && strchr(s, '\r');
}

/* A decoded request must encode to a frame that decodes to the same request (unless a value
 * holds an inner CR, which the encoder strips on purpose). */
static int reencodes(const struct aimx_request *req)
{
	struct buf frame = BUF_INIT;
	struct fuzz_run again;
	if (has_cr(req->mailbox) || has_cr(req->id) || has_cr(req->name) || has_cr(req->event) ||
	    has_cr(req->hook_name))
		return 1;
	if (aimx_request_encode(&frame, req) < 0)
		return 0;
	fuzz_decode((const unsigned char *)frame.data, frame.len, frame.len, &again);
	int ok = again.st == AIMX_DECODE_DONE && again.used == frame.len &&
	         same_request(req, &again.d.req);
	aimx_decoder_free(&again.d);
	buf_free(&frame);
	return ok;
}

/* The reply parser must not crash and must leave a reason whenever it fails. */
static int replies_parse(const unsigned char *data, size_t len)
{
	int bad = 0;
	for (size_t v = 0; v < NVERBS; v++) {
		struct aimx_response resp;
		char why[WHY_MAX];
		if (aimx_response_parse((const char *)data, len, (enum aimx_verb)v, &resp, why) < 0)
			bad |= why[0] == '\0';
		aimx_response_free(&resp);
	}
	return bad;
}

int aimx_proto_fuzz_one(const unsigned char *data, size_t len)
{
	static const size_t steps[] = {1, 2, 3, 7, 64};
	struct fuzz_run whole, split;
	int differ = 0;
	fuzz_decode(data, len, len ? len : 1, &whole);
	for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
		fuzz_decode(data, len, steps[k], &split);
		differ |= !same_outcome(&whole, &split);
		aimx_decoder_free(&split.d);
	}
	if (whole.st == AIMX_DECODE_DONE)
		differ |= !reencodes(&whole.d.req);
	aimx_decoder_free(&whole.d);
	return differ | replies_parse(data, len);
}
