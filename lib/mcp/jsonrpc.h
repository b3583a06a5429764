/* jsonrpc.h: JSON-RPC 2.0 messages: telling requests, notifications and responses apart, and
 * building replies. */
#ifndef AIMX_JSONRPC_H
#define AIMX_JSONRPC_H

#include <cJSON.h>

enum jsonrpc_code {
	JSONRPC_PARSE_ERROR = -32700,
	JSONRPC_INVALID_REQUEST = -32600,
	JSONRPC_METHOD_NOT_FOUND = -32601,
	JSONRPC_INVALID_PARAMS = -32602,
	JSONRPC_INTERNAL_ERROR = -32603,
};

enum jsonrpc_kind {
	JSONRPC_REQUEST,      /* method and a string or integer id: answer it */
	JSONRPC_NOTIFICATION, /* method, no id: never answered */
	JSONRPC_RESPONSE,     /* result or error with an id: a reply to us, ignored */
	JSONRPC_INVALID,      /* answer with JSONRPC_INVALID_REQUEST (id when usable, else null) */
};

struct jsonrpc_msg {
	const cJSON *id;     /* the request's id, NULL when absent or unusable */
	const char *method;  /* NULL unless REQUEST or NOTIFICATION */
	const cJSON *params; /* an object or array, NULL when absent */
	const char *why;     /* INVALID: what is wrong */
};

/* cJSON ends a string at a decoded NUL, so the reader replaces every real \u0000 escape of
 * a line with this byte before parsing; it cannot occur otherwise in a valid UTF-8 line. */
#define JSONRPC_NUL_MARK '\xff'

/* When line may hold a \u0000 escape: 1 with *out a copy (free it) of length *outlen in
 * which each real one is JSONRPC_NUL_MARK; 0 (*out NULL) when it holds none; -1 ENOMEM. */
int jsonrpc_mark_nuls(const char *line, size_t len, char **out, size_t *outlen);
/* A string value or key at or under item held a NUL (JSONRPC_NUL_MARK). */
int jsonrpc_has_nul(const cJSON *item);

/* An id string with a NUL is unusable (it could not be echoed): INVALID with a null id. */
enum jsonrpc_kind jsonrpc_classify(const cJSON *msg, struct jsonrpc_msg *out);

/* {"jsonrpc":"2.0","id":id,"result":result}; takes result; NULL on ENOMEM. */
cJSON *jsonrpc_result(const cJSON *id, cJSON *result);
/* {"jsonrpc":"2.0","id":id or null,"error":{"code":code,"message":message}}; NULL on ENOMEM. */
cJSON *jsonrpc_error(const cJSON *id, enum jsonrpc_code code, const char *message);

#endif
