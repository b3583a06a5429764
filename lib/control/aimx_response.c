/* aimx_response.c: the client side's AIMX/1 reply parser (protocol.md 4 client rules). */
#include "control/aimx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/err.h"
#include "base/utf8.h"
#include "control/aimx_wire.h"

#define WHY_QUOTE 200

/* The verbs whose OK carries a JSON body. */
static int json_verb(enum aimx_verb v)
{
	return v == AIMX_MAILBOX_LIST || v == AIMX_HOOK_LIST || v == AIMX_VERSION;
}

static int starts(const char *s, size_t n, const char *lit)
{
	size_t ln = strlen(lit);
	return n >= ln && memcmp(s, lit, ln) == 0;
}

static int unexpected(char why[ERR_SIZE], const char *line, size_t n)
{
	char q[WHY_QUOTE];
	aimx_wire_quote(line, n, q, sizeof(q));
	return err_set(why, "unexpected response: %s", q);
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
			const char *v = aimx_wire_trim(p + 5, &vn);
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
                     struct aimx_response *o, char why[ERR_SIZE])
{
	const char *sp = memchr(s, ' ', n);
	size_t cn = sp ? (size_t)(sp - s) : n;
	size_t rn = sp ? n - cn - 1 : 0;
	const char *reason = aimx_wire_trim(sp ? sp + 1 : s + n, &rn);
	char inline_code[AIMX_CODE_MAX] = "";
	if (cn < AIMX_CODE_MAX) {
		memcpy(inline_code, s, cn);
		inline_code[cn] = '\0';
	}
	if (code_header(rest, end, o->code) < 0) {
		if (cn >= AIMX_CODE_MAX || !aimx_code_known(inline_code)) {
			char q[WHY_QUOTE];
			aimx_wire_quote(s, cn, q, sizeof(q));
			o->code[0] = '\0';
			return err_set(why, "unknown ERR code %s in response", q);
		}
		memcpy(o->code, inline_code, cn + 1);
	}
	rn = aimx_wire_cut(reason, rn, AIMX_REASON_MAX - 1);
	memcpy(o->reason, reason, rn);
	o->reason[rn] = '\0';
	o->ok = 0;
	return 0;
}

/* SEND: "OK <id>" with a non-empty id; line[0..n) is the whole status line. */
static int parse_send_ok(const char *line, size_t n, struct aimx_response *o, char why[ERR_SIZE])
{
	const char *s = line + AIMX_PREFIX_LEN;
	size_t idn = n - AIMX_PREFIX_LEN > 3 ? n - AIMX_PREFIX_LEN - 3 : 0;
	const char *id = aimx_wire_trim(s + 3, &idn);
	if (!starts(s, n - AIMX_PREFIX_LEN, "OK ") || idn == 0)
		return unexpected(why, line, n);
	o->message_id = strndup(id, idn);
	if (!o->message_id)
		return err_set(why, "out of memory");
	o->ok = 1;
	return 0;
}

/* JSON-OK: header lines up to a blank line, one Content-Length, then that many bytes. */
static int parse_json_ok(const char *p, const char *end, struct aimx_response *o,
                         char why[ERR_SIZE])
{
	size_t len = 0;
	int have_len = 0;
	for (;;) {
		const char *next;
		if (p >= end)
			return err_set(why, "malformed response (no header terminator)");
		size_t n = reply_line(p, end, &next);
		if (n == 0) {
			p = next;
			break;
		}
		if (!have_len && n >= 15 && strncasecmp(p, "Content-Length:", 15) == 0) {
			size_t vn = n - 15;
			const char *v = aimx_wire_trim(p + 15, &vn);
			if (aimx_wire_parse_size(v, vn, &len) < 0) {
				char q[WHY_QUOTE];
				aimx_wire_quote(p, n, q, sizeof(q));
				return err_set(why, "invalid Content-Length: %s", q);
			}
			have_len = 1;
		}
		p = next;
	}
	if (!have_len)
		return err_set(why, "missing Content-Length on OK response");
	if ((size_t)(end - p) < len)
		return err_set(why, "truncated body: expected %zu bytes, got %zu", len,
		               (size_t)(end - p));
	if (buf_append(&o->json, p, len) < 0)
		return err_set(why, "out of memory");
	o->ok = 1;
	return 0;
}

int aimx_response_parse(const char *data, size_t len, enum aimx_verb v, struct aimx_response *o,
                        char why[ERR_SIZE])
{
	const char *end = data + len, *rest;
	memset(o, 0, sizeof(*o));
	why[0] = '\0';
	if (!utf8_valid(data, len))
		return err_set(why, "response is not UTF-8");
	size_t n = len ? reply_line(data, end, &rest) : 0;
	if (n == 0)
		return err_set(why, "empty response from daemon");
	if (!starts(data, n, AIMX_PREFIX))
		return unexpected(why, data, n);
	const char *s = data + AIMX_PREFIX_LEN;
	size_t sn = n - AIMX_PREFIX_LEN;
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
