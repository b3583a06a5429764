/* spf_macro.c: SPF macro expansion (RFC 7208 7): letters, digit and r transformers, delimiters. */
#include "spf.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define SPF_MACRO_VALUE_MAX 1024
#define SPF_PARTS_MAX       128

/* The value of a macro letter; -1 for an unknown (or exp-only) letter. */
static int letter_value(char letter, const struct spf_macro_ctx *c, char out[SPF_MACRO_VALUE_MAX])
{
	const char *at = strrchr(c->sender, '@');
	switch (tolower((unsigned char)letter)) {
	case 's':
		snprintf(out, SPF_MACRO_VALUE_MAX, "%s", c->sender);
		return 0;
	case 'l':
		if (at && at != c->sender)
			snprintf(out, SPF_MACRO_VALUE_MAX, "%.*s", (int)(at - c->sender), c->sender);
		else
			snprintf(out, SPF_MACRO_VALUE_MAX, "postmaster");
		return 0;
	case 'o':
		snprintf(out, SPF_MACRO_VALUE_MAX, "%s", at ? at + 1 : c->sender);
		return 0;
	case 'd':
		snprintf(out, SPF_MACRO_VALUE_MAX, "%s", c->domain);
		return 0;
	case 'i':
		ip_dotted(c->ip, out);
		return 0;
	case 'p':
		snprintf(out, SPF_MACRO_VALUE_MAX, "unknown");
		return 0;
	case 'v':
		snprintf(out, SPF_MACRO_VALUE_MAX, "%s", c->ip->v6 ? "ip6" : "in-addr");
		return 0;
	case 'h':
		snprintf(out, SPF_MACRO_VALUE_MAX, "%s", c->helo ? c->helo : "");
		return 0;
	default:
		return -1;
	}
}

/* Splits value on any delimiter, optionally reverses, keeps the rightmost `keep` parts
 * (0: all), joins with '.'. */
static void transform(char *value, const char *delims, int reverse, long keep, char *out,
		      size_t cap)
{
	char *parts[SPF_PARTS_MAX];
	size_t n = 0;
	for (char *p = value;; p++) {
		if (n == 0 || p[-1] == '\0')
			if (n < SPF_PARTS_MAX)
				parts[n++] = p;
		if (*p == '\0')
			break;
		if (strchr(delims, *p))
			*p = '\0';
	}
	for (size_t k = 0; reverse && k < n / 2; k++) {
		char *t = parts[k];
		parts[k] = parts[n - 1 - k];
		parts[n - 1 - k] = t;
	}
	size_t first = (keep > 0 && (size_t)keep < n) ? n - (size_t)keep : 0, o = 0;
	out[0] = '\0';
	for (size_t k = first; k < n; k++) {
		int w = snprintf(out + o, cap - o, "%s%s", k > first ? "." : "", parts[k]);
		if (w < 0 || (size_t)w >= cap - o)
			return;
		o += (size_t)w;
	}
}

/* Parses "{" letter *digit ["r"] *delimiter "}" at *p (just past the '{'). */
static int expand_one(const char **p, const struct spf_macro_ctx *c, char *out, size_t cap)
{
	const char *s = *p;
	char value[SPF_MACRO_VALUE_MAX];
	if (letter_value(*s, c, value) < 0)
		return -1;
	s++;
	long keep = 0;
	while (isdigit((unsigned char)*s)) {
		keep = keep * 10 + (*s++ - '0');
		if (keep > 1000)
			return -1;
	}
	if (s > *p + 1 && keep == 0)
		return -1; /* 7.1: a DIGIT transformer must be nonzero */
	int reverse = 0;
	if (*s == 'r' || *s == 'R') {
		reverse = 1;
		s++;
	}
	char delims[16] = "";
	size_t nd = 0;
	while (*s && strchr(".-+,/_=", *s) && nd < sizeof(delims) - 1)
		delims[nd++] = *s++;
	delims[nd] = '\0';
	if (*s != '}')
		return -1;
	transform(value, nd ? delims : ".", reverse, keep, out, cap);
	*p = s + 1;
	return 0;
}

static void truncate_left(char *s)
{
	size_t n = strlen(s);
	char *p = s;
	while (n > 253) {
		char *dot = strchr(p, '.');
		if (!dot)
			break;
		n -= (size_t)(dot + 1 - p);
		p = dot + 1;
	}
	memmove(s, p, n + 1);
}

int spf_macro_expand(const char *spec, const struct spf_macro_ctx *ctx, char *out, size_t cap)
{
	size_t o = 0;
	char piece[SPF_MACRO_VALUE_MAX];
	for (const char *p = spec; *p;) {
		const char *add = piece;
		if (*p != '%') {
			if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
				return -1;
			piece[0] = *p++;
			piece[1] = '\0';
		} else if (p[1] == '%' || p[1] == '_' || p[1] == '-') {
			add = p[1] == '%' ? "%" : p[1] == '_' ? " " : "%20";
			p += 2;
		} else if (p[1] == '{') {
			p += 2;
			if (expand_one(&p, ctx, piece, sizeof(piece)) < 0)
				return -1;
		} else {
			return -1;
		}
		size_t n = strlen(add);
		if (o + n + 1 > cap)
			return -1;
		memcpy(out + o, add, n + 1);
		o += n;
	}
	if (o == 0)
		return -1;
	truncate_left(out);
	return 0;
}
