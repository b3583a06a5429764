/* msgid.c: parsing Message-ID style headers and hashing the thread root. */
#include "mime/msgid.h"

#include <bearssl_hash.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int push_trimmed(struct strlist *out, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	if (n == 0)
		return 0;
	char *copy = strndup(s, n);
	int rc = copy ? strlist_push(out, copy) : -1;
	free(copy);
	return rc;
}

int msgid_list(const char *value, struct strlist *out)
{
	if (!value)
		return 0;
	size_t before = out->n;
	for (const char *p = value; (p = strchr(p, '<'));) {
		const char *end = strchr(p + 1, '>');
		if (!end)
			break;
		if (push_trimmed(out, p + 1, (size_t)(end - p - 1)) < 0)
			return -1;
		p = end + 1;
	}
	if (out->n == before && !strchr(value, '<'))
		return push_trimmed(out, value, strlen(value));
	return 0;
}

void msgid_thread_id(const char *references_root, const char *in_reply_to,
		       const char *message_id, char out[THREAD_ID_LEN + 1])
{
	const char *root = references_root && *references_root ? references_root
			   : in_reply_to && *in_reply_to       ? in_reply_to
			   : message_id ? message_id : "";
	br_sha256_context ctx;
	unsigned char digest[br_sha256_SIZE];
	br_sha256_init(&ctx);
	br_sha256_update(&ctx, root, strlen(root));
	br_sha256_out(&ctx, digest);
	for (int k = 0; k < THREAD_ID_LEN / 2; k++)
		snprintf(out + 2 * k, 3, "%02x", digest[k]);
}
