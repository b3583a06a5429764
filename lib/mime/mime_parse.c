/* mime_parse.c: the MIME tree walk of a message: multipart splitting, body choice, attachments. */
#include "mime/mime.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/base64.h"

/* Where a part sits in the tree. */
struct part_ctx {
	int depth;                /* 0 for the message itself */
	size_t alt_group;         /* id of the outermost multipart/alternative around it, or 0 */
	const char *default_type; /* "text/plain", "message/rfc822" inside multipart/digest */
};

/* The unfolded header fields of a part that steer parsing; NULL when absent. */
struct part_head {
	char *content_type;
	char *disposition;
	char *encoding;
};

/* The text part chosen as body so far, still transfer-encoded. */
struct body_pick {
	int have;
	int html;
	size_t alt_group;
	const char *data;
	size_t len;
	char encoding[MIME_TOKEN_MAX];
	char *charset;
};

struct walker {
	struct mime_message *out;
	size_t headers_cap;
	size_t attachments_cap;
	size_t leaves; /* leaf parts examined, at most MIME_MAX_PARTS */
	size_t alt_groups;
	int stop; /* MIME_MAX_PARTS reached: nothing more is examined */
	struct body_pick body;
};

/* A boundary delimiter line (RFC 2046 5.1.1). */
struct delimiter {
	size_t at;   /* offset of its leading "--" */
	size_t next; /* first byte after the line */
	int close;   /* "--boundary--" */
};

static int walk_entity(struct walker *w, const char *p, size_t n, struct part_ctx ctx);

static size_t next_line(const char *s, size_t len, size_t p)
{
	const char *nl = memchr(s + p, '\n', len - p);
	return nl ? (size_t)(nl - s) + 1 : len;
}

/* The next delimiter line at or after `from` (a line start). Linear: the search resumes at
 * the line after each false match, so each byte is looked at a bounded number of times. */
static int delimiter_find(const char *s, size_t len, size_t from, const char *delim, size_t dlen,
                          struct delimiter *d)
{
	size_t at = from;
	while (at < len) {
		const char *q = memmem(s + at, len - at, delim, dlen);
		if (!q)
			return 0;
		size_t off = (size_t)(q - s), r = off + dlen;
		if (off == 0 || s[off - 1] == '\n') {
			d->at = off;
			d->close = r + 1 < len && s[r] == '-' && s[r + 1] == '-';
			while (!d->close && r < len && (s[r] == ' ' || s[r] == '\t'))
				r++;
			if (d->close || r == len || s[r] == '\n' ||
			    (s[r] == '\r' && (r + 1 == len || s[r + 1] == '\n'))) {
				d->next = next_line(s, len, r);
				return 1;
			}
		}
		at = next_line(s, len, off);
	}
	return 0;
}

/* End of a body part: the line break before the next delimiter belongs to the delimiter. */
static size_t part_end(const char *s, size_t start, size_t at)
{
	if (at > start && s[at - 1] == '\n')
		at--;
	if (at > start && s[at - 1] == '\r')
		at--;
	return at;
}

/* 7bit, 8bit, binary and anything unknown: the bytes are used as they are. */
static int transfer_identity(const char *encoding)
{
	return strcmp(encoding, "base64") != 0 && strcmp(encoding, "quoted-printable") != 0;
}

static int transfer_decode(const char *encoding, const char *in, size_t len, struct buf *out,
                           int *malformed)
{
	if (strcmp(encoding, "base64") == 0)
		return base64_decode(in, len, out, malformed);
	if (strcmp(encoding, "quoted-printable") == 0)
		return mime_qp_decode(in, len, 0, out);
	return buf_append(out, in, len);
}

/* Grows an array of `size`-byte items so that one more fits. */
static int array_room(void **items, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return 0;
	size_t cap2 = *cap ? *cap * 2 : 16;
	void *p = realloc(*items, cap2 * size);
	if (!p)
		return -1;
	*items = p;
	*cap = cap2;
	return 0;
}

