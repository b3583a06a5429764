/* config_rules.c: the semantic rules of config.toml (load steps 5-9): owners, trust, catchall, hooks. */
#include "conf/config.h"

#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/config_report.h"

#define LABEL_MAX 512

struct checker {
	struct config *cfg;
	const char *file;
	struct config_report *rep;
	int errors;
};

static void check_error(struct checker *ck, int line, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void check_error(struct checker *ck, int line, const char *key, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	config_report_error(ck->rep, ck->file, line, key, "%s", msg);
	ck->errors++;
}

static int line_or(int key_line, int fallback)
{
	return key_line ? key_line : fallback;
}

static void check_owner(struct checker *ck, struct mailbox *m, const char *label)
{
	struct config *c = ck->cfg;
	int line = line_or(m->key_line[MBK_OWNER], m->line);
	int catchall = config_mailbox_is_catchall(c, m);
	int root = strcmp(m->owner, "root") == 0;
	m->inactive = 0;
	if (!config_owner_name_valid(m->owner)) {
		check_error(ck, line, label,
			    "mailbox '%s' has invalid owner '%s': must be 'root', 'aimx-catchall', "
			    "or a valid Linux username matching [a-z_][a-z0-9_-]*[$]?",
			    m->name, m->owner);
		return;
	}
	if (!getpwnam(m->owner)) {
		m->inactive = 1;
		config_report_warning(ck->rep, ck->file, line, label,
			       "mailbox '%s' owner '%s' does not resolve via getpwnam; mailbox marked "
			       "inactive — create the user or update config.toml",
			       m->name, m->owner);
	}
	char flag_label[LABEL_MAX];
	snprintf(flag_label, sizeof(flag_label), "mailboxes.%s.allow_root_catchall", m->name);
	if (m->allow_root_catchall && !catchall)
		check_error(ck, line_or(m->key_line[MBK_ALLOW_ROOT_CATCHALL], m->line), flag_label,
			    "mailbox '%s' sets allow_root_catchall=true but is not a catchall "
			    "(*@%s); remove the flag or change the address",
			    m->name, c->domain ? c->domain : "");
	if (root && !catchall)
		check_error(ck, line, label,
			    "mailbox '%s' cannot be owned by root; use a regular Linux user or set "
			    "'allow_root_catchall = true' on a catchall mailbox",
			    m->name);
	if (root && catchall && !m->allow_root_catchall)
		check_error(ck, line, label,
			    "catchall mailbox '%s' has owner='root' but allow_root_catchall=false; "
			    "set allow_root_catchall=true to opt into the root-catchall escape hatch, "
			    "or change owner to 'aimx-catchall' (the default)",
			    m->name);
	if (root && catchall && m->allow_root_catchall)
		config_report_warning(ck->rep, ck->file, line, label,
			       "catchall mailbox '%s' is running with owner='root' under the "
			       "allow_root_catchall escape hatch — mail lands owned by uid 0",
			       m->name);
}

/* "mailboxes.M.hooks[J].FIELD" into label. */
static const char *hook_label(char label[LABEL_MAX], const struct mailbox *m, size_t j,
			      const char *field)
{
	snprintf(label, LABEL_MAX, "mailboxes.%s.hooks[%zu]%s%s", m->name, j, field ? "." : "",
		 field ? field : "");
	return label;
}

static void check_cmd(struct checker *ck, const struct mailbox *m, const struct hook *h,
		      const char *label, const char *who)
{
	int line = line_or(h->key_line[HOOKK_CMD], h->line);
	if (h->line && !h->key_line[HOOKK_CMD])
		return; /* missing `cmd` was already reported by the loader */
	if (h->cmd.n == 0)
		check_error(ck, line, label,
			    "hook '%s' on mailbox '%s' has empty `cmd`: `cmd` must be a non-empty "
			    "argv array, e.g. `cmd = [\"/bin/echo\", \"hi\"]`",
			    who, m->name);
	else if (h->cmd.v[0][strspn(h->cmd.v[0], " \t")] == '\0')
		check_error(ck, line, label, "hook '%s' on mailbox '%s' has blank `cmd[0]`", who,
			    m->name);
	else if (h->cmd.v[0][0] != '/')
		check_error(ck, line, label,
			    "hook '%s' on mailbox '%s' has non-absolute `cmd[0]` '%s': use an "
			    "absolute path (e.g. `/bin/echo` instead of `echo`)",
			    who, m->name, h->cmd.v[0]);
}

static void check_timeout(struct checker *ck, const struct mailbox *m, const struct hook *h,
			  const char *label, const char *who)
{
	int line = line_or(h->key_line[HOOKK_TIMEOUT_SECS], h->line);
	if (h->timeout_secs == 0)
		check_error(ck, line, label,
			    "hook '%s' on mailbox '%s' has `timeout_secs = 0`: must be > 0", who,
			    m->name);
	else if (h->timeout_secs > HOOK_TIMEOUT_MAX)
		check_error(ck, line, label,
			    "hook '%s' on mailbox '%s' has `timeout_secs = %u` which exceeds the max "
			    "of %d",
			    who, m->name, h->timeout_secs, HOOK_TIMEOUT_MAX);
}

static void check_hook(struct checker *ck, const struct mailbox *m, struct hook *h, size_t j)
{
	char label[LABEL_MAX];
	const char *who = h->name ? h->name : "<anonymous>";
	if (h->name && !config_hook_name_valid(h->name))
		check_error(ck, line_or(h->key_line[HOOKK_NAME], h->line),
			    hook_label(label, m, j, "name"),
			    "invalid hook name '%s' on mailbox '%s': must match "
			    "[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,127}",
			    h->name, m->name);
	check_cmd(ck, m, h, hook_label(label, m, j, "cmd"), who);
	if (h->type && strcmp(h->type, "cmd") != 0)
		check_error(ck, line_or(h->key_line[HOOKK_TYPE], h->line),
			    hook_label(label, m, j, "type"),
			    "hook '%s' on mailbox '%s' has unsupported type '%s': only `cmd` is "
			    "supported",
			    who, m->name, h->type);
	if (h->fire_on_untrusted && h->event != HOOK_ON_RECEIVE)
		check_error(ck, line_or(h->key_line[HOOKK_FIRE_ON_UNTRUSTED], h->line),
			    hook_label(label, m, j, "fire_on_untrusted"),
			    "hook '%s' on mailbox '%s' sets `fire_on_untrusted = true` on a "
			    "non-on_receive event: fire_on_untrusted is on_receive only",
			    who, m->name);
	check_timeout(ck, m, h, hook_label(label, m, j, "timeout_secs"), who);
	if (h->name && strlen(h->name) <= HOOK_NAME_MAX)
		snprintf(h->effective_name, sizeof(h->effective_name), "%s", h->name);
	else
		config_hook_derive_name(h, h->effective_name);
}

struct hook_ref {
	const struct mailbox *mb;
	const struct hook *hook;
	size_t index;
};

static void duplicate_error(struct checker *ck, const struct hook_ref *a, const struct hook_ref *b)
{
	char label[LABEL_MAX];
	const char *n = b->hook->effective_name, *ma = a->mb->name, *mb = b->mb->name;
	int ea = a->hook->name != NULL, eb = b->hook->name != NULL;
	hook_label(label, b->mb, b->index, eb ? "name" : NULL);
	int line = line_or(b->hook->key_line[HOOKK_NAME], b->hook->line);
	if (ea && eb)
		check_error(ck, line, label,
			    "duplicate hook name '%s' on mailboxes '%s' and '%s': hook names must "
			    "be globally unique",
			    n, ma, mb);
	else if (!ea && !eb)
		check_error(ck, line, label,
			    "anonymous hooks on mailboxes '%s' and '%s' have identical event/cmd and "
			    "derive the same name '%s': set an explicit `name` on at least one to "
			    "disambiguate",
			    ma, mb, n);
	else
		check_error(ck, line, label,
			    "explicit hook name '%s' on one mailbox collides with the derived name of "
			    "an anonymous hook on another (mailboxes '%s' and '%s'): rename the "
			    "explicit hook or set an explicit `name` on the anonymous one",
			    n, ma, mb);
}

static void check_duplicates(struct checker *ck)
{
	struct config *c = ck->cfg;
	size_t total = config_hook_count(c), n = 0;
	struct hook_ref *refs = calloc(total ? total : 1, sizeof(*refs));
	if (!refs) {
		check_error(ck, 0, NULL, "out of memory");
		return;
	}
	for (size_t i = 0; i < c->nmailboxes; i++)
		for (size_t j = 0; j < c->mailboxes[i].nhooks; j++) {
			struct hook_ref r = {&c->mailboxes[i], &c->mailboxes[i].hooks[j], j};
			for (size_t k = 0; k < n; k++)
				if (strcmp(refs[k].hook->effective_name, r.hook->effective_name) == 0) {
					duplicate_error(ck, &refs[k], &r);
					break;
				}
			refs[n++] = r;
		}
	free(refs);
}

static void check_mailbox(struct checker *ck, struct mailbox *m)
{
	char label[LABEL_MAX];
	snprintf(label, sizeof(label), "mailboxes.%s.owner", m->name);
	if (!m->owner || m->owner[strspn(m->owner, " \t")] == '\0')
		check_error(ck, line_or(m->key_line[MBK_OWNER], m->line), label,
			    "mailbox '%s' is missing required field 'owner'; re-run 'sudo aimx "
			    "setup' or hand-edit config.toml",
			    m->name);
	else
		check_owner(ck, m, label);
	snprintf(label, sizeof(label), "mailboxes.%s.hooks", m->name);
	if (m->nhooks && config_mailbox_is_catchall(ck->cfg, m))
		check_error(ck, m->hooks[0].line ? m->hooks[0].line : m->line, label,
			    "mailbox '%s' is the catchall but has hooks attached; catchall does not "
			    "support hooks",
			    m->name);
	for (size_t j = 0; j < m->nhooks; j++)
		check_hook(ck, m, &m->hooks[j], j);
}

int config_validate(struct config *cfg, const char *filename, struct config_report *rep)
{
	struct checker ck = {cfg, filename, rep, 0};
	for (size_t i = 0; i < cfg->nmailboxes; i++)
		check_mailbox(&ck, &cfg->mailboxes[i]);
	check_duplicates(&ck);
	return ck.errors ? -1 : 0;
}
