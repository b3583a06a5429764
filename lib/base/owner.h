/* owner.h: the uid and primary gid of a mailbox owner, from getpwnam. */
#ifndef AIMX_OWNER_H
#define AIMX_OWNER_H

#include <sys/types.h>

struct owner_ids {
	uid_t uid;
	gid_t gid;
};

/* The owner's uid and primary gid ("root" is 0:0). 0, or -1 when the user is unknown. */
int owner_lookup(const char *owner, struct owner_ids *ids);

#endif
