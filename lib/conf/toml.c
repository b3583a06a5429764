/* toml.c: the TOML value grammar aimx's config uses, and the matching writers. */
#include "conf/toml.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/utf8.h"

struct cursor {
	const char *p;
	char *err;
};

static void skip_ws(struct cursor *c)
{
	while (*c->p == ' ' || *c->p == '\t')
		c->p++;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static int append_utf8(struct buf *out, unsigned long cp)
{
	char u[4];
	return buf_append(out, u, utf8_encode((uint32_t)cp, u));
}

/* \uXXXX or \UXXXXXXXX starting at p[0] = 'u' or 'U'; returns bytes consumed after '\\' or -1. */
static int unescape_unicode(const char *p, size_t left, struct buf *out, char *err)
{
	size_t digits = p[0] == 'u' ? 4 : 8;
	unsigned long cp = 0;
	if (left < digits + 1)
		return err_set(err, "truncated \\%c escape", p[0]);
	for (size_t k = 1; k <= digits; k++) {
		int h = hexval(p[k]);
		if (h < 0)
			return err_set(err, "invalid \\%c escape", p[0]);
		cp = cp * 16 + (unsigned long)h;
	}
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return err_set(err, "escape \\%c is not an allowed character", p[0]);
	if (append_utf8(out, cp) < 0)
		return err_set(err, "out of memory");
	return (int)digits + 1;
}

static int simple_escape(char ch)
{
	switch (ch) {
	case 'b': return '\b';
	case 't': return '\t';
	case 'n': return '\n';
	case 'f': return '\f';
	case 'r': return '\r';
	case 'e': return 0x1B;
	case '"': return '"';
	case '\\': return '\\';
	default: return -1;
	}
}

/* Decode the body of a basic string (between the quotes, n bytes): escapes to UTF-8.
 * Refuses raw control characters other than tab, and \u0000. */
static int toml_basic_unescape(const char *p, size_t n, struct buf *out, char err[ERR_SIZE])
{
	size_t i = 0;
	while (i < n) {
		unsigned char ch = (unsigned char)p[i];
		if ((ch < 0x20 && ch != '\t') || ch == 0x7F)
			return err_set(err, "control character in string");
		if (ch != '\\') {
			if (buf_append_char(out, (char)ch) < 0)
				return err_set(err, "out of memory");
			i++;
			continue;
		}
		if (i + 1 >= n)
			return err_set(err, "string ends with a lone backslash");
		char e = p[i + 1];
		if (e == 'u' || e == 'U') {
			int used = unescape_unicode(p + i + 1, n - i - 1, out, err);
			if (used < 0)
				return -1;
			i += 1 + (size_t)used;
			continue;
		}
		int v = simple_escape(e);
		if (v < 0)
			return err_set(err, "invalid escape \\%c", e);
		if (buf_append_char(out, (char)v) < 0)
			return err_set(err, "out of memory");
		i += 2;
	}
	return 0;
}

/* A basic or literal string at c->p; leaves c->p after the closing quote. */
static int parse_string(struct cursor *c, char **out)
{
	char q = *c->p++;
	const char *start = c->p;
	while (*c->p && *c->p != q) {
		if (q == '"' && *c->p == '\\' && c->p[1])
			c->p++;
		c->p++;
	}
	if (*c->p != q)
		return err_set(c->err, "unterminated string");
	size_t n = (size_t)(c->p - start);
	c->p++;
	struct buf b = BUF_INIT;
	if (q == '"') {
		if (toml_basic_unescape(start, n, &b, c->err) < 0) {
			buf_free(&b);
			return -1;
		}
	} else {
		for (size_t k = 0; k < n; k++) {
			unsigned char ch = (unsigned char)start[k];
			if ((ch < 0x20 && ch != '\t') || ch == 0x7F) {
				buf_free(&b);
				return err_set(c->err, "control character in string");
			}
		}
		if (buf_append(&b, start, n) < 0)
			return err_set(c->err, "out of memory");
	}
	if (!utf8_valid(b.data ? b.data : "", b.len)) {
		buf_free(&b);
		return err_set(c->err, "invalid UTF-8 in string (TOML files are UTF-8)");
	}
	*out = buf_steal(&b);
	return *out ? 0 : err_set(c->err, "out of memory");
}

static int parse_integer(struct cursor *c, long long *out)
{
	const char *p = c->p;
	int neg = 0;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (*p < '0' || *p > '9')
		return err_set(c->err,
		               "unsupported value (expected a string, integer, boolean or array)");
	if (*p == '0' && p[1] >= '0' && p[1] <= '9')
		return err_set(c->err, "integers may not have leading zeros");
	unsigned long long v = 0;
	int prev_digit = 0;
	for (; (*p >= '0' && *p <= '9') || *p == '_'; p++) {
		if (*p == '_') {
			if (!prev_digit || p[1] < '0' || p[1] > '9')
				return err_set(c->err, "misplaced '_' in integer");
			prev_digit = 0;
			continue;
		}
		if (v > (unsigned long long)LLONG_MAX / 10)
			return err_set(c->err, "integer out of range");
		v = v * 10 + (unsigned long long)(*p - '0');
		prev_digit = 1;
	}
	if (*p == '.' || *p == 'e' || *p == 'E' || *p == '-' || *p == ':' || *p == 'x' ||
	    *p == 'o' || *p == 'b')
		return err_set(
		    c->err,
		    "unsupported value: floats, dates and non-decimal integers are not used");
	if (v > (unsigned long long)LLONG_MAX + (unsigned long long)neg)
		return err_set(c->err, "integer out of range");
	*out = neg ? -(long long)v : (long long)v;
	c->p = p;
	return 0;
}

static int parse_value(struct cursor *c, struct toml_value *v, int depth);

static int parse_array(struct cursor *c, struct toml_value *v, int depth)
{
	c->p++;
	v->type = TOML_ARRAY;
	for (;;) {
		skip_ws(c);
		if (*c->p == ']') {
			c->p++;
			return 0;
		}
		struct toml_value *items = realloc(v->items, (v->n + 1) * sizeof(*items));
		if (!items)
			return err_set(c->err, "out of memory");
		v->items = items;
		memset(&v->items[v->n], 0, sizeof(*items));
		if (parse_value(c, &v->items[v->n++], depth + 1) < 0)
			return -1;
		skip_ws(c);
		if (*c->p == ',')
			c->p++;
		else if (*c->p != ']')
			return err_set(c->err, "%s",
			               *c->p ? "expected ',' or ']' in array"
			                     : "unterminated array");
	}
}

static int parse_value(struct cursor *c, struct toml_value *v, int depth)
{
	if (depth > TOML_MAX_NESTING)
		return err_set(c->err, "arrays nested too deeply");
	skip_ws(c);
	if (*c->p == '"' || *c->p == '\'') {
		v->type = TOML_STRING;
		return parse_string(c, &v->s);
	}
	if (*c->p == '[')
		return parse_array(c, v, depth);
	if (*c->p == '{')
		return err_set(c->err, "inline tables are not supported; use a [table] header");
	if (strncmp(c->p, "true", 4) == 0 || strncmp(c->p, "false", 5) == 0) {
		v->type = TOML_BOOL;
		v->b = *c->p == 't';
		c->p += v->b ? 4 : 5;
		return 0;
	}
	if (*c->p == '\0')
		return err_set(c->err, "missing value");
	v->type = TOML_INTEGER;
	return parse_integer(c, &v->i);
}

int toml_value_parse(const char *text, struct toml_value *out, char err[ERR_SIZE])
{
	struct cursor c = {text, err};
	memset(out, 0, sizeof(*out));
	if (parse_value(&c, out, 0) < 0) {
		toml_value_free(out);
		return -1;
	}
	skip_ws(&c);
	if (*c.p) {
		toml_value_free(out);
		return err_set(c.err, "unexpected text after the value");
	}
	return 0;
}

void toml_value_free(struct toml_value *v)
{
	for (size_t k = 0; k < v->n; k++)
		toml_value_free(&v->items[k]);
	free(v->items);
	free(v->s);
	memset(v, 0, sizeof(*v));
}

const char *toml_type_name(enum toml_type t)
{
	switch (t) {
	case TOML_STRING: return "a string";
	case TOML_INTEGER: return "an integer";
	case TOML_BOOL: return "a boolean";
	case TOML_ARRAY: return "an array";
	}
	return "a value";
}

static int is_bare_key_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '-';
}

