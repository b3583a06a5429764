/* frontmatter.c: writes the +++ TOML +++ header of stored messages (mail.md 2.7, 2.9). */
#include "store/frontmatter.h"

#include <string.h>

#include "conf/toml.h"

static int put_str(struct buf *b, const char *key, const char *value)
{
	if (buf_printf(b, "%s = ", key) < 0 || toml_write_string(b, value ? value : "") < 0)
		return -1;
	return buf_append_char(b, '\n');
}

static int put_opt(struct buf *b, const char *key, const char *value)
{
	return value && *value ? put_str(b, key, value) : 0;
}

static int put_list(struct buf *b, const char *key, const struct strlist *l);

static int put_attachment(struct buf *b, const struct fm_attachment *a)
{
	if (buf_append_str(b, "\n[[attachments]]\n") < 0 || put_str(b, "filename", a->filename) < 0 ||
	    put_str(b, "content_type", a->content_type) < 0 ||
	    buf_printf(b, "size = %zu\n", a->size) < 0)
		return -1;
	return put_str(b, "path", a->path);
}

static int put_identity(struct buf *b, const struct inbound_meta *m)
{
	if (put_str(b, "id", m->id) < 0 || put_str(b, "message_id", m->message_id) < 0 ||
	    put_str(b, "thread_id", m->thread_id) < 0 || put_str(b, "from", m->from) < 0 ||
	    put_str(b, "to", m->to) < 0 || put_opt(b, "cc", m->cc) < 0 ||
	    put_opt(b, "reply_to", m->reply_to) < 0 ||
	    put_str(b, "delivered_to", m->delivered_to) < 0 || put_str(b, "subject", m->subject) < 0)
		return -1;
	return 0;
}

static int put_reception(struct buf *b, const struct inbound_meta *m)
{
	if (put_str(b, "date", m->date) < 0 || put_str(b, "received_at", m->received_at) < 0 ||
	    put_opt(b, "received_from_ip", m->received_from_ip) < 0 ||
	    buf_printf(b, "size_bytes = %zu\n", m->size_bytes) < 0 ||
	    put_opt(b, "in_reply_to", m->in_reply_to) < 0 ||
	    put_opt(b, "references", m->references) < 0 || put_opt(b, "list_id", m->list_id) < 0 ||
	    put_opt(b, "auto_submitted", m->auto_submitted) < 0)
		return -1;
	return 0;
}

static int put_state(struct buf *b, const struct inbound_meta *m)
{
	if (put_str(b, "dkim", m->dkim) < 0 || put_str(b, "spf", m->spf) < 0 ||
	    put_str(b, "dmarc", m->dmarc) < 0 || put_str(b, "trusted", m->trusted) < 0 ||
	    put_str(b, "mailbox", m->mailbox) < 0 ||
	    buf_printf(b, "read = %s\n", m->read ? "true" : "false") < 0 ||
	    put_opt(b, "read_at", m->read_at) < 0)
		return -1;
	return put_list(b, "labels", m->labels);
}

int frontmatter_write_inbound(struct buf *out, const struct inbound_meta *m)
{
	if (buf_append_str(out, "+++\n") < 0 || put_identity(out, m) < 0 ||
	    put_reception(out, m) < 0 || put_state(out, m) < 0)
		return -1;
	for (size_t k = 0; k < m->nattachments; k++)
		if (put_attachment(out, &m->attachments[k]) < 0)
			return -1;
	return buf_append_str(out, "+++\n\n");
}

static int put_list(struct buf *b, const char *key, const struct strlist *l)
{
	if (!l || l->n == 0)
		return 0;
	if (buf_printf(b, "%s = [", key) < 0)
		return -1;
	for (size_t k = 0; k < l->n; k++)
		if ((k && buf_append_str(b, ", ") < 0) || toml_write_string(b, l->v[k]) < 0)
			return -1;
	return buf_append_str(b, "]\n");
}

static int put_outbound_identity(struct buf *b, const struct outbound_meta *m)
{
	if (put_str(b, "id", m->id) < 0 || put_str(b, "message_id", m->message_id) < 0 ||
	    put_str(b, "thread_id", m->thread_id) < 0 || put_str(b, "from", m->from) < 0 ||
	    put_str(b, "to", m->to) < 0 || put_opt(b, "cc", m->cc) < 0 ||
	    put_list(b, "bcc", m->bcc) < 0 || put_str(b, "delivered_to", m->delivered_to) < 0 ||
	    put_str(b, "subject", m->subject) < 0 || put_str(b, "date", m->date) < 0 ||
	    buf_printf(b, "size_bytes = %zu\n", m->size_bytes) < 0)
		return -1;
	return put_opt(b, "in_reply_to", m->in_reply_to) < 0 ||
			       put_opt(b, "references", m->references) < 0
		       ? -1
		       : 0;
}

int frontmatter_write_outbound(struct buf *out, const struct outbound_meta *m)
{
	if (buf_append_str(out, "+++\n") < 0 || put_outbound_identity(out, m) < 0 ||
	    buf_append_str(out, "dkim = \"pass\"\nspf = \"none\"\ndmarc = \"none\"\n"
				"trusted = \"none\"\n") < 0 ||
	    put_str(out, "mailbox", m->mailbox) < 0 ||
	    buf_append_str(out, "read = false\noutbound = true\n") < 0 ||
	    put_str(out, "outbound_format", m->format) < 0 ||
	    put_str(out, "delivery_status", m->delivery_status) < 0 ||
	    put_opt(out, "delivered_at", m->delivered_at) < 0 ||
	    put_opt(out, "delivery_details", m->delivery_details) < 0 ||
	    put_str(out, "tls", m->tls) < 0)
		return -1;
	for (size_t k = 0; k < m->nattachments; k++)
		if (put_attachment(out, &m->attachments[k]) < 0)
			return -1;
	return buf_append_str(out, "+++\n\n");
}

int frontmatter_append_body(struct buf *out, const char *body, size_t len)
{
	if (buf_append(out, body, len) < 0)
		return -1;
	return len && body[len - 1] == '\n' ? 0 : buf_append_char(out, '\n');
}
