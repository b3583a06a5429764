/* fuzz_verb_body.c: the bodies a local client sends the daemon: HOOK-CREATE's JSON and the
 * message of SEND through its header checks (from root, so ownership does not stop it). */
#include "tests/fuzz/fuzz_verb_body.h"

#include <stdlib.h>
#include <string.h>

#include "base/strlist.h"
#include "control/hook_body.h"
#include "control/verb_send_request.h"
#include "tests/fuzz/support/fuzz_util.h"

static int hook_bad(const unsigned char *data, size_t len)
{
	struct hook h;
	char why[ERR_SIZE] = "";
	memset(&h, 0, sizeof(h));
	int bad;
	if (hook_body_decode((const char *)data, len, &h, why) < 0)
		bad = why[0] == '\0';
	else
		bad = !h.type; /* its value and cmd are checked by the config rules */
	strlist_free(&h.cmd);
	free(h.type);
	return bad;
}

static int send_bad(const unsigned char *data, size_t len)
{
	const struct config *cfg = fuzz_util_config();
	struct verb_send_request s;
	struct ops_result r = {"", ""};
	if (!cfg)
		return 1;
	memset(&s, 0, sizeof(s));
	int bad;
	if (verb_send_request_check(cfg, 0, (const char *)data, len, &s, &r) < 0)
		bad = r.code[0] == '\0' || r.reason[0] == '\0';
	else
		bad = !s.mailbox || s.rcpts.n == 0 || s.from_addr[0] == '\0';
	verb_send_request_free(&s);
	return bad;
}

int fuzz_verb_body_one(const unsigned char *data, size_t len)
{
	return hook_bad(data, len) | send_bad(data, len);
}

FUZZ_UTIL_ENTRY(fuzz_verb_body_one)