static int header_keep(struct walker *w, const struct mime_field *f)
{
	struct mime_message *m = w->out;
	if (array_room((void **)&m->headers, m->nheaders, &w->headers_cap, sizeof(*m->headers)) < 0)
		return -1;
	struct mime_header *h = &m->headers[m->nheaders];
	h->name = strndup(f->name, f->name_len);
	h->value = mime_field_unfold(f->value, f->value_len);
	if (!h->name || !h->value) {
		free(h->name);
		free(h->value);
		return -1;
	}
	m->nheaders++;
	return 0;
}

static char **head_slot(struct part_head *h, const struct mime_field *f)
{
	static const char *const names[] = {"Content-Type", "Content-Disposition",
	                                    "Content-Transfer-Encoding"};
	char **slots[] = {&h->content_type, &h->disposition, &h->encoding};
	for (size_t k = 0; k < 3; k++)
		if (f->name_len == strlen(names[k]) &&
		    strncasecmp(f->name, names[k], f->name_len) == 0)
			return slots[k];
	return NULL;
}

/* Reads a part's header block; the message's own fields are kept in out->headers. */
static int head_read(struct walker *w, const char *p, size_t n, int top, struct part_head *h,
                     size_t *pos)
{
	struct mime_field f;
	size_t count = 0;
	while (mime_field_next(p, n, pos, &f)) {
		if (++count > MIME_MAX_HEADERS) {
			w->out->truncated = 1;
			continue;
		}
		if (top && header_keep(w, &f) < 0)
			return -1;
		char **slot = head_slot(h, &f);
		if (slot && !*slot && !(*slot = mime_field_unfold(f.value, f.value_len)))
			return -1;
	}
	return 0;
}

static void head_free(struct part_head *h)
{
	free(h->content_type);
	free(h->disposition);
	free(h->encoding);
}

/* A text/plain or text/html part that may be the body (mail.md 2.4): the first one wins,
 * except that within one multipart/alternative a text/plain beats a text/html. */
static int body_offer(struct walker *w, const struct part_head *h, int html, const char *enc,
                      const char *data, size_t len, size_t alt_group)
{
	struct body_pick *b = &w->body;
	if (b->have && !(b->alt_group && alt_group == b->alt_group && b->html && !html))
		return 0;
	char *charset = NULL;
	if (mime_param(h->content_type, "charset", 0, &charset) < 0)
		return -1;
	free(b->charset);
	b->have = 1;
	b->html = html;
	b->alt_group = alt_group;
	b->data = data;
	b->len = len;
	memcpy(b->encoding, enc, MIME_TOKEN_MAX);
	b->charset = charset;
	return 0;
}

/* Text attachments with a declared charset become UTF-8; undeclared ones stay as sent. */
static int attachment_text_utf8(const struct part_head *h, struct buf *data)
{
	char *charset = NULL;
	int rc = mime_param(h->content_type, "charset", 0, &charset);
	if (rc <= 0 || !charset[0]) {
		free(charset);
		return rc < 0 ? -1 : 0;
	}
	struct buf utf8 = BUF_INIT;
	rc = mime_charset_to_utf8(charset, data->data, data->len, &utf8);
	free(charset);
	if (rc == 0)
		rc = buf_reserve(&utf8, 0);
	if (rc < 0) {
		buf_free(&utf8);
		return -1;
	}
	buf_free(data);
	*data = utf8;
	return 0;
}

/* Appends an attachment; takes filename. A part without a valid Content-Type is stored as
 * application/octet-stream (message/rfc822 inside a digest). */
