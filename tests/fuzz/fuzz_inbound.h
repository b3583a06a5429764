/* fuzz_inbound.h: the whole inbound message path's fuzz target, for libFuzzer (make fuzz) and the
 * corpus replay. */
#ifndef AIMX_FUZZ_INBOUND_H
#define AIMX_FUZZ_INBOUND_H

#include <stddef.h>

/* Parses the bytes as a received message and renders its .md; 0 when the .md's frontmatter
 * reads back with the same subject, from, id and attachment count. */
int fuzz_inbound_one(const unsigned char *data, size_t len);

#endif
