/* mcp_arg.h: a tool's parameters: their JSON Schema for tools/list and the decoding of
 * tools/call arguments. */
#ifndef AIMX_MCP_ARG_H
#define AIMX_MCP_ARG_H

#include "base/err.h"
#include <cJSON.h>
#include <stddef.h>

#define MCP_PARAMS_MAX 10

enum mcp_param_type { MCP_STRING, MCP_BOOL, MCP_U32, MCP_STRINGS };

struct mcp_param {
	const char *name;
	enum mcp_param_type type;
	int required;
	const char *description;
};

/* Decoded arguments: v[k] is params[k]'s value, NULL when absent or null. */
struct mcp_args {
	const struct mcp_param *params;
	size_t nparams;
	const cJSON *v[MCP_PARAMS_MAX];
};

/* {"type":"object","properties":{...},"required":[...]} (+ "additionalProperties":false
 * when strict): optional fields typed [T,"null"], u32 fields "format":"uint32",
 * "minimum":0. NULL on ENOMEM. */
cJSON *mcp_arg_schema(const struct mcp_param *params, size_t n, int strict);

/* Check arguments (an object, or NULL for none) against params: missing required fields,
 * wrong types, u32 range, duplicate fields, and unknown fields when strict. 0, or -1 with
 * a serde-style reason ("missing field `name`") in err. */
int mcp_arg_decode(const struct mcp_param *params, size_t n, int strict, const cJSON *arguments,
                   struct mcp_args *out, char err[ERR_SIZE]);

/* Typed access by parameter name (which must be one of the tool's). */
const char *mcp_arg_str(const struct mcp_args *a, const char *name); /* NULL when absent */
int mcp_arg_bool(const struct mcp_args *a, const char *name, int dflt);
int mcp_arg_has(const struct mcp_args *a, const char *name);
unsigned long mcp_arg_u32(const struct mcp_args *a, const char *name, unsigned long dflt);
/* The array's strings (size_t *n gets the count); NULL with *n = 0 when absent. Malloc'd
 * array of borrowed pointers; free() it. NULL with *n = 1 on ENOMEM. */
const char **mcp_arg_strings(const struct mcp_args *a, const char *name, size_t *n);

#endif
