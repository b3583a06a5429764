/* spf_macro.c: SPF macro syntax and expansion (RFC 7208 7): letters, transformers, delimiters. */
#include "trust/spf.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"

#define SPF_EXPANSION_MAX 8192 /* bytes an expansion may reach before the 253-byte truncation */

/* One macro-expand (12): "%{" letter *DIGIT ["r"] *delimiter "}", or "%%", "%_", "%-". */
struct spf_macro {
	size_t len;          /* bytes of the spec it spans */
	const char *literal; /* "%", " " or "%20" for the three escapes; NULL for %{...} */
	char letter;         /* lowercase */
	int url_escape;      /* the letter was uppercase (7.3) */
	size_t keep;         /* rightmost parts kept, 0 = all */
	int reverse;
	char delims[8]; /* distinct delimiters, "." when none was given */
};

/* Parses the macro-expand at s (s[0] == '%'); 0, or -1 when there is none. */
static int macro_scan(const char *s, struct spf_macro *m)
{
	memset(m, 0, sizeof(*m));
	if (s[1] == '%' || s[1] == '_' || s[1] == '-') {
		m->literal = s[1] == '%' ? "%" : s[1] == '_' ? " " : "%20";
		m->len = 2;
		return 0;
	}
	if (s[1] != '{' || s[2] == '\0' || !strchr("slodiphvSLODIPHV", s[2]))
		return -1; /* c, r and t are for explanation text only (7.3) */
	m->letter = (char)tolower((unsigned char)s[2]);
	m->url_escape = isupper((unsigned char)s[2]) != 0;
	const char *p = s + 3;
	int has_digits = 0;
	for (; isdigit((unsigned char)*p); p++, has_digits = 1)
		if (m->keep < 1000) /* more parts than any name has: saturate */
			m->keep = m->keep * 10 + (size_t)(*p - '0');
	if (has_digits && m->keep == 0)
		return -1; /* 7.3: a DIGIT transformer is nonzero */
	if (*p == 'r' || *p == 'R') {
		m->reverse = 1;
		p++;
	}
	size_t nd = 0;
	for (; *p && strchr(".-+,/_=", *p); p++)
		if (!strchr(m->delims, *p))
			m->delims[nd++] = *p;
	if (*p != '}')
		return -1;
	if (nd == 0)
		m->delims[0] = '.';
	m->len = (size_t)(p + 1 - s);
	return 0;
}

static int literal_char(char c)
{
	return (unsigned char)c >= 0x21 && (unsigned char)c <= 0x7e && c != '%';
}

/* 1 when s is a macro-string; *tail is where the run of literals that ends it starts. */
static int scan_string(const char *s, const char **tail)
{
	struct spf_macro m;
	*tail = s;
	for (const char *p = s; *p;) {
		if (*p == '%') {
			if (macro_scan(p, &m) < 0)
				return 0;
			p += m.len;
			*tail = p;
		} else if (!literal_char(*p++)) {
			return 0;
		}
	}
	return 1;
}

int spf_macro_string_valid(const char *s)
{
	const char *tail;
	return scan_string(s, &tail);
}

/* toplabel (12): alphanumerics with a letter, or alphanumerics around inner hyphens. */
static int toplabel_valid(const char *s, size_t n)
{
	int alpha = 0, hyphen = 0;
	for (size_t k = 0; k < n; k++) {
		unsigned char c = (unsigned char)s[k];
		if (isalpha(c))
			alpha = 1;
		else if (c == '-')
			hyphen = 1;
		else if (!isdigit(c))
			return 0;
	}
	if (n == 0)
		return 0;
	return hyphen ? s[0] != '-' && s[n - 1] != '-' : alpha;
}

int spf_domain_spec_valid(const char *s)
{
	const char *tail;
	if (!*s || !scan_string(s, &tail))
		return 0;
	size_t n = strlen(tail);
	if (n == 0)
		return 1; /* domain-end is a macro-expand */
	if (tail[n - 1] == '.')
		n--;
	size_t dot = n;
	while (dot > 0 && tail[dot - 1] != '.')
		dot--;
	return dot > 0 && toplabel_valid(tail + dot, n - dot);
}

/* The value of a macro letter (7.3), appended to b. */
/* %{p} of one expansion, looked up once however often the spec names it (a record full of
 * %{p} would otherwise cost a PTR and up to 10 address lookups each). */
struct p_cache {
	int done;
	char value[DNS_NAME_MAX];
};

/* 7.3 %{p}: the domain itself if validated, else a validated subdomain of it, else any
 * validated name, else "unknown". */
static int append_validated(struct buf *b, const struct spf_macro_ctx *c, struct p_cache *pc)
{
	if (!pc->done) {
		char names[SPF_PTR_LIMIT][DNS_NAME_MAX];
		size_t n = c->dns ? spf_ptr_validated(c->dns, c->ip, names, SPF_PTR_LIMIT) : 0;
		const char *pick = n ? names[0] : "unknown";
		for (size_t k = 0; k < n; k++)
			if (spf_ptr_within(names[k], c->domain)) {
				pick = names[k];
				if (strlen(names[k]) == strlen(c->domain))
					break;
			}
		snprintf(pc->value, sizeof(pc->value), "%s", pick);
		pc->done = 1;
	}
	return buf_append_str(b, pc->value);
}

