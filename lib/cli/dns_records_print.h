/* dns_records_print.h: the DNS records table and check results as the terminal shows them. */
#ifndef AIMX_DNS_RECORDS_PRINT_H
#define AIMX_DNS_RECORDS_PRINT_H

#include <stdio.h>

#include "cli/dns_records.h"

/* The column heads "  TYPE NAME ... VALUE" and their rule, then each row as
 * "  {type:4} {name:<45} {value}\n". */
void dns_records_print_table(const struct dns_records *r, FILE *out);

/* The result lines: "  <Check>: [OK]" / "  <Check>: [FAIL] - <msg>" plus the
 * "         [>] Add: <T>  <name>  <value>" line (and for DKIM a "!!" line) /
 * "  <Check>: [WARN] - <msg>" (glyphs and colour when cli_color()). */
void dns_records_print_checks(const struct dns_records *r, const struct dns_checks *c, FILE *out);

#endif
