/* mcp_arg.c: one parameter table per tool drives both its input schema and its argument checks.
 */
#include "mcp/mcp_arg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *type_name(enum mcp_param_type t)
{
	switch (t) {
	case MCP_STRING:
		return "string";
	case MCP_BOOL:
		return "boolean";
	case MCP_U32:
		return "integer";
	default:
		return "array";
	}
}

static cJSON *type_item(const struct mcp_param *p)
{
	if (p->required)
		return cJSON_CreateString(type_name(p->type));
	const char *both[2] = {type_name(p->type), "null"};
	return cJSON_CreateStringArray(both, 2);
}

static cJSON *property(const struct mcp_param *p)
{
	cJSON *o = cJSON_CreateObject();
	int ok = o && cJSON_AddStringToObject(o, "description", p->description) &&
	         cJSON_AddItemToObject(o, "type", type_item(p));
	if (ok && p->type == MCP_U32)
		ok = cJSON_AddStringToObject(o, "format", "uint32") &&
		     cJSON_AddNumberToObject(o, "minimum", 0);
	if (ok && p->type == MCP_STRINGS) {
		cJSON *items = cJSON_AddObjectToObject(o, "items");
		ok = items && cJSON_AddStringToObject(items, "type", "string");
	}
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

cJSON *mcp_arg_schema(const struct mcp_param *params, size_t n, int strict)
{
	cJSON *s = cJSON_CreateObject();
	int typed = cJSON_AddStringToObject(s, "type", "object") != NULL;
	cJSON *props = cJSON_AddObjectToObject(s, "properties");
	cJSON *req = cJSON_CreateArray();
	int ok = typed && props && req;
	for (size_t k = 0; ok && k < n; k++) {
		ok = cJSON_AddItemToObject(props, params[k].name, property(&params[k]));
		if (ok && params[k].required)
			ok = cJSON_AddItemToArray(req, cJSON_CreateString(params[k].name));
	}
	if (ok && cJSON_GetArraySize(req) > 0)
		ok = cJSON_AddItemToObject(s, "required", req) && (req = NULL, 1);
	if (ok && strict)
		ok = cJSON_AddFalseToObject(s, "additionalProperties") != NULL;
	cJSON_Delete(req);
	if (!ok) {
		cJSON_Delete(s);
		return NULL;
	}
	return s;
}

/* serde's description of an unexpected JSON value: "integer `5`", "string \"x\"", ... */
static void describe(const cJSON *v, char *out, size_t size)
{
	if (cJSON_IsString(v))
		snprintf(out, size, "string \"%.64s\"", v->valuestring);
	else if (cJSON_IsBool(v))
		snprintf(out, size, "boolean `%s`", cJSON_IsTrue(v) ? "true" : "false");
	else if (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
	         fabs(v->valuedouble) < 1e18)
		snprintf(out, size, "integer `%.0f`", v->valuedouble);
	else if (cJSON_IsNumber(v))
		snprintf(out, size, "floating point `%g`", v->valuedouble);
	else if (cJSON_IsArray(v))
		snprintf(out, size, "sequence");
	else if (cJSON_IsObject(v))
		snprintf(out, size, "map");
	else
		snprintf(out, size, "null");
}

static int type_error(const cJSON *v, const char *expected, char err[ERR_SIZE])
{
	char what[128];
	describe(v, what, sizeof(what));
	return err_set(err, "invalid type: %s, expected %s", what, expected);
}

static int check_u32(const cJSON *v, char err[ERR_SIZE])
{
	if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble))
		return type_error(v, "u32", err);
	if (v->valuedouble < 0 || v->valuedouble > 4294967295.0) {
		char what[128];
		describe(v, what, sizeof(what));
		return err_set(err, "invalid value: %s, expected u32", what);
	}
	return 0;
}

