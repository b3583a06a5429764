/* fuzz_frontmatter.c: the "+++" TOML block readers (MAILBOX-LIST, MARK, the MCP read tools)
 * find at the top of any file in a mailbox. */
#include "tests/fuzz/fuzz_frontmatter.h"

#include <string.h>

#include "base/utf8.h"
#include "store/frontmatter_read.h"
#include "tests/fuzz/support/fuzz_util.h"

static int value_bad(const struct toml_value *v, int depth)
{
	if (depth > TOML_MAX_NESTING + 1)
		return 1;
	if (v->type == TOML_STRING)
		return !v->s || !utf8_valid(v->s, strlen(v->s));
	for (size_t k = 0; v->type == TOML_ARRAY && k < v->n; k++)
		if (value_bad(&v->items[k], depth + 1))
			return 1;
	return 0;
}

static int parsed_bad(const struct frontmatter *fm, const char *text, size_t len)
{
	int bad = frontmatter_toml_len(text, len) < 0;
	for (size_t k = 0; k < fm->n; k++)
		bad |= !fm->v[k].key || value_bad(&fm->v[k].value, 0) ||
		       frontmatter_get(fm, fm->v[k].key) == NULL;
	const char *s;
	int b;
	char err[ERR_SIZE];
	const struct toml_value *subject = frontmatter_get(fm, "subject");
	bad |= (frontmatter_string(fm, "subject", &s, err) == 0) !=
	       (!subject || subject->type == TOML_STRING);
	const struct toml_value *read = frontmatter_get(fm, "read");
	bad |=
	    (frontmatter_bool(fm, "read", 0, &b, err) == 0) != (!read || read->type == TOML_BOOL);
	return bad;
}

int fuzz_frontmatter_one(const unsigned char *data, size_t len)
{
	const char *text = (const char *)data;
	struct frontmatter fm = {0};
	char err[ERR_SIZE] = "";
	int rc = frontmatter_parse(text, len, &fm, err), bad = 0;
	if (rc < 0)
		bad = err[0] == '\0';
	else if (rc == 1)
		bad = parsed_bad(&fm, text, len);
	else
		bad = fm.n != 0;
	frontmatter_free(&fm);
	return bad;
}

FUZZ_UTIL_ENTRY(fuzz_frontmatter_one)