static int letter_value(char letter, const struct spf_macro_ctx *c, struct buf *b,
                        struct p_cache *pc)
{
	const char *at = strrchr(c->sender, '@');
	char ip[IP_TEXT_MAX];
	switch (letter) {
	case 's':
		return buf_append_str(b, c->sender);
	case 'l':
		if (!at || at == c->sender)
			return buf_append_str(b, "postmaster");
		return buf_append(b, c->sender, (size_t)(at - c->sender));
	case 'o':
		return buf_append_str(b, at ? at + 1 : c->sender);
	case 'd':
		return buf_append_str(b, c->domain);
	case 'i':
		ip_dotted(c->ip, ip);
		return buf_append_str(b, ip);
	case 'p':
		return append_validated(b, c, pc);
	case 'v':
		return buf_append_str(b, c->ip->v6 ? "ip6" : "in-addr");
	default:
		return buf_append_str(b, c->helo ? c->helo : "");
	}
}

static int is_delim(char c, const struct spf_macro *m)
{
	return c != '\0' && strchr(m->delims, c) != NULL;
}

/* The transformers (7.3) on v: split on the delimiters, reverse if asked, keep the rightmost
 * `keep` parts, join with '.'; appended to out. Reversed, the kept parts are the first `keep`
 * of v, so the span holding them is copied part by part into mirrored positions. */
static int transform(const char *v, const struct spf_macro *m, struct buf *out)
{
	size_t n = strlen(v), parts = 1;
	for (size_t k = 0; k < n; k++)
		parts += (size_t)is_delim(v[k], m);
	size_t keep = m->keep && m->keep < parts ? m->keep : parts;
	size_t from = 0, to = n, skip = m->reverse ? 0 : parts - keep, seen = 0;
	for (size_t k = 0; k < n; k++) {
		if (!is_delim(v[k], m))
			continue;
		if (++seen == skip)
			from = k + 1;
		if (m->reverse && seen == keep)
			to = k;
	}
	size_t len = to - from;
	if (buf_reserve(out, len) < 0)
		return -1;
	char *dst = out->data + out->len;
	for (size_t a = 0; a < len;) {
		size_t b = a;
		while (b < len && !is_delim(v[from + b], m))
			b++;
		memcpy(dst + (m->reverse ? len - b : a), v + from + a, b - a);
		if (b < len)
			dst[m->reverse ? len - b - 1 : b] = '.';
		a = b + 1;
	}
	out->len += len;
	out->data[out->len] = '\0';
	return 0;
}

/* 7.3: an uppercase letter's value is URL-escaped (all but the RFC 3986 unreserved bytes). */
static int url_escape(const char *v, struct buf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		int rc = isalnum(*p) || strchr("-._~", *p)
		             ? buf_append_char(out, (char)*p)
		             : buf_printf(out, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int expand_macro(const struct spf_macro *m, const struct spf_macro_ctx *ctx, struct buf *out,
                        struct p_cache *pc)
{
	if (m->literal)
		return buf_append_str(out, m->literal);
	struct buf value = BUF_INIT, shaped = BUF_INIT;
	value.limit = shaped.limit = SPF_EXPANSION_MAX;
	int rc = letter_value(m->letter, ctx, &value, pc);
	if (rc == 0)
		rc = transform(value.data, m, m->url_escape ? &shaped : out);
	if (rc == 0 && m->url_escape)
		rc = url_escape(shaped.data, out);
	buf_free(&value);
	buf_free(&shaped);
	return rc;
}

/* 0, -1 syntax error, -2 the expansion outgrew SPF_EXPANSION_MAX (or memory ran out). */
static int expand_all(const char *spec, const struct spf_macro_ctx *ctx, struct buf *out)
{
	struct spf_macro m;
	struct p_cache pc = {0, ""};
	for (const char *p = spec; *p;) {
		if (*p != '%') {
			if (!literal_char(*p))
				return -1;
			if (buf_append_char(out, *p++) < 0)
				return -2;
			continue;
		}
		if (macro_scan(p, &m) < 0)
			return -1;
		if (expand_macro(&m, ctx, out, &pc) < 0)
			return -2;
		p += m.len;
	}
	return 0;
}

/* 7.3: drop labels from the left until at most 253 bytes remain (a trailing dot aside). */
static int truncate_left(const char *name, size_t n, char out[DNS_NAME_MAX])
{
	size_t body = n && name[n - 1] == '.' ? n - 1 : n;
	while (body > 253) {
		const char *dot = memchr(name, '.', body);
		if (!dot)
			return -2;
		size_t drop = (size_t)(dot + 1 - name);
		name += drop;
		n -= drop;
		body -= drop;
	}
	if (body == 0)
		return -2;
	memcpy(out, name, n);
	out[n] = '\0';
	return 0;
}

int spf_macro_expand(const char *spec, const struct spf_macro_ctx *ctx, char out[DNS_NAME_MAX])
{
	struct buf name = BUF_INIT;
	name.limit = SPF_EXPANSION_MAX;
	int rc = expand_all(spec, ctx, &name);
	if (rc == 0)
		rc = name.data ? truncate_left(name.data, name.len, out) : -2;
	buf_free(&name);
	return rc;
}
