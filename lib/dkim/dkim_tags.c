/* dkim_tags.c: the DKIM tag-list grammar (RFC 6376 3.2), shared by signatures and key records. */
#include "dkim/dkim.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int is_fws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void dkim_tags_free(struct dkim_tags *t)
{
	for (size_t k = 0; k < t->n; k++)
		free(t->tag[k].value);
	t->n = 0;
}

const char *dkim_tags_get(const struct dkim_tags *t, const char *name)
{
	for (size_t k = 0; k < t->n; k++)
		if (strcmp(t->tag[k].name, name) == 0)
			return t->tag[k].value;
	return NULL;
}

int dkim_list_has(const char *list, const char *word)
{
	size_t wl = strlen(word);
	for (const char *p = list; *p;) {
		while (*p == ' ' || *p == '\t' || *p == ':')
			p++;
		size_t n = strcspn(p, ": \t");
		if (n == wl && strncasecmp(p, word, n) == 0)
			return 1;
		p += n;
	}
	return 0;
}

/* tag-name = ALPHA *(ALPHA / DIGIT / "_") */
static int valid_name(const char *s, size_t n)
{
	if (n == 0 || !isalpha((unsigned char)s[0]))
		return 0;
	for (size_t k = 1; k < n; k++)
		if (!isalnum((unsigned char)s[k]) && s[k] != '_')
			return 0;
	return 1;
}

/* Adds one "name = value" segment; -1 on a grammar error or duplicate. A name longer than any
 * defined tag is an unknown tag: checked for syntax, then ignored (RFC 6376 3.2). */
static int add_segment(const char *s, size_t n, struct dkim_tags *out)
{
	const char *eq = memchr(s, '=', n);
	if (!eq)
		return -1;
	size_t a = 0, b = (size_t)(eq - s);
	while (a < b && is_fws(s[a]))
		a++;
	while (b > a && is_fws(s[b - 1]))
		b--;
	if (!valid_name(s + a, b - a))
		return -1;
	size_t va = (size_t)(eq - s) + 1, vb = n;
	while (va < vb && is_fws(s[va]))
		va++;
	while (vb > va && is_fws(s[vb - 1]))
		vb--;
	if (b - a >= DKIM_TAG_NAME_MAX)
		return 0;
	if (out->n >= DKIM_MAX_TAGS)
		return -1;
	char name[DKIM_TAG_NAME_MAX];
	size_t nl = b - a;
	memcpy(name, s + a, nl);
	name[nl] = '\0';
	if (dkim_tags_get(out, name))
		return -1;
	char *value = malloc(vb - va + 1);
	if (!value)
		return -1;
	size_t o = 0;
	for (size_t k = va; k < vb; k++)
		if (s[k] != '\r' && s[k] != '\n')
			value[o++] = s[k];
	value[o] = '\0';
	memcpy(out->tag[out->n].name, name, nl + 1);
	out->tag[out->n++].value = value;
	return 0;
}

int dkim_tags_parse(const char *text, size_t len, struct dkim_tags *out)
{
	out->n = 0;
	size_t start = 0;
	for (size_t k = 0; k <= len; k++) {
		if (k < len && text[k] != ';')
			continue;
		size_t a = start;
		while (a < k && is_fws(text[a]))
			a++;
		if (a < k && add_segment(text + start, k - start, out) < 0) {
			dkim_tags_free(out);
			return -1;
		}
		start = k + 1;
	}
	return 0;
}
