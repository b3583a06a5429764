/* config_write.c: canonical TOML for a config (upstream's shape, defaults omitted), atomic save. */
#include "conf/config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fileio.h"
#include "conf/toml.h"

#define CONFIG_MODE 0640

static int put_string(struct buf *b, const char *key, const char *value)
{
	if (buf_printf(b, "%s = ", key) < 0 || toml_write_string(b, value) < 0)
		return -1;
	return buf_append_char(b, '\n');
}

/* Arrays one element per line with a trailing comma, as upstream's pretty writer does. */
static int put_array(struct buf *b, const char *key, const struct strlist *l)
{
	if (l->n == 0)
		return buf_printf(b, "%s = []\n", key);
	if (buf_printf(b, "%s = [\n", key) < 0)
		return -1;
	for (size_t k = 0; k < l->n; k++)
		if (buf_append_str(b, "    ") < 0 || toml_write_string(b, l->v[k]) < 0 ||
		    buf_append_str(b, ",\n") < 0)
			return -1;
	return buf_append_str(b, "]\n");
}

static int put_bool(struct buf *b, const char *key, int value)
{
	return buf_printf(b, "%s = %s\n", key, value ? "true" : "false");
}

static int put_top(struct buf *b, const struct config *c)
{
	if (put_string(b, "domain", c->domain ? c->domain : "") < 0 ||
	    put_string(b, "data_dir", c->data_dir ? c->data_dir : "/var/lib/aimx") < 0 ||
	    put_string(b, "dkim_selector", c->dkim_selector ? c->dkim_selector : "aimx") < 0)
		return -1;
	if (c->trust != TRUST_NONE && put_string(b, "trust", config_trust_mode_name(c->trust)) < 0)
		return -1;
	if (c->trusted_senders.n && put_array(b, "trusted_senders", &c->trusted_senders) < 0)
		return -1;
	if (c->verify_host && put_string(b, "verify_host", c->verify_host) < 0)
		return -1;
	if (put_bool(b, "enable_ipv6", c->enable_ipv6) < 0)
		return -1;
	return c->signature ? put_string(b, "signature", c->signature) : 0;
}

static int put_table_header(struct buf *b, const char *open, const char *name, const char *tail,
			    const char *close)
{
	if (buf_printf(b, "\n%smailboxes.", open) < 0 || toml_write_key(b, name) < 0)
		return -1;
	return buf_printf(b, "%s%s\n", tail, close);
}

static int put_hook(struct buf *b, const struct mailbox *m, const struct hook *h)
{
	if (put_table_header(b, "[[", m->name, ".hooks", "]]") < 0)
		return -1;
	if (h->name && put_string(b, "name", h->name) < 0)
		return -1;
	if (put_string(b, "event", config_hook_event_name(h->event)) < 0 ||
	    put_string(b, "type", h->type ? h->type : "cmd") < 0 || put_array(b, "cmd", &h->cmd) < 0)
		return -1;
	if (h->fire_on_untrusted && put_bool(b, "fire_on_untrusted", 1) < 0)
		return -1;
	if (h->timeout_secs != HOOK_TIMEOUT_DEFAULT &&
	    buf_printf(b, "timeout_secs = %u\n", h->timeout_secs) < 0)
		return -1;
	return 0;
}

static int put_mailbox(struct buf *b, const struct mailbox *m)
{
	if (put_table_header(b, "[", m->name, "", "]") < 0 ||
	    put_string(b, "address", m->address ? m->address : "") < 0 ||
	    put_string(b, "owner", m->owner ? m->owner : "") < 0)
		return -1;
	if (m->has_trust && put_string(b, "trust", config_trust_mode_name(m->trust)) < 0)
		return -1;
	if (m->has_trusted_senders && put_array(b, "trusted_senders", &m->trusted_senders) < 0)
		return -1;
	if (m->allow_root_catchall && put_bool(b, "allow_root_catchall", 1) < 0)
		return -1;
	for (size_t j = 0; j < m->nhooks; j++)
		if (put_hook(b, m, &m->hooks[j]) < 0)
			return -1;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	const struct mailbox *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

/* [limits] with the keys the file set, in table order; nothing when none is set. */
static int put_limits(struct buf *b, const struct config_limits *l)
{
	int header = 0;
	for (int k = 0; k < LIMK_COUNT; k++) {
		if (!l->v[k])
			continue;
		if (!header++ && buf_append_str(b, "\n[limits]\n") < 0)
			return -1;
		if (buf_printf(b, "%s = %lld\n", config_limits_name((enum limit_key)k), l->v[k]) < 0)
			return -1;
	}
	return 0;
}

int config_serialize(const struct config *cfg, struct buf *out)
{
	const struct mailbox **order = calloc(cfg->nmailboxes + 1, sizeof(*order));
	if (!order)
		return -1;
	for (size_t k = 0; k < cfg->nmailboxes; k++)
		order[k] = &cfg->mailboxes[k];
	qsort(order, cfg->nmailboxes, sizeof(*order), by_name);
	int rc = put_top(out, cfg);
	for (size_t k = 0; rc == 0 && k < cfg->nmailboxes; k++)
		rc = put_mailbox(out, order[k]);
	free(order);
	if (rc == 0 && cfg->upgrade_release_manifest_url)
		rc = buf_append_str(out, "\n[upgrade]\n") < 0
			     ? -1
			     : put_string(out, "release_manifest_url", cfg->upgrade_release_manifest_url);
	return rc == 0 ? put_limits(out, &cfg->limits) : rc;
}

int config_save(const struct config *cfg, const char *path)
{
	struct buf text = BUF_INIT;
	if (config_serialize(cfg, &text) < 0) {
		buf_free(&text);
		return -1;
	}
	uid_t uid = geteuid() == 0 ? 0 : (uid_t)-1;
	gid_t gid = geteuid() == 0 ? 0 : (gid_t)-1;
	int rc = fileio_write_atomic(path, text.data, text.len, CONFIG_MODE, uid, gid);
	buf_free(&text);
	return rc;
}
