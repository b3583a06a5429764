/* test_mcp.c: unit tests for the MCP server's JSON-RPC layer, parameter schemas and argument checks
 * (no daemon). */
#include <cJSON.h>
#include <stdlib.h>

#include "base/err.h"
#include "base/buf.h"
#include "mcp/jsonrpc.h"
#include "mcp/mcp_arg.h"
#include "mcp/mcp_server.h"
#include "mcp/mcp_tool.h"
#include "unit.h"

static const char init_line[] =
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
    "{\"protocolVersion\":\"%s\",\"capabilities\":{}}}";

/* One line in, the reply parsed (NULL when the server stayed silent). */
static cJSON *exchange(struct mcp_server *s, const char *line)
{
	struct buf out = BUF_INIT;
	CHECK(mcp_server_line(s, line, strlen(line), &out) == 0);
	cJSON *reply = out.len ? cJSON_Parse(out.data) : NULL;
	if (out.len)
		CHECK(out.data[out.len - 1] == '\n');
	buf_free(&out);
	return reply;
}

static int error_code(const cJSON *reply)
{
	const cJSON *e = cJSON_GetObjectItem(reply, "error");
	const cJSON *c = cJSON_GetObjectItem(e, "code");
	return cJSON_IsNumber(c) ? c->valueint : 0;
}

static void start(struct mcp_server *s, const char *version)
{
	char line[256];
	mcp_server_init(s);
	snprintf(line, sizeof(line), init_line, version);
	cJSON_Delete(exchange(s, line));
}

static void check_negotiation(const char *asked, const char *want)
{
	struct mcp_server s;
	char line[256];
	mcp_server_init(&s);
	snprintf(line, sizeof(line), init_line, asked);
	cJSON *r = exchange(&s, line);
	const cJSON *res = cJSON_GetObjectItem(r, "result");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(res, "protocolVersion")), want);
	CHECK_STR(cJSON_GetStringValue(
	              cJSON_GetObjectItem(cJSON_GetObjectItem(res, "serverInfo"), "name")),
	          "aimx");
	CHECK(
	    cJSON_IsObject(cJSON_GetObjectItem(cJSON_GetObjectItem(res, "capabilities"), "tools")));
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(res, "instructions")),
	          "aimx email server. Manage mailboxes and emails for AI agents");
	cJSON_Delete(r);
}

void suite_mcp_initialize(void)
{
	check_negotiation("2024-11-05", "2024-11-05");
	check_negotiation("2025-03-26", "2025-03-26");
	check_negotiation("2025-06-18", "2025-06-18");
	check_negotiation("2025-11-25", "2025-11-25");
	check_negotiation("2026-07-28", "2026-07-28");
	check_negotiation("1999-01-01", "2025-11-25");

	struct mcp_server s;
	mcp_server_init(&s);
	cJSON *r = exchange(&s, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
	CHECK(error_code(r) == JSONRPC_INVALID_REQUEST);
	cJSON_Delete(r);
	r = exchange(&s, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}");
	CHECK(cJSON_IsObject(cJSON_GetObjectItem(r, "result")));
	cJSON_Delete(r);
	r = exchange(&s, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"initialize\",\"params\":{}}");
	CHECK(error_code(r) == JSONRPC_INVALID_PARAMS);
	cJSON_Delete(r);
	start(&s, "2025-06-18");
	r = exchange(&s, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"initialize\",\"params\":"
	                 "{\"protocolVersion\":\"2025-06-18\"}}");
	CHECK(error_code(r) == JSONRPC_INVALID_REQUEST);
	cJSON_Delete(r);
}

struct bad_line {
	const char *line;
	int code; /* 0: no reply at all */
	int null_id;
};

static const struct bad_line bad_lines[] = {
    {"{", JSONRPC_PARSE_ERROR, 1},
    {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"} x", JSONRPC_PARSE_ERROR, 1},
    {"\"just a string\"", JSONRPC_INVALID_REQUEST, 1},
    {"{\"id\":1,\"method\":\"ping\"}", JSONRPC_INVALID_REQUEST, 0},
    {"{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}", JSONRPC_INVALID_REQUEST, 0},
    {"{\"jsonrpc\":\"2.0\",\"id\":1}", JSONRPC_INVALID_REQUEST, 0},
    {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}", JSONRPC_INVALID_REQUEST, 0},
    {"{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}", JSONRPC_INVALID_REQUEST, 1},
    {"{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}", JSONRPC_INVALID_REQUEST, 1},
    {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":3}", JSONRPC_INVALID_REQUEST, 0},
    {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/list\"}", JSONRPC_METHOD_NOT_FOUND, 0},
    {"{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"method\":\"tools/call\",\"params\":{\"name\":\"nope\"}}",
     JSONRPC_INVALID_PARAMS, 0},
    {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{}}",
     JSONRPC_INVALID_PARAMS, 0},
    {"[]", JSONRPC_INVALID_REQUEST, 1},
    {"[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]", JSONRPC_INVALID_REQUEST, 1},
    {"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", 0, 0},
    {"{\"jsonrpc\":\"2.0\",\"method\":\"no/such/notification\"}", 0, 0},
    {"{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{}}", 0, 0},
    {"   ", 0, 0},
};

