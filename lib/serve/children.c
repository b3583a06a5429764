/* children.c: the master's table of live children and the peers they serve, for the caps. */
#include "serve/children.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int children_init(struct children *c, unsigned cap)
{
	c->n = 0;
	c->cap = cap;
	c->pids = calloc(cap, sizeof(*c->pids));
	c->keys = calloc(cap, sizeof(*c->keys));
	if (c->pids && c->keys)
		return 0;
	children_free(c);
	return -1;
}

void children_free(struct children *c)
{
	free(c->pids);
	free(c->keys);
	c->pids = NULL;
	c->keys = NULL;
	c->n = c->cap = 0;
}

void children_add(struct children *c, pid_t pid, const char *key)
{
	c->pids[c->n] = pid;
	snprintf(c->keys[c->n], CHILDREN_KEY_MAX, "%s", key);
	c->n++;
}

void children_forget(struct children *c, pid_t pid)
{
	for (unsigned k = 0; k < c->n; k++)
		if (c->pids[k] == pid) {
			c->n--;
			c->pids[k] = c->pids[c->n];
			memcpy(c->keys[k], c->keys[c->n], CHILDREN_KEY_MAX);
			return;
		}
}

unsigned children_count(const struct children *c, const char *key)
{
	unsigned n = 0;
	for (unsigned k = 0; k < c->n; k++)
		n += strcmp(c->keys[k], key) == 0;
	return n;
}
