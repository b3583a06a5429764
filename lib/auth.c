/* auth.c: inbound verdicts; DKIM/SPF/DMARC report "not evaluated" until their issue lands. */
#include "auth.h"

#include <stdio.h>

void auth_evaluate(const struct config *cfg, const struct mailbox *mb, const struct auth_input *in,
		   struct auth_results *out)
{
	(void)in;
	snprintf(out->dkim, sizeof(out->dkim), "none");
	snprintf(out->spf, sizeof(out->spf), "none");
	snprintf(out->dmarc, sizeof(out->dmarc), "none");
	enum trust_mode policy = config_mailbox_trust(cfg, mb);
	snprintf(out->trusted, sizeof(out->trusted), "%s",
		 policy == TRUST_NONE ? "none" : "false");
}
