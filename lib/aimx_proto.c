/* aimx_proto.c: the AIMX/1 codec: incremental request decoder, response writers, client-side encoder and parser. */
#include "aimx_proto.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "utf8.h"

enum { S_REQLINE, S_HEADERS, S_BODY, S_HTML, S_DONE, S_ERROR };

/* Known header names; a bit each in seen_headers. */
enum hdr { H_CONTENT_LENGTH, H_TEXT_ONLY, H_HTML_BODY_LENGTH, H_MAILBOX, H_ID, H_NAME, H_OWNER,
	   H_FORCE, H_EVENT, H_HOOK_NAME, H_FOLDER, H_COUNT };
static const char *const hdr_names[H_COUNT] = {
	"Content-Length", "Text-Only", "Html-Body-Length", "Mailbox", "Id", "Name", "Owner",
	"Force", "Event", "Hook-Name", "Folder",
};

static const char *const verb_names[] = {
	"SEND", "MARK-READ", "MARK-UNREAD", "MAILBOX-CREATE", "MAILBOX-DELETE",
	"MAILBOX-LIST", "HOOK-CREATE", "HOOK-DELETE", "HOOK-LIST", "VERSION",
};
#define NVERBS (sizeof(verb_names) / sizeof(verb_names[0]))

static const char *const known_codes[] = {
	"MAILBOX", "DOMAIN", "SIGN", "DELIVERY", "TEMP", "MALFORMED", "PROTOCOL", "NOTFOUND",
	"IO", "VALIDATION", "NONEMPTY", "ECONFLICT", "EACCES", "ENOENT", "BODY_TOO_LARGE",
};

const char *aimx_verb_name(enum aimx_verb v)
{
	return (size_t)v < NVERBS ? verb_names[v] : "?";
}

int aimx_code_known(const char *code)
{
	for (size_t k = 0; k < sizeof(known_codes) / sizeof(known_codes[0]); k++)
		if (strcmp(code, known_codes[k]) == 0)
			return 1;
	return 0;
}

/* Headers each verb takes: required, optional, forbidden (others are ignored). */
struct verb_rule {
	unsigned required, optional, forbidden;
	int bare;
};

#define B(h) (1u << (h))
static const struct verb_rule rules[NVERBS] = {
	[AIMX_SEND] = {B(H_CONTENT_LENGTH), B(H_TEXT_ONLY) | B(H_HTML_BODY_LENGTH), 0, 0},
	[AIMX_MARK_READ] = {B(H_MAILBOX) | B(H_ID), B(H_CONTENT_LENGTH), B(H_FOLDER), 0},
	[AIMX_MARK_UNREAD] = {B(H_MAILBOX) | B(H_ID), B(H_CONTENT_LENGTH), B(H_FOLDER), 0},
	[AIMX_MAILBOX_CREATE] = {B(H_NAME), B(H_OWNER) | B(H_CONTENT_LENGTH), B(H_FORCE), 0},
	[AIMX_MAILBOX_DELETE] = {B(H_NAME), B(H_OWNER) | B(H_FORCE) | B(H_CONTENT_LENGTH), 0, 0},
	[AIMX_MAILBOX_LIST] = {0, 0, 0, 1},
	[AIMX_HOOK_CREATE] = {B(H_MAILBOX) | B(H_EVENT) | B(H_CONTENT_LENGTH), B(H_NAME), 0, 0},
	[AIMX_HOOK_DELETE] = {B(H_HOOK_NAME), B(H_CONTENT_LENGTH), 0, 0},
	[AIMX_HOOK_LIST] = {0, 0, 0, 1},
	[AIMX_VERSION] = {0, 0, 0, 1},
};