static int attachment_add(struct walker *w, const struct part_head *h, const char *type,
                          const char *enc, const char *data, size_t len, char *filename)
{
	struct mime_message *m = w->out;
	char declared[MIME_TYPE_MAX];
	mime_content_type(h->content_type, "", declared);
	if (!declared[0] && strcmp(type, "message/rfc822") != 0)
		type = "application/octet-stream";
	struct mime_attachment a = {filename, strdup(type), BUF_INIT};
	int rc = a.content_type ? transfer_decode(enc, data, len, &a.data, &m->malformed) : -1;
	if (rc == 0 && strncmp(type, "text/", 5) == 0)
		rc = attachment_text_utf8(h, &a.data);
	if (rc == 0)
		rc = array_room((void **)&m->attachments, m->nattachments, &w->attachments_cap,
		                sizeof(*m->attachments));
	if (rc < 0) {
		free(a.filename);
		free(a.content_type);
		buf_free(&a.data);
		return -1;
	}
	m->attachments[m->nattachments++] = a;
	return 0;
}

/* The sender's file name: Content-Disposition filename, else Content-Type name. */
static int leaf_filename(const struct part_head *h, char **name)
{
	int rc = mime_param(h->disposition, "filename", 1, name);
	if (rc == 0)
		rc = mime_param(h->content_type, "name", 1, name);
	if (rc > 0 && !(*name)[0]) {
		free(*name);
		*name = NULL;
	}
	return rc < 0 ? -1 : 0;
}

/* A leaf part: a body candidate or an attachment (mail.md 2.5). */
static int leaf_take(struct walker *w, const struct part_head *h, const char *type,
                     const char *data, size_t len, struct part_ctx ctx)
{
	if (w->leaves == MIME_MAX_PARTS) {
		w->out->truncated = 1;
		w->stop = 1;
		return 0;
	}
	w->leaves++;
	char disposition[MIME_TOKEN_MAX], enc[MIME_TOKEN_MAX];
	mime_token(h->disposition, disposition);
	mime_token(h->encoding, enc);
	char *filename = NULL;
	if (leaf_filename(h, &filename) < 0)
		return -1;
	int attached = disposition[0] && strcmp(disposition, "inline") != 0;
	int html = strcmp(type, "text/html") == 0;
	if (!attached && (html || strcmp(type, "text/plain") == 0) &&
	    (ctx.alt_group || !filename)) {
		free(filename);
		return body_offer(w, h, html, enc, data, len, ctx.alt_group);
	}
	return attachment_add(w, h, type, enc, data, len, filename);
}

/* Walks the body parts between the delimiters; 1 when there is no delimiter at all. */
static int parts_walk(struct walker *w, const char *s, size_t len, const char *boundary,
                      struct part_ctx child)
{
	size_t dlen = strlen(boundary) + 2;
	char *delim = malloc(dlen + 1);
	if (!delim)
		return -1;
	snprintf(delim, dlen + 1, "--%s", boundary);
	struct delimiter d, next;
	int rc = delimiter_find(s, len, 0, delim, dlen, &d) ? 0 : 1;
	while (rc == 0 && !d.close && !w->stop) {
		int more = delimiter_find(s, len, d.next, delim, dlen, &next);
		size_t end = more ? part_end(s, d.next, next.at) : len;
		w->out->malformed |= !more;
		rc = walk_entity(w, s + d.next, end - d.next, child);
		if (!more)
			break;
		d = next;
	}
	free(delim);
	return rc;
}

static int multipart_walk(struct walker *w, const struct part_head *h, const char *type,
                          const char *s, size_t len, struct part_ctx ctx)
{
	if (ctx.depth >= MIME_MAX_DEPTH) {
		w->out->truncated = 1;
		return leaf_take(w, h, type, s, len, ctx);
	}
	struct part_ctx child = {ctx.depth + 1, ctx.alt_group, "text/plain"};
	if (!child.alt_group && strcmp(type, "multipart/alternative") == 0)
		child.alt_group = ++w->alt_groups;
	if (strcmp(type, "multipart/digest") == 0)
		child.default_type = "message/rfc822";
	char *boundary = NULL;
	int rc = mime_param(h->content_type, "boundary", 0, &boundary);
	if (rc > 0)
		rc = boundary[0] ? parts_walk(w, s, len, boundary, child) : 1;
	else if (rc == 0)
		rc = 1;
	free(boundary);
	if (rc != 1)
		return rc;
	w->out->malformed = 1;
	return leaf_take(w, h, "text/plain", s, len, ctx);
}

