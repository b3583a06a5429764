/* jsonrpc.c: classify JSON-RPC 2.0 messages and build result and error objects. */
#include "mcp/jsonrpc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int jsonrpc_mark_nuls(const char *line, size_t len, char **out, size_t *outlen)
{
	*out = NULL;
	if (!memmem(line, len, "\\u0000", 6))
		return 0;
	char *copy = malloc(len + 1);
	if (!copy)
		return -1;
	size_t n = 0;
	for (size_t k = 0; k < len;) {
		if (line[k] == '\\' && len - k >= 6 && memcmp(line + k, "\\u0000", 6) == 0) {
			copy[n++] = JSONRPC_NUL_MARK;
			k += 6;
			continue;
		}
		/* an escape pair is copied whole: in \\u0000 the pair is a backslash, no NUL */
		if (line[k] == '\\' && k + 1 < len)
			copy[n++] = line[k++];
		copy[n++] = line[k++];
	}
	copy[n] = '\0';
	*out = copy;
	*outlen = n;
	return 1;
}

static int has_mark(const char *s)
{
	return s && strchr(s, JSONRPC_NUL_MARK) != NULL;
}

int jsonrpc_has_nul(const cJSON *item)
{
	if (!item)
		return 0;
	if (has_mark(item->string) || (cJSON_IsString(item) && has_mark(item->valuestring)))
		return 1;
	for (const cJSON *c = item->child; c; c = c->next)
		if (jsonrpc_has_nul(c))
			return 1;
	return 0;
}

/* A usable id: a string without NUL, or an integral number (MCP forbids null ids). */
static int id_usable(const cJSON *id)
{
	if (cJSON_IsString(id))
		return !has_mark(id->valuestring);
	return cJSON_IsNumber(id) && isfinite(id->valuedouble) &&
	       id->valuedouble == floor(id->valuedouble);
}

static enum jsonrpc_kind invalid(struct jsonrpc_msg *out, const char *why)
{
	out->why = why;
	out->method = NULL;
	return JSONRPC_INVALID;
}

enum jsonrpc_kind jsonrpc_classify(const cJSON *msg, struct jsonrpc_msg *out)
{
	memset(out, 0, sizeof(*out));
	if (!cJSON_IsObject(msg))
		return invalid(out, "a message must be a JSON object");
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(msg, "jsonrpc");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");
	const cJSON *method = cJSON_GetObjectItemCaseSensitive(msg, "method");
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(msg, "params");
	if (id && id_usable(id))
		out->id = id;
	if (!cJSON_IsString(ver) || strcmp(ver->valuestring, "2.0") != 0)
		return invalid(out, "\"jsonrpc\" must be \"2.0\"");
	if (!method) {
		int reply = cJSON_GetObjectItemCaseSensitive(msg, "result") ||
		            cJSON_GetObjectItemCaseSensitive(msg, "error");
		return reply && id ? JSONRPC_RESPONSE : invalid(out, "\"method\" is missing");
	}
	if (!cJSON_IsString(method))
		return invalid(out, "\"method\" must be a string");
	if (cJSON_IsString(id) && !out->id)
		return invalid(out, "\"id\" must not contain NUL (\\u0000)");
	if (id && !out->id)
		return invalid(out, "\"id\" must be a string or an integer");
	if (params && !cJSON_IsObject(params) && !cJSON_IsArray(params))
		return invalid(out, "\"params\" must be an object or an array");
	out->method = method->valuestring;
	out->params = params;
	return id ? JSONRPC_REQUEST : JSONRPC_NOTIFICATION;
}

/* The id for a reply: strings as they came, integers printed exactly (cJSON's own printing
 * keeps 15 digits, which turns 9007199254740991 into another number). */
static cJSON *id_copy(const cJSON *id)
{
	char text[32];
	if (!id)
		return cJSON_CreateNull();
	if (!cJSON_IsNumber(id))
		return cJSON_Duplicate(id, 0);
	if (fabs(id->valuedouble) < 1e21)
		snprintf(text, sizeof(text), "%.0f", id->valuedouble);
	else
		snprintf(text, sizeof(text), "%.17g", id->valuedouble);
	return cJSON_CreateRaw(text);
}

static cJSON *envelope(const cJSON *id)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *idcopy = id_copy(id);
	if (!o || !idcopy || !cJSON_AddStringToObject(o, "jsonrpc", "2.0") ||
	    !cJSON_AddItemToObject(o, "id", idcopy)) {
		cJSON_Delete(idcopy);
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

cJSON *jsonrpc_result(const cJSON *id, cJSON *result)
{
	cJSON *o = result ? envelope(id) : NULL;
	if (!o || !cJSON_AddItemToObject(o, "result", result)) {
		cJSON_Delete(result);
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

cJSON *jsonrpc_error(const cJSON *id, enum jsonrpc_code code, const char *message)
{
	cJSON *o = envelope(id), *err = cJSON_CreateObject();
	if (!o || !err || !cJSON_AddNumberToObject(err, "code", code) ||
	    !cJSON_AddStringToObject(err, "message", message) ||
	    !cJSON_AddItemToObject(o, "error", err)) {
		cJSON_Delete(err);
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}
