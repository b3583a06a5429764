/* toml_scan.h: folds TOML text into one logical line per key or table header, for inih. */
#ifndef AIMX_TOML_SCAN_H
#define AIMX_TOML_SCAN_H

#include <stddef.h>

#include "base/strlist.h"

#define TOML_SCAN_MAX_LINE (1024 * 1024 - 2)

enum toml_header_kind { TOML_TABLE, TOML_ARRAY_TABLE };

/* A table header: `[a.b."c d"]` or `[[a.b]]`, its key path unescaped. */
struct toml_header {
	enum toml_header_kind kind;
	struct strlist path;
	int line;
};

/* A scan error: physical line and message. */
struct toml_scan_error {
	int line;
	char *message;
};

/* The scanner's output. Logical lines carry no comments, arrays and multi-line strings are
 * folded onto one line (multi-line strings become escaped basic strings) and every table
 * header is replaced by "[N]", N indexing `headers`. phys_line[i] is the physical line
 * where logical line i (0-based) starts. */
struct toml_scan {
	char **lines;
	int *phys_line;
	size_t nlines;
	struct toml_header *headers;
	size_t nheaders;
	struct toml_scan_error *errors;
	size_t nerrors;
};

/* Returns 0, or -1 on allocation failure. Syntax problems are recorded in out->errors
 * and the offending line is dropped, so the caller can report everything at once. */
int toml_scan(const char *text, size_t len, struct toml_scan *out);
void toml_scan_free(struct toml_scan *s);

/* An inih reader over the logical lines (pass a struct toml_scan_reader as the stream). */
struct toml_scan_reader {
	const struct toml_scan *scan;
	size_t line;
	size_t offset;
};
char *toml_scan_read(char *str, int num, void *stream);

#endif