/* C-style quoting of a fragment for messages, bounded. */
static void quote(const char *s, size_t n, char *out, size_t outsz)
{
	size_t o = 0;
	if (outsz < 8)
		return;
	out[o++] = '"';
	for (size_t k = 0; k < n && o + 6 < outsz; k++) {
		unsigned char c = (unsigned char)s[k];
		const char *esc = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n"
				  : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
		if (esc)
			o += (size_t)snprintf(out + o, outsz - o, "%s", esc);
		else if (c < 0x20 || c == 0x7F)
			o += (size_t)snprintf(out + o, outsz - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o++] = '"';
	out[o] = '\0';
}

static enum aimx_decode_status fail_code(struct aimx_decoder *d, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum aimx_decode_status fail_code(struct aimx_decoder *d, const char *code, const char *fmt, ...)
{
	va_list ap;
	snprintf(d->err_code, sizeof(d->err_code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(d->err_reason, sizeof(d->err_reason), fmt, ap);
	va_end(ap);
	d->state = S_ERROR;
	return AIMX_DECODE_ERROR;
}

#define MALFORMED(d, ...) fail_code(d, "MALFORMED", "malformed request: " __VA_ARGS__)

void aimx_decoder_init(struct aimx_decoder *d)
{
	memset(d, 0, sizeof(*d));
	d->state = S_REQLINE;
	d->line.limit = AIMX_LINE_MAX + 2;
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

static int valid_utf8(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t used;
		uint32_t cp = utf8_decode(s + i, n - i, &used);
		if (cp == UTF8_REPLACEMENT && !(used == 3 && memcmp(s + i, "\xEF\xBF\xBD", 3) == 0))
			return 0;
		i += used;
	}
	return 1;
}

static int parse_uint(const char *v, size_t *out)
{
	const char *p = *v == '+' ? v + 1 : v;
	if (!*p)
		return -1;
	unsigned long long n = 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || n > 1000000000000ULL)
			return -1;
		n = n * 10 + (unsigned long long)(*p - '0');
	}
	*out = (size_t)n;
	return 0;
}

static int parse_bool(const char *v, int *out)
{
	if (strcasecmp(v, "true") == 0)
		*out = 1;
	else if (strcasecmp(v, "false") == 0)
		*out = 0;
	else
		return -1;
	return 0;
}

static int owner_shape_ok(const char *v)
{
	size_t n = strlen(v);
	if (n == 0 || n > 32 || !(islower((unsigned char)v[0]) || v[0] == '_'))
		return 0;
	for (size_t k = 1; k < n; k++) {
		unsigned char c = (unsigned char)v[k];
		if (!(islower(c) || isdigit(c) || c == '_' || c == '-' || (c == '$' && k == n - 1)))
			return 0;
	}
	return 1;
}

static char **string_slot(struct aimx_request *r, enum hdr h)
{
	switch (h) {
	case H_MAILBOX: return &r->mailbox;
	case H_ID: return &r->id;
	case H_NAME: return &r->name;
	case H_OWNER: return &r->owner;
	case H_EVENT: return &r->event;
	case H_HOOK_NAME: return &r->hook_name;
	default: return NULL;
	}
}

static const char *bodyless_family(enum aimx_verb v)
{
	if (v == AIMX_MARK_READ || v == AIMX_MARK_UNREAD)
		return "MARK verb";
	if (v == AIMX_MAILBOX_CREATE || v == AIMX_MAILBOX_DELETE)
		return "MAILBOX verb";
	return "HOOK-DELETE";
}

/* Store one known header's value; checks that do not need the whole block. */
static enum aimx_decode_status take_length(struct aimx_decoder *d, enum hdr h, const char *v)
{
	size_t n;
	if (parse_uint(v, &n) < 0) {
		char q[300];
		quote(v, strlen(v), q, sizeof(q));
		return MALFORMED(d, "non-integer %s: %s", hdr_names[h], q);
	}
	int body_verb = d->req.verb == AIMX_SEND || d->req.verb == AIMX_HOOK_CREATE;
	if (n > AIMX_BODY_MAX)
		return MALFORMED(d, "%s %zu exceeds cap %d", hdr_names[h], n, AIMX_BODY_MAX);
	if (h == H_CONTENT_LENGTH && !body_verb && n != 0)
		return MALFORMED(d, "%s must have Content-Length: 0, got %zu",
				 bodyless_family(d->req.verb), n);
	if (h == H_CONTENT_LENGTH)
		d->need = n;
	else {
		d->html_need = n;
		d->req.has_html_body = 1;
	}
	return AIMX_DECODE_MORE;
}

static enum aimx_decode_status take_header(struct aimx_decoder *d, enum hdr h, const char *v)
{
	if (h == H_CONTENT_LENGTH || h == H_HTML_BODY_LENGTH)
		return take_length(d, h, v);
	if (h == H_TEXT_ONLY || h == H_FORCE) {
		int b;
		if (parse_bool(v, &b) < 0)
			return MALFORMED(d, "invalid %s value", hdr_names[h]);
		if (h == H_TEXT_ONLY)
			d->req.has_text_only = 1, d->req.text_only = b;
		else
			d->req.has_force = 1, d->req.force = b;
		return AIMX_DECODE_MORE;
	}
	if (!*v)
		return MALFORMED(d, "empty %s value", hdr_names[h]);
	if (h == H_OWNER && !owner_shape_ok(v))
		return MALFORMED(d, "invalid Owner value");
	char **slot = string_slot(&d->req, h);
	if (slot && !(*slot = strdup(v)))
		return MALFORMED(d, "out of memory");
	return AIMX_DECODE_MORE;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

static enum aimx_decode_status header_line(struct aimx_decoder *d, char *line, size_t len)
{
	const struct verb_rule *r = &rules[d->req.verb];
	char q[300];
	quote(line, len, q, sizeof(q));
	if (r->bare)
		return MALFORMED(d, "%s takes no headers, got %s", verb_names[d->req.verb], q);
	char *colon = memchr(line, ':', len);
	if (!colon)
		return MALFORMED(d, "invalid header line: %s", q);
	*colon = '\0';
	for (char *p = line; *p; p++)
		if ((unsigned char)*p >= 0x80)
			return MALFORMED(d, "non-ascii header name");
	char *name = trim(line), *value = trim(colon + 1);
	for (int h = 0; h < H_COUNT; h++) {
		if (strcasecmp(name, hdr_names[h]) != 0)
			continue;
		if (r->forbidden & B(h))
			return MALFORMED(d, "%s header is not allowed on %s", hdr_names[h],
					 verb_names[d->req.verb]);
		if (!((r->required | r->optional) & B(h)))
			return AIMX_DECODE_MORE;
		if (d->seen_headers & B(h))
			return MALFORMED(d, "duplicate %s header", hdr_names[h]);
		d->seen_headers |= B(h);
		return take_header(d, (enum hdr)h, value);
	}
	return AIMX_DECODE_MORE;
}

static enum aimx_decode_status end_of_headers(struct aimx_decoder *d)
{
	const struct verb_rule *r = &rules[d->req.verb];
	for (int h = 0; h < H_COUNT; h++)
		if ((r->required & B(h)) && !(d->seen_headers & B(h)))
			return MALFORMED(d, "missing required header: %s", hdr_names[h]);
	if (d->req.has_text_only && d->req.text_only && d->req.has_html_body)
		return MALFORMED(d, "AIMX/1 SEND: --text-only and --html-body are mutually exclusive");
	if (d->need || d->html_need) {
		d->state = d->need ? S_BODY : S_HTML;
		return AIMX_DECODE_MORE;
	}
	d->state = S_DONE;
	return AIMX_DECODE_DONE;
}

static enum aimx_decode_status request_line(struct aimx_decoder *d, const char *line, size_t len)
{
	char q[300];
	if (len < 7 || memcmp(line, "AIMX/1 ", 7) != 0) {
		quote(line, len, q, sizeof(q));
		return MALFORMED(d, "expected 'AIMX/1 <verb>', got %s", q);
	}
	for (size_t v = 0; v < NVERBS; v++)
		if (len - 7 == strlen(verb_names[v]) && memcmp(line + 7, verb_names[v], len - 7) == 0) {
			d->req.verb = (enum aimx_verb)v;
			d->state = S_HEADERS;
			return AIMX_DECODE_MORE;
		}
	return fail_code(d, "PROTOCOL", "unknown verb '%.*s'", (int)(len - 7 > 200 ? 200 : len - 7),
			 line + 7);
}

static enum aimx_decode_status complete_line(struct aimx_decoder *d)
{
	char *line = d->line.data ? d->line.data : (char *)"";
	size_t len = d->line.len;
	while (len && line[len - 1] == '\r')
		line[--len] = '\0';
	enum aimx_decode_status st;
	if (!valid_utf8(line, len) || memchr(line, '\0', len))
		st = MALFORMED(d, "header line contains invalid UTF-8");
	else if (d->state == S_REQLINE)
		st = request_line(d, line, len);
	else
		st = len == 0 ? end_of_headers(d) : header_line(d, line, len);
	buf_reset(&d->line);
	return st;
}

static size_t take_body(struct aimx_decoder *d, const char *data, size_t len)
{
	size_t *need = d->state == S_BODY ? &d->need : &d->html_need;
	struct buf *dst = d->state == S_BODY ? &d->req.body : &d->req.html_body;
	size_t n = len < *need ? len : *need;
	if (buf_append(dst, data, n) < 0)
		return (size_t)-1;
	*need -= n;
	if (*need == 0)
		d->state = d->state == S_BODY && d->html_need ? S_HTML : S_DONE;
	return n;
}

enum aimx_decode_status aimx_decoder_feed(struct aimx_decoder *d, const char *data, size_t len,
					  size_t *consumed)
{
	size_t i = 0;
	enum aimx_decode_status st = AIMX_DECODE_MORE;
	if (len)
		d->got_any = 1;
	while (i < len && st == AIMX_DECODE_MORE && d->state != S_DONE && d->state != S_ERROR) {
		if (d->state == S_BODY || d->state == S_HTML) {
			size_t n = take_body(d, data + i, len - i);
			if (n == (size_t)-1) {
				st = MALFORMED(d, "out of memory");
				break;
			}
			i += n;
			st = d->state == S_DONE ? AIMX_DECODE_DONE : AIMX_DECODE_MORE;
			continue;
		}
		const char *nl = memchr(data + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (data + i)) : len - i;
		if (d->line.len + n > AIMX_LINE_MAX + 1 || buf_append(&d->line, data + i, n) < 0) {
			st = MALFORMED(d, "header line exceeds %d bytes", AIMX_LINE_MAX);
			break;
		}
		i += n + (nl ? 1 : 0);
		if (nl) {
			size_t raw = d->line.len;
			while (raw && d->line.data[raw - 1] == '\r')
				raw--;
			st = raw > AIMX_LINE_MAX ? MALFORMED(d, "header line exceeds %d bytes", AIMX_LINE_MAX)
						 : complete_line(d);
		}
	}
	if (d->state == S_DONE)
		st = AIMX_DECODE_DONE;
	*consumed = i;
	return st;
}

enum aimx_decode_status aimx_decoder_eof(struct aimx_decoder *d)
{
	if (d->state == S_DONE)
		return AIMX_DECODE_DONE;
	if (d->state == S_ERROR)
		return AIMX_DECODE_ERROR;
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

/* ---- responses ---- */

static int put_clean(struct buf *out, const char *s)
{
	for (; s && *s; s++)
		if (*s != '\r' && *s != '\n' && buf_append_char(out, *s) < 0)
			return -1;
	return 0;
}

int aimx_write_ok(struct buf *out)
{
	return buf_append_str(out, "AIMX/1 OK\n");
}

int aimx_write_ok_id(struct buf *out, const char *message_id)
{
	if (buf_append_str(out, "AIMX/1 OK ") < 0 || put_clean(out, message_id) < 0)
		return -1;
	return buf_append_char(out, '\n');
}

int aimx_write_ok_json(struct buf *out, const char *json, size_t len)
{
	if (buf_printf(out, "AIMX/1 OK\nContent-Length: %zu\n\n", len) < 0)
		return -1;
	return buf_append(out, json, len);
}

int aimx_write_err(struct buf *out, const char *code, const char *reason)
{
	if (buf_append_str(out, "AIMX/1 ERR ") < 0 || put_clean(out, code) < 0 ||
	    buf_append_char(out, ' ') < 0 || put_clean(out, reason) < 0 ||
	    buf_append_str(out, "\nCode: ") < 0 || put_clean(out, code) < 0)
		return -1;
	return buf_append_str(out, "\n\n");
}

/* ---- client side: encoding ---- */

static int put_header(struct buf *out, const char *name, const char *value)
{
	if (!value)
		return 0;
	if (buf_printf(out, "%s: ", name) < 0 || put_clean(out, value) < 0)
		return -1;
	return buf_append_char(out, '\n');
}

static int encode_headers(struct buf *out, const struct aimx_request *r)
{
	switch (r->verb) {
	case AIMX_SEND:
		return (r->has_text_only && buf_printf(out, "Text-Only: %s\n", r->text_only ? "true" : "false") < 0) ||
			       buf_printf(out, "Content-Length: %zu\n", r->body.len) < 0 ||
			       (r->has_html_body && buf_printf(out, "Html-Body-Length: %zu\n", r->html_body.len) < 0)
			   ? -1 : 0;
	case AIMX_MARK_READ:
	case AIMX_MARK_UNREAD:
		return put_header(out, "Mailbox", r->mailbox) | put_header(out, "Id", r->id) |
		       buf_append_str(out, "Content-Length: 0\n");
	case AIMX_MAILBOX_CREATE:
	case AIMX_MAILBOX_DELETE:
		return put_header(out, "Name", r->name) | put_header(out, "Owner", r->owner) |
		       (r->has_force ? put_header(out, "Force", r->force ? "true" : "false") : 0) |
		       buf_append_str(out, "Content-Length: 0\n");
	case AIMX_HOOK_CREATE:
		return put_header(out, "Mailbox", r->mailbox) | put_header(out, "Event", r->event) |
		       put_header(out, "Name", r->name) |
		       buf_printf(out, "Content-Length: %zu\n", r->body.len);
	case AIMX_HOOK_DELETE:
		return put_header(out, "Hook-Name", r->hook_name) |
		       buf_append_str(out, "Content-Length: 0\n");
	default:
		return 0;
	}
}

int aimx_request_encode(struct buf *out, const struct aimx_request *r)
{
	if (buf_printf(out, "AIMX/1 %s\n", aimx_verb_name(r->verb)) < 0 || encode_headers(out, r) < 0 ||
	    buf_append_char(out, '\n') < 0)
		return -1;
	int with_body = r->verb == AIMX_SEND || r->verb == AIMX_HOOK_CREATE;
	if (with_body && r->body.len && buf_append(out, r->body.data, r->body.len) < 0)
		return -1;
	if (r->verb == AIMX_SEND && r->has_html_body && r->html_body.len &&
	    buf_append(out, r->html_body.data, r->html_body.len) < 0)
		return -1;
	return 0;
}

/* ---- client side: parsing ---- */

static int why_line(char why[256], const char *prefix, const char *s, size_t n)
{
	char q[200];
	quote(s, n, q, sizeof(q));
	snprintf(why, 256, "%s%s", prefix, q);
	return -1;
}

/* Finds "Name: value" among the header lines in [p, end) before the blank line. */
static int header_value(const char *p, const char *end, const char *name, char *out, size_t outsz)
{
	size_t nl = strlen(name);
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
		if (n == 0)
			return -1;
		if (n > nl + 1 && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1;
			size_t vn = n - nl - 1;
			while (vn && (*v == ' ' || *v == '\t'))
				v++, vn--;
			while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\r'))
				vn--;
			snprintf(out, outsz, "%.*s", (int)vn, v);
			return 0;
		}
		p += n + 1;
	}
	return -1;
}

static int parse_err(const char *status, const char *rest, const char *end, struct aimx_response *o,
		     char why[256])
{
	const char *sp = strchr(status, ' ');
	size_t cn = sp ? (size_t)(sp - status) : strlen(status);
	snprintf(o->code, sizeof(o->code), "%.*s", (int)(cn < AIMX_CODE_MAX ? cn : AIMX_CODE_MAX - 1), status);
	const char *reason = sp ? sp + 1 : "";
	while (*reason == ' ')
		reason++;
	snprintf(o->reason, sizeof(o->reason), "%s", reason);
	char hdr[AIMX_CODE_MAX];
	if (header_value(rest, end, "Code", hdr, sizeof(hdr)) == 0 && aimx_code_known(hdr))
		snprintf(o->code, sizeof(o->code), "%s", hdr);
	else if (!aimx_code_known(o->code))
		return why_line(why, "unknown ERR code ", o->code, strlen(o->code));
	o->ok = 0;
	return 0;
}

static int parse_json_ok(const char *rest, const char *end, struct aimx_response *o, char why[256])
{
	char cl[32];
	size_t n;
	const char *blank = NULL;
	for (const char *p = rest; p + 1 < end; p++)
		if (p[0] == '\n' && p[1] == '\n') {
			blank = p + 2;
			break;
		}
	if (rest < end && *rest == '\n')
		blank = rest + 1;
	if (!blank || header_value(rest, end, "Content-Length", cl, sizeof(cl)) < 0 ||
	    parse_uint(cl, &n) < 0 || (size_t)(end - blank) < n) {
		snprintf(why, 256, "unexpected response: JSON body missing or truncated");
		return -1;
	}
	o->ok = 1;
	return buf_append(&o->json, blank, n);
}

int aimx_response_parse(const char *data, size_t len, enum aimx_verb v, struct aimx_response *o,
			char why[256])
{
	memset(o, 0, sizeof(*o));
	if (len == 0)
		return snprintf(why, 256, "empty response from daemon"), -1;
	if (!valid_utf8(data, len))
		return snprintf(why, 256, "response is not UTF-8"), -1;
	const char *nl = memchr(data, '\n', len), *end = data + len;
	size_t n = nl ? (size_t)(nl - data) : len;
	char status[AIMX_REASON_MAX + 64];
	snprintf(status, sizeof(status), "%.*s", (int)(n < sizeof(status) - 1 ? n : sizeof(status) - 1), data);
	const char *rest = nl ? nl + 1 : end;
	if (strncmp(status, "AIMX/1 ", 7) != 0)
		return why_line(why, "unexpected response: ", data, n);
	const char *s = status + 7;
	int json_verb = v == AIMX_MAILBOX_LIST || v == AIMX_HOOK_LIST || v == AIMX_VERSION;
	if (strncmp(s, "ERR ", 4) == 0)
		return parse_err(s + 4, rest, end, o, why);
	if (v == AIMX_SEND && strncmp(s, "OK ", 3) == 0 && s[3]) {
		o->ok = 1;
		o->message_id = strdup(s + 3);
		return o->message_id ? 0 : -1;
	}
	if (strcmp(s, "OK") == 0 && json_verb)
		return parse_json_ok(rest, end, o, why);
	if (strcmp(s, "OK") == 0 && v != AIMX_SEND) {
		o->ok = 1;
		return 0;
	}
	return why_line(why, "unexpected response: ", data, n);
}

void aimx_response_free(struct aimx_response *r)
{
	free(r->message_id);
	buf_free(&r->json);
	r->message_id = NULL;
}

/* ---- fuzzing ---- */

static enum aimx_decode_status decode_split(const unsigned char *data, size_t len, size_t step,
					    struct aimx_decoder *d)
{
	enum aimx_decode_status st = AIMX_DECODE_MORE;
	aimx_decoder_init(d);
	for (size_t i = 0; i < len && st == AIMX_DECODE_MORE;) {
		size_t n = len - i < step ? len - i : step, used = 0;
		st = aimx_decoder_feed(d, (const char *)data + i, n, &used);
		if (used > n)
			return (enum aimx_decode_status)-1;
		i += used;
		if (st == AIMX_DECODE_MORE && used < n)
			return (enum aimx_decode_status)-1;
	}
	return st == AIMX_DECODE_MORE ? aimx_decoder_eof(d) : st;
}

int aimx_proto_fuzz_one(const unsigned char *data, size_t len)
{
	static const size_t steps[] = {(size_t)-1, 1, 7};
	struct aimx_decoder ref, d;
	enum aimx_decode_status want = decode_split(data, len, steps[0], &ref);
	int differ = 0;
	for (size_t k = 1; k < sizeof(steps) / sizeof(steps[0]); k++) {
		enum aimx_decode_status got = decode_split(data, len, steps[k], &d);
		differ |= got != want || strcmp(d.err_reason, ref.err_reason) != 0 ||
			  d.req.body.len != ref.req.body.len;
		aimx_decoder_free(&d);
	}
	aimx_decoder_free(&ref);
	return differ;
}
