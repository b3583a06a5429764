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
	c->owners = calloc(cap, sizeof(*c->owners));
	c->keys = calloc(cap, sizeof(*c->keys));
	if (c->pids && c->owners && c->keys)
		return 0;
	children_free(c);
	return -1;
}

void children_free(struct children *c)
{
	free(c->pids);
	free(c->owners);
	free(c->keys);
	c->pids = NULL;
	c->owners = NULL;
	c->keys = NULL;
	c->n = c->cap = 0;
}

void children_add_owned(struct children *c, pid_t id, const char *key, pid_t owner)
{
	c->pids[c->n] = id;
	c->owners[c->n] = owner;
	snprintf(c->keys[c->n], CHILDREN_KEY_MAX, "%s", key);
	c->n++;
}

void children_add(struct children *c, pid_t pid, const char *key)
{
	children_add_owned(c, pid, key, 0);
}

static void remove_at(struct children *c, unsigned k)
{
	c->n--;
	c->pids[k] = c->pids[c->n];
	c->owners[k] = c->owners[c->n];
	memcpy(c->keys[k], c->keys[c->n], CHILDREN_KEY_MAX);
}

void children_forget(struct children *c, pid_t pid)
{
	for (unsigned k = 0; k < c->n; k++)
		if (c->pids[k] == pid) {
			remove_at(c, k);
			return;
		}
}

void children_forget_owner(struct children *c, pid_t owner)
{
	for (unsigned k = c->n; k-- > 0;)
		if (c->owners[k] == owner)
			remove_at(c, k);
}

unsigned children_count(const struct children *c, const char *key)
{
	unsigned n = 0;
	for (unsigned k = 0; k < c->n; k++)
		n += strcmp(c->keys[k], key) == 0;
	return n;
}
