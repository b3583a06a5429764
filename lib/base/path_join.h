/* path_join.h: build a path under a base directory from untrusted relative components. */
#ifndef AIMX_PATH_JOIN_H
#define AIMX_PATH_JOIN_H

#include <stddef.h>

/* out = base "/" rel, where rel (exactly rel_len bytes, which may come from the network)
 * is one or more '/'-separated segments. Refused with -1/EINVAL: an empty rel, an
 * absolute rel, an empty segment ("a//b", trailing '/'), a "." or ".." segment, or an
 * embedded NUL byte. -1/ENAMETOOLONG when the result does not fit in outsz. */
int path_join_n(char *out, size_t outsz, const char *base, const char *rel, size_t rel_len);
int path_join(char *out, size_t outsz, const char *base, const char *rel);

#endif
