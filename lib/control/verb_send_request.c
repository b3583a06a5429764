/* verb_send_request.c: SEND's header scan, sender and mailbox resolution, recipients, Message-ID. */
#include "control/verb_send_request.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mime/mime.h"
#include "crypto/uuid.h"

void verb_send_request_free(struct verb_send_request *s)
{
	free(s->from);
	free(s->to);
	free(s->cc);
	free(s->bcc);
	free(s->subject);
	free(s->message_id);
	strlist_free(&s->rcpts);
	strlist_free(&s->bcc_addrs);
	buf_free(&s->msg);
	memset(s, 0, sizeof(*s));
}

static void trim_copy(const char *p, size_t n, char out[VERB_SEND_ADDR_MAX])
{
	while (n && isspace((unsigned char)*p)) {
		p++;
		n--;
	}
	while (n && isspace((unsigned char)p[n - 1]))
		n--;
	snprintf(out, VERB_SEND_ADDR_MAX, "%.*s", (int)(n < VERB_SEND_ADDR_MAX ? n : VERB_SEND_ADDR_MAX - 1), p);
}

void verb_send_request_address(const char *value, char out[VERB_SEND_ADDR_MAX])
{
	size_t first = strcspn(value, ",");
	const char *open = NULL;
	for (const char *p = value; p < value + first; p++)
		if (*p == '<')
			open = p;
	if (!open) {
		trim_copy(value, first, out);
		return;
	}
	const char *close = memchr(open, '>', (size_t)(value + first - open));
	size_t n = close ? (size_t)(close - open - 1) : (size_t)(value + first - open - 1);
	trim_copy(open + 1, n, out);
}

/* The sender: the first address of From parsed as RFC 5322 (a quoted display name may hold
 * commas), else the protocol's first-comma-item rule. */
static void sender_address(const char *value, char out[VERB_SEND_ADDR_MAX])
{
	struct mime_address *list = NULL;
	size_t n = 0;
	out[0] = '\0';
	if (mime_parse_addresses(value, &list, &n) == 0 && n && strchr(list[0].addr, '@'))
		snprintf(out, VERB_SEND_ADDR_MAX, "%s", list[0].addr);
	mime_addresses_free(list, n);
	if (!out[0])
		verb_send_request_address(value, out);
}

/* First occurrence of each header we need, unfolded and trimmed. */
static int scan_headers(const char *msg, size_t len, struct verb_send_request *s)
{
	static const char *const names[] = {"From", "To", "Cc", "Bcc", "Subject", "Message-ID"};
	char **slots[] = {&s->from, &s->to, &s->cc, &s->bcc, &s->subject, &s->message_id};
	size_t pos = 0;
	struct mime_field f;
	while (mime_field_next(msg, len, &pos, &f) == 1)
		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (!*slots[k] && f.name_len == strlen(names[k]) &&
			    strncasecmp(f.name, names[k], f.name_len) == 0 &&
			    !(*slots[k] = mime_field_unfold(f.value, f.value_len)))
				return -1;
	return 0;
}

static const struct mailbox *sending_mailbox(const struct config *cfg, const char *addr)
{
	for (size_t k = 0; k < cfg->nmailboxes; k++) {
		const struct mailbox *mb = &cfg->mailboxes[k];
		if (mb->address[0] != '*' && strcasecmp(mb->address, addr) == 0)
			return mb;
	}
	size_t local = (size_t)(strrchr(addr, '@') - addr);
	for (size_t k = 0; k < cfg->nmailboxes; k++) {
		const struct mailbox *mb = &cfg->mailboxes[k];
		if (mb->address[0] != '*' && strlen(mb->name) == local &&
		    strncmp(mb->name, addr, local) == 0)
			return mb;
	}
	return NULL;
}

/* Adds the addresses of one header value (To, Cc or Bcc), skipping duplicates. */
static int add_rcpts(const char *value, struct strlist *all, struct strlist *also)
{
	struct mime_address *list = NULL;
	size_t n = 0;
	if (!value)
		return 0;
	if (mime_parse_addresses(value, &list, &n) < 0)
		return -1;
	int rc = 0;
	for (size_t k = 0; k < n && rc == 0; k++) {
		if (!strchr(list[k].addr, '@'))
			continue;
		int seen = 0;
		for (size_t j = 0; j < all->n; j++)
			seen |= strcasecmp(all->v[j], list[k].addr) == 0;
		if (!seen)
			rc = strlist_push(all, list[k].addr);
		if (rc == 0 && also)
			rc = strlist_push(also, list[k].addr);
	}
	mime_addresses_free(list, n);
	return rc;
}

static int ensure_message_id(const char *domain, const char *msg, size_t len,
			     struct verb_send_request *s)
{
	if (s->message_id && *s->message_id)
		return buf_append(&s->msg, msg, len);
	char uuid[UUID_TEXT_LEN + 1];
	if (uuid_v4(uuid) < 0)
		return -1;
	free(s->message_id);
	size_t n = strlen(uuid) + strlen(domain) + 4;
	s->message_id = malloc(n);
	if (!s->message_id)
		return -1;
	snprintf(s->message_id, n, "<%s@%s>", uuid, domain);
	if (buf_printf(&s->msg, "Message-ID: %s\r\n", s->message_id) < 0)
		return -1;
	return buf_append(&s->msg, msg, len);
}

int verb_send_request_check(const struct config *cfg, uid_t caller, const char *msg, size_t len,
		       struct verb_send_request *s, struct ops_result *r)
{
	memset(s, 0, sizeof(*s));
	if (scan_headers(msg, len, s) < 0)
		return ops_fail(r, "IO", "out of memory");
	if (!s->from)
		return ops_fail(r, "MALFORMED", "missing required header: From");
	sender_address(s->from, s->from_addr);
	const char *at = strrchr(s->from_addr, '@');
	if (!at)
		return ops_fail(r, "MALFORMED", "could not extract sender address from From: %s",
			       s->from);
	if (strcasecmp(at + 1, cfg->domain) != 0)
		return ops_fail(r, "DOMAIN", "sender domain '%s' does not match aimx domain '%s'",
			       at + 1, cfg->domain);
	if (!(s->mailbox = sending_mailbox(cfg, s->from_addr)))
		return ops_fail(r, "MAILBOX",
			       "no mailbox matches From: %s (run `aimx mailboxes create <name>` to "
			       "register one; catchall is inbound-only)", s->from_addr);
	if (!ops_caller_owns(s->mailbox, caller))
		return ops_fail(r, "EACCES", "not authorized");
	if (!s->to)
		return ops_fail(r, "MALFORMED", "missing required header: To");
	if (add_rcpts(s->to, &s->rcpts, NULL) < 0 || add_rcpts(s->cc, &s->rcpts, NULL) < 0 ||
	    add_rcpts(s->bcc, &s->rcpts, &s->bcc_addrs) < 0)
		return ops_fail(r, "IO", "out of memory");
	if (s->rcpts.n == 0)
		return ops_fail(r, "MALFORMED", "could not extract recipient address from To: %s",
			       s->to);
	if (ensure_message_id(cfg->domain, msg, len, s) < 0)
		return ops_fail(r, "IO", "out of memory");
	return 0;
}
