/* aimx_decoder_header.c: the header lines of an AIMX/1 request: the known headers, the header set
 * of each verb (protocol.md 3.4), their values, and the check at the blank line. */
#include "control/aimx_decoder_header.h"

#include <string.h>
#include <strings.h>

#include "control/aimx_decoder_state.h"
#include "control/aimx_wire.h"

#define OWNER_MAX 32

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
static const struct verb_rule rules[AIMX_NVERBS] = {
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
	char q[AIMX_QUOTE_MAX];
	if (aimx_wire_parse_size(v, strlen(v), &n) < 0) {
		aimx_wire_quote(v, strlen(v), q, sizeof(q));
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
	char q[AIMX_QUOTE_MAX];
	if (strcasecmp(v, "true") == 0)
		b = 1;
	else if (strcasecmp(v, "false") == 0)
		b = 0;
	else {
		aimx_wire_quote(v, strlen(v), q, sizeof(q));
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
	char q[AIMX_QUOTE_MAX];
	char **slot = string_slot(&d->req, h);
	if (!*v)
		return MALFORMED(d, "empty %s value", hdrs[h].name);
	if (h == H_OWNER && !owner_shape_ok(v)) {
		aimx_wire_quote(v, strlen(v), q, sizeof(q));
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

enum aimx_decode_status aimx_decoder_header_line(struct aimx_decoder *d, char *line, size_t len)
{
	char q[AIMX_QUOTE_MAX];
	if (rules[d->req.verb].bare) {
		aimx_wire_quote(line, len, q, sizeof(q));
		return MALFORMED(d, "%s takes no headers, got %s", aimx_verb_name(d->req.verb), q);
	}
	char *colon = memchr(line, ':', len);
	if (!colon) {
		aimx_wire_quote(line, len, q, sizeof(q));
		return MALFORMED(d, "invalid header line: %s", q);
	}
	size_t nlen = (size_t)(colon - line), vlen = len - nlen - 1;
	for (size_t k = 0; k < nlen; k++)
		if ((unsigned char)line[k] >= 0x80) {
			aimx_wire_quote(line, nlen, q, sizeof(q));
			return MALFORMED(d, "non-ascii header name: %s", q);
		}
	const char *name = aimx_wire_trim(line, &nlen);
	char *value = (char *)aimx_wire_trim(colon + 1, &vlen);
	value[vlen] = '\0';
	for (int h = 0; h < H_COUNT; h++)
		if (strlen(hdrs[h].name) == nlen && strncasecmp(name, hdrs[h].name, nlen) == 0)
			return known_header(d, (enum hdr)h, value);
	return AIMX_DECODE_MORE;
}

enum aimx_decode_status aimx_decoder_headers_end(struct aimx_decoder *d)
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
	return aimx_decoder_status(d);
}
