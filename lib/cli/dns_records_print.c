/* dns_records_print.c: the table of DNS records to publish and the result lines of their check. */
#include "cli/dns_records_print.h"

#include <string.h>

#include "cli/cli.h"
#include "cli/setup_ui.h"

void dns_records_print_table(const struct dns_records *r, FILE *out)
{
	fprintf(out, "  %-4s %-45s %s\n", "TYPE", "NAME", "VALUE");
	fprintf(out, "  ---- --------------------------------------------- -----\n");
	for (size_t k = 0; k < r->nrows; k++)
		fprintf(out, "  %-4s %-45s %s\n", r->row[k].type, r->row[k].name, r->row[k].value);
}

static void print_failure(const struct dns_records *r, const struct dns_check *c, FILE *out)
{
	int color = cli_color();
	fprintf(out, "  %s: %s - %s\n", c->label, setup_ui_mark(UI_FAIL), c->msg);
	if (c->row >= 0) {
		const struct dns_record_row *row = &r->row[c->row];
		fprintf(out, "         %s%s Add:%s %s  %s  %s\n", color ? "\033[2m" : "",
		        setup_ui_mark(UI_ARROW), color ? "\033[0m" : "", row->type, row->name,
		        row->value);
	}
	if (strcmp(c->label, "DKIM") == 0)
		fprintf(out,
		        "         %s Outbound DKIM signatures will FAIL verification at receivers "
		        "until DNS matches.\n",
		        color ? "\033[1;31m!!\033[0m" : "!!");
}

void dns_records_print_checks(const struct dns_records *r, const struct dns_checks *c, FILE *out)
{
	for (size_t k = 0; k < c->n; k++) {
		const struct dns_check *ck = &c->c[k];
		if (ck->verdict == DNS_PASS)
			fprintf(out, "  %s: %s\n", ck->label, setup_ui_mark(UI_OK));
		else if (ck->verdict == DNS_WARN)
			fprintf(out, "  %s: %s - %s\n", ck->label, setup_ui_mark(UI_WARN), ck->msg);
		else
			print_failure(r, ck, out);
	}
}