static int walk_entity(struct walker *w, const char *p, size_t n, struct part_ctx ctx)
{
	struct part_head h = {NULL, NULL, NULL};
	size_t pos = 0;
	int rc = head_read(w, p, n, ctx.depth == 0, &h, &pos);
	if (rc == 0) {
		char type[MIME_TYPE_MAX];
		mime_content_type(h.content_type, ctx.default_type, type);
		if (strncmp(type, "multipart/", 10) == 0)
			rc = multipart_walk(w, &h, type, p + pos, n - pos, ctx);
		else
			rc = leaf_take(w, &h, type, p + pos, n - pos, ctx);
	}
	head_free(&h);
	return rc;
}

/* NUL bytes cannot live in the C-string body: each becomes U+FFFD. */
static int nul_replace(struct buf *b)
{
	if (!b->len || !memchr(b->data, '\0', b->len))
		return 0;
	struct buf o = BUF_INIT;
	for (size_t k = 0; k < b->len; k++)
		if ((b->data[k] ? buf_append_char(&o, b->data[k])
		                : buf_append(&o, "\xEF\xBF\xBD", 3)) < 0) {
			buf_free(&o);
			return -1;
		}
	buf_free(b);
	*b = o;
	return 0;
}

/* Decodes the chosen body part to UTF-8 text (through mime_html_to_text for HTML). */
static int body_finish(struct walker *w)
{
	struct body_pick *b = &w->body;
	struct buf raw = BUF_INIT, text = BUF_INIT, md = BUF_INIT;
	struct buf *result = &text;
	int rc = 0;
	if (b->have) {
		const char *in = b->data;
		size_t n = b->len;
		if (!transfer_identity(b->encoding)) {
			rc = transfer_decode(b->encoding, b->data, b->len, &raw, &w->out->malformed);
			in = raw.data;
			n = raw.len;
		}
		if (rc == 0)
			rc = mime_charset_to_utf8(b->charset, in, n, &text);
		if (rc == 0 && b->html) {
			rc = mime_html_to_text(text.data, text.len, &md);
			result = &md;
		}
		w->out->body_from_html = b->html;
	}
	if (rc == 0 && nul_replace(result) == 0) {
		w->out->body_cap = result->cap;
		w->out->body = buf_steal(result);
	}
	buf_free(&raw);
	buf_free(&text);
	buf_free(&md);
	return w->out->body ? 0 : -1;
}

/* An mbox "From sender date" line before the header (not a "From:" field) is skipped. */
static size_t mbox_line_len(const char *raw, size_t len)
{
	if (len < 5 || memcmp(raw, "From ", 5) != 0)
		return 0;
	size_t k = 5;
	while (k < len && (raw[k] == ' ' || raw[k] == '\t'))
		k++;
	return k < len && raw[k] == ':' ? 0 : next_line(raw, len, 0);
}

int mime_parse(const char *raw, size_t len, struct mime_message *out)
{
	memset(out, 0, sizeof(*out));
	if (!raw)
		raw = "";
	size_t skip = mbox_line_len(raw, len);
	struct walker w = {.out = out};
	struct part_ctx top = {0, 0, "text/plain"};
	int rc = walk_entity(&w, raw + skip, len - skip, top);
	if (rc == 0)
		rc = body_finish(&w);
	free(w.body.charset);
	if (rc < 0) {
		mime_message_free(out);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void mime_message_free(struct mime_message *m)
{
	for (size_t k = 0; k < m->nheaders; k++) {
		free(m->headers[k].name);
		free(m->headers[k].value);
	}
	for (size_t k = 0; k < m->nattachments; k++) {
		free(m->attachments[k].filename);
		free(m->attachments[k].content_type);
		buf_free(&m->attachments[k].data);
	}
	free(m->headers);
	free(m->attachments);
	struct buf body = {m->body, 0, m->body_cap, 0}; /* to the buffer cache, if it is on */
	buf_free(&body);
	memset(m, 0, sizeof(*m));
}
