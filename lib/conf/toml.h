/* toml.h: parse one TOML value (string, integer, boolean, array) and write strings and keys. */
#ifndef AIMX_TOML_H
#define AIMX_TOML_H

#include <stddef.h>

#include "base/err.h"
#include "base/buf.h"
#include "base/strlist.h"

#define TOML_MAX_NESTING 16

enum toml_type { TOML_STRING, TOML_INTEGER, TOML_BOOL, TOML_ARRAY };

struct toml_value {
	enum toml_type type;
	char *s;      /* TOML_STRING: unescaped UTF-8, no NUL inside */
	long long i;  /* TOML_INTEGER */
	int b;        /* TOML_BOOL */
	struct toml_value *items; /* TOML_ARRAY */
	size_t n;
};

/* Parse `text` as exactly one value (surrounding whitespace allowed). Returns 0, or -1
 * with a message in err (errno ENOMEM when that was the cause). */
int toml_value_parse(const char *text, struct toml_value *out, char err[ERR_SIZE]);
void toml_value_free(struct toml_value *v);
const char *toml_type_name(enum toml_type t);

/* Parse a key, bare or quoted, dotted or not ("a.\"b c\".d"), into its segments. */
int toml_key_parse(const char *text, struct strlist *path, char err[ERR_SIZE]);

/* Write a string value: a literal '...' string when that needs no escapes and the text has
 * a '"' or '\', else a basic "..." string with escapes. */
int toml_write_string(struct buf *out, const char *s);
/* Write a key: bare when it is [A-Za-z0-9_-]+, else a quoted basic string. */
int toml_write_key(struct buf *out, const char *key);

#endif