static int check_value(const struct mcp_param *p, const cJSON *v, char err[ERR_SIZE])
{
	const cJSON *it;
	switch (p->type) {
	case MCP_STRING:
		return cJSON_IsString(v) ? 0 : type_error(v, "a string", err);
	case MCP_BOOL:
		return cJSON_IsBool(v) ? 0 : type_error(v, "a boolean", err);
	case MCP_U32:
		return check_u32(v, err);
	case MCP_STRINGS:
		if (!cJSON_IsArray(v))
			return type_error(v, "a sequence", err);
		cJSON_ArrayForEach(it, v) if (!cJSON_IsString(it)) return type_error(it, "a string",
		                                                                     err);
		return 0;
	}
	return -1;
}

static long param_index(const struct mcp_param *params, size_t n, const char *name)
{
	for (size_t k = 0; k < n; k++)
		if (strcmp(params[k].name, name) == 0)
			return (long)k;
	return -1;
}

static int unknown_field(const struct mcp_param *params, size_t n, const char *name,
                         char err[ERR_SIZE])
{
	int w = snprintf(err, ERR_SIZE, "unknown field `%.128s`, expected %s", name,
	                 n == 1 ? "" : "one of ");
	for (size_t k = 0; k < n && w > 0 && w < ERR_SIZE; k++)
		w += snprintf(err + w, ERR_SIZE - (size_t)w, "%s`%s`", k ? ", " : "",
		              params[k].name);
	return -1;
}

/* Each member of the object: known ones checked and stored, unknown ones refused when strict. */
static int take_members(const struct mcp_param *params, size_t n, int strict, const cJSON *obj,
                        struct mcp_args *out, char err[ERR_SIZE])
{
	const cJSON *it;
	int seen[MCP_PARAMS_MAX] = {0};
	cJSON_ArrayForEach(it, obj)
	{
		long k = param_index(params, n, it->string);
		if (k < 0) {
			if (strict)
				return unknown_field(params, n, it->string, err);
			continue;
		}
		if (seen[k]++)
			return err_set(err, "duplicate field `%s`", params[k].name);
		if (cJSON_IsNull(it) && !params[k].required)
			continue;
		if (check_value(&params[k], it, err) < 0)
			return -1;
		out->v[k] = it;
	}
	return 0;
}

int mcp_arg_decode(const struct mcp_param *params, size_t n, int strict, const cJSON *arguments,
                   struct mcp_args *out, char err[ERR_SIZE])
{
	memset(out, 0, sizeof(*out));
	out->params = params;
	out->nparams = n;
	if (arguments && !cJSON_IsNull(arguments) && !cJSON_IsObject(arguments))
		return type_error(arguments, "a map", err);
	if (arguments && cJSON_IsObject(arguments) &&
	    take_members(params, n, strict, arguments, out, err) < 0)
		return -1;
	for (size_t k = 0; k < n; k++)
		if (params[k].required && !out->v[k])
			return err_set(err, "missing field `%s`", params[k].name);
	return 0;
}

static const cJSON *arg(const struct mcp_args *a, const char *name)
{
	long k = param_index(a->params, a->nparams, name);
	return k < 0 ? NULL : a->v[k];
}

const char *mcp_arg_str(const struct mcp_args *a, const char *name)
{
	const cJSON *v = arg(a, name);
	return v ? v->valuestring : NULL;
}

int mcp_arg_bool(const struct mcp_args *a, const char *name, int dflt)
{
	const cJSON *v = arg(a, name);
	return v ? cJSON_IsTrue(v) : dflt;
}

int mcp_arg_has(const struct mcp_args *a, const char *name)
{
	return arg(a, name) != NULL;
}

unsigned long mcp_arg_u32(const struct mcp_args *a, const char *name, unsigned long dflt)
{
	const cJSON *v = arg(a, name);
	return v ? (unsigned long)v->valuedouble : dflt;
}

const char **mcp_arg_strings(const struct mcp_args *a, const char *name, size_t *n)
{
	const cJSON *v = arg(a, name), *it;
	*n = 0;
	if (!v)
		return NULL;
	const char **out = calloc((size_t)cJSON_GetArraySize(v) + 1, sizeof(*out));
	if (!out) {
		*n = 1;
		return NULL;
	}
	cJSON_ArrayForEach(it, v) out[(*n)++] = it->valuestring;
	return out;
}
