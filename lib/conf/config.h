/* config.h: the config.toml model, its loader and validator, and its canonical atomic writer. */
#ifndef AIMX_CONFIG_H
#define AIMX_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/strlist.h"
#include "conf/config_limits.h"

enum trust_mode { TRUST_NONE = 0, TRUST_VERIFIED = 1 };
enum hook_event { HOOK_ON_RECEIVE = 0, HOOK_AFTER_SEND = 1 };

#define HOOK_NAME_MAX        128
#define HOOK_DERIVED_LEN     12
#define HOOK_TIMEOUT_DEFAULT 60
#define HOOK_TIMEOUT_MAX     600
#define OWNER_NAME_MAX       32

/* Keys of each table, in canonical write order; key_line[] records where each was set. */
enum top_key {
	TOPK_DOMAIN, TOPK_DATA_DIR, TOPK_DKIM_SELECTOR, TOPK_TRUST, TOPK_TRUSTED_SENDERS,
	TOPK_VERIFY_HOST, TOPK_ENABLE_IPV6, TOPK_SIGNATURE, TOPK_UPGRADE_MANIFEST, TOPK_COUNT
};
enum mailbox_key {
	MBK_ADDRESS, MBK_OWNER, MBK_TRUST, MBK_TRUSTED_SENDERS, MBK_ALLOW_ROOT_CATCHALL, MBK_COUNT
};
enum hook_key {
	HOOKK_NAME, HOOKK_EVENT, HOOKK_TYPE, HOOKK_CMD, HOOKK_FIRE_ON_UNTRUSTED, HOOKK_TIMEOUT_SECS,
	HOOKK_COUNT
};

struct hook {
	char *name; /* explicit `name`, NULL when the name is derived */
	char effective_name[HOOK_NAME_MAX + 1];
	enum hook_event event;
	char *type; /* always "cmd" once validated */
	struct strlist cmd;
	int fire_on_untrusted;
	unsigned timeout_secs;
	int line; /* source line of its [[mailboxes.X.hooks]] header, 0 if built in code */
	int key_line[HOOKK_COUNT];
};

struct mailbox {
	char *name;
	char *address;
	char *owner;
	int has_trust; /* 0: inherit the top-level trust */
	enum trust_mode trust;
	int has_trusted_senders; /* 0: inherit; 1: replaces the top-level list (even if empty) */
	struct strlist trusted_senders;
	int allow_root_catchall;
	struct hook *hooks;
	size_t nhooks;
	int inactive; /* owner does not resolve through getpwnam: no mail is delivered */
	int line;     /* source line of its [mailboxes.X] header, 0 if built in code */
	int key_line[MBK_COUNT];
};

struct config {
	char *domain;
	char *data_dir;      /* default /var/lib/aimx */
	char *dkim_selector; /* default "aimx" */
	enum trust_mode trust;
	struct strlist trusted_senders;
	char *verify_host; /* NULL when absent */
	int enable_ipv6;
	char *signature;                    /* NULL when absent: no signature (DECISIONS 30) */
	char *upgrade_release_manifest_url; /* [upgrade] release_manifest_url, NULL when absent */
	struct mailbox *mailboxes;
	size_t nmailboxes;
	struct config_limits limits; /* [limits]; config_limits_get gives the value in effect */
	int key_line[TOPK_COUNT];
};

/* One finding: printed as "FILE:LINE: KEY: MESSAGE" (LINE and KEY omitted when unknown). */
struct config_issue {
	char *file;
	int line;
	char *key;
	char *message;
};

struct config_report {
	struct config_issue *errors;
	size_t nerrors;
	struct config_issue *warnings;
	size_t nwarnings;
};

/* The semantic rules of the load order (owners, trust, hooks, duplicates).
 * Run by config_parse; run it again after an in-memory change before saving.
 * Also fills every hook's effective_name and every mailbox's `inactive`. */
int config_validate(struct config *cfg, const char *filename, struct config_report *rep);

/* Canonical TOML, upstream's shape: defaults omitted, arrays one element per line. */
int config_serialize(const struct config *cfg, struct buf *out);

/* Serialize, then write atomically and durably (.config.toml.tmp.<pid>, fsync,
 * rename, fsync dir), mode 0640, owner root:root when run as root.
 * Returns 0 or -1 with errno set. */
int config_save(const struct config *cfg, const char *path);

void config_free(struct config *cfg);
/* Remove (and free) cfg->mailboxes[index] / mb->hooks[index], keeping the order of the rest. */
void config_remove_mailbox(struct config *cfg, size_t index);
void config_remove_hook(struct mailbox *mb, size_t index);
void config_report_free(struct config_report *rep);
void config_report_print(const struct config_report *rep, FILE *out);

/* Lookups and derived values. */
struct mailbox *config_find_mailbox(const struct config *cfg, const char *name);
int config_mailbox_is_catchall(const struct config *cfg, const struct mailbox *mb);
enum trust_mode config_mailbox_trust(const struct config *cfg, const struct mailbox *mb);
const struct strlist *config_mailbox_senders(const struct config *cfg, const struct mailbox *mb);
size_t config_hook_count(const struct config *cfg);
const char *config_trust_mode_name(enum trust_mode t);
const char *config_hook_event_name(enum hook_event e);

/* SHA-256 over event 0x1F cmd[0] 0x1F ... cmd[n-1] 0x1F then ONE byte 0x01 or 0x00 (fire_on_untrusted,
 * the raw byte value as upstream hashes it, not an ASCII digit): first 6 bytes, lowercase hex. */
void config_hook_derive_name(const struct hook *h, char out[HOOK_DERIVED_LEN + 1]);
int config_hook_name_valid(const char *name);

/* Mailbox name rules for create: non-empty, [a-z0-9._-] only, no "..", no leading or
 * trailing '.', not "catchall" or "aimx-catchall". Returns NULL if valid, else why. */
const char *config_mailbox_name_invalid(const char *name);

/* Owner rule: "root", "aimx-catchall", or [a-z_][a-z0-9_-]*[$]? of at most 32 chars. */
int config_owner_name_valid(const char *owner);

#endif
