/* route.h: which mailbox an envelope recipient belongs to (DECISIONS row 1). */
#ifndef AIMX_ROUTE_H
#define AIMX_ROUTE_H

#include "conf/config.h"

enum route_result {
	ROUTE_OK,
	ROUTE_EMPTY,        /* no address at all */
	ROUTE_FOREIGN,      /* the domain is not ours: we never relay */
	ROUTE_UNKNOWN_USER, /* our domain, but no active mailbox and no active catchall */
};

/* Domain after the last '@' must equal cfg->domain (case-insensitive). Then the mailbox
 * whose configured `address` has this local part (compared case-insensitively), else the
 * catchall (`*@domain`). Mailboxes whose owner does not resolve (inactive) never match. */
enum route_result route_recipient(const struct config *cfg, const char *addr,
				  const struct mailbox **out);

#endif
