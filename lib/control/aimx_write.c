/* aimx_write.c: the daemon side's AIMX/1 replies (protocol.md 4): OK, OK <id>, JSON-OK and ERR;
 * CR and LF are stripped from reasons and ids. */
#include "control/aimx.h"

#include "control/aimx_wire.h"

int aimx_write_ok(struct buf *out)
{
	return buf_append_str(out, AIMX_PREFIX "OK\n");
}

int aimx_write_ok_id(struct buf *out, const char *message_id)
{
	size_t mark = out->len;
	int rc = buf_append_str(out, AIMX_PREFIX "OK ") < 0 ||
	                 aimx_wire_put_clean(out, message_id) < 0 || buf_append_char(out, '\n') < 0
	             ? -1
	             : 0;
	return aimx_wire_settle(out, mark, rc);
}

int aimx_write_ok_json(struct buf *out, const char *json, size_t len)
{
	size_t mark = out->len;
	int rc = buf_printf(out, AIMX_PREFIX "OK\nContent-Length: %zu\n\n", len) < 0 ||
	                 buf_append(out, json, len) < 0
	             ? -1
	             : 0;
	return aimx_wire_settle(out, mark, rc);
}

int aimx_write_err(struct buf *out, const char *code, const char *reason)
{
	size_t mark = out->len;
	int rc = buf_append_str(out, AIMX_PREFIX "ERR ") < 0 ||
	                 aimx_wire_put_clean(out, code) < 0 || buf_append_char(out, ' ') < 0 ||
	                 aimx_wire_put_clean(out, reason) < 0 ||
	                 buf_append_str(out, "\nCode: ") < 0 ||
	                 aimx_wire_put_clean(out, code) < 0 || buf_append_str(out, "\n\n") < 0
	             ? -1
	             : 0;
	return aimx_wire_settle(out, mark, rc);
}
