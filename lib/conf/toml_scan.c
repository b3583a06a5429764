/* toml_scan.c: the pre-pass that turns TOML text into inih-sized logical lines (see toml_scan.h). */
#include "conf/toml_scan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "conf/toml.h"

enum ml_kind { ML_NONE, ML_BASIC, ML_LITERAL };

struct scanner {
	struct toml_scan *out;
	struct buf cur;     /* the logical line being built */
	int cur_line;       /* physical line where cur started */
	int depth;          /* '[' still open in the value */
	enum ml_kind ml;    /* inside a multi-line string */
	int ml_trim;        /* after a line-ending backslash: drop whitespace and newlines */
	int ml_fresh;       /* just after the opening delimiter: a newline here is dropped */
	int failed;         /* the current logical line had an error and will be dropped */
	int has_equals;     /* an '=' outside strings was seen: it is a key = value line */
	int oom;
};

static void scan_error(struct scanner *sc, int line, const char *fmt, const char *arg)
{
	struct toml_scan *o = sc->out;
	struct toml_scan_error *e = realloc(o->errors, (o->nerrors + 1) * sizeof(*e));
	if (!e) {
		sc->oom = 1;
		return;
	}
	o->errors = e;
	char msg[ERR_SIZE + 64];
	snprintf(msg, sizeof(msg), fmt, arg);
	e[o->nerrors].message = strdup(msg);
	if (!e[o->nerrors].message) {
		sc->oom = 1;
		return;
	}
	e[o->nerrors++].line = line;
}

static void put(struct scanner *sc, const char *s, size_t n)
{
	if (buf_append(&sc->cur, s, n) < 0)
		sc->oom = 1;
}

static void put_str(struct scanner *sc, const char *s)
{
	put(sc, s, strlen(s));
}

static void reset_logical(struct scanner *sc)
{
	buf_reset(&sc->cur);
	sc->cur_line = 0;
	sc->depth = 0;
	sc->ml = ML_NONE;
	sc->ml_trim = sc->ml_fresh = sc->failed = sc->has_equals = 0;
}

static int push_line(struct scanner *sc, const char *text, int line)
{
	struct toml_scan *o = sc->out;
	char **lines = realloc(o->lines, (o->nlines + 1) * sizeof(*lines));
	if (lines)
		o->lines = lines;
	int *phys = realloc(o->phys_line, (o->nlines + 1) * sizeof(*phys));
	if (phys)
		o->phys_line = phys;
	char *copy = strdup(text);
	if (!lines || !phys || !copy) {
		free(copy);
		sc->oom = 1;
		return -1;
	}
	o->lines[o->nlines] = copy;
	o->phys_line[o->nlines++] = line;
	return 0;
}

static void finish_logical(struct scanner *sc)
{
	if (!sc->failed && sc->cur.len > TOML_SCAN_MAX_LINE)
		scan_error(sc, sc->cur_line, "line too long (more than 1 MiB)%s", "");
	else if (!sc->failed && sc->cur.len && !sc->has_equals)
		scan_error(sc, sc->cur_line, "expected 'key = value' or a [table] header%s", "");
	else if (!sc->failed && sc->cur.len)
		push_line(sc, sc->cur.data, sc->cur_line);
	reset_logical(sc);
}

/* Copy a one-line basic or literal string verbatim; returns the index after it. */
static size_t copy_string(struct scanner *sc, const char *p, size_t n, size_t i, int line)
{
	char q = p[i];
	size_t start = i++;
	while (i < n && p[i] != q) {
		if (q == '"' && p[i] == '\\' && i + 1 < n)
			i++;
		i++;
	}
	if (i >= n) {
		scan_error(sc, line, "unterminated string%s", "");
		sc->failed = 1;
		return n;
	}
	put(sc, p + start, i + 1 - start);
	return i + 1;
}