void suite_mcp_jsonrpc_errors(void)
{
	struct mcp_server s;
	start(&s, "2025-06-18");
	for (size_t k = 0; k < sizeof(bad_lines) / sizeof(*bad_lines); k++) {
		cJSON *r = exchange(&s, bad_lines[k].line);
		if (!bad_lines[k].code) {
			CHECK(r == NULL);
			cJSON_Delete(r);
			continue;
		}
		CHECK(error_code(r) == bad_lines[k].code);
		if (error_code(r) != bad_lines[k].code)
			fprintf(stderr, "    line: %s\n", bad_lines[k].line);
		CHECK(cJSON_IsNull(cJSON_GetObjectItem(r, "id")) == bad_lines[k].null_id);
		cJSON_Delete(r);
	}
	struct buf out = BUF_INIT;
	CHECK(mcp_server_line(&s, "{\"a\":\"\xff\"}", 10, &out) == 0);
	CHECK_CONTAINS(out.data, "-32700");
	buf_reset(&out);
	CHECK(mcp_server_oversize(&out) == 0);
	CHECK_CONTAINS(out.data, "-32700");
	buf_free(&out);
}

/* Ids come back exactly: big integers digit for digit, NUL-bearing strings never cut short. */
void suite_mcp_ids(void)
{
	struct mcp_server s;
	struct buf out = BUF_INIT;
	start(&s, "2025-06-18");
	static const char big[] = "{\"jsonrpc\":\"2.0\",\"id\":9007199254740991,\"method\":\"ping\"}";
	CHECK(mcp_server_line(&s, big, sizeof(big) - 1, &out) == 0);
	CHECK_CONTAINS(out.data, "\"id\":9007199254740991,");
	buf_reset(&out);
	static const char nul_id[] = "{\"jsonrpc\":\"2.0\",\"id\":\"a\\u0000b\",\"method\":\"ping\"}";
	CHECK(mcp_server_line(&s, nul_id, sizeof(nul_id) - 1, &out) == 0);
	CHECK_CONTAINS(out.data, "\"id\":null");
	CHECK_CONTAINS(out.data, "-32600");
	buf_reset(&out);
	static const char escaped[] = "{\"jsonrpc\":\"2.0\",\"id\":\"a\\\\u0000b\",\"method\":\"ping\"}";
	CHECK(mcp_server_line(&s, escaped, sizeof(escaped) - 1, &out) == 0);
	CHECK_CONTAINS(out.data, "\"id\":\"a\\\\u0000b\",\"result\"");
	buf_free(&out);
	size_t n;
	char *marked;
	CHECK(jsonrpc_mark_nuls("\"x\\u0000y\\\\u0000\"", 18, &marked, &n) == 1);
	CHECK(marked && n == 13 && memcmp(marked, "\"x\xffy\\\\u0000\"", 13) == 0);
	free(marked);
	CHECK(jsonrpc_mark_nuls("\"\\\\\\u0000\"", 10, &marked, &n) == 1);
	CHECK(marked && n == 5 && memcmp(marked, "\"\\\\\xff\"", 5) == 0);
	free(marked);
	CHECK(jsonrpc_mark_nuls("\"plain\"", 7, &marked, &n) == 0 && marked == NULL);
}

void suite_mcp_batch(void)
{
	struct mcp_server s;
	start(&s, "2025-03-26");
	cJSON *r = exchange(&s, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},"
	                        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/x\"},"
	                        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"nope\"},"
	                        "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"initialize\"}]");
	CHECK(cJSON_GetArraySize(r) == 3);
	CHECK(cJSON_IsObject(cJSON_GetObjectItem(cJSON_GetArrayItem(r, 0), "result")));
	CHECK(error_code(cJSON_GetArrayItem(r, 1)) == JSONRPC_METHOD_NOT_FOUND);
	CHECK(error_code(cJSON_GetArrayItem(r, 2)) == JSONRPC_INVALID_REQUEST);
	CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetArrayItem(r, 2), "id")) == 3);
	cJSON_Delete(r);
	r = exchange(&s, "[{\"jsonrpc\":\"2.0\",\"method\":\"notifications/x\"}]");
	CHECK(r == NULL);
	cJSON_Delete(r);
}

