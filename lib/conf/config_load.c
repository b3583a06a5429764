/* config_load.c: loads config.toml: toml_scan folds the text, inih walks it, typed setters fill struct config. */
#include "conf/config_load.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "conf/config_report.h"
#include "base/fileio.h"
#include "ini_options.h" /* must precede ini.h: the options ini.c was built with */
#include "ini.h"
#include "conf/toml_scan.h"
#include "conf/toml.h"

#define CONFIG_MAX_BYTES (16 * 1024 * 1024)
#define KEY_TEXT_MAX     512

enum table_kind { T_TOP, T_MAILBOXES, T_MAILBOX, T_HOOK, T_UPGRADE, T_LIMITS, T_IGNORED };

struct pending_stdin {
	size_t mailbox, hook;
	int line;
};

struct loader {
	const char *file;
	struct config *cfg;
	struct config_report *rep;
	const struct toml_scan *scan;
	enum table_kind table;
	size_t mb, hook;       /* indexes of the current mailbox / hook */
	int *mb_explicit;      /* per mailbox: its [mailboxes.X] header was seen */
	int upgrade_seen;
	int limits_seen;
	struct pending_stdin *stdin_keys;
	size_t nstdin;
	int errors;
	int oom;
};

static const char *const top_keys[TOPK_COUNT] = {
	"domain", "data_dir", "dkim_selector", "trust", "trusted_senders",
	"verify_host", "enable_ipv6", "signature", "release_manifest_url",
};
static const char *const mailbox_keys[MBK_COUNT] = {
	"address", "owner", "trust", "trusted_senders", "allow_root_catchall",
};
static const char *const hook_keys[HOOKK_COUNT] = {
	"name", "event", "type", "cmd", "fire_on_untrusted", "timeout_secs",
};

