/* setup_config.h: what `aimx setup` checks and writes: the domain, trusted senders, config.toml
 * and the mailbox folders. */
#ifndef AIMX_SETUP_CONFIG_H
#define AIMX_SETUP_CONFIG_H

#include "base/err.h"
#include "conf/config.h"

#define SETUP_DOMAIN_MAX 253

/* Spec 6.2: at most 253 characters, at least two labels, each 1-63 of [A-Za-z0-9-] not
 * starting or ending with '-'. 0, or -1 with the reason in why. */
int setup_domain_check(const char *domain, char why[ERR_SIZE]);

/* One trusted sender: exactly one '@', both sides non-empty, only A-Za-z0-9 . - _ + * ?.
 * 0, or -1 with the reason in why. */
int setup_sender_check(const char *entry, char why[ERR_SIZE]);

/* Split a comma- or whitespace-separated list into out (appended). 0, or -1 with
 * "invalid sender '<entry>': <reason>" in why (out may then hold the entries before it). */
int setup_senders_parse(const char *line, struct strlist *out, char why[ERR_SIZE]);

/* What a new config holds. */
struct setup_config_new {
	const char *domain;
	const char *data_dir;
	const char *dkim_selector;
	enum trust_mode trust;
	const struct strlist *trusted_senders;
	const char *catchall_owner;
};

/* Write a new config.toml at path: created with O_EXCL, mode 0640, owner root:root (when
 * root), durably: domain, data_dir, selector, trust, trusted_senders and the catchall
 * mailbox. 0, or -1 with err (EEXIST when the file appeared meanwhile). */
int setup_config_create(const char *path, const struct setup_config_new *n, char err[ERR_SIZE]);

/* An existing config: when its domain differs, move it and every address ending in
 * "@<old domain>" to `domain`; add [mailboxes.catchall] (*@domain, catchall_owner) when
 * missing; save only when something changed (under the config write lock, lib/control/ops_txn.h).
 * Mode 0640 root:root is restored when it drifted. *changed says whether the file was
 * rewritten. 0, or -1 with err. */
int setup_config_update(const char *path, const char *domain, const char *catchall_owner,
                        int *changed, char err[ERR_SIZE]);

/* For every mailbox of cfg: <data>/inbox/<name> and <data>/sent/<name>, owned by the owner
 * and mode 0700 (lib/store/mailbox_dir.h); an owner that does not resolve is an error. 0, or -1. */
int setup_mailbox_dirs(const struct config *cfg, const char *data_dir, char err[ERR_SIZE]);

#endif