static const cJSON *tool_named(const cJSON *tools, const char *name)
{
	const cJSON *t;
	cJSON_ArrayForEach(t,
	                   tools) if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(t, "name")),
	                                     name) == 0) return t;
	return NULL;
}

void suite_mcp_tools_list(void)
{
	struct mcp_server s;
	start(&s, "2025-11-25");
	cJSON *r = exchange(&s, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
	const cJSON *tools = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "result"), "tools");
	CHECK(cJSON_GetArraySize(tools) == 12);
	const char *prev = "";
	const cJSON *t;
	cJSON_ArrayForEach(t, tools)
	{
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(t, "name"));
		CHECK(name && strcmp(prev, name) < 0);
		prev = name ? name : prev;
		CHECK_STR(cJSON_GetStringValue(
		              cJSON_GetObjectItem(cJSON_GetObjectItem(t, "inputSchema"), "type")),
		          "object");
	}
	const cJSON *create =
	    cJSON_GetObjectItem(tool_named(tools, "mailbox_create"), "inputSchema");
	CHECK(cJSON_IsFalse(cJSON_GetObjectItem(create, "additionalProperties")));
	const cJSON *list = cJSON_GetObjectItem(tool_named(tools, "email_list"), "inputSchema");
	CHECK(cJSON_GetObjectItem(list, "additionalProperties") == NULL);
	const cJSON *limit = cJSON_GetObjectItem(cJSON_GetObjectItem(list, "properties"), "limit");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(limit, "format")), "uint32");
	CHECK(cJSON_GetObjectItem(limit, "minimum")->valueint == 0);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(cJSON_GetObjectItem(limit, "type"), 1)),
	          "null");
	const cJSON *req = cJSON_GetObjectItem(list, "required");
	CHECK(cJSON_GetArraySize(req) == 1);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(req, 0)), "mailbox");
	const cJSON *cmd = cJSON_GetObjectItem(
	    cJSON_GetObjectItem(
	        cJSON_GetObjectItem(tool_named(tools, "hook_create"), "inputSchema"), "properties"),
	    "cmd");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cmd, "type")), "array");
	CHECK_STR(
	    cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(cmd, "items"), "type")),
	    "string");
	cJSON_Delete(r);
}

static const struct mcp_param demo[] = {
    {"name", MCP_STRING, 1, "n"},
    {"limit", MCP_U32, 0, "l"},
    {"force", MCP_BOOL, 0, "f"},
    {"cmd", MCP_STRINGS, 0, "c"},
};

struct args_case {
	const char *json;
	int strict;
	const char *err; /* NULL: accepted */
};

static const struct args_case args_cases[] = {
    {"{\"name\":\"a\"}", 1, NULL},
    {"{\"name\":\"a\",\"limit\":null,\"force\":null}", 1, NULL},
    {"{\"name\":\"a\",\"limit\":4294967295,\"force\":true,\"cmd\":[\"/x\"]}", 1, NULL},
    {"{\"name\":\"a\",\"extra\":1}", 0, NULL},
    {"{\"name\":\"a\",\"extra\":1}", 1, "unknown field `extra`, expected one of `name`, `limit`"},
    {"{}", 0, "missing field `name`"},
    {"{\"name\":null}", 0, "invalid type: null, expected a string"},
    {"{\"name\":5}", 0, "invalid type: integer `5`, expected a string"},
    {"{\"name\":\"a\",\"limit\":-1}", 0, "invalid value: integer `-1`, expected u32"},
    {"{\"name\":\"a\",\"limit\":4294967296}", 0,
     "invalid value: integer `4294967296`, expected u32"},
    {"{\"name\":\"a\",\"limit\":1.5}", 0, "invalid type: floating point `1.5`, expected u32"},
    {"{\"name\":\"a\",\"limit\":\"3\"}", 0, "invalid type: string \"3\", expected u32"},
    {"{\"name\":\"a\",\"force\":\"yes\"}", 0, "expected a boolean"},
    {"{\"name\":\"a\",\"cmd\":\"/x\"}", 0, "expected a sequence"},
    {"{\"name\":\"a\",\"cmd\":[1]}", 0, "invalid type: integer `1`, expected a string"},
    {"{\"name\":\"a\",\"name\":\"b\"}", 0, "duplicate field `name`"},
    {"[1]", 0, "invalid type: sequence, expected a map"},
};

