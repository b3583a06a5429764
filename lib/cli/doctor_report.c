/* doctor_report.c: the Configuration, Mailboxes, Ownership and DNS sections of `aimx doctor`. */
#include "cli/cli_table.h"
#include "base/err.h"
#include "cli/doctor.h"

#include <cJSON.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dkim/dkim_keyfile.h"
#include "cli/dns_records.h"
#include "cli/dns_records_print.h"
#include "base/paths.h"
#include "cli/setup_ui.h"
#include "control/verb_list.h"

#define TABLE_COLS 7

void doctor_print_configuration(const struct config *cfg, const char *config_path,
                                const char *data_dir)
{
	char key[AIMX_PATH_MAX];
	int have_key = paths_dkim_private_key(key, sizeof(key)) == 0 && access(key, F_OK) == 0;
	setup_ui_header("Configuration");
	printf("Domain:           %s\n", cfg->domain);
	printf("Config file:      %s\n", config_path);
	printf("Data directory:   %s\n", data_dir);
	printf("DKIM selector:    %s\n", cfg->dkim_selector);
	printf("DKIM key:         %s%s%s\n", cli_on(have_key ? STYLE_GREEN : STYLE_YELLOW),
	       have_key ? "present" : "MISSING - run `sudo aimx dkim-keygen`", cli_off());
	printf("Global trust:     %s\n", config_trust_mode_name(cfg->trust));
	printf("Trusted senders:  ");
	for (size_t k = 0; k < cfg->trusted_senders.n; k++)
		printf("%s%s", k ? ", " : "", cfg->trusted_senders.v[k]);
	printf("%s\n", cfg->trusted_senders.n ? "" : "(none)");
}

/* Indexes of cfg's mailboxes in name order. Malloc'd, NULL on ENOMEM or no mailboxes. */
static size_t *sorted_mailboxes(const struct config *cfg)
{
	size_t *ix = cfg->nmailboxes ? malloc(cfg->nmailboxes * sizeof(*ix)) : NULL;
	for (size_t k = 0; ix && k < cfg->nmailboxes; k++) {
		size_t j = k;
		for (; j > 0 && strcmp(cfg->mailboxes[ix[j - 1]].name, cfg->mailboxes[k].name) > 0;
		     j--)
			ix[j] = ix[j - 1];
		ix[j] = k;
	}
	return ix;
}

/* The cells of one table row; the numbers come from the MAILBOX-LIST row. */
static void row_cells(const struct config *cfg, const struct mailbox *mb, const cJSON *counts,
                      char cells[TABLE_COLS][256])
{
	snprintf(cells[0], 256, "%s", mb->name);
	snprintf(cells[1], 256, "%s", mb->address);
	snprintf(cells[2], 256, "%ld", cli_json_num(counts, "total"));
	snprintf(cells[3], 256, "%ld", cli_json_num(counts, "unread"));
	snprintf(cells[4], 256, "%s", config_trust_mode_name(config_mailbox_trust(cfg, mb)));
	snprintf(cells[5], 256, "%zu", config_mailbox_senders(cfg, mb)->n);
	snprintf(cells[6], 256, "%zu", mb->nhooks);
}

static void table_frame(const size_t width[TABLE_COLS])
{
	printf("  +");
	for (size_t c = 0; c < TABLE_COLS; c++) {
		for (size_t k = 0; k < width[c] + 2; k++)
			putchar('-');
		putchar('+');
	}
	putchar('\n');
}

static void table_row(char cells[TABLE_COLS][256], const size_t width[TABLE_COLS], int header)
{
	static const int right[TABLE_COLS] = {0, 0, 1, 1, 0, 1, 1};
	printf("  |");
	for (size_t c = 0; c < TABLE_COLS; c++) {
		size_t pad = width[c] - cli_width(cells[c]);
		enum cli_style style = c == 0 && !header ? STYLE_BOLD : STYLE_PLAIN;
		printf(" %*s%s%s%s%*s |", right[c] ? (int)pad : 0, "", cli_on(style), cells[c],
		       cli_off(), right[c] ? 0 : (int)pad, "");
	}
	putchar('\n');
}

/* The MAILBOX-LIST row of name in rows, NULL when absent. */
static const cJSON *counts_of(const cJSON *rows, const char *name)
{
	const cJSON *row;
	cJSON_ArrayForEach(row, rows)
	{
		if (strcmp(cli_json_str(row, "name"), name) == 0)
			return row;
	}
	return NULL;
}

