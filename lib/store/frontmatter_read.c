/* frontmatter_read.c: find the "+++" block of a message and parse its top-level TOML keys. */
#include "store/frontmatter_read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/fileio.h"
#include "conf/toml_scan.h"

#define HEAD_BLOCK 4096

long frontmatter_toml_len(const char *text, size_t len)
{
	if (len < 4 || memcmp(text, "+++\n", 4) != 0)
		return -1;
	for (size_t pos = 4; pos + 3 <= len;) {
		if (memcmp(text + pos, "+++", 3) == 0 &&
		    (pos + 3 == len || text[pos + 3] == '\n' || text[pos + 3] == '\r'))
			return (long)(pos - 4);
		const char *nl = memchr(text + pos, '\n', len - pos);
		if (!nl)
			return -1;
		pos = (size_t)(nl - text) + 1;
	}
	return -1;
}

/* Offset of the '=' that ends the key of a logical line (quote-aware), or -1. */
static long key_end(const char *line)
{
	char quote = 0;
	for (const char *p = line; *p; p++) {
		if (quote) {
			if (*p == '\\' && quote == '"' && p[1])
				p++;
			else if (*p == quote)
				quote = 0;
		} else if (*p == '"' || *p == '\'') {
			quote = *p;
		} else if (*p == '=') {
			return p - line;
		}
	}
	return -1;
}

static int add_entry(struct frontmatter *fm, const char *line, int phys, char err[ERR_SIZE])
{
	char terr[ERR_SIZE];
	long eq = key_end(line);
	if (eq < 0)
		return err_set(err, "line %d: expected `key = value`", phys);
	char *keytext = strndup(line, (size_t)eq);
	struct strlist path = {0};
	struct toml_value v;
	int rc = keytext ? toml_key_parse(keytext, &path, terr) : -1;
	free(keytext);
	if (rc == 0 && toml_value_parse(line + eq + 1, &v, terr) < 0)
		rc = -1;
	if (rc < 0) {
		err_set(err, "line %d: %s", phys, terr);
		strlist_free(&path);
		return -1;
	}
	char *key = path.n == 1 ? strdup(path.v[0]) : NULL;
	int dotted = path.n != 1;
	strlist_free(&path);
	if (dotted) {
		toml_value_free(&v);
		return 0;
	}
	if (key && frontmatter_get(fm, key)) {
		err_set(err, "line %d: duplicate key `%s`", phys, key);
		rc = -1;
	}
	struct fm_entry *grown =
	    key && rc == 0 ? realloc(fm->v, (fm->n + 1) * sizeof(*fm->v)) : NULL;
	if (!grown) {
		if (rc == 0)
			err_set(err, "out of memory");
		free(key);
		toml_value_free(&v);
		return -1;
	}
	fm->v = grown;
	fm->v[fm->n].key = key;
	fm->v[fm->n++].value = v;
	return 0;
}

/* Top-level entries of the scanned lines; after the first table header nothing is kept. */
static int collect(const struct toml_scan *sc, struct frontmatter *fm, char err[ERR_SIZE])
{
	if (sc->nerrors)
		return err_set(err, "line %d: %s", sc->errors[0].line + 1, sc->errors[0].message);
	for (size_t k = 0; k < sc->nlines && sc->lines[k][0] != '['; k++)
		if (add_entry(fm, sc->lines[k], sc->phys_line[k] + 1, err) < 0)
			return -1;
	return 0;
}

int frontmatter_parse(const char *text, size_t len, struct frontmatter *fm, char err[ERR_SIZE])
{
	memset(fm, 0, sizeof(*fm));
	long n = frontmatter_toml_len(text, len);
	if (n < 0)
		return 0;
	struct toml_scan sc;
	if (toml_scan(text + 4, (size_t)n, &sc) < 0)
		return err_set(err, "out of memory");
	int rc = collect(&sc, fm, err);
	toml_scan_free(&sc);
	if (rc < 0) {
		frontmatter_free(fm);
		return -1;
	}
	return 1;
}

void frontmatter_free(struct frontmatter *fm)
{
	for (size_t k = 0; k < fm->n; k++) {
		free(fm->v[k].key);
		toml_value_free(&fm->v[k].value);
	}
	free(fm->v);
	memset(fm, 0, sizeof(*fm));
}

const struct toml_value *frontmatter_get(const struct frontmatter *fm, const char *key)
{
	for (size_t k = 0; k < fm->n; k++)
		if (strcmp(fm->v[k].key, key) == 0)
			return &fm->v[k].value;
	return NULL;
}

static int type_error(const char *key, const struct toml_value *v, const char *want,
                      char err[ERR_SIZE])
{
	return err_set(err, "invalid type for `%s`: %s, expected %s", key, toml_type_name(v->type),
	               want);
}

int frontmatter_string(const struct frontmatter *fm, const char *key, const char **out,
                       char err[ERR_SIZE])
{
	const struct toml_value *v = frontmatter_get(fm, key);
	*out = "";
	if (!v)
		return 0;
	if (v->type != TOML_STRING)
		return type_error(key, v, "a string", err);
	*out = v->s;
	return 0;
}

int frontmatter_bool(const struct frontmatter *fm, const char *key, int dflt, int *out,
                     char err[ERR_SIZE])
{
	const struct toml_value *v = frontmatter_get(fm, key);
	*out = dflt;
	if (!v)
		return 0;
	if (v->type != TOML_BOOL)
		return type_error(key, v, "a boolean", err);
	*out = v->b;
	return 0;
}

int frontmatter_read_head(int fd, struct buf *out)
{
	out->limit = FRONTMATTER_HEAD_MAX;
	for (;;) {
		if (buf_reserve(out, HEAD_BLOCK) < 0)
			return -1;
		ssize_t n = fileio_read_retry(fd, out->data + out->len, HEAD_BLOCK);
		if (n <= 0)
			return n < 0 ? -1 : 0;
		out->len += (size_t)n;
		out->data[out->len] = '\0';
		if (out->len >= 4 && memcmp(out->data, "+++\n", 4) != 0)
			return 0;
		if (frontmatter_toml_len(out->data, out->len) >= 0)
			return 0;
	}
}
