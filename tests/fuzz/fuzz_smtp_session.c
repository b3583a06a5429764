/* fuzz_smtp_session.c: the inbound SMTP session fuzz target: sessions with recording callbacks
 * over several splits of the same bytes, one of them moving DATA out as the daemon's spool
 * does, must send the same replies and make the same calls. */
#include "tests/fuzz/fuzz_smtp_session.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "smtp/smtp_session.h"

/* Recording callbacks that keep what they saw, so runs over different splits of the same input
 * can be compared. */
struct fuzz_record {
	struct buf replies;
	struct buf calls;
	int failed;       /* out of memory: the run proves nothing */
	int broken;       /* a feed misreported the bytes it used */
	int spool;        /* move DATA out every FUZZ_SPOOL_AT bytes (smtp_session_data_moved) */
	struct buf moved; /* what was moved out of the current message */
	const struct smtp_session *s; /* the session being driven */
};

#define FUZZ_SPOOL_AT 8

static int fuzz_rcpt(void *ctx, const char *addr, char answer[SMTP_REPLY_MAX])
{
	struct fuzz_record *f = ctx;
	f->failed |= buf_printf(&f->calls, "R<%s>", addr) < 0;
	if (addr[0] != 'x')
		return 0;
	snprintf(answer, SMTP_REPLY_MAX, "550 5.1.1 rejected");
	return -1;
}

static int fuzz_data(void *ctx, const struct smtp_envelope *env, const char *msg, size_t len,
                     char answer[SMTP_REPLY_MAX])
{
	struct fuzz_record *f = ctx;
	f->failed |=
	    buf_printf(&f->calls, "D<%s>%zu:%d:", env->mail_from, env->nrcpts, env->tls) < 0;
	if (f->s->data_moved == 0)
		buf_reset(&f->moved); /* left by a message that never ended well */
	f->failed |= buf_append(&f->calls, f->moved.data, f->moved.len) < 0;
	f->failed |= buf_append(&f->calls, msg, len) < 0;
	len += f->moved.len;
	buf_reset(&f->moved);
	snprintf(answer, SMTP_REPLY_MAX, "%s", len % 2 ? "451 4.3.0 odd" : "250 2.0.0 even");
	return len % 2 ? -1 : 0;
}

/* As the daemon's spool: DATA out of the session once it holds FUZZ_SPOOL_AT bytes. */
static void fuzz_spool(struct fuzz_record *f, struct smtp_session *s)
{
	if (!f->spool || s->state != SMTP_S_DATA || s->data.len < FUZZ_SPOOL_AT || s->data_error)
		return;
	if (s->data_moved == 0)
		buf_reset(&f->moved); /* a new message */
	f->failed |= buf_append(&f->moved, s->data.data, s->data.len) < 0;
	smtp_session_data_moved(s);
}

/* Feeds data in chunks of `chunk` bytes; after STARTTLS the rest continues as if over TLS. */
static void fuzz_run(struct fuzz_record *f, const unsigned char *data, size_t len, size_t chunk)
{
	const struct smtp_limits lim = {64, 2, 40};
	const struct smtp_callbacks cb = {f, fuzz_rcpt, fuzz_data};
	struct smtp_session s;
	f->s = &s;
	if (smtp_session_init(&s, "fuzz.example", 1, &lim, &cb) < 0) {
		f->failed = 1;
		return;
	}
	enum smtp_action act = SMTP_CONTINUE;
	for (size_t off = 0; off < len && act != SMTP_CLOSE;) {
		size_t n = len - off < chunk ? len - off : chunk, used = 0;
		act = smtp_session_feed(&s, (const char *)data + off, n, &used);
		f->broken |= used > n || (act == SMTP_CONTINUE && used != n);
		off += used;
		fuzz_spool(f, &s);
		if (act == SMTP_STARTTLS)
			smtp_session_tls_started(&s);
		f->failed |= buf_append(&f->replies, s.out.data, s.out.len) < 0;
		buf_reset(&s.out);
	}
	smtp_session_timeout(&s);
	f->failed |= buf_append(&f->replies, s.out.data, s.out.len) < 0;
	smtp_session_free(&s);
}

static int fuzz_same(const struct buf *a, const struct buf *b)
{
	return a->len == b->len && (!a->len || memcmp(a->data, b->data, a->len) == 0);
}

int fuzz_smtp_session_one(const unsigned char *data, size_t len)
{
	static const size_t chunks[] = {1, 3, 64, 5};
	struct fuzz_record whole = {BUF_INIT, BUF_INIT, 0, 0, 0, BUF_INIT, NULL};
	fuzz_run(&whole, data, len, len ? len : 1);
	int rc = whole.broken ? 1 : whole.failed ? -1 : 0;
	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]) && rc == 0; i++) {
		struct fuzz_record split = {BUF_INIT,       BUF_INIT, 0,   0,
		                            chunks[i] == 5, BUF_INIT, NULL};
		fuzz_run(&split, data, len, chunks[i]);
		if (split.broken || !fuzz_same(&whole.replies, &split.replies) ||
		    !fuzz_same(&whole.calls, &split.calls))
			rc = split.failed ? -1 : 1;
		buf_free(&split.replies);
		buf_free(&split.calls);
		buf_free(&split.moved);
	}
	buf_free(&whole.replies);
	buf_free(&whole.calls);
	buf_free(&whole.moved);
	return rc;
}

/* libFuzzer's entry point, compiled in by `make fuzz` (-DFUZZ_LIBFUZZER): a disagreement aborts;
 * running out of memory proves nothing. */
#ifdef FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fuzz_smtp_session_one(data, size) == 1)
		abort();
	return 0;
}
#endif
