/* inbound_fields.c: from/to/cc/subject/date/ids of an inbound message, as the frontmatter stores
 * them. */
#include "store/inbound_fields.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"

/* Addresses of a header formatted and joined with ", "; `first_only` keeps the first. */
static int addresses(const struct mime_message *m, const char *name, int first_only, char **out)
{
	const char *value = mime_header_get(m, name);
	struct mime_address *list = NULL;
	size_t n = 0;
	*out = NULL;
	if (value && mime_parse_addresses(value, &list, &n) < 0)
		return -1;
	struct buf b = BUF_INIT;
	int rc = 0;
	for (size_t k = 0; k < n && rc == 0 && !(first_only && k); k++) {
		char *one = mime_address_format(&list[k]);
		rc = !one || (k && buf_append_str(&b, ", ") < 0) || buf_append_str(&b, one) < 0 ? -1
		                                                                                : 0;
		free(one);
	}
	mime_addresses_free(list, n);
	if (rc == 0 && b.len)
		*out = buf_steal(&b);
	buf_free(&b);
	return rc;
}

static char *trimmed_copy(const char *value)
{
	if (!value)
		return NULL;
	while (*value == ' ' || *value == '\t')
		value++;
	size_t n = strlen(value);
	while (n && (value[n - 1] == ' ' || value[n - 1] == '\t' || value[n - 1] == '\r'))
		n--;
	return strndup(value, n);
}

static char *join_ids(const struct strlist *ids, size_t from)
{
	struct buf b = BUF_INIT;
	for (size_t k = from; k < ids->n; k++)
		if ((k > from && buf_append_char(&b, ' ') < 0) ||
		    buf_append_str(&b, ids->v[k]) < 0) {
			buf_free(&b);
			return NULL;
		}
	return buf_steal(&b);
}

/* message_id, in_reply_to, references and the thread id. */
static int ids(const struct mime_message *m, struct inbound_fields *f)
{
	struct strlist own = {0}, irt = {0}, refs = {0};
	int rc = msgid_list(mime_header_get(m, "Message-ID"), &own) |
	         msgid_list(mime_header_get(m, "In-Reply-To"), &irt) |
	         msgid_list(mime_header_get(m, "References"), &refs);
	if (rc == 0) {
		f->message_id = own.n ? strdup(own.v[0]) : strdup("");
		f->in_reply_to = irt.n ? strdup(irt.v[irt.n - 1]) : NULL;
		f->references = refs.n ? join_ids(&refs, 0) : NULL;
		rc = !f->message_id || (irt.n && !f->in_reply_to) || (refs.n && !f->references) ? -1
		                                                                                : 0;
		msgid_thread_id(refs.n ? refs.v[0] : NULL, f->in_reply_to, f->message_id,
		                f->thread_id);
	}
	strlist_free(&own);
	strlist_free(&irt);
	strlist_free(&refs);
	return rc;
}

static int subject_and_date(const struct mime_message *m, const char *received_at,
                            struct inbound_fields *f)
{
	const char *subject = mime_header_get(m, "Subject");
	f->subject = subject ? mime_decode_header(subject) : strdup("(no subject)");
	char date[40];
	const char *d = mime_header_get(m, "Date");
	f->date = strdup(d && mime_date_to_rfc3339(d, date) == 0 ? date : received_at);
	return f->subject && f->date ? 0 : -1;
}

/* *s made valid UTF-8 in place (invalid bytes become U+FFFD): raw 8-bit header bytes must not
 * reach the frontmatter, which readers refuse when it is not UTF-8. */
static int valid_utf8(char **s)
{
	struct buf b = BUF_INIT;
	if (!*s || utf8_valid(*s, strlen(*s)))
		return 0;
	if (mime_charset_to_utf8(NULL, *s, strlen(*s), &b) < 0 || !b.data) {
		buf_free(&b);
		return -1;
	}
	free(*s);
	*s = buf_steal(&b);
	return 0;
}

static int all_valid_utf8(struct inbound_fields *f)
{
	char **fields[] = {
	    &f->from,          &f->to,         &f->cc,          &f->reply_to,   &f->subject,
	    &f->date,          &f->message_id, &f->in_reply_to, &f->references, &f->list_id,
	    &f->auto_submitted};
	int rc = 0;
	for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++)
		rc |= valid_utf8(fields[k]);
	return rc;
}

int inbound_fields_extract(const struct mime_message *m, const char *received_at,
                           struct inbound_fields *f)
{
	memset(f, 0, sizeof(*f));
	int rc = addresses(m, "From", 1, &f->from) | addresses(m, "To", 1, &f->to) |
	         addresses(m, "Cc", 0, &f->cc) | addresses(m, "Reply-To", 0, &f->reply_to);
	if (rc == 0 && !f->from)
		f->from = strdup("");
	if (rc == 0 && !f->to)
		f->to = strdup("");
	f->list_id = trimmed_copy(mime_header_get(m, "List-Id"));
	f->auto_submitted = trimmed_copy(mime_header_get(m, "Auto-Submitted"));
	if (rc < 0 || !f->from || !f->to || ids(m, f) < 0 ||
	    subject_and_date(m, received_at, f) < 0 || all_valid_utf8(f) < 0) {
		inbound_fields_free(f);
		return -1;
	}
	return 0;
}

void inbound_fields_free(struct inbound_fields *f)
{
	free(f->from);
	free(f->to);
	free(f->cc);
	free(f->reply_to);
	free(f->subject);
	free(f->date);
	free(f->message_id);
	free(f->in_reply_to);
	free(f->references);
	free(f->list_id);
	free(f->auto_submitted);
	memset(f, 0, sizeof(*f));
}
