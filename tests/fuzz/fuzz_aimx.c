/* fuzz_aimx.c: the AIMX/1 codec fuzz target: the request decoder over several splits of the same
 * bytes, the encoder round trip of what it decodes, and the reply parser for every verb. */
#include "tests/fuzz/fuzz_aimx.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

void fuzz_aimx_decode(const void *bytes, size_t len, size_t step, struct fuzz_aimx_run *r)
{
	const char *data = bytes;
	aimx_decoder_init(&r->d);
	r->st = AIMX_DECODE_MORE;
	r->used = 0;
	r->broken = 0;
	while (r->st == AIMX_DECODE_MORE && r->used < len) {
		size_t n = len - r->used < step ? len - r->used : step, used = n + 1;
		r->st = aimx_decoder_feed(&r->d, data + r->used, n, &used);
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

static int same_outcome(const struct fuzz_aimx_run *a, const struct fuzz_aimx_run *b)
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
	struct fuzz_aimx_run again;
	if (has_cr(req->mailbox) || has_cr(req->id) || has_cr(req->name) || has_cr(req->event) ||
	    has_cr(req->hook_name))
		return 1;
	if (aimx_request_encode(&frame, req) < 0)
		return 0;
	fuzz_aimx_decode(frame.data, frame.len, frame.len, &again);
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
	for (size_t v = 0; v < AIMX_NVERBS; v++) {
		struct aimx_response resp;
		char why[ERR_SIZE];
		if (aimx_response_parse((const char *)data, len, (enum aimx_verb)v, &resp, why) < 0)
			bad |= why[0] == '\0';
		aimx_response_free(&resp);
	}
	return bad;
}

int fuzz_aimx_one(const unsigned char *data, size_t len)
{
	static const size_t steps[] = {1, 2, 3, 7, 64};
	struct fuzz_aimx_run whole, split;
	int differ = 0;
	fuzz_aimx_decode(data, len, len ? len : 1, &whole);
	for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
		fuzz_aimx_decode(data, len, steps[k], &split);
		differ |= !same_outcome(&whole, &split);
		aimx_decoder_free(&split.d);
	}
	if (whole.st == AIMX_DECODE_DONE)
		differ |= !reencodes(&whole.d.req);
	aimx_decoder_free(&whole.d);
	return differ | replies_parse(data, len);
}

/* libFuzzer's entry point, compiled in by `make fuzz` (-DFUZZ_LIBFUZZER): a disagreement aborts. */
#ifdef FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fuzz_aimx_one(data, size) != 0)
		abort();
	return 0;
}
#endif
