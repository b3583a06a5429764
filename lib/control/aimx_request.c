/* aimx_request.c: the client side's AIMX/1 request frames (protocol.md 3, 10.1), and freeing a
 * request. */
#include "control/aimx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "control/aimx_wire.h"

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

/* "Name: value\n" with CR/LF removed from value; a NULL value is skipped unless required. */
static int put_header(struct buf *out, const char *name, const char *value, int required)
{
	if (!value) {
		errno = EINVAL;
		return required ? -1 : 0;
	}
	if (buf_printf(out, "%s: ", name) < 0 || aimx_wire_put_clean(out, value) < 0)
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
	if ((size_t)r->verb >= AIMX_NVERBS) {
		errno = EINVAL;
		return -1;
	}
	int rc = buf_printf(out, AIMX_PREFIX "%s\n", aimx_verb_name(r->verb)) < 0 ||
	                 encode_headers(out, r) < 0 || buf_append_char(out, '\n') < 0 ||
	                 encode_bodies(out, r) < 0
	             ? -1
	             : 0;
	return aimx_wire_settle(out, mark, rc);
}
