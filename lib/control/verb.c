/* verb.c: AIMX/1 dispatch: each verb's checks in the order of protocol.md 8, one response frame. */
#include "control/verb.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "control/ops.h"
#include "control/hook_body.h"
#include "control/verb_list.h"
#include "control/verb_send.h"

static int reply(struct verb_ctx *c, const struct ops_result *r)
{
	char uid[16];
	snprintf(uid, sizeof(uid), "%u", (unsigned)c->caller);
	log_event(LOG_INFO, "uds.request", "verb", aimx_verb_name(c->req->verb), "uid", uid,
		  "result", r->code[0] ? r->code : "OK", NULL);
	return r->code[0] ? aimx_write_err(c->out, r->code, r->reason) : aimx_write_ok(c->out);
}

static int reply_json(struct verb_ctx *c, char *json)
{
	if (!json)
		return aimx_write_err(c->out, "IO", "cannot encode the reply");
	int rc = aimx_write_ok_json(c->out, json, strlen(json));
	free(json);
	return rc;
}

static int mailbox_create(struct verb_ctx *c)
{
	struct ops_result r = {"", ""};
	char me[OWNER_NAME_MAX + 1] = ""; /* copied: getpwnam() later reuses passwd storage */
	struct passwd *pw = c->caller ? getpwuid(c->caller) : NULL;
	if (pw)
		snprintf(me, sizeof(me), "%s", pw->pw_name);
	if (c->caller == 0 && !c->req->owner)
		ops_fail(&r, "VALIDATION", "MAILBOX-CREATE requires an Owner: header");
	else if (c->caller != 0 && !pw)
		ops_fail(&r, "VALIDATION", "uid %u has no passwd entry", (unsigned)c->caller);
	else
		ops_mailbox_create(c->config_path, c->req->name, c->caller ? me : c->req->owner, &r);
	return reply(c, &r);
}

static int mailbox_delete(struct verb_ctx *c)
{
	struct ops_result r = {"", ""};
	ops_mailbox_delete(c->config_path, c->req->name, c->caller, c->req->force, &r);
	return reply(c, &r);
}

static int mark(struct verb_ctx *c, int read)
{
	struct ops_result r = {"", ""};
	ops_mark(c->cfg, c->req->mailbox, c->req->id, c->caller, read, &r);
	return reply(c, &r);
}

/* Steps 1-5 of protocol.md 8.6 on the snapshot, so errors come in the documented order. */
static int hook_precheck(struct verb_ctx *c, struct hook *h, struct ops_result *r)
{
	const struct aimx_request *q = c->req;
	const struct mailbox *mb = config_find_mailbox(c->cfg, q->mailbox);
	if (!mb)
		return ops_fail(r, "ENOENT", "mailbox '%s' does not exist", q->mailbox);
	if (!ops_caller_owns(mb, c->caller))
		return ops_fail(r, "EACCES", "not authorized");
	if (config_mailbox_is_catchall(c->cfg, mb))
		return ops_fail(r, "MAILBOX",
			       "mailbox '%s' is the catchall; hooks on the catchall are forbidden",
			       q->mailbox);
	if (!strcmp(q->event, "on_receive"))
		h->event = HOOK_ON_RECEIVE;
	else if (!strcmp(q->event, "after_send"))
		h->event = HOOK_AFTER_SEND;
	else
		return ops_fail(r, "VALIDATION",
			       "invalid event '%s': expected 'on_receive' or 'after_send'", q->event);
	if (q->name && !config_hook_name_valid(q->name))
		return ops_fail(r, "VALIDATION",
			       "invalid hook name '%s': must match [a-zA-Z0-9_][a-zA-Z0-9_.-]{0,127}",
			       q->name);
	return 0;
}

static int hook_create(struct verb_ctx *c)
{
	struct ops_result r = {"", ""};
	struct hook h;
	memset(&h, 0, sizeof(h));
	char why[ERR_SIZE];
	if (hook_precheck(c, &h, &r) == 0) {
		if (hook_body_decode(c->req->body.data ? c->req->body.data : "", c->req->body.len,
		                     &h, why) < 0) {
			ops_fail(&r, "PROTOCOL", "%s", why);
		} else {
			h.name = c->req->name;
			ops_hook_create(c->config_path, c->req->mailbox, c->caller, &h, &r);
			h.name = NULL;
		}
	}
	strlist_free(&h.cmd);
	free(h.type);
	return reply(c, &r);
}

static int hook_delete(struct verb_ctx *c)
{
	struct ops_result r = {"", ""};
	ops_hook_delete(c->config_path, c->req->hook_name, c->caller, &r);
	return reply(c, &r);
}

int verb_dispatch(struct verb_ctx *c)
{
	switch (c->req->verb) {
	case AIMX_MAILBOX_CREATE: return mailbox_create(c);
	case AIMX_MAILBOX_DELETE: return mailbox_delete(c);
	case AIMX_MAILBOX_LIST: return reply_json(c, verb_mailbox_list_json(c->cfg, c->caller));
	case AIMX_HOOK_CREATE: return hook_create(c);
	case AIMX_HOOK_DELETE: return hook_delete(c);
	case AIMX_HOOK_LIST: return reply_json(c, verb_hook_list_json(c->cfg, c->caller));
	case AIMX_MARK_READ: return mark(c, 1);
	case AIMX_MARK_UNREAD: return mark(c, 0);
	case AIMX_VERSION: return reply_json(c, verb_version_json());
	case AIMX_SEND: return verb_send(c);
	}
	return aimx_write_err(c->out, "PROTOCOL", "unknown verb");
}
