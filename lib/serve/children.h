/* children.h: the master's table of live children and the peer (IP or uid) each serves. */
#ifndef AIMX_CHILDREN_H
#define AIMX_CHILDREN_H

#include <sys/types.h>

#define CHILDREN_KEY_MAX 48 /* an IPv6 address in text, or "uid:<n>" */

struct children {
	pid_t *pids;
	char (*keys)[CHILDREN_KEY_MAX];
	unsigned n, cap;
};

/* Room for cap children. 0, or -1 (ENOMEM). */
int children_init(struct children *c, unsigned cap);
void children_free(struct children *c);
/* Record a forked child serving `key` (the table has room: check n < cap first). */
void children_add(struct children *c, pid_t pid, const char *key);
void children_forget(struct children *c, pid_t pid);
/* How many live children serve `key`. */
unsigned children_count(const struct children *c, const char *key);

#endif