void suite_mcp_args(void)
{
	for (size_t k = 0; k < sizeof(args_cases) / sizeof(*args_cases); k++) {
		const struct args_case *c = &args_cases[k];
		cJSON *v = cJSON_Parse(c->json);
		struct mcp_args a;
		char err[ERR_SIZE] = "";
		int rc = mcp_arg_decode(demo, 4, c->strict, v, &a, err);
		CHECK(rc == (c->err ? -1 : 0));
		if (c->err)
			CHECK_CONTAINS(err, c->err);
		else
			CHECK_STR(mcp_arg_str(&a, "name"), "a");
		cJSON_Delete(v);
	}
	cJSON *v = cJSON_Parse("{\"name\":\"a\",\"limit\":7,\"cmd\":[\"/bin/x\",\"y\"]}");
	struct mcp_args a;
	char err[ERR_SIZE];
	CHECK(mcp_arg_decode(demo, 4, 1, v, &a, err) == 0);
	CHECK(mcp_arg_u32(&a, "limit", 50) == 7);
	CHECK(mcp_arg_bool(&a, "force", 1) == 1);
	CHECK(!mcp_arg_has(&a, "force"));
	size_t n;
	const char **cmd = mcp_arg_strings(&a, "cmd", &n);
	CHECK(n == 2 && cmd && strcmp(cmd[1], "y") == 0);
	free(cmd);
	cJSON_Delete(v);
	CHECK(mcp_arg_decode(demo, 4, 1, NULL, &a, err) == -1);
	CHECK_STR(err, "missing field `name`");
}

/* Tool-level checks that fail before any daemon call. */
void suite_mcp_tool_prechecks(void)
{
	struct mcp_server s;
	start(&s, "2025-06-18");
	static const struct {
		const char *args, *tool, *want;
	} cases[] = {
	    {"{\"mailbox\":\"a\",\"id\":\"\"}", "email_read", "Email ID cannot be empty."},
	    {"{\"mailbox\":\"a\",\"id\":\"..x\"}", "email_read",
	     "Email ID contains invalid characters."},
	    {"{\"mailbox\":\"a\",\"id\":\"a/b\"}", "email_mark_read",
	     "Email ID contains invalid characters."},
	    {"{\"mailbox\":\"a\",\"id\":\"a\\\\b\",\"body\":\"b\"}", "email_reply",
	     "Email ID contains invalid characters."},
	    {"{\"name\":\"catchall\",\"force\":true}", "mailbox_delete",
	     "Cannot delete the catchall mailbox"},
	    {"{\"from_mailbox\":\"a\",\"to\":\"b\",\"subject\":\"s\",\"body\":\"b\",\"text_only\":"
	     "true,"
	     "\"html_body\":\"\"}",
	     "email_send", "AIMX/1 SEND: --text-only and --html-body are mutually exclusive"},
	    {"{\"mailbox\":\"a\",\"id\":\"x\\u0000y\",\"body\":\"b\"}", "email_reply",
	     "Email ID contains invalid characters."},
	    {"{\"mailbox\":\"a\",\"id\":\"x\",\"body\":\"b\\u0000\"}", "email_reply",
	     "failed to deserialize parameters: a string contains NUL"},
	    {"{\"mailbox\":\"a\",\"id\":\"x\\\\u0000y\",\"body\":\"b\",\"html_body\":\"h\",\"text_"
	     "only\":true}",
	     "email_reply", "mutually exclusive"},
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(*cases); k++) {
		char line[1024];
		snprintf(line, sizeof(line),
		         "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/"
		         "call\",\"params\":{\"name\":\"%s\","
		         "\"arguments\":%s}}",
		         cases[k].tool, cases[k].args);
		cJSON *r = exchange(&s, line);
		const cJSON *res = cJSON_GetObjectItem(r, "result");
		CHECK(cJSON_IsTrue(cJSON_GetObjectItem(res, "isError")));
		const char *text = cJSON_GetStringValue(cJSON_GetObjectItem(
		    cJSON_GetArrayItem(cJSON_GetObjectItem(res, "content"), 0), "text"));
		CHECK_CONTAINS(text, cases[k].want);
		cJSON_Delete(r);
	}
}
