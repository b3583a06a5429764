/* config_lookup.c: lookups and derived values over a loaded config, and the name rules. */
#include "conf/config.h"

#include <bearssl_hash.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *config_trust_mode_name(enum trust_mode t)
{
	return t == TRUST_VERIFIED ? "verified" : "none";
}

const char *config_hook_event_name(enum hook_event e)
{
	return e == HOOK_AFTER_SEND ? "after_send" : "on_receive";
}

void config_hook_derive_name(const struct hook *h, char out[HOOK_DERIVED_LEN + 1])
{
	static const unsigned char sep = 0x1F;
	br_sha256_context ctx;
	unsigned char digest[br_sha256_SIZE];
	const char *event = config_hook_event_name(h->event);
	unsigned char fire = h->fire_on_untrusted ? 1 : 0;
	br_sha256_init(&ctx);
	br_sha256_update(&ctx, event, strlen(event));
	br_sha256_update(&ctx, &sep, 1);
	for (size_t k = 0; k < h->cmd.n; k++) {
		if (k)
			br_sha256_update(&ctx, &sep, 1);
		br_sha256_update(&ctx, h->cmd.v[k], strlen(h->cmd.v[k]));
	}
	br_sha256_update(&ctx, &sep, 1);
	br_sha256_update(&ctx, &fire, 1);
	br_sha256_out(&ctx, digest);
	for (int k = 0; k < HOOK_DERIVED_LEN / 2; k++)
		snprintf(out + 2 * k, 3, "%02x", digest[k]);
}

int config_hook_name_valid(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > HOOK_NAME_MAX)
		return 0;
	for (size_t k = 0; k < n; k++) {
		char c = name[k];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			 c == '_' || (k > 0 && (c == '.' || c == '-'));
		if (!ok)
			return 0;
	}
	return 1;
}

int config_owner_name_valid(const char *owner)
{
	if (strcmp(owner, "root") == 0 || strcmp(owner, "aimx-catchall") == 0)
		return 1;
	size_t n = strlen(owner);
	if (n == 0 || n > OWNER_NAME_MAX)
		return 0;
	if (!((owner[0] >= 'a' && owner[0] <= 'z') || owner[0] == '_'))
		return 0;
	for (size_t k = 1; k < n; k++) {
		char c = owner[k];
		int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
			 (c == '$' && k == n - 1);
		if (!ok)
			return 0;
	}
	return 1;
}

const char *config_mailbox_name_invalid(const char *name)
{
	size_t n = strlen(name);
	if (n == 0)
		return "mailbox name must not be empty";
	if (strcmp(name, "catchall") == 0 || strcmp(name, "aimx-catchall") == 0)
		return "mailbox name is reserved";
	if (strstr(name, ".."))
		return "mailbox name must not contain '..'";
	if (name[0] == '.' || name[n - 1] == '.')
		return "mailbox name must not start or end with '.'";
	for (size_t k = 0; k < n; k++) {
		char c = name[k];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return "mailbox name may contain only a-z, 0-9, '.', '_' and '-'";
	}
	return NULL;
}

struct mailbox *config_find_mailbox(const struct config *cfg, const char *name)
{
	for (size_t k = 0; k < cfg->nmailboxes; k++)
		if (strcmp(cfg->mailboxes[k].name, name) == 0)
			return &cfg->mailboxes[k];
	return NULL;
}

int config_mailbox_is_catchall(const struct config *cfg, const struct mailbox *mb)
{
	if (!cfg->domain || !mb->address || strncmp(mb->address, "*@", 2) != 0)
		return 0;
	return strcasecmp(mb->address + 2, cfg->domain) == 0;
}

enum trust_mode config_mailbox_trust(const struct config *cfg, const struct mailbox *mb)
{
	return mb->has_trust ? mb->trust : cfg->trust;
}

const struct strlist *config_mailbox_senders(const struct config *cfg, const struct mailbox *mb)
{
	return mb->has_trusted_senders ? &mb->trusted_senders : &cfg->trusted_senders;
}

size_t config_hook_count(const struct config *cfg)
{
	size_t n = 0;
	for (size_t k = 0; k < cfg->nmailboxes; k++)
		n += cfg->mailboxes[k].nhooks;
	return n;
}
