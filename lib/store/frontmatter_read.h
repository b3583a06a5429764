/* frontmatter_read.h: the top-level keys of a message's "+++" TOML frontmatter, as readers see
 * them. */
#ifndef AIMX_FRONTMATTER_READ_H
#define AIMX_FRONTMATTER_READ_H

#include <stddef.h>

#include "base/err.h"
#include "base/buf.h"
#include "conf/toml.h"

#define FRONTMATTER_HEAD_MAX (1024 * 1024) /* a frontmatter longer than this is an error */

struct fm_entry {
	char *key;
	struct toml_value value;
};

/* Top-level `key = value` pairs before the first table header ([[attachments]] and
 * later tables are checked for syntax but not kept). */
struct frontmatter {
	struct fm_entry *v;
	size_t n;
};

/* text starts with a "+++" line and has a closing "+++" line: 1 with fm filled; 0 when it
 * has no frontmatter; -1 with a TOML error ("line N: ...") in err. */
int frontmatter_parse(const char *text, size_t len, struct frontmatter *fm, char err[ERR_SIZE]);
void frontmatter_free(struct frontmatter *fm);

/* The value of key, NULL when absent. */
const struct toml_value *frontmatter_get(const struct frontmatter *fm, const char *key);
/* The string at key ("" when absent): 0, or -1 with "invalid type for `key`: ..." in err. */
int frontmatter_string(const struct frontmatter *fm, const char *key, const char **out,
                       char err[ERR_SIZE]);
/* The boolean at key (dflt when absent): 0, or -1 with the type error in err. */
int frontmatter_bool(const struct frontmatter *fm, const char *key, int dflt, int *out,
                     char err[ERR_SIZE]);

/* The length of the TOML between text's opening "+++\n" line and its closing "+++" line
 * (the block starts at text + 4), or -1 when text has no complete frontmatter. */
long frontmatter_toml_len(const char *text, size_t len);

/* Read fd from its start through the closing "+++" line (or to EOF, or up to
 * FRONTMATTER_HEAD_MAX bytes), never the body beyond the next read(2) block.
 * 0, or -1 with errno (E2BIG past the maximum). */
int frontmatter_read_head(int fd, struct buf *out);

#endif