/* The boxed table; column widths fit the widest cell (a first pass over the rows). */
static void print_table(const struct config *cfg, const size_t *ix, const cJSON *rows)
{
	char head[TABLE_COLS][256] = {"Mailbox", "Address", "Total", "Unread",
	                              "Trust",   "Senders", "Hooks"};
	char row[TABLE_COLS][256];
	size_t width[TABLE_COLS];
	for (size_t c = 0; c < TABLE_COLS; c++)
		width[c] = cli_width(head[c]);
	for (int pass = 0; pass < 2; pass++) {
		if (pass) {
			table_frame(width);
			table_row(head, width, 1);
			table_frame(width);
		}
		for (size_t k = 0; k < cfg->nmailboxes; k++) {
			const struct mailbox *mb = &cfg->mailboxes[ix[k]];
			row_cells(cfg, mb, counts_of(rows, mb->name), row);
			for (size_t c = 0; !pass && c < TABLE_COLS; c++)
				if (cli_width(row[c]) > width[c])
					width[c] = cli_width(row[c]);
			if (pass)
				table_row(row, width, 0);
		}
	}
	table_frame(width);
}

void doctor_print_mailboxes(const struct config *cfg)
{
	char *json = verb_mailbox_list_json(cfg, 0);
	cJSON *rows = json ? cJSON_Parse(json) : NULL;
	long messages = 0, unread = 0;
	for (size_t k = 0; k < cfg->nmailboxes; k++) {
		const cJSON *c = counts_of(rows, cfg->mailboxes[k].name);
		messages += cli_json_num(c, "total");
		unread += cli_json_num(c, "unread");
	}
	printf("\n");
	setup_ui_header("Mailboxes");
	printf("Total:            %zu (%ld messages, %ld unread)\n", cfg->nmailboxes, messages,
	       unread);
	size_t *ix = sorted_mailboxes(cfg);
	if (ix) {
		printf("\n");
		print_table(cfg, ix, rows);
	}
	free(ix);
	cJSON_Delete(rows);
	free(json);
}

int doctor_print_ownership(const struct config *cfg)
{
	size_t *ix = sorted_mailboxes(cfg), width = 8, shown = 0;
	int orphan = 0;
	printf("\n");
	setup_ui_header("Ownership");
	for (size_t k = 0; ix && k < cfg->nmailboxes; k++)
		if (!config_mailbox_is_catchall(cfg, &cfg->mailboxes[k]) &&
		    strlen(cfg->mailboxes[k].name) > width)
			width = strlen(cfg->mailboxes[k].name);
	for (size_t k = 0; ix && k < cfg->nmailboxes; k++) {
		const struct mailbox *mb = &cfg->mailboxes[ix[k]];
		if (config_mailbox_is_catchall(cfg, mb))
			continue;
		const struct passwd *pw = getpwnam(mb->owner);
		orphan |= !pw;
		shown++;
		printf("  %s%s%s%*s  owner=%s  %s  ", cli_on(STYLE_BOLD), mb->name, cli_off(),
		       (int)(width - strlen(mb->name)), "", mb->owner,
		       setup_ui_mark(pw ? UI_OK : UI_FAIL));
		if (pw)
			printf("uid=%u\n", (unsigned)pw->pw_uid);
		else
			printf("user not found\n");
	}
	if (!shown)
		printf("  %s(no non-catchall mailboxes)%s\n", cli_on(STYLE_DIM), cli_off());
	free(ix);
	return orphan;
}

/* The DKIM TXT value of <config>/dkim/public.key, or NULL when there is none. Malloc'd. */
static char *local_dkim_value(void)
{
	char path[AIMX_PATH_MAX], err[ERR_SIZE];
	struct buf spki = BUF_INIT, value = BUF_INIT;
	char *out = NULL;
	if (paths_dkim_public_key(path, sizeof(path)) == 0 && access(path, F_OK) == 0 &&
	    dkim_keyfile_read_public(path, &spki, err) == 0 &&
	    dkim_keyfile_record(&spki, &value) == 0)
		out = buf_steal(&value);
	buf_free(&spki);
	buf_free(&value);
	return out;
}

static void dns_skipped(const char *why)
{
	printf("  %sskipped%s - %s\n", cli_on(STYLE_YELLOW), cli_off(), why);
}

void doctor_print_dns(const struct config *cfg)
{
	char ip4[SERVER_ADDR_SIZE], ip6[SERVER_ADDR_SIZE];
	struct dns_resolver res;
	printf("\n");
	setup_ui_header("DNS");
	if (server_addr_get(ip4, ip6) < 0) {
		dns_skipped("could not determine server IP");
		return;
	}
	if (dns_records_resolver(&res) < 0) {
		dns_skipped("the resolver configuration (AIMX_RESOLV_CONF) cannot be read");
		return;
	}
	char *dkim = local_dkim_value();
	struct dns_records r;
	struct dns_checks checks;
	if (dns_records_build(&r, cfg->domain, cfg->dkim_selector, ip4,
	                      cfg->enable_ipv6 ? ip6 : NULL, dkim) < 0) {
		dns_skipped("the domain or selector is too long for DNS");
	} else {
		struct dns_lookup lk = dns_lookup_resolver(&res);
		dns_records_check(&r, &lk, &checks);
		dns_records_print_checks(&r, &checks, stdout);
	}
	dns_records_free(&r);
	free(dkim);
}
