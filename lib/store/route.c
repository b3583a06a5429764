/* route.c: recipient routing by the configured address, then the catchall. */
#include "store/route.h"

#include <string.h>
#include <strings.h>

/* The local part of `address` (before its last '@') equals `local` of length n, ignoring case. */
static int local_part_is(const char *address, const char *local, size_t n)
{
	const char *at = strrchr(address, '@');
	return at && (size_t)(at - address) == n && strncasecmp(address, local, n) == 0;
}

enum route_result route_recipient(const struct config *cfg, const char *addr,
				  const struct mailbox **out)
{
	*out = NULL;
	if (!addr || !*addr)
		return ROUTE_EMPTY;
	const char *at = strrchr(addr, '@');
	if (!at || !cfg->domain || strcasecmp(at + 1, cfg->domain) != 0)
		return ROUTE_FOREIGN;
	size_t local_len = (size_t)(at - addr);
	const struct mailbox *catchall = NULL;
	for (size_t k = 0; k < cfg->nmailboxes; k++) {
		const struct mailbox *m = &cfg->mailboxes[k];
		if (m->inactive || !m->address)
			continue;
		if (config_mailbox_is_catchall(cfg, m)) {
			if (!catchall)
				catchall = m;
		} else if (local_len && local_part_is(m->address, addr, local_len)) {
			*out = m;
			return ROUTE_OK;
		}
	}
	*out = catchall;
	return catchall ? ROUTE_OK : ROUTE_UNKNOWN_USER;
}
