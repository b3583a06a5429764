/* dkim_headers.c: a message's header fields as spans, and the header hash input of RFC 6376 3.7. */
#include "dkim/dkim.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mime/mime.h"

#define DKIM_FIELDS_INITIAL 64

int dkim_message_index(const char *msg, size_t len, struct dkim_message *m)
{
	size_t cap = DKIM_FIELDS_INITIAL, pos = 0;
	struct mime_field f;
	m->n = 0;
	m->f = malloc(cap * sizeof(*m->f));
	if (!m->f)
		return -1;
	for (size_t start = 0; mime_field_next(msg, len, &pos, &f) == 1; start = pos) {
		if (m->n == cap) {
			struct dkim_field *grown = realloc(m->f, 2 * cap * sizeof(*m->f));
			if (!grown) {
				dkim_message_free(m);
				return -1;
			}
			m->f = grown;
			cap *= 2;
		}
		m->f[m->n++] = (struct dkim_field){msg + start, pos - start, f.name_len};
	}
	m->body = msg + pos;
	m->body_len = len - pos;
	return 0;
}

void dkim_message_free(struct dkim_message *m)
{
	free(m->f);
	m->f = NULL;
	m->n = 0;
}

int dkim_field_is(const struct dkim_field *f, const char *name, size_t len)
{
	return f->name_len == len && strncasecmp(f->start, name, len) == 0;
}

static int canon(const char *field, size_t len, int relaxed, struct buf *out)
{
	return relaxed ? dkim_canon_header_relaxed(field, len, out)
		       : dkim_canon_header_simple(field, len, out);
}

int dkim_header_input(const struct dkim_message *m, const char *h, int relaxed,
		      const char *sig_field, size_t sig_len, struct buf *out)
{
	unsigned char *used = calloc(m->n ? m->n : 1, 1);
	if (!used)
		return -1;
	int rc = 0;
	for (const char *p = h; rc == 0 && *p;) {
		while (*p == ':' || isspace((unsigned char)*p))
			p++;
		size_t n = strcspn(p, ": \t\r\n");
		for (size_t k = m->n; n && k-- > 0;) {
			if (!used[k] && dkim_field_is(&m->f[k], p, n)) {
				used[k] = 1;
				rc = canon(m->f[k].start, m->f[k].len, relaxed, out);
				break;
			}
		}
		p += n;
	}
	free(used);
	if (rc == 0)
		rc = canon(sig_field, sig_len, relaxed, out);
	if (rc == 0 && out->len >= 2)
		out->len -= 2;
	return rc;
}
