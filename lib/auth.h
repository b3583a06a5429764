/* auth.h: authentication verdicts (dkim, spf, dmarc) and the trust gate for one inbound message. */
#ifndef AIMX_AUTH_H
#define AIMX_AUTH_H

#include <stddef.h>

#include "config.h"

#define AUTH_VERDICT_MAX 16

struct auth_input {
	const char *raw; /* the message exactly as received */
	size_t len;
	const char *peer_ip;   /* NULL on the stdin path */
	const char *mail_from; /* envelope sender, NULL or "" for <> */
	const char *from;      /* frontmatter `from` ("Name <addr>" or "addr") */
};

struct auth_results {
	char dkim[AUTH_VERDICT_MAX];    /* "pass" | "fail" | "none" */
	char spf[AUTH_VERDICT_MAX];     /* "pass" | "fail" | "softfail" | "neutral" | "none" */
	char dmarc[AUTH_VERDICT_MAX];   /* "pass" | "fail" | "none" */
	char trusted[AUTH_VERDICT_MAX]; /* "none" | "true" | "false" */
};

/* The one place inbound verdicts are computed. DKIM, SPF and DMARC are not evaluated yet
 * (the inbound-authentication issue fills them in here) and report "none"; trust is then
 * "none" under trust = "none" and "false" under "verified", since nothing is DKIM-verified. */
void auth_evaluate(const struct config *cfg, const struct mailbox *mb, const struct auth_input *in,
		   struct auth_results *out);

#endif
