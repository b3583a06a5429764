/* verb_list.h: the read-only verbs MAILBOX-LIST, HOOK-LIST and VERSION. */
#ifndef AIMX_VERB_LIST_H
#define AIMX_VERB_LIST_H

#include <sys/types.h>

#include "conf/config.h"

/* Also used by the CLI's local listing. JSON compact, keys in the documented order.
 * Malloc'd strings, NULL on ENOMEM. */
char *verb_mailbox_list_json(const struct config *cfg, uid_t caller);
char *verb_hook_list_json(const struct config *cfg, uid_t caller);
char *verb_version_json(void);

#endif
