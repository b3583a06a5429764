/* verb_send.c: AIMX/1 SEND: checks, MIME, DKIM signature, delivery, sent copy, reply, after_send. */
#include "control/verb_send.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "base/paths.h"
#include "smtp/deliver.h"
#include "dkim/dkim.h"
#include "hooks/hook_send.h"
#include "base/log.h"
#include "mime/outbound.h"
#include "crypto/private_key.h"
#include "control/verb_send_request.h"
#include "store/sent_copy.h"

#define SEND_DNS_BUDGET_MS 30000

/* Everything one SEND needs until its after_send hooks have run. */
struct send_job {
	const struct config *cfg;
	struct verb_send_request req;
	struct outbound_message om;
	enum outbound_format format;
	struct buf signed_msg;
	struct delivery_rcpt *rcpts;
	const char *status; /* delivered | failed | deferred */
	struct buf details;
	char id[SENT_ID_MAX];
	char path[AIMX_PATH_MAX];
};

static void job_free(struct send_job *j)
{
	verb_send_request_free(&j->req);
	outbound_message_free(&j->om);
	buf_free(&j->signed_msg);
	buf_free(&j->details);
	free(j->rcpts);
	free(j);
}

static int send_fail(struct verb_ctx *c, struct send_job *j, const char *code, const char *why)
{
	log_event(LOG_WARN, "send.refused", "code", code, "reason", why, NULL);
	int rc = aimx_write_err(c->out, code, why);
	job_free(j);
	return rc;
}

/* The signature over the assembled message, prepended. 0, or -1 with why. */
static int sign(struct send_job *j, char why[ERR_SIZE])
{
	char key_path[AIMX_PATH_MAX], err[ERR_SIZE];
	struct private_key key;
	if (paths_dkim_private_key(key_path, sizeof(key_path)) < 0 ||
	    private_key_load(key_path, &key, err) < 0) {
		return err_set(why, "DKIM key not usable: %s (run `aimx dkim-keygen`)", err);
	}
	int rc = -1;
	if (key.type != BR_KEYTYPE_RSA)
		err_set(why, "DKIM key %.300s is not an RSA key", key_path);
	else if (dkim_sign(j->om.wire.data, j->om.wire.len, j->cfg->domain, j->cfg->dkim_selector,
			   &key.rsa, time(NULL), &j->signed_msg) < 0 ||
		 buf_append(&j->signed_msg, j->om.wire.data, j->om.wire.len) < 0)
		err_set(why, "DKIM signing failed");
	else
		rc = 0;
	private_key_free(&key);
	return rc;
}

static void deliver_all(struct send_job *j)
{
	struct dns_resolver r;
	struct tls_trust trust = {NULL, 0, 0};
	if (dns_resolver_init(&r) < 0)
		dns_resolver_parse_conf(&r, "", 0);
	dns_resolver_set_budget(&r, SEND_DNS_BUDGET_MS);
	struct dns_lookup dns = dns_lookup_resolver(&r);
	struct delivery d = {j->cfg->domain, j->req.from_addr, j->signed_msg.data,
			     j->signed_msg.len, j->cfg->enable_ipv6, &dns, &trust};
	deliver_message(&d, j->rcpts, j->req.rcpts.n);
	tls_client_trust_free(&trust);
}

/* The overall outcome: delivered when any recipient got it, failed when every one was
 * refused permanently, deferred otherwise; details name the others. */
static void summarise(struct send_job *j)
{
	size_t delivered = 0, failed = 0;
	for (size_t k = 0; k < j->req.rcpts.n; k++) {
		const struct delivery_rcpt *r = &j->rcpts[k];
		delivered += r->status == DELIVERY_DELIVERED;
		failed += r->status == DELIVERY_FAILED;
		if (r->status != DELIVERY_DELIVERED)
			buf_printf(&j->details, "%s%s %s: %s", j->details.len ? "; " : "", r->addr,
				   deliver_status_name(r->status), r->details);
	}
	j->status = delivered ? "delivered" : failed == j->req.rcpts.n ? "failed" : "deferred";
}

