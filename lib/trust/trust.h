/* trust.h: authentication verdicts (dkim, spf, dmarc) of one inbound message and the trust gate. */
#ifndef AIMX_TRUST_H
#define AIMX_TRUST_H

#include <stddef.h>

#include "conf/config.h"

#define TRUST_VERDICT_MAX 16
#define TRUST_BUDGET_MS   10000 /* all DNS of one message's DKIM+SPF+DMARC, then temperror */

struct trust_input {
	const char *raw; /* the message exactly as received */
	size_t len;
	const char *peer_ip;   /* the SMTP peer; NULL on the stdin path (Received: is used) */
	const char *mail_from; /* envelope sender; NULL or "" for <> and on the stdin path */
};

/* Per message, whatever the recipient (mail.md 3.1-3.3). */
struct trust_verdicts {
	char dkim[TRUST_VERDICT_MAX];  /* "pass" | "fail" | "none" */
	char spf[TRUST_VERDICT_MAX];   /* "pass" | "fail" | "softfail" | "neutral" | "none" */
	char dmarc[TRUST_VERDICT_MAX]; /* "pass" | "fail" | "none" */
	int dkim_aligned;             /* a passing DKIM d= relaxed-aligned with the From domain */
};

/* All "none", nothing aligned: the verdicts of a message nothing was checked on. */
void trust_verdicts_none(struct trust_verdicts *v);

/* Resolves through the system resolver ($AIMX_RESOLV_CONF or /etc/resolv.conf) with the
 * TRUST_BUDGET_MS deadline; a resolver that cannot be set up gives all "none" (mail.md 3). */
void trust_check_message_default(const struct trust_input *in, struct trust_verdicts *out);

/* The trust verdict for mailbox mb (mail.md 3.4, DECISIONS 6): "none", "true" or "false".
 * from is the frontmatter `from` value. Logs the evaluation. */
void trust_gate(const struct config *cfg, const struct mailbox *mb, const char *from,
		const struct trust_verdicts *v, char trusted[TRUST_VERDICT_MAX]);

#endif
