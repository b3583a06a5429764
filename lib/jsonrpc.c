/* jsonrpc.c: classify JSON-RPC 2.0 messages and build result and error objects. */
#include "jsonrpc.h"

#include <math.h>
#include <string.h>

/* A usable id: a string, or an integral number (MCP forbids null ids). */
static int id_usable(const cJSON *id)
{
	if (cJSON_IsString(id))
		return 1;
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
	if (id && !out->id)
		return invalid(out, "\"id\" must be a string or an integer");
	if (params && !cJSON_IsObject(params) && !cJSON_IsArray(params))
		return invalid(out, "\"params\" must be an object or an array");
	out->method = method->valuestring;
	out->params = params;
	return id ? JSONRPC_REQUEST : JSONRPC_NOTIFICATION;
}

static cJSON *envelope(const cJSON *id)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *idcopy = id ? cJSON_Duplicate(id, 0) : cJSON_CreateNull();
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
