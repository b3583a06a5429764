/* config.c: the config model's memory: freeing a config, removing a mailbox or a hook. */
#include "conf/config.h"

#include <stdlib.h>
#include <string.h>

static void hook_free(struct hook *h)
{
	free(h->name);
	free(h->type);
	strlist_free(&h->cmd);
}

static void mailbox_free(struct mailbox *m)
{
	free(m->name);
	free(m->address);
	free(m->owner);
	strlist_free(&m->trusted_senders);
	for (size_t j = 0; j < m->nhooks; j++)
		hook_free(&m->hooks[j]);
	free(m->hooks);
}

void config_free(struct config *cfg)
{
	free(cfg->domain);
	free(cfg->data_dir);
	free(cfg->dkim_selector);
	strlist_free(&cfg->trusted_senders);
	free(cfg->verify_host);
	free(cfg->signature);
	free(cfg->upgrade_release_manifest_url);
	for (size_t k = 0; k < cfg->nmailboxes; k++)
		mailbox_free(&cfg->mailboxes[k]);
	free(cfg->mailboxes);
	memset(cfg, 0, sizeof(*cfg));
}

void config_remove_mailbox(struct config *cfg, size_t index)
{
	mailbox_free(&cfg->mailboxes[index]);
	memmove(&cfg->mailboxes[index], &cfg->mailboxes[index + 1],
		(cfg->nmailboxes - index - 1) * sizeof(cfg->mailboxes[0]));
	cfg->nmailboxes--;
}

void config_remove_hook(struct mailbox *mb, size_t index)
{
	hook_free(&mb->hooks[index]);
	memmove(&mb->hooks[index], &mb->hooks[index + 1],
		(mb->nhooks - index - 1) * sizeof(mb->hooks[0]));
	mb->nhooks--;
}
