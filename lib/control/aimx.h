/* aimx.h: the AIMX/1 local socket protocol codec (protocol.md 3-5): requests and responses, both
 * directions. Implemented by aimx_verb.c (names, codes), aimx_decoder.c (with aimx_decoder_header.c
 * and aimx_decoder_state.c), aimx_write.c, aimx_request.c and aimx_response.c over aimx_wire.c. */
#ifndef AIMX_AIMX_H
#define AIMX_AIMX_H

#include <stddef.h>

#include "base/err.h"
#include "base/buf.h"

#define AIMX_LINE_MAX      8192              /* a request line or header line, without '\n' */
#define AIMX_BODY_MAX      (25 * 1024 * 1024) /* per length header */
#define AIMX_CODE_MAX      32
#define AIMX_REASON_MAX    1024

enum aimx_verb {
	AIMX_SEND,
	AIMX_MARK_READ,
	AIMX_MARK_UNREAD,
	AIMX_MAILBOX_CREATE,
	AIMX_MAILBOX_DELETE,
	AIMX_MAILBOX_LIST,
	AIMX_HOOK_CREATE,
	AIMX_HOOK_DELETE,
	AIMX_HOOK_LIST,
	AIMX_VERSION,
};
#define AIMX_NVERBS (AIMX_VERSION + 1) /* the verbs are 0 .. AIMX_NVERBS - 1 */

/* "SEND", "MARK-READ", ...; "?" for a value outside the enum. */
const char *aimx_verb_name(enum aimx_verb v);
/* The verb named exactly s[0..n): 0, or -1 when no verb has that name. */
int aimx_verb_parse(const char *s, size_t n, enum aimx_verb *v);

/* A decoded (daemon side) or to-be-encoded (client side) request. Header strings are
 * NULL when absent; has_* flags mark optional scalars that were present. */
struct aimx_request {
	enum aimx_verb verb;
	char *mailbox;   /* Mailbox: (MARK-*, HOOK-CREATE) */
	char *id;        /* Id: (MARK-*) */
	char *name;      /* Name: (MAILBOX-CREATE/DELETE, HOOK-CREATE) */
	char *owner;     /* Owner: (MAILBOX-CREATE/DELETE) */
	char *event;     /* Event: (HOOK-CREATE) */
	char *hook_name; /* Hook-Name: (HOOK-DELETE) */
	int has_force, force;         /* Force: (MAILBOX-DELETE) */
	int has_text_only, text_only; /* Text-Only: (SEND) */
	int has_html_body;            /* Html-Body-Length: was sent (SEND) */
	struct buf body;              /* the Content-Length bytes (SEND, HOOK-CREATE) */
	struct buf html_body;         /* the Html-Body-Length bytes (SEND) */
};

void aimx_request_free(struct aimx_request *r);

/* ---- daemon side: an incremental decoder (no I/O) ---- */

enum aimx_decode_status {
	AIMX_DECODE_MORE,  /* feed more bytes */
	AIMX_DECODE_DONE,  /* d->req is complete; bytes after it were not consumed */
	AIMX_DECODE_ERROR, /* d->err_code / d->err_reason hold the error reply to send (after draining) */
	AIMX_DECODE_EMPTY, /* EOF before any byte: close silently */
};

struct aimx_decoder {
	int state;               /* private */
	struct buf line;         /* private: the line being assembled */
	size_t need;             /* private: body bytes still expected */
	size_t html_need;        /* private */
	int got_any;             /* private: any byte seen */
	unsigned seen_headers;   /* private: bit per known header */
	struct aimx_request req;
	char err_code[AIMX_CODE_MAX];     /* "MALFORMED" or "PROTOCOL" */
	char err_reason[AIMX_REASON_MAX]; /* e.g. "malformed request: missing required header: Name" */
};

void aimx_decoder_init(struct aimx_decoder *d);
void aimx_decoder_free(struct aimx_decoder *d);
/* Feed bytes; *consumed tells how many were used (all, unless DONE or ERROR). */
enum aimx_decode_status aimx_decoder_feed(struct aimx_decoder *d, const char *data, size_t len,
					  size_t *consumed);
/* The peer closed its write side. EMPTY if nothing was received, DONE if the request was
 * already complete, else ERROR with the EOF message of the spec. */
enum aimx_decode_status aimx_decoder_eof(struct aimx_decoder *d);

/* ---- daemon side: responses (CR and LF are stripped from reasons and ids) ---- */

int aimx_write_ok(struct buf *out);                           /* "AIMX/1 OK\n" */
int aimx_write_ok_id(struct buf *out, const char *message_id); /* "AIMX/1 OK <id>\n" */
int aimx_write_ok_json(struct buf *out, const char *json, size_t len);
int aimx_write_err(struct buf *out, const char *code, const char *reason);

/* ---- client side ---- */

/* The frame for req (headers the verb takes; Content-Length: 0 on bodyless verbs that
 * accept it; none on MAILBOX-LIST / HOOK-LIST / VERSION). */
int aimx_request_encode(struct buf *out, const struct aimx_request *req);

struct aimx_response {
	int ok;                        /* 1: OK, 0: ERR */
	char code[AIMX_CODE_MAX];      /* ERR code (the Code: header wins over the inline one) */
	char reason[AIMX_REASON_MAX];  /* ERR reason */
	char *message_id;              /* SEND OK <id> */
	struct buf json;               /* JSON-OK body */
};

/* Parse a complete reply to a request of verb v, per protocol.md 4 client rules.
 * 0, or -1 with a one-line reason in why ("empty response from daemon",
 * "unexpected response: \"...\"", "unknown ERR code \"X\" in response", ...). */
int aimx_response_parse(const char *data, size_t len, enum aimx_verb v, struct aimx_response *out,
                        char why[ERR_SIZE]);
void aimx_response_free(struct aimx_response *r);

/* True for the 15 codes of protocol.md 5. */
int aimx_code_known(const char *code);

#endif