static int rest_is_blank(const char *p, size_t n, size_t i)
{
	for (; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t')
			return 0;
	return 1;
}

static void ml_put_char(struct scanner *sc, char ch, int line)
{
	if (ch == '\t')
		put_str(sc, "\\t");
	else if ((unsigned char)ch < 0x20 || ch == 0x7F) {
		scan_error(sc, line, "control character in multi-line string%s", "");
		sc->failed = 1;
	} else if (ch == '"')
		put_str(sc, "\\\"");
	else if (ch == '\\' && sc->ml == ML_LITERAL)
		put_str(sc, "\\\\");
	else
		put(sc, &ch, 1);
}

/* Inside a multi-line string: consume up to and including the closing delimiter. */
static size_t ml_chunk(struct scanner *sc, const char *p, size_t n, size_t i, int line)
{
	char q = sc->ml == ML_BASIC ? '"' : '\'';
	while (i < n && !sc->failed) {
		if (sc->ml_trim && (p[i] == ' ' || p[i] == '\t')) {
			i++;
			continue;
		}
		sc->ml_trim = sc->ml_fresh = 0;
		size_t run = 0;
		while (i + run < n && p[i + run] == q)
			run++;
		if (run >= 3) {
			if (run > 5) {
				scan_error(sc, line, "too many quotes closing a multi-line string%s", "");
				sc->failed = 1;
				return n;
			}
			for (size_t k = 0; k < run - 3; k++)
				ml_put_char(sc, q, line);
			put_str(sc, "\"");
			sc->ml = ML_NONE;
			return i + run;
		}
		if (sc->ml == ML_BASIC && p[i] == '\\') {
			if (rest_is_blank(p, n, i + 1)) {
				sc->ml_trim = 1;
				return n;
			}
			put(sc, p + i, 2);
			i += 2;
			continue;
		}
		ml_put_char(sc, p[i++], line);
	}
	return n;
}

/* Key/value text: strings, brackets and comments; multi-line strings are re-encoded. */
static void lex_value(struct scanner *sc, const char *p, size_t n, size_t i, int line)
{
	while (i < n && !sc->failed) {
		if (sc->ml) {
			i = ml_chunk(sc, p, n, i, line);
			continue;
		}
		char ch = p[i];
		if (ch == '#')
			return;
		if (ch == '"' || ch == '\'') {
			if (i + 2 < n && p[i + 1] == ch && p[i + 2] == ch) {
				put_str(sc, "\"");
				sc->ml = ch == '"' ? ML_BASIC : ML_LITERAL;
				sc->ml_fresh = 1;
				i += 3;
			} else {
				i = copy_string(sc, p, n, i, line);
			}
			continue;
		}
		if (ch == '=' && sc->depth == 0)
			sc->has_equals = 1;
		if (ch == '[')
			sc->depth++;
		else if (ch == ']' && sc->depth > 0)
			sc->depth--;
		put(sc, &ch, 1);
		i++;
	}
}

static void header_fail(struct scanner *sc, int line, const char *why)
{
	scan_error(sc, line, "invalid table header: %s", why);
}

/* `[a.b]` or `[[a.b]]` at p[i]; records it and emits "[N]". */
static void scan_header(struct scanner *sc, const char *p, size_t n, size_t i, int line)
{
	struct toml_header h = {TOML_TABLE, {NULL, 0}, line};
	i++;
	if (i < n && p[i] == '[') {
		h.kind = TOML_ARRAY_TABLE;
		i++;
	}
	size_t close = i;
	char quote = 0;
	for (; close < n && (quote || p[close] != ']'); close++) {
		if (quote && p[close] == '\\' && quote == '"' && close + 1 < n)
			close++;
		else if (p[close] == '"' || p[close] == '\'')
			quote = quote == p[close] ? 0 : quote ? quote : p[close];
	}
	if (close >= n)
		return header_fail(sc, line, "missing ']'");
	size_t after = close + 1;
	if (h.kind == TOML_ARRAY_TABLE) {
		if (after >= n || p[after] != ']')
			return header_fail(sc, line, "missing ']]'");
		after++;
	}
	while (after < n && (p[after] == ' ' || p[after] == '\t'))
		after++;
	if (after < n && p[after] != '#')
		return header_fail(sc, line, "unexpected text after the header");
	char *keytext = strndup(p + i, close - i);
	char err[ERR_SIZE];
	if (!keytext || toml_key_parse(keytext, &h.path, err) < 0) {
		free(keytext);
		strlist_free(&h.path);
		return header_fail(sc, line, "invalid key");
	}
	free(keytext);
	struct toml_scan *o = sc->out;
	struct toml_header *hs = realloc(o->headers, (o->nheaders + 1) * sizeof(*hs));
	char token[32];
	snprintf(token, sizeof(token), "[%zu]", o->nheaders);
	if (!hs) {
		strlist_free(&h.path);
		sc->oom = 1;
		return;
	}
	o->headers = hs;
	hs[o->nheaders++] = h;
	push_line(sc, token, line);
}

static void scan_line(struct scanner *sc, const char *p, size_t n, int line)
{
	if (memchr(p, '\0', n)) {
		scan_error(sc, line, "NUL byte in the file%s", "");
		if (sc->cur_line)
			sc->failed = 1;
		return;
	}
	if (sc->ml) {
		lex_value(sc, p, n, 0, line);
	} else if (sc->depth > 0) {
		put_str(sc, " ");
		lex_value(sc, p, n, 0, line);
	} else {
		size_t i = 0;
		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
		if (i == n || p[i] == '#')
			return;
		if (p[i] == '[')
			return scan_header(sc, p, n, i, line);
		sc->cur_line = line;
		lex_value(sc, p, n, i, line);
	}
	if (sc->ml && !sc->ml_trim && !sc->ml_fresh && !sc->failed)
		put_str(sc, "\\n");
	sc->ml_fresh = 0;
	if (sc->failed || (!sc->ml && sc->depth == 0))
		finish_logical(sc);
}

int toml_scan(const char *text, size_t len, struct toml_scan *out)
{
	struct scanner sc = {.out = out};
	memset(out, 0, sizeof(*out));
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		text += 3;
		len -= 3;
	}
	int line = 0;
	for (size_t pos = 0; pos < len && !sc.oom;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t n = end - pos;
		if (n && text[pos + n - 1] == '\r')
			n--;
		scan_line(&sc, text + pos, n, ++line);
		pos = end + 1;
	}
	if (sc.ml)
		scan_error(&sc, sc.cur_line, "unterminated multi-line string%s", "");
	else if (sc.depth > 0)
		scan_error(&sc, sc.cur_line, "unterminated array%s", "");
	buf_free(&sc.cur);
	if (sc.oom) {
		toml_scan_free(out);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void toml_scan_free(struct toml_scan *s)
{
	for (size_t k = 0; k < s->nlines; k++)
		free(s->lines[k]);
	for (size_t k = 0; k < s->nheaders; k++)
		strlist_free(&s->headers[k].path);
	for (size_t k = 0; k < s->nerrors; k++)
		free(s->errors[k].message);
	free(s->lines);
	free(s->phys_line);
	free(s->headers);
	free(s->errors);
	memset(s, 0, sizeof(*s));
}

char *toml_scan_read(char *str, int num, void *stream)
{
	struct toml_scan_reader *r = stream;
	if (num < 2 || r->line >= r->scan->nlines)
		return NULL;
	const char *text = r->scan->lines[r->line];
	size_t left = strlen(text) + 1 - r->offset; /* + the '\n' */
	size_t take = left < (size_t)num - 1 ? left : (size_t)num - 1;
	size_t from_text = take == left ? take - 1 : take;
	memcpy(str, text + r->offset, from_text);
	if (take == left) {
		str[from_text] = '\n';
		r->line++;
		r->offset = 0;
	} else {
		r->offset += from_text;
	}
	str[take] = '\0';
	return str;
}
