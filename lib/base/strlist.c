/* strlist.c: a growable list of owned strings. */
#include "base/strlist.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Room for one more entry. The array holds 8 slots, then doubles whenever n reaches a
 * power of two, so n pushes cost O(n) copying (a 10,000-message folder listing included). */
static int strlist_reserve(struct strlist *l)
{
	size_t n = l->n;
	if (n != 0 && (n < 8 || (n & (n - 1)) != 0))
		return 0;
	size_t cap = n < 8 ? 8 : 2 * n;
	char **v = cap <= SIZE_MAX / sizeof(*v) ? realloc(l->v, cap * sizeof(*v)) : NULL;
	if (!v) {
		errno = ENOMEM;
		return -1;
	}
	l->v = v;
	return 0;
}

int strlist_push(struct strlist *l, const char *s)
{
	char *copy = strdup(s);
	if (!copy || strlist_reserve(l) < 0) {
		free(copy);
		errno = ENOMEM;
		return -1;
	}
	l->v[l->n++] = copy;
	return 0;
}

void strlist_free(struct strlist *l)
{
	for (size_t k = 0; k < l->n; k++)
		free(l->v[k]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}