static const char *tls_outcome(const struct send_job *j)
{
	const char *worst = "verified";
	for (size_t k = 0; k < j->req.rcpts.n; k++) {
		if (j->rcpts[k].status != DELIVERY_DELIVERED)
			continue;
		if (strcmp(j->rcpts[k].tls, "none") == 0)
			return "none";
		if (strcmp(j->rcpts[k].tls, "unverified") == 0)
			worst = "unverified";
	}
	return strcmp(j->status, "delivered") == 0 ? worst : "none";
}

static void store_copy(struct send_job *j, const char *data_dir)
{
	struct sent_copy s = {data_dir, j->req.mailbox, &j->om, j->format, j->signed_msg.data,
			      j->signed_msg.len, &j->req.bcc_addrs, j->status,
			      j->details.data ? j->details.data : "", tls_outcome(j)};
	if (sent_copy_write(&s, j->id, j->path) < 0) {
		log_event(LOG_ERROR, "send.copy_failed", "mailbox", j->req.mailbox->name, "error",
			  strerror(errno), NULL);
		j->id[0] = j->path[0] = '\0';
	}
}

/* DECISIONS 9: after the reply, every after_send hook of the mailbox, in order. */
static void after_send(void *arg)
{
	struct send_job *j = arg;
	const struct mailbox *mb = j->req.mailbox;
	char now[32], mid[VERB_SEND_ADDR_MAX];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%S+00:00", &tm);
	verb_send_request_address(j->req.message_id ? j->req.message_id : "", mid); /* DECISIONS 16 */
	struct hook_env env = {mb->name, j->req.from, j->req.to, j->req.subject, j->path, mid,
			       j->id, now, j->status, paths_data_dir(j->cfg->data_dir)};
	hook_send_fire(mb, &env);
	job_free(j);
}

static int reply(struct verb_ctx *c, struct send_job *j)
{
	const char *domain = strrchr(j->rcpts[0].addr, '@') + 1;
	int rc;
	log_event(LOG_INFO, "send.result", "mailbox", j->req.mailbox->name, "message_id",
		  j->req.message_id, "status", j->status, "details",
		  j->details.data ? j->details.data : "", NULL);
	if (strcmp(j->status, "delivered") == 0) {
		rc = aimx_write_ok_id(c->out, j->req.message_id);
	} else {
		char why[AIMX_REASON_MAX];
		snprintf(why, sizeof(why), "All MX servers for %s unreachable: %s", domain,
			 j->details.data ? j->details.data : "");
		rc = aimx_write_err(c->out, strcmp(j->status, "failed") == 0 ? "DELIVERY" : "TEMP",
				    why);
	}
	c->after_reply = after_send;
	c->after_arg = j;
	return rc;
}

int verb_send(struct verb_ctx *c)
{
	struct send_job *j = calloc(1, sizeof(*j));
	struct ops_result r = {"", ""};
	const char *code = "MALFORMED";
	char why[ERR_SIZE];
	if (!j)
		return aimx_write_err(c->out, "IO", "out of memory");
	j->cfg = c->cfg;
	const struct aimx_request *q = c->req;
	if (verb_send_request_check(c->cfg, c->caller, q->body.data ? q->body.data : "", q->body.len,
			       &j->req, &r) < 0)
		return send_fail(c, j, r.code, r.reason);
	j->format = q->text_only ? OUTBOUND_TEXT : q->has_html_body ? OUTBOUND_HTML
								      : OUTBOUND_MARKDOWN;
	struct outbound_input in = {j->req.msg.data, j->req.msg.len, j->format, q->html_body.data,
				    q->html_body.len, c->cfg->signature};
	if (outbound_assemble(&in, &j->om, &code, why) < 0)
		return send_fail(c, j, code, why);
	if (sign(j, why) < 0)
		return send_fail(c, j, "SIGN", why);
	if (sent_copy_room(c->data_dir, j->signed_msg.len, why) < 0)
		return send_fail(c, j, "IO", why);
	j->rcpts = calloc(j->req.rcpts.n, sizeof(*j->rcpts));
	if (!j->rcpts)
		return send_fail(c, j, "IO", "out of memory");
	for (size_t k = 0; k < j->req.rcpts.n; k++)
		j->rcpts[k].addr = j->req.rcpts.v[k];
	deliver_all(j);
	summarise(j);
	if (strcmp(j->status, "deferred") != 0)
		store_copy(j, c->data_dir);
	return reply(c, j);
}
