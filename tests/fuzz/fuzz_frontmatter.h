/* fuzz_frontmatter.h: the stored-message frontmatter reader's fuzz target, for libFuzzer (make
 * fuzz) and the corpus replay. */
#ifndef AIMX_FUZZ_FRONTMATTER_H
#define AIMX_FUZZ_FRONTMATTER_H

#include <stddef.h>

/* Reads the bytes as a stored message's frontmatter; 0 when every result is consistent. */
int fuzz_frontmatter_one(const unsigned char *data, size_t len);

#endif
