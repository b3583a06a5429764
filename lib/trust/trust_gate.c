/* trust_gate.c: the trust gate of one mailbox over a message's verdicts (mail.md 3.4, DECISIONS 6). */
#include "trust/trust.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/glob_match.h"
#include "base/log.h"

void trust_verdicts_none(struct trust_verdicts *v)
{
	memset(v, 0, sizeof(*v));
	snprintf(v->dkim, sizeof(v->dkim), "none");
	snprintf(v->spf, sizeof(v->spf), "none");
	snprintf(v->dmarc, sizeof(v->dmarc), "none");
}

/* The address inside the last <...> of the from value, else the whole value; lowercased. */
static char *sender_of(const char *from)
{
	const char *open = strrchr(from, '<');
	const char *start = from, *end = from + strlen(from);
	if (open) {
		const char *close = strchr(open, '>');
		if (close) {
			start = open + 1;
			end = close;
		}
	}
	char *s = strndup(start, (size_t)(end - start));
	for (char *c = s; c && *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return s;
}

static int sender_allowlisted(const struct strlist *patterns, const char *sender)
{
	for (size_t k = 0; k < patterns->n; k++)
		if (glob_match(patterns->v[k], sender))
			return 1;
	return 0;
}

void trust_gate(const struct config *cfg, const struct mailbox *mb, const char *from,
		const struct trust_verdicts *v, char trusted[TRUST_VERDICT_MAX])
{
	enum trust_mode policy = config_mailbox_trust(cfg, mb);
	if (policy == TRUST_NONE) {
		snprintf(trusted, TRUST_VERDICT_MAX, "none");
		return;
	}
	char *sender = sender_of(from ? from : "");
	int listed = sender && sender_allowlisted(config_mailbox_senders(cfg, mb), sender);
	int ok = listed && strcmp(v->dkim, "pass") == 0 && v->dkim_aligned;
	snprintf(trusted, TRUST_VERDICT_MAX, "%s", ok ? "true" : "false");
	log_event(LOG_INFO, "trust.eval", "mailbox", mb->name, "policy", config_trust_mode_name(policy),
		  "sender", sender ? sender : "", "dkim", v->dkim, "dkim_aligned",
		  v->dkim_aligned ? "true" : "false", "sender_allowlisted",
		  listed ? "true" : "false", "result", trusted, NULL);
	free(sender);
}
