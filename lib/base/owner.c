/* owner.c: a mailbox owner's uid and gid from the user database. */
#include "base/owner.h"

#include <errno.h>
#include <pwd.h>

int owner_lookup(const char *owner, struct owner_ids *ids)
{
	struct passwd *pw = getpwnam(owner);
	if (!pw) {
		errno = ENOENT;
		return -1;
	}
	ids->uid = pw->pw_uid;
	ids->gid = pw->pw_gid;
	return 0;
}
