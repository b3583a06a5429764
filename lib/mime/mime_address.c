/* mime_address.c: RFC 5322 address lists (mailboxes, groups, comments, encoded words), garbage-proof. */
#include "mime/mime.h"

#include <stdlib.h>
#include <string.h>

struct addr_parser {
	struct mime_address *list;
	size_t n, cap;
	struct buf phrase; /* display name: comments out, quotes off, blank runs as one ' ' */
	struct buf spec;   /* the same words as an addr-spec: no blanks, quoted strings kept */
	struct buf angle;  /* what <...> held */
	struct buf group;  /* the current group's name */
	int blank;         /* blank or comment since the last phrase word */
	int has_angle;
	int in_group;
	size_t group_members;
	int rc;
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* p at '(': past the (nested) comment. */
const char *mime_comment_skip(const char *p)
{
	int depth = 0;
	for (; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return p + 1;
	}
	return p;
}

/* p at `open`: past the matching `close`; the text between, unescaped, goes to text (may be
 * NULL); the whole raw span to raw (may be NULL). */
static const char *span_read(const char *p, char close, struct buf *text, struct buf *raw, int *rc)
{
	const char *start = p;
	for (p++; *p && *p != close; p++) {
		if (*p == '\\' && p[1])
			p++;
		if (text && buf_append_char(text, *p) < 0)
			*rc = -1;
	}
	if (*p == close)
		p++;
	if (raw && buf_append(raw, start, (size_t)(p - start)) < 0)
		*rc = -1;
	return p;
}

/* Adds a word to the display name, after one space when blanks separated it. */
static void phrase_word(struct addr_parser *ap)
{
	if (ap->blank && ap->phrase.len && buf_append_char(&ap->phrase, ' ') < 0)
		ap->rc = -1;
	ap->blank = 0;
}

/* p at '<': the addr-spec inside, blanks and comments dropped, an obsolete route removed. */
static const char *angle_read(struct addr_parser *ap, const char *p)
{
	buf_reset(&ap->angle);
	for (p++; *p && *p != '>';) {
		if (*p == '(')
			p = mime_comment_skip(p);
		else if (*p == '"' || *p == '[')
			p = span_read(p, *p == '"' ? '"' : ']', NULL, &ap->angle, &ap->rc);
		else if (is_blank(*p))
			p++;
		else if (buf_append_char(&ap->angle, *p++) < 0)
			ap->rc = -1;
	}
	char *colon =
	    ap->angle.data && ap->angle.data[0] == '@' ? strchr(ap->angle.data, ':') : NULL;
	if (colon) {
		size_t rest = ap->angle.len - (size_t)(colon + 1 - ap->angle.data);
		memmove(ap->angle.data, colon + 1, rest + 1);
		ap->angle.len = rest;
	}
	ap->has_angle = 1;
	ap->blank = 1;
	return *p ? p + 1 : p;
}

/* A copy of the display name decoded to UTF-8, NULL when empty (*rc -1 on ENOMEM). */
static char *name_make(struct buf *phrase, int *rc)
{
	while (phrase->len && phrase->data[phrase->len - 1] == ' ')
		phrase->data[--phrase->len] = '\0';
	if (!phrase->len)
		return NULL;
	char *name = mime_decode_header(phrase->data);
	if (!name)
		*rc = -1;
	return name;
}

static int entry_add(struct addr_parser *ap, char *name, const char *addr, size_t len)
{
	struct buf a = BUF_INIT;
	if (ap->n == MIME_MAX_ADDRESSES) {
		free(name);
		return 0;
	}
	if (ap->n == ap->cap) {
		size_t cap = ap->cap ? ap->cap * 2 : 4;
		struct mime_address *l = realloc(ap->list, cap * sizeof(*l));
		if (!l) {
			free(name);
			return -1;
		}
		ap->list = l;
		ap->cap = cap;
	}
	if (buf_reserve(&a, 0) < 0 || mime_charset_to_utf8(NULL, addr, len, &a) < 0) {
		free(name);
		buf_free(&a);
		return -1;
	}
	ap->list[ap->n].name = name;
	ap->list[ap->n++].addr = buf_steal(&a);
	return 0;
}

/* End of one mailbox (',' or ';' or the end): "name <addr>", or a bare addr-spec. */
static void mailbox_end(struct addr_parser *ap)
{
	if (ap->has_angle) {
		char *name = name_make(&ap->phrase, &ap->rc);
		if (ap->rc == 0 &&
		    entry_add(ap, name, ap->angle.data ? ap->angle.data : "", ap->angle.len) < 0)
			ap->rc = -1;
		ap->group_members++;
	} else if (ap->spec.len) {
		if (entry_add(ap, NULL, ap->spec.data, ap->spec.len) < 0)
			ap->rc = -1;
		ap->group_members++;
	}
	buf_reset(&ap->phrase);
	buf_reset(&ap->spec);
	ap->has_angle = 0;
	ap->blank = 0;
}

static void group_start(struct addr_parser *ap)
{
	buf_reset(&ap->group);
	if (buf_append(&ap->group, ap->phrase.data ? ap->phrase.data : "", ap->phrase.len) < 0)
		ap->rc = -1;
	buf_reset(&ap->phrase);
	buf_reset(&ap->spec);
	ap->blank = 0;
	ap->in_group = 1;
	ap->group_members = 0;
}

/* A group without members is kept as its name with an empty address. */
static void group_end(struct addr_parser *ap)
{
	mailbox_end(ap);
	if (ap->rc == 0 && !ap->group_members) {
		char *name = name_make(&ap->group, &ap->rc);
		if (ap->rc == 0 && name && entry_add(ap, name, "", 0) < 0)
			ap->rc = -1;
	}
	ap->in_group = 0;
}

static const char *token_take(struct addr_parser *ap, const char *p)
{
	if (*p == '"' || *p == '[') {
		phrase_word(ap);
		return span_read(p, *p == '"' ? '"' : ']', *p == '"' ? &ap->phrase : NULL,
		                 &ap->spec, &ap->rc);
	}
	if (*p == '(' || is_blank(*p)) {
		ap->blank = 1;
		return *p == '(' ? mime_comment_skip(p) : p + 1;
	}
	if (*p == '<')
		return angle_read(ap, p);
	if (*p == ',' || (*p == ';' && ap->in_group)) {
		if (*p == ',')
			mailbox_end(ap);
		else
			group_end(ap);
	} else if (*p == ':' && !ap->in_group && !ap->has_angle) {
		group_start(ap);
	} else {
		phrase_word(ap);
		if (buf_append_char(&ap->phrase, *p) < 0 || buf_append_char(&ap->spec, *p) < 0)
			ap->rc = -1;
	}
	return p + 1;
}

int mime_parse_addresses(const char *value, struct mime_address **out, size_t *n)
{
	struct addr_parser ap = {.rc = 0};
	for (const char *p = value ? value : ""; *p && ap.rc == 0;)
		p = token_take(&ap, p);
	if (ap.rc == 0 && ap.in_group)
		group_end(&ap);
	else if (ap.rc == 0)
		mailbox_end(&ap);
	buf_free(&ap.phrase);
	buf_free(&ap.spec);
	buf_free(&ap.angle);
	buf_free(&ap.group);
	if (ap.rc < 0) {
		mime_addresses_free(ap.list, ap.n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	*out = ap.list;
	*n = ap.n;
	return 0;
}

void mime_addresses_free(struct mime_address *list, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		free(list[k].name);
		free(list[k].addr);
	}
	free(list);
}

char *mime_address_format(const struct mime_address *a)
{
	struct buf b = BUF_INIT;
	int rc;
	if (a->name && a->name[0] && a->addr[0])
		rc = buf_printf(&b, "%s <%s>", a->name, a->addr);
	else
		rc = buf_append_str(&b, a->name && a->name[0] ? a->name : a->addr);
	char *s = rc == 0 ? buf_steal(&b) : NULL;
	buf_free(&b);
	return s;
}
