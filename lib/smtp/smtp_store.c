/* smtp_store.c: checking a finished message once and storing a copy per mailbox. */
#include "smtp/smtp_store.h"

#include <errno.h>
#include <stdio.h>

#include "base/log.h"
#include "store/route.h"
#include "trust/trust.h"

/* Each mailbox gets a message once per transaction, however many RCPTs route to it. */
static int already_delivered(const struct mailbox **done, size_t n, const struct mailbox *mb)
{
	for (size_t k = 0; k < n; k++)
		if (done[k] == mb)
			return 1;
	return 0;
}

int smtp_store(struct smtp_deliver_env *d, const struct config *cfg, const char *peer_ip,
	       const struct smtp_envelope *env, const char *msg, size_t len,
	       char reply[SMTP_REPLY_MAX])
{
	const struct mailbox *done[SMTP_MAX_RECIPIENTS];
	size_t ndone = 0, ok = 0, failed = 0, no_space = 0;
	struct trust_input ai = {msg, len, peer_ip, env->mail_from};
	struct trust_verdicts verdicts;
	trust_check_message_default(&ai, &verdicts); /* once per message, whatever the recipients */
	for (size_t k = 0; k < env->nrcpts; k++) {
		struct ingest_request req = {cfg, NULL, env->rcpts[k], env->mail_from, peer_ip,
					     msg, len, 0, &verdicts};
		struct ingest_result res;
		const struct mailbox *mb;
		if (route_recipient(cfg, env->rcpts[k], &mb) == ROUTE_OK &&
		    already_delivered(done, ndone, mb)) {
			ok++;
			continue;
		}
		if (smtp_deliver(d, &req, &res) == 0) {
			ok++;
			if (ndone < SMTP_MAX_RECIPIENTS)
				done[ndone++] = res.mailbox;
			log_event(LOG_INFO, "ingest.stored", "mailbox", res.mailbox->name, "id",
				  res.status == INGEST_DUPLICATE ? "(duplicate)" : res.id, NULL);
		} else {
			failed++;
			no_space += res.sys_errno == ENOSPC || res.sys_errno == EDQUOT;
			log_event(LOG_ERROR, "ingest.failed", "rcpt", env->rcpts[k], "error",
				  res.error, NULL);
		}
	}
	char counts[64];
	snprintf(counts, sizeof(counts), "%zu/%zu/%zu", ok, failed, len);
	log_event(LOG_INFO, "smtp.data", "peer", peer_ip, "from", env->mail_from,
		  "ok/failed/size", counts, "tls", env->tls ? "yes" : "no", NULL);
	if (failed == 0) {
		snprintf(reply, SMTP_REPLY_MAX, "250 2.0.0 OK message accepted");
		return 0;
	}
	if (no_space)
		snprintf(reply, SMTP_REPLY_MAX, "452 4.3.1 Insufficient system storage");
	else
		snprintf(reply, SMTP_REPLY_MAX,
		         ok ? "451 4.3.0 Temporary failure on partial accept; please retry"
		            : "451 4.3.0 Temporary failure, please retry");
	return -1;
}