int toml_key_parse(const char *text, struct strlist *path, char err[ERR_SIZE])
{
	struct cursor c = {text, err};
	for (;;) {
		skip_ws(&c);
		char *seg = NULL;
		if (*c.p == '"' || *c.p == '\'') {
			if (parse_string(&c, &seg) < 0)
				return -1;
		} else {
			const char *start = c.p;
			while (is_bare_key_char(*c.p))
				c.p++;
			if (c.p == start)
				return err_set(c.err, "invalid key");
			seg = strndup(start, (size_t)(c.p - start));
			if (!seg)
				return err_set(c.err, "out of memory");
		}
		int rc = strlist_push(path, seg);
		free(seg);
		if (rc < 0)
			return err_set(c.err, "out of memory");
		skip_ws(&c);
		if (*c.p == '.') {
			c.p++;
			continue;
		}
		return *c.p ? err_set(c.err, "invalid key") : 0;
	}
}

static int needs_escape(unsigned char ch)
{
	return (ch < 0x20 && ch != '\t') || ch == 0x7F;
}

int toml_write_string(struct buf *out, const char *s)
{
	int has_special = strpbrk(s, "\"\\") != NULL, literal_ok = !strchr(s, '\'');
	for (const char *p = s; *p && literal_ok; p++)
		literal_ok = !needs_escape((unsigned char)*p);
	if (has_special && literal_ok)
		return buf_printf(out, "'%s'", s);
	if (buf_append_char(out, '"') < 0)
		return -1;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int rc;
		switch (*p) {
		case '"': rc = buf_append_str(out, "\\\""); break;
		case '\\': rc = buf_append_str(out, "\\\\"); break;
		case '\n': rc = buf_append_str(out, "\\n"); break;
		case '\r': rc = buf_append_str(out, "\\r"); break;
		case '\b': rc = buf_append_str(out, "\\b"); break;
		case '\f': rc = buf_append_str(out, "\\f"); break;
		default:
			rc = needs_escape(*p) ? buf_printf(out, "\\u%04X", *p)
					      : buf_append_char(out, (char)*p);
		}
		if (rc < 0)
			return -1;
	}
	return buf_append_char(out, '"');
}

int toml_write_key(struct buf *out, const char *key)
{
	int bare = *key != '\0';
	for (const char *p = key; *p && bare; p++)
		bare = is_bare_key_char(*p);
	return bare ? buf_append_str(out, key) : toml_write_string(out, key);
}
