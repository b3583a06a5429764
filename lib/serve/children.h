/* children.h: the master's table of what it serves and for whom (IP or uid): control
 * request children by pid, SMTP sessions by id with the worker (owner) serving each. */
#ifndef AIMX_CHILDREN_H
#define AIMX_CHILDREN_H

#include <sys/types.h>

#define CHILDREN_KEY_MAX 48 /* an IPv6 address in text, or "uid:<n>" */

struct children {
	pid_t *pids;   /* a child's pid, or a session's id */
	pid_t *owners; /* the worker serving a session; 0 for a child */
	char (*keys)[CHILDREN_KEY_MAX];
	unsigned n, cap;
};

/* Room for cap children. 0, or -1 (ENOMEM). */
int children_init(struct children *c, unsigned cap);
void children_free(struct children *c);
/* Record a forked child serving `key` (the table has room: check n < cap first). */
void children_add(struct children *c, pid_t pid, const char *key);
void children_forget(struct children *c, pid_t pid);
/* A session `id` served by worker `owner`; children_forget(c, id) when it ends. */
void children_add_owned(struct children *c, pid_t id, const char *key, pid_t owner);
/* Every entry of a worker that has gone. */
void children_forget_owner(struct children *c, pid_t owner);
/* How many live children serve `key`. */
unsigned children_count(const struct children *c, const char *key);

#endif
