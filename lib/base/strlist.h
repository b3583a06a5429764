/* strlist.h: a growable list of owned strings (config lists, header values, folder listings). */
#ifndef AIMX_STRLIST_H
#define AIMX_STRLIST_H

#include <stddef.h>

/* A list of owned strings, grown only by strlist_push (its capacity follows from n). */
struct strlist {
	char **v;
	size_t n;
};

/* Append a copy of s. 0, or -1 with errno ENOMEM (l unchanged). */
int strlist_push(struct strlist *l, const char *s);
/* Free every string and the array; l is empty afterwards. */
void strlist_free(struct strlist *l);

#endif