static void load_error(struct loader *ld, int line, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void load_error(struct loader *ld, int line, const char *key, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	config_report_error(ld->rep, ld->file, line, key, "%s", msg);
	ld->errors++;
}

/* The dotted name used in messages for the key `key` of the current table. */
static void key_label(const struct loader *ld, const char *key, char *out, size_t outsz)
{
	const struct mailbox *m = ld->cfg->nmailboxes ? &ld->cfg->mailboxes[ld->mb] : NULL;
	switch (ld->table) {
	case T_MAILBOX:
		snprintf(out, outsz, "mailboxes.%s%s%s", m->name, key ? "." : "", key ? key : "");
		break;
	case T_HOOK:
		snprintf(out, outsz, "mailboxes.%s.hooks[%zu]%s%s", m->name, ld->hook,
			 key ? "." : "", key ? key : "");
		break;
	case T_UPGRADE:
	case T_LIMITS:
		snprintf(out, outsz, "%s%s%s", ld->table == T_UPGRADE ? "upgrade" : "limits",
			 key ? "." : "", key ? key : "");
		break;
	default:
		snprintf(out, outsz, "%s", key ? key : "");
	}
}

static int find_key(const char *const *keys, int n, const char *key)
{
	for (int k = 0; k < n; k++)
		if (strcmp(keys[k], key) == 0)
			return k;
	return -1;
}

/* ---- typed setters: each checks the TOML type and reports "invalid type" ---- */

static int want_type(struct loader *ld, int line, const char *label, const struct toml_value *v,
		     enum toml_type t)
{
	if (v->type == t)
		return 0;
	load_error(ld, line, label, "invalid type: expected %s, found %s", toml_type_name(t),
		   toml_type_name(v->type));
	return -1;
}

static void set_string(struct loader *ld, int line, const char *label, struct toml_value *v,
		       char **dst)
{
	if (want_type(ld, line, label, v, TOML_STRING) < 0)
		return;
	free(*dst);
	*dst = v->s;
	v->s = NULL;
}

static void set_bool(struct loader *ld, int line, const char *label, const struct toml_value *v,
		     int *dst)
{
	if (want_type(ld, line, label, v, TOML_BOOL) == 0)
		*dst = v->b;
}

static void set_strlist(struct loader *ld, int line, const char *label, struct toml_value *v,
			struct strlist *dst)
{
	if (want_type(ld, line, label, v, TOML_ARRAY) < 0)
		return;
	for (size_t k = 0; k < v->n; k++)
		if (v->items[k].type != TOML_STRING) {
			load_error(ld, line, label,
				   "invalid type: expected an array of strings, found %s at index %zu",
				   toml_type_name(v->items[k].type), k);
			return;
		}
	strlist_free(dst);
	for (size_t k = 0; k < v->n; k++)
		if (strlist_push(dst, v->items[k].s) < 0)
			ld->oom = 1;
}

static const char *const trust_values = "[\"none\", \"verified\"]";

static int parse_trust(const char *s, enum trust_mode *out)
{
	if (strcmp(s, "none") == 0)
		*out = TRUST_NONE;
	else if (strcmp(s, "verified") == 0)
		*out = TRUST_VERIFIED;
	else
		return -1;
	return 0;
}

/* ---- per-table key handlers ---- */

static void set_limit(struct loader *ld, enum limit_key k, int line, const char *label,
		      const struct toml_value *v)
{
	char why[ERR_SIZE];
	if (want_type(ld, line, label, v, TOML_INTEGER) < 0)
		return;
	if (config_limits_check(k, v->i, why) < 0)
		load_error(ld, line, label, "%s %s", config_limits_name(k), why);
	else
		ld->cfg->limits.v[k] = v->i;
}

static void set_verify_host(struct loader *ld, int line, const char *label, struct toml_value *v)
{
	char **dst = &ld->cfg->verify_host;
	set_string(ld, line, label, v, dst);
	if (!*dst)
		return;
	if (strncmp(*dst, "http://", 7) != 0 && strncmp(*dst, "https://", 8) != 0) {
		load_error(ld, line, label, "verify_host '%s' must start with http:// or https://",
			   *dst);
		return;
	}
	size_t n = strlen(*dst);
	while (n > 0 && (*dst)[n - 1] == '/')
		(*dst)[--n] = '\0';
}

static void top_key(struct loader *ld, int k, int line, const char *label, struct toml_value *v)
{
	struct config *c = ld->cfg;
	switch (k) {
	case TOPK_DOMAIN: set_string(ld, line, label, v, &c->domain); break;
	case TOPK_DATA_DIR: set_string(ld, line, label, v, &c->data_dir); break;
	case TOPK_DKIM_SELECTOR: set_string(ld, line, label, v, &c->dkim_selector); break;
	case TOPK_TRUSTED_SENDERS: set_strlist(ld, line, label, v, &c->trusted_senders); break;
	case TOPK_VERIFY_HOST: set_verify_host(ld, line, label, v); break;
	case TOPK_ENABLE_IPV6: set_bool(ld, line, label, v, &c->enable_ipv6); break;
	case TOPK_SIGNATURE: set_string(ld, line, label, v, &c->signature); break;
	case TOPK_TRUST:
		if (want_type(ld, line, label, v, TOML_STRING) == 0 &&
		    parse_trust(v->s, &c->trust) < 0)
			load_error(ld, line, label,
				   "invalid top-level trust value '%s': expected one of %s", v->s,
				   trust_values);
		break;
	}
}

static void mailbox_key(struct loader *ld, int k, int line, const char *label,
			struct toml_value *v)
{
	struct mailbox *m = &ld->cfg->mailboxes[ld->mb];
	switch (k) {
	case MBK_ADDRESS: set_string(ld, line, label, v, &m->address); break;
	case MBK_OWNER: set_string(ld, line, label, v, &m->owner); break;
	case MBK_ALLOW_ROOT_CATCHALL: set_bool(ld, line, label, v, &m->allow_root_catchall); break;
	case MBK_TRUSTED_SENDERS:
		set_strlist(ld, line, label, v, &m->trusted_senders);
		m->has_trusted_senders = 1;
		break;
	case MBK_TRUST:
		if (want_type(ld, line, label, v, TOML_STRING) < 0)
			break;
		if (parse_trust(v->s, &m->trust) < 0)
			load_error(ld, line, label,
				   "invalid trust value '%s' on mailbox '%s': expected one of %s",
				   v->s, m->name, trust_values);
		else
			m->has_trust = 1;
		break;
	}
}

static void set_timeout(struct loader *ld, int line, const char *label, const struct toml_value *v,
			struct hook *h)
{
	if (want_type(ld, line, label, v, TOML_INTEGER) < 0)
		return;
	if (v->i < 0 || v->i > 4294967295LL) {
		load_error(ld, line, label, "invalid value %lld: expected an integer from 0 to %u",
			   v->i, 4294967295U);
		return;
	}
	h->timeout_secs = (unsigned)v->i;
}

static void hook_key(struct loader *ld, int k, int line, const char *label, struct toml_value *v)
{
	struct hook *h = &ld->cfg->mailboxes[ld->mb].hooks[ld->hook];
	switch (k) {
	case HOOKK_NAME: set_string(ld, line, label, v, &h->name); break;
	case HOOKK_TYPE: set_string(ld, line, label, v, &h->type); break;
	case HOOKK_CMD: set_strlist(ld, line, label, v, &h->cmd); break;
	case HOOKK_FIRE_ON_UNTRUSTED: set_bool(ld, line, label, v, &h->fire_on_untrusted); break;
	case HOOKK_TIMEOUT_SECS: set_timeout(ld, line, label, v, h); break;
	case HOOKK_EVENT:
		if (want_type(ld, line, label, v, TOML_STRING) < 0)
			break;
		if (strcmp(v->s, "on_receive") == 0)
			h->event = HOOK_ON_RECEIVE;
		else if (strcmp(v->s, "after_send") == 0)
			h->event = HOOK_AFTER_SEND;
		else
			load_error(ld, line, label,
				   "invalid event '%s': expected 'on_receive' or 'after_send'",
				   v->s);
		break;
	}
}

/* Removed hook fields: the messages upstream gives, so operators find the migration. */
static const char *legacy_hook_key(const char *key)
{
	if (strcmp(key, "run_as") == 0)
		return "hook sets `run_as`; the field was removed — hooks now run as the "
		       "mailbox's `owner`";
	if (strcmp(key, "origin") == 0)
		return "hook sets `origin`; the field was removed";
	if (strcmp(key, "dangerously_support_untrusted") == 0)
		return "hook sets `dangerously_support_untrusted`; the field was renamed to "
		       "`fire_on_untrusted`";
	if (strcmp(key, "template") == 0 || strcmp(key, "params") == 0)
		return "template hooks were removed; see the aimx.toml(5) hook schema "
		       "(raw `cmd` argv)";
	return NULL;
}

static int hook_special_key(struct loader *ld, const char *key, int line, const char *label)
{
	const char *legacy = legacy_hook_key(key);
	if (legacy) {
		load_error(ld, line, label, "%s", legacy);
		return 1;
	}
	if (strcmp(key, "stdin") != 0)
		return 0;
	struct pending_stdin *p = realloc(ld->stdin_keys, (ld->nstdin + 1) * sizeof(*p));
	if (!p) {
		ld->oom = 1;
		return 1;
	}
	ld->stdin_keys = p;
	p[ld->nstdin++] = (struct pending_stdin){ld->mb, ld->hook, line};
	return 1;
}

/* ---- dispatch of one `key = value` ---- */

static int *key_lines_of(struct loader *ld, const char *const **keys, int *nkeys)
{
	struct mailbox *m = ld->cfg->nmailboxes ? &ld->cfg->mailboxes[ld->mb] : NULL;
	switch (ld->table) {
	case T_TOP:
		*keys = top_keys;
		*nkeys = TOPK_UPGRADE_MANIFEST; /* release_manifest_url lives in [upgrade] */
		return ld->cfg->key_line;
	case T_UPGRADE:
		*keys = top_keys + TOPK_UPGRADE_MANIFEST;
		*nkeys = 1;
		return ld->cfg->key_line + TOPK_UPGRADE_MANIFEST;
	case T_LIMITS:
		*keys = config_limits_names();
		*nkeys = LIMK_COUNT;
		return ld->cfg->limits.line;
	case T_MAILBOX:
		*keys = mailbox_keys;
		*nkeys = MBK_COUNT;
		return m->key_line;
	case T_HOOK:
		*keys = hook_keys;
		*nkeys = HOOKK_COUNT;
		return m->hooks[ld->hook].key_line;
	default:
		return NULL;
	}
}

static void assign(struct loader *ld, int k, int line, const char *label, struct toml_value *v)
{
	switch (ld->table) {
	case T_TOP: top_key(ld, k, line, label, v); break;
	case T_UPGRADE: set_string(ld, line, label, v, &ld->cfg->upgrade_release_manifest_url); break;
	case T_LIMITS: set_limit(ld, (enum limit_key)k, line, label, v); break;
	case T_MAILBOX: mailbox_key(ld, k, line, label, v); break;
	case T_HOOK: hook_key(ld, k, line, label, v); break;
	default: break;
	}
}

static void handle_pair(struct loader *ld, const char *key, const char *text, int line)
{
	char label[KEY_TEXT_MAX];
	key_label(ld, key, label, sizeof(label));
	if (ld->table == T_IGNORED)
		return;
	if (ld->table == T_MAILBOXES) {
		load_error(ld, line, label,
			   "unknown key: mailboxes are defined with [mailboxes.NAME] headers");
		return;
	}
	if (ld->table == T_HOOK && hook_special_key(ld, key, line, label))
		return;
	const char *const *keys = NULL;
	int nkeys = 0;
	int *lines = key_lines_of(ld, &keys, &nkeys);
	int k = lines ? find_key(keys, nkeys, key) : -1;
	if (k < 0) {
		load_error(ld, line, label, "unknown key '%s'", key);
		return;
	}
	if (lines[k]) {
		load_error(ld, line, label, "duplicate key (first set on line %d)", lines[k]);
		return;
	}
	lines[k] = line;
	char err[ERR_SIZE];
	struct toml_value v;
	if (toml_value_parse(text, &v, err) < 0) {
		load_error(ld, line, label, "invalid value: %s", err);
		return;
	}
	assign(ld, ld->table == T_UPGRADE ? TOPK_UPGRADE_MANIFEST : k, line, label, &v);
	toml_value_free(&v);
}

/* A dotted key at the top level, `upgrade.release_manifest_url = ...`, means [upgrade]
 * (and `limits.NAME = ...` [limits]). */
static void handle_key(struct loader *ld, const char *name, const char *value, int line)
{
	struct strlist path = {NULL, 0};
	char err[ERR_SIZE];
	if (toml_key_parse(name, &path, err) < 0) {
		load_error(ld, line, name, "%s", err);
	} else if (path.n == 1) {
		handle_pair(ld, path.v[0], value, line);
	} else if (path.n == 2 && ld->table == T_TOP &&
		   (strcmp(path.v[0], "upgrade") == 0 || strcmp(path.v[0], "limits") == 0)) {
		ld->table = strcmp(path.v[0], "upgrade") == 0 ? T_UPGRADE : T_LIMITS;
		handle_pair(ld, path.v[1], value, line);
		ld->table = T_TOP;
	} else {
		load_error(ld, line, name, "unknown key: dotted keys are not supported here");
	}
	strlist_free(&path);
}

/* ---- table headers ---- */

static long mailbox_index(const struct config *c, const char *name)
{
	for (size_t k = 0; k < c->nmailboxes; k++)
		if (strcmp(c->mailboxes[k].name, name) == 0)
			return (long)k;
	return -1;
}

static long mailbox_add(struct loader *ld, const char *name, int line)
{
	struct config *c = ld->cfg;
	struct mailbox *m = realloc(c->mailboxes, (c->nmailboxes + 1) * sizeof(*m));
	if (m)
		c->mailboxes = m;
	int *ex = realloc(ld->mb_explicit, (c->nmailboxes + 1) * sizeof(*ex));
	if (ex)
		ld->mb_explicit = ex;
	char *copy = strdup(name);
	if (!m || !ex || !copy) {
		free(copy);
		ld->oom = 1;
		return -1;
	}
	memset(&m[c->nmailboxes], 0, sizeof(*m));
	m[c->nmailboxes].name = copy;
	m[c->nmailboxes].line = line;
	ex[c->nmailboxes] = 0;
	return (long)c->nmailboxes++;
}

static void open_mailbox(struct loader *ld, const char *name, int line)
{
	long k = mailbox_index(ld->cfg, name);
	if (k >= 0 && ld->mb_explicit[k]) {
		char label[KEY_TEXT_MAX];
		snprintf(label, sizeof(label), "mailboxes.%s", name);
		load_error(ld, line, label, "duplicate mailbox [mailboxes.%s] (first defined on line %d)",
			   name, ld->cfg->mailboxes[k].line);
		ld->table = T_IGNORED;
		return;
	}
	if (k < 0)
		k = mailbox_add(ld, name, line);
	if (k < 0)
		return;
	ld->mb_explicit[k] = 1;
	ld->cfg->mailboxes[k].line = line;
	ld->mb = (size_t)k;
	ld->table = T_MAILBOX;
}

static void open_hook(struct loader *ld, const char *name, int line)
{
	long k = mailbox_index(ld->cfg, name);
	if (k < 0)
		k = mailbox_add(ld, name, line);
	if (k < 0)
		return;
	struct mailbox *m = &ld->cfg->mailboxes[k];
	struct hook *h = realloc(m->hooks, (m->nhooks + 1) * sizeof(*h));
	if (!h) {
		ld->oom = 1;
		return;
	}
	m->hooks = h;
	memset(&h[m->nhooks], 0, sizeof(*h));
	h[m->nhooks].timeout_secs = HOOK_TIMEOUT_DEFAULT;
	h[m->nhooks].line = line;
	ld->mb = (size_t)k;
	ld->hook = m->nhooks++;
	ld->table = T_HOOK;
}

static int path_is(const struct strlist *p, size_t n, const char *a, const char *b)
{
	return p->n == n && strcmp(p->v[0], a) == 0 && (!b || strcmp(p->v[n - 1], b) == 0);
}

/* Headers of the schemas upstream removed: reject with the migration hint. */
static int legacy_header(struct loader *ld, const struct toml_header *h)
{
	const struct strlist *p = &h->path;
	if (h->kind == TOML_ARRAY_TABLE && strcmp(p->v[0], "hook_template") == 0)
		load_error(ld, h->line, NULL,
			   "[[hook_template]] blocks are not supported; template hooks were "
			   "removed, use [[mailboxes.NAME.hooks]] with a raw `cmd`");
	else if (h->kind == TOML_ARRAY_TABLE && path_is(p, 3, "mailboxes", "on_receive"))
		load_error(ld, h->line, NULL,
			   "mailbox '%s' uses the legacy `on_receive` schema; use "
			   "[[mailboxes.%s.hooks]] with `event = \"on_receive\"`",
			   p->v[1], p->v[1]);
	else if (path_is(p, 4, "mailboxes", "match") && strcmp(p->v[2], "on_receive") == 0)
		load_error(ld, h->line, NULL,
			   "mailbox '%s' uses the legacy `on_receive.match` schema; use "
			   "[[mailboxes.%s.hooks]] with `event = \"on_receive\"`",
			   p->v[1], p->v[1]);
	else
		return 0;
	return 1;
}

/* The header's key path written back as TOML ("mailboxes.\"a.b\".hooks"). */
static void header_name(struct loader *ld, const struct toml_header *h, struct buf *name)
{
	for (size_t k = 0; k < h->path.n; k++)
		if ((k && buf_append_char(name, '.') < 0) || toml_write_key(name, h->path.v[k]) < 0)
			ld->oom = 1;
}

static void unknown_table(struct loader *ld, const struct toml_header *h)
{
	struct buf name = BUF_INIT;
	header_name(ld, h, &name);
	const char *n = name.data ? name.data : "";
	const char *open = h->kind == TOML_ARRAY_TABLE ? "[[" : "[";
	const char *close = h->kind == TOML_ARRAY_TABLE ? "]]" : "]";
	load_error(ld, h->line, n, "unknown table %s%s%s", open, n, close);
	buf_free(&name);
}

static void hooks_not_array(struct loader *ld, const struct toml_header *h)
{
	struct buf name = BUF_INIT;
	header_name(ld, h, &name);
	const char *n = name.data ? name.data : "";
	load_error(ld, h->line, n, "hooks must be an array of tables: write [[%s]]", n);
	buf_free(&name);
}

/* A table that may appear once ([upgrade], [limits]): *seen holds the line of its header. */
static void open_single(struct loader *ld, int line, const char *name, int *seen,
			enum table_kind kind)
{
	if (*seen) {
		load_error(ld, line, name, "duplicate table [%s] (first on line %d)", name, *seen);
		return;
	}
	*seen = line;
	ld->table = kind;
}

static void open_section(struct loader *ld, const struct toml_header *h)
{
	const struct strlist *p = &h->path;
	int table = h->kind == TOML_TABLE;
	ld->table = T_IGNORED;
	if (legacy_header(ld, h))
		return;
	if (table && path_is(p, 1, "mailboxes", NULL))
		ld->table = T_MAILBOXES;
	else if (table && path_is(p, 2, "mailboxes", NULL))
		open_mailbox(ld, p->v[1], h->line);
	else if (!table && path_is(p, 3, "mailboxes", "hooks"))
		open_hook(ld, p->v[1], h->line);
	else if (table && path_is(p, 3, "mailboxes", "hooks"))
		hooks_not_array(ld, h);
	else if (table && path_is(p, 1, "upgrade", NULL))
		open_single(ld, h->line, "upgrade", &ld->upgrade_seen, T_UPGRADE);
	else if (table && path_is(p, 1, "limits", NULL))
		open_single(ld, h->line, "limits", &ld->limits_seen, T_LIMITS);
	else
		unknown_table(ld, h);
}

static int on_ini_line(void *user, const char *section, const char *name, const char *value,
		       int lineno)
{
	struct loader *ld = user;
	int line = lineno >= 1 && (size_t)lineno <= ld->scan->nlines
			   ? ld->scan->phys_line[lineno - 1]
			   : 0;
	if (!name) {
		size_t k = strtoul(section, NULL, 10);
		if (k < ld->scan->nheaders)
			open_section(ld, &ld->scan->headers[k]);
		return 1;
	}
	handle_key(ld, name, value ? value : "", line);
	return 1;
}

/* ---- after the walk: required keys, `stdin`, defaults ---- */

static void check_required(struct loader *ld)
{
	struct config *c = ld->cfg;
	if (!c->domain)
		load_error(ld, 0, "domain", "missing required key 'domain'");
	for (size_t i = 0; i < c->nmailboxes; i++) {
		struct mailbox *m = &c->mailboxes[i];
		char label[KEY_TEXT_MAX];
		snprintf(label, sizeof(label), "mailboxes.%s.address", m->name);
		if (!ld->mb_explicit[i] && !m->address)
			load_error(ld, m->line, label,
				   "missing [mailboxes.%s] table with 'address' and 'owner'", m->name);
		else if (!m->address)
			load_error(ld, m->line, label, "missing required key 'address'");
		for (size_t j = 0; j < m->nhooks; j++) {
			struct hook *h = &m->hooks[j];
			snprintf(label, sizeof(label), "mailboxes.%s.hooks[%zu].event", m->name, j);
			if (!h->key_line[HOOKK_EVENT])
				load_error(ld, h->line, label, "missing required key 'event'");
			snprintf(label, sizeof(label), "mailboxes.%s.hooks[%zu].cmd", m->name, j);
			if (!h->key_line[HOOKK_CMD])
				load_error(ld, h->line, label, "missing required key 'cmd'");
		}
	}
}

static void report_stdin_keys(struct loader *ld)
{
	for (size_t k = 0; k < ld->nstdin; k++) {
		struct pending_stdin *p = &ld->stdin_keys[k];
		struct mailbox *m = &ld->cfg->mailboxes[p->mailbox];
		struct hook *h = &m->hooks[p->hook];
		char derived[HOOK_DERIVED_LEN + 1], label[KEY_TEXT_MAX];
		config_hook_derive_name(h, derived);
		snprintf(label, sizeof(label), "mailboxes.%s.hooks[%zu].stdin", m->name, p->hook);
		load_error(ld, p->line, label,
			   "hook '%s' carries removed field 'stdin' — remove this line and restart "
			   "aimx serve; the email is always piped to hooks",
			   h->name ? h->name : derived);
	}
}

static int fill_defaults(struct config *c)
{
	if (!c->data_dir && !(c->data_dir = strdup("/var/lib/aimx")))
		return -1;
	if (!c->dkim_selector && !(c->dkim_selector = strdup("aimx")))
		return -1;
	for (size_t i = 0; i < c->nmailboxes; i++)
		for (size_t j = 0; j < c->mailboxes[i].nhooks; j++) {
			struct hook *h = &c->mailboxes[i].hooks[j];
			if (!h->type && !(h->type = strdup("cmd")))
				return -1;
		}
	return 0;
}

static void report_scan_errors(struct loader *ld)
{
	for (size_t k = 0; k < ld->scan->nerrors; k++)
		load_error(ld, ld->scan->errors[k].line, NULL, "%s", ld->scan->errors[k].message);
}

int config_parse(const char *text, size_t len, const char *filename, struct config *cfg,
		 struct config_report *rep)
{
	struct toml_scan scan;
	memset(cfg, 0, sizeof(*cfg));
	if (toml_scan(text, len, &scan) < 0) {
		config_report_error(rep, filename, 0, NULL, "out of memory");
		return -1;
	}
	struct loader ld = {.file = filename, .cfg = cfg, .rep = rep, .scan = &scan};
	report_scan_errors(&ld);
	struct toml_scan_reader reader = {&scan, 0, 0};
	int rc = ini_parse_stream(toml_scan_read, &reader, on_ini_line, &ld);
	if (rc > 0)
		load_error(&ld, (size_t)rc <= scan.nlines ? scan.phys_line[rc - 1] : 0, NULL,
			   "syntax error");
	else if (rc < 0)
		ld.oom = 1;
	check_required(&ld);
	report_stdin_keys(&ld);
	if (fill_defaults(cfg) < 0)
		ld.oom = 1;
	if (ld.oom)
		load_error(&ld, 0, NULL, "out of memory");
	if (config_validate(cfg, filename, rep) < 0)
		ld.errors++;
	config_report_sort(rep);
	free(ld.mb_explicit);
	free(ld.stdin_keys);
	toml_scan_free(&scan);
	if (ld.errors) {
		config_free(cfg);
		return -1;
	}
	return 0;
}

int config_load(const char *path, struct config *cfg, struct config_report *rep)
{
	struct buf text = BUF_INIT;
	text.limit = CONFIG_MAX_BYTES;
	memset(cfg, 0, sizeof(*cfg));
	if (fileio_read_file(path, &text) < 0) {
		if (errno == ENOENT)
			config_report_error(rep, path, 0, NULL,
				     "Config file not found at %s. Run 'sudo aimx setup' first", path);
		else if (errno == E2BIG)
			config_report_error(rep, path, 0, NULL, "file is larger than %d bytes",
				     CONFIG_MAX_BYTES);
		else
			config_report_error(rep, path, 0, NULL, "cannot read: %s", strerror(errno));
		buf_free(&text);
		return -1;
	}
	int rc = config_parse(text.data ? text.data : "", text.len, path, cfg, rep);
	buf_free(&text);
	return rc;
}
