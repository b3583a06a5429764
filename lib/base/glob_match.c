/* glob_match.c: a bounded backtracking glob matcher for trusted_senders patterns. */
#include "base/glob_match.h"

#include <stdlib.h>
#include <string.h>

#define GLOB_STEP_BUDGET 200000L
#define GLOB_DEPTH_MAX   64

struct glob {
	long steps;
};

static int match_at(struct glob *g, const char *p, const char *s, int depth);

/* The end of the `[...]` class starting at p ('['), or NULL when it is not closed. */
static const char *class_end(const char *p)
{
	const char *q = p + 1;
	if (*q == '!' || *q == '^')
		q++;
	if (*q == ']')
		q++;
	while (*q && *q != ']')
		q++;
	return *q ? q : NULL;
}

static int class_has(const char *p, const char *end, char c)
{
	const char *q = p + 1;
	int negate = (*q == '!' || *q == '^');
	if (negate)
		q++;
	int found = 0;
	for (const char *first = q; q < end; q++) {
		if (q + 2 < end && q[1] == '-') {
			found |= (unsigned char)c >= (unsigned char)q[0] &&
				 (unsigned char)c <= (unsigned char)q[2];
			q += 2;
		} else if (*q != ']' || q == first) {
			found |= (*q == c);
		}
	}
	return found != negate;
}

/* The '}' matching the '{' at p, or NULL. */
static const char *brace_end(const char *p)
{
	int level = 0;
	for (const char *q = p; *q; q++) {
		if (*q == '\\' && q[1])
			q++;
		else if (*q == '{')
			level++;
		else if (*q == '}' && --level == 0)
			return q;
	}
	return NULL;
}

/* Tries each top-level alternative of {a,b,...} at p followed by the rest of the pattern. */
static int match_braces(struct glob *g, const char *p, const char *close, const char *s,
			int depth)
{
	size_t rest_len = strlen(close + 1);
	const char *alt = p + 1;
	int level = 0;
	for (const char *q = alt; q <= close; q++) {
		if (*q == '\\' && q < close) {
			q++;
			continue;
		}
		if (*q == '{')
			level++;
		else if (*q == '}' && q != close)
			level--;
		if (!((*q == ',' && level == 0) || q == close))
			continue;
		size_t alt_len = (size_t)(q - alt);
		char *pat = malloc(alt_len + rest_len + 1);
		if (!pat)
			return 0;
		memcpy(pat, alt, alt_len);
		memcpy(pat + alt_len, close + 1, rest_len + 1);
		int ok = match_at(g, pat, s, depth + 1);
		free(pat);
		if (ok)
			return 1;
		alt = q + 1;
	}
	return 0;
}

static int match_star(struct glob *g, const char *p, const char *s, int depth)
{
	int cross = (p[1] == '*');
	const char *rest = p + (cross ? 2 : 1);
	if (cross && *rest == '/' && match_at(g, rest + 1, s, depth + 1))
		return 1; /* a double star before a slash may match nothing, slash included */
	for (;; s++) {
		if (match_at(g, rest, s, depth + 1))
			return 1;
		if (!*s || (!cross && *s == '/'))
			return 0;
	}
}

static int match_at(struct glob *g, const char *p, const char *s, int depth)
{
	if (depth > GLOB_DEPTH_MAX)
		return 0;
	for (;; p++, s++) {
		if (++g->steps > GLOB_STEP_BUDGET)
			return 0;
		const char *end;
		switch (*p) {
		case '\0':
			return *s == '\0';
		case '*':
			return match_star(g, p, s, depth);
		case '{':
			end = brace_end(p);
			if (end)
				return match_braces(g, p, end, s, depth);
			break;
		case '?':
			if (!*s || *s == '/')
				return 0;
			continue;
		case '[':
			end = class_end(p);
			if (end) {
				if (!*s || *s == '/' || !class_has(p, end, *s))
					return 0;
				p = end;
				continue;
			}
			break;
		case '\\':
			if (p[1])
				p++;
			break;
		}
		if (*p != *s)
			return 0;
	}
}

int glob_match(const char *pattern, const char *text)
{
	struct glob g = {0};
	return match_at(&g, pattern, text, 0);
}
