/* mime_header.c: header fields of a message or body part: splitting, unfolding, lookup. */
#include "mime/mime.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* End of the line starting at p (offset of its '\n', or len). */
static size_t line_end(const char *raw, size_t len, size_t p)
{
	const char *nl = memchr(raw + p, '\n', len - p);
	return nl ? (size_t)(nl - raw) : len;
}

/* Line content end: before a CR that precedes the line break. */
static size_t content_end(const char *raw, size_t p, size_t eol)
{
	return eol > p && raw[eol - 1] == '\r' ? eol - 1 : eol;
}

/* Length of "name" + optional blanks + ":" at raw[p..end), 0 when the line is no field. */
static size_t field_name_len(const char *raw, size_t p, size_t end, size_t *name_len)
{
	size_t q = p;
	while (q < end && (unsigned char)raw[q] > 32 && (unsigned char)raw[q] < 127 &&
	       raw[q] != ':')
		q++;
	*name_len = q - p;
	while (q < end && (raw[q] == ' ' || raw[q] == '\t'))
		q++;
	return *name_len && q < end && raw[q] == ':' ? q + 1 - p : 0;
}

int mime_field_next(const char *raw, size_t len, size_t *pos, struct mime_field *f)
{
	size_t p = *pos;
	if (p >= len)
		return 0;
	size_t eol = line_end(raw, len, p);
	size_t end = content_end(raw, p, eol);
	if (end == p) {
		*pos = eol < len ? eol + 1 : len;
		return 0;
	}
	size_t head = field_name_len(raw, p, end, &f->name_len);
	if (!head)
		return 0;
	f->name = raw + p;
	f->value = raw + p + head;
	while (eol < len && eol + 1 < len && (raw[eol + 1] == ' ' || raw[eol + 1] == '\t')) {
		size_t next = eol + 1;
		eol = line_end(raw, len, next);
		end = content_end(raw, next, eol);
	}
	f->value_len = (size_t)(raw + end - f->value);
	*pos = eol < len ? eol + 1 : len;
	return 1;
}

char *mime_field_unfold(const char *value, size_t len)
{
	char *s = malloc(len + 1);
	if (!s)
		return NULL;
	size_t n = 0;
	for (size_t k = 0; k < len; k++) {
		char c = value[k];
		if (c == '\n' || c == '\0' || (c == '\r' && k + 1 < len && value[k + 1] == '\n'))
			continue;
		if (n == 0 && (c == ' ' || c == '\t'))
			continue;
		s[n++] = c;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	s[n] = '\0';
	return s;
}

const char *mime_header_get(const struct mime_message *m, const char *name)
{
	for (size_t k = 0; k < m->nheaders; k++)
		if (strcasecmp(m->headers[k].name, name) == 0)
			return m->headers[k].value;
	return NULL;
}
